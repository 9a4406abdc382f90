import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { bool, list, peek, str, subject, UNKNOWN } from "../lib/props";
import { T } from "../lib/types";

export interface RedshiftNetworkConfig {
    requireEnhancedVpcRouting: boolean;
    requireSsl: boolean;
}

const netSchema: PolicyConfigSchema = {
    properties: {
        requireEnhancedVpcRouting: {
            type: "boolean",
            default: false,
            description: "Also require enhancedVpcRouting: true, so COPY/UNLOAD and Spectrum traffic to S3 stays in the VPC (needs an S3 gateway endpoint).",
        },
        requireSsl: {
            type: "boolean",
            default: false,
            description: "Also require Serverless workgroups to set the configParameters entry require_ssl = true (snake_case key), so clients can't connect without TLS.",
        },
    },
};

/** The value a Serverless workgroup's configParameters give a key, UNKNOWN while computed, undefined when absent. */
function parameter(props: unknown, key: string): string | typeof UNKNOWN | undefined {
    if (peek(props, "configParameters") === UNKNOWN) return UNKNOWN;
    const entry = list(props, "configParameters").find((p) => str(p, "parameterKey") === key);
    if (!entry) return undefined;
    return peek(entry, "parameterValue") === UNKNOWN ? UNKNOWN : str(entry, "parameterValue");
}

/** Redshift clusters and Serverless workgroups are reachable only inside the VPC (and, optionally, only over TLS). */
export const redshiftNotPublic: ResourceValidationPolicy = {
    name: "redshift-not-public",
    description: "Redshift provisioned clusters and Redshift Serverless workgroups are not publicly accessible.",
    severity: "critical",
    tags: ["security", "network", "redshift"],
    configSchema: netSchema,
    remediationSteps: "Set publiclyAccessible: false and reach the endpoint through the VPC (VPN, bastion or QuickSight VPC connection).",
    validateResource: (args, report) => {
        if (args.type !== T.redshiftCluster && args.type !== T.redshiftServerlessWorkgroup) return;
        const v = peek(args.props, "publiclyAccessible");
        if (v !== UNKNOWN && bool(args.props, "publiclyAccessible") === true) {
            report(`${subject(args)}: publiclyAccessible is true, so its endpoint gets a public IP. Fix: set publiclyAccessible: false and connect from inside the VPC.`);
        }
        const { requireEnhancedVpcRouting, requireSsl } = cfg<RedshiftNetworkConfig>(args, netSchema);
        const evr = peek(args.props, "enhancedVpcRouting");
        if (requireEnhancedVpcRouting && evr !== UNKNOWN && bool(args.props, "enhancedVpcRouting") !== true) {
            report(`${subject(args)}: enhancedVpcRouting is ${bool(args.props, "enhancedVpcRouting") ?? "not set (false)"}, so its S3 traffic leaves the VPC. Fix: set enhancedVpcRouting: true and add an S3 gateway endpoint to the VPC.`);
        }
        if (requireSsl && args.type === T.redshiftServerlessWorkgroup) {
            const ssl = parameter(args.props, "require_ssl");
            if (ssl !== UNKNOWN && ssl !== "true") {
                const camel = parameter(args.props, "requireSsl") !== undefined ? " (a camelCase requireSsl key is not a Redshift parameter)" : "";
                report(`${subject(args)}: configParameters require_ssl is ${ssl === undefined ? "not set" : `"${ssl}"`}${camel}, so clients may connect without TLS. Fix: add { parameterKey: "require_ssl", parameterValue: "true" } to configParameters.`);
            }
        }
    },
};
