import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { MARKERS } from "../../contract";
import { cfg } from "../lib/config";
import { DEFAULT_MIN_REASON_LENGTH } from "../lib/exemptions";
import { tableFormat } from "../lib/formats";
import { isCurated, LayerPatterns, layerPatternsSchema } from "../lib/layers";
import { partitionKeyNames, tableLayers } from "../lib/lake";
import { projectionEnabled } from "../lib/projection";
import { isUnknown, list, stringMap } from "../lib/props";
import { lakeTables } from "../lib/tables";

export interface PartitioningConfig {
    layerPatterns: LayerPatterns;
    minReasonLength: number;
}

const configSchema: PolicyConfigSchema = {
    properties: {
        layerPatterns: layerPatternsSchema,
        minReasonLength: {
            type: "integer",
            minimum: 1,
            default: DEFAULT_MIN_REASON_LENGTH,
            description: `Shortest accepted ${MARKERS.unpartitionedReason} exemption reason, in characters.`,
        },
    },
};

/**
 * Silver and gold tables are partitioned: Glue partition keys (with or without Athena partition
 * projection, whose consistency `partition-projection-consistency` checks) or an Iceberg partition
 * spec. A table may opt out with a written reason in its `lake:unpartitioned-reason` parameter;
 * `listExemptions` (policies/lib/exemptions.ts) lists those for reports. Tables created by DDL in saved
 * Athena queries are judged too (policies/lib/tables.ts): PARTITIONED BY, CTAS partitioned_by/partitioning.
 */
export const curatedTablePartitioning: StackValidationPolicy = {
    name: "curated-table-partitioning",
    description:
        `Glue catalog tables (and tables created by DDL in Athena named queries) in the silver and gold layers declare partition keys (or an Iceberg partition spec), or carry a written ${MARKERS.unpartitionedReason} exemption.`,
    severity: "medium",
    tags: ["data-layout", "cost", "performance"],
    configSchema,
    remediationSteps:
        `Add partitionKeys (e.g. a date column "dt" of type "string"), optionally with Athena partition projection, or set parameters["${MARKERS.unpartitionedReason}"] to why the table is small enough to scan whole.`,
    validateStack: (args, report) => {
        const { layerPatterns, minReasonLength } = cfg<PartitioningConfig>(args, configSchema);
        const layerOf = tableLayers(args.resources, layerPatterns);
        for (const t of lakeTables(args.resources).tables) {
            const table = t.table;
            const verdict = layerOf(table);
            if (!verdict || !isCurated(verdict.layer)) continue;
            if (partitionKeyNames(table.props).length > 0 || isUnknown(table.props, "partitionKeys")) continue;
            const iceberg = tableFormat(table.props).iceberg;
            if (iceberg && list(table.props, "openTableFormatInput", "icebergInput", "icebergTableInput", "partitionSpec", "fields").length > 0) continue;
            const params = stringMap(table.props, "parameters");
            const reason = params[MARKERS.unpartitionedReason];
            const where = `${t.label} is in the ${verdict.layer} layer (${verdict.because})`;
            if (reason !== undefined && reason.trim().length >= minReasonLength) continue;
            if (reason !== undefined) {
                report(
                    `${where} and is exempted from partitioning, but its reason parameters["${MARKERS.unpartitionedReason}"]="${reason}" is ${reason.trim().length} characters, under the minimum of ${minReasonLength}. ` +
                        `Fix: write why the table doesn't need partitions (e.g. "dimension table, under 10k rows, replaced daily").`,
                    t.resource.urn,
                );
                continue;
            }
            if (t.ddl) {
                const fix = t.ddl.kind === "CREATE TABLE AS SELECT" ? "add partitioned_by = ARRAY['dt'] (Iceberg: partitioning = ARRAY['day(ts)']) to WITH (...)" : "add PARTITIONED BY (dt string) (Iceberg: PARTITIONED BY (day(ts)))";
                report(
                    `${where} but its ${t.ddl.kind} declares no partitions. Fix: ${fix}, or, for a small table, set TBLPROPERTIES ('${MARKERS.unpartitionedReason}'='<reason of at least ${minReasonLength} characters>').`,
                    t.resource.urn,
                );
                continue;
            }
            const what = iceberg
                ? `is an Iceberg table (${iceberg}) with no partition spec`
                : projectionEnabled(params)
                  ? "enables partition projection without declaring partitionKeys"
                  : "declares no partitionKeys";
            const fix = iceberg
                ? "set openTableFormatInput.icebergInput.icebergTableInput.partitionSpec.fields"
                : 'add partitionKeys (e.g. [{ name: "dt", type: "string" }]) with matching S3 prefixes';
            report(
                `${where} but ${what}. Fix: ${fix}, or, for a small table, set parameters["${MARKERS.unpartitionedReason}"] to a reason of at least ${minReasonLength} characters.`,
                t.resource.urn,
            );
        }
    },
};
