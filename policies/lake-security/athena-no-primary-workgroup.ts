import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { cfg, stringListSchema } from "../lib/config";
import { isUnknown, str, subject } from "../lib/props";
import { T } from "../lib/types";

export interface NoPrimaryWorkgroupConfig {
    disallowedWorkgroups: string[];
}

const configSchema: PolicyConfigSchema = {
    properties: {
        disallowedWorkgroups: stringListSchema(
            ["primary"],
            "Workgroups saved queries must not use. `primary` exists in every account and no stack configures it: results are encrypted, located and capped only as whoever last edited it chose.",
        ),
    },
};

const TYPES: readonly string[] = [T.athenaNamedQuery, T.athenaPreparedStatement];
/** NamedQuery.workgroup "Defaults to `primary`" (provider docs); PreparedStatement requires one. */
const UNSET = "primary";

/**
 * Saved Athena queries (named queries, prepared statements) belong to a lake workgroup, not `primary`.
 * A lake workgroup enforces KMS result encryption and a per-query scan cutoff (athena-workgroup-encryption,
 * athena-bytes-scanned-cutoff judge those); a query saved in `primary` runs without either, and IAM
 * scoped to the lake workgroup doesn't cover it. A security rule because the bypassed setting that
 * matters most is result encryption.
 */
export const athenaNoPrimaryWorkgroup: ResourceValidationPolicy = {
    name: "athena-no-primary-workgroup",
    description:
        "Athena named queries and prepared statements are saved in a lake workgroup (with enforced encryption and scan cutoff), not in `primary`, the default when no workgroup is set.",
    severity: "medium",
    tags: ["security", "athena"],
    configSchema,
    remediationSteps: "Set workgroup to the lake workgroup's name (e.g. workgroup: lakeWorkgroup.name) on every aws.athena.NamedQuery and aws.athena.PreparedStatement.",
    validateResource: (args, report) => {
        if (!TYPES.includes(args.type) || isUnknown(args.props, "workgroup")) return;
        const { disallowedWorkgroups } = cfg<NoPrimaryWorkgroupConfig>(args, configSchema);
        const given = str(args.props, "workgroup");
        const workgroup = given ?? UNSET;
        if (!disallowedWorkgroups.some((w) => w.toLowerCase() === workgroup.toLowerCase())) return;
        const said = given === undefined ? `workgroup is not set, so it is saved in "${workgroup}"` : `workgroup is "${given}"`;
        report(
            `${subject(args)}: ${said}, a workgroup this stack doesn't configure: no enforced KMS result encryption, no per-query scan cutoff, outside the lake workgroup's IAM scope. ` +
                `Fix: set workgroup to the lake workgroup's name (e.g. workgroup: lakeWorkgroup.name).`,
        );
    },
};
