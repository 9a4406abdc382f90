import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { bool, peek, str, subject, UNKNOWN } from "../lib/props";

/** The provider's type token (kept here: the shared type list is not this policy's to grow). */
export const QUICKSIGHT_DATA_SOURCE = "aws:quicksight/dataSource:DataSource";

export interface QuickSightDataSourceConfig {
    workgroupPattern: string;
    requireRoleArn: boolean;
}

const dataSourceSchema: PolicyConfigSchema = {
    properties: {
        workgroupPattern: {
            type: "string",
            default: "-bi$",
            description: "Regular expression an Athena data source's workgroup must match: the stack's BI workgroup (`<prefix>-<env>-bi`).",
        },
        requireRoleArn: {
            type: "boolean",
            default: true,
            description: "Athena data sources name their own role (parameters.athena.roleArn) instead of the account-wide aws-quicksight-service-role-v0.",
        },
    },
};

/**
 * QuickSight reaches the lake over TLS only and, for Athena, inside the BI workgroup (its scan cutoff, its own
 * results prefix, KMS-encrypted results) with a role of its own: a data source in `primary` or another team's
 * workgroup, or on the account-wide service role, reads what no BI review granted.
 */
export const quicksightDataSourceSecure: ResourceValidationPolicy = {
    name: "quicksight-data-source-secure",
    description: "QuickSight data sources keep SSL on; Athena data sources run in the BI workgroup with a dedicated role.",
    severity: "high",
    tags: ["security", "quicksight", "athena"],
    configSchema: dataSourceSchema,
    remediationSteps: "Set sslProperties: { disableSsl: false }, parameters.athena.workGroup: <the BI workgroup>, parameters.athena.roleArn: <the lake's QuickSight role>.",
    validateResource: (args, report) => {
        if (args.type !== QUICKSIGHT_DATA_SOURCE) return;
        const { workgroupPattern, requireRoleArn } = cfg<QuickSightDataSourceConfig>(args, dataSourceSchema);
        if (peek(args.props, "sslProperties", "disableSsl") !== UNKNOWN && bool(args.props, "sslProperties", "disableSsl") === true) {
            report(`${subject(args)}: sslProperties.disableSsl is true, so QuickSight connects without TLS. Fix: set sslProperties: { disableSsl: false }.`);
        }
        if (str(args.props, "type")?.toUpperCase() !== "ATHENA") return;
        const workGroup = peek(args.props, "parameters", "athena", "workGroup");
        if (workGroup !== UNKNOWN) {
            const wg = str(args.props, "parameters", "athena", "workGroup");
            if (wg === undefined || wg === "primary" || !new RegExp(workgroupPattern).test(wg)) {
                const state = wg === undefined ? "no workgroup (Athena's primary)" : `workgroup "${wg}"`;
                report(`${subject(args)}: runs its Athena queries in ${state}, not the BI workgroup (/${workgroupPattern}/). Fix: set parameters.athena.workGroup to the stack's BI workgroup.`);
            }
        }
        if (requireRoleArn && peek(args.props, "parameters", "athena", "roleArn") !== UNKNOWN && !str(args.props, "parameters", "athena", "roleArn")) {
            report(`${subject(args)}: has no parameters.athena.roleArn, so it uses the account-wide aws-quicksight-service-role-v0 and whatever that role may read. Fix: set roleArn to the lake's QuickSight role.`);
        }
    },
};
