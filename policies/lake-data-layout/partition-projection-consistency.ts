import { PolicyConfigSchema, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { partitionKeyNames } from "../lib/lake";
import { checkProjection, checkTemplate, projectionEnabled } from "../lib/projection";
import { isUnknown, stringMap, subject } from "../lib/props";
import { resourceClass, T } from "../lib/types";

export interface PartitionProjectionConfig {
    requireLocationTemplate: boolean;
}

const configSchema: PolicyConfigSchema = {
    properties: {
        requireLocationTemplate: {
            type: "boolean",
            default: true,
            description:
                "Require storage.location.template when projection is on. Without it Athena assumes Hive-style key=value prefixes under the table location.",
        },
    },
};

/**
 * Athena partition projection is complete and consistent: a supported type per partition key, the
 * range/values/format that type needs, no settings for non-partition columns, and a
 * `storage.location.template` whose placeholders are exactly the partition keys. A broken
 * projection makes Athena return no rows rather than fail, which is why this is strict.
 */
export const partitionProjectionConsistency: ResourceValidationPolicy = {
    name: "partition-projection-consistency",
    description:
        "Glue tables with Athena partition projection define a valid type and range/values/format for every partition key, and a storage.location.template with exactly the partition keys as placeholders.",
    severity: "high",
    tags: ["data-layout", "correctness"],
    configSchema,
    remediationSteps:
        "For each partition key k set projection.k.type (enum|integer|date|injected) and what that type needs (enum: values; integer: range; date: range and format), and set storage.location.template to an s3:// URI with one ${k} per partition key.",
    validateResource: validateResourceOfType(resourceClass(T.glueCatalogTable), (_table, args, report) => {
        const { requireLocationTemplate } = cfg<PartitionProjectionConfig>(args, configSchema);
        // Computed parameters or keys (preview): judged once known.
        if (isUnknown(args.props, "parameters") || isUnknown(args.props, "partitionKeys")) return;
        const params = stringMap(args.props, "parameters");
        const keys = partitionKeyNames(args.props);
        const projectionKeys = Object.keys(params).filter((k) => k.startsWith("projection.") && k !== "projection.enabled");
        if (!projectionEnabled(params)) {
            if (projectionKeys.length > 0) {
                const enabled = params["projection.enabled"];
                report(
                    `${subject(args)} sets ${projectionKeys.join(", ")} but parameters["projection.enabled"] is ${enabled === undefined ? "not set" : `"${enabled}"`}, so Athena ignores the projection and queries see no partitions unless they are added to the catalog. ` +
                        `Fix: set parameters["projection.enabled"]="true", or remove the projection.* parameters.`,
                );
            }
            return;
        }
        const problems = [
            ...checkProjection(params, keys),
            ...(isUnknown(args.props, "parameters", "storage.location.template")
                ? []
                : checkTemplate(params["storage.location.template"], keys, requireLocationTemplate)),
        ];
        for (const p of problems) {
            const field = p.key === "partitionKeys" ? "" : `parameters["${p.key}"] `;
            report(`${subject(args)} has partition projection enabled, but ${field}${p.problem}. Fix: ${p.fix}.`);
        }
    }),
};
