import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { COLUMNAR, familiesOf, FormatSlot, PARQUET, tableFormat } from "../lib/formats";
import { isCurated, LayerPatterns, layerPatternsSchema } from "../lib/layers";
import { tableLayers } from "../lib/lake";
import { lakeTables, TableSubject } from "../lib/tables";

export interface ColumnarFormatConfig {
    layerPatterns: LayerPatterns;
}

const configSchema: PolicyConfigSchema = { properties: { layerPatterns: layerPatternsSchema } };

const PARQUET_FIX =
    `set storageDescriptor.inputFormat="${PARQUET.inputFormat}", outputFormat="${PARQUET.outputFormat}" and ` +
    `serDeInfo.serializationLibrary="${PARQUET.serializationLibrary}" (or the ORC classes), or make it an Iceberg ` +
    `table with openTableFormatInput.icebergInput; keep CSV/JSON/Avro/text in the bronze (raw) layer`;

const DDL_FIX =
    "write STORED AS PARQUET (or ORC) without a row-format SERDE, or make it an Iceberg table (TBLPROPERTIES ('table_type'='ICEBERG')); " +
    "in a CTAS use WITH (format = 'PARQUET') or table_type = 'ICEBERG'; keep JSON/CSV/text tables in the bronze (raw) layer";

/** The problem with a curated table's format, or undefined when it is columnar (or can't be judged yet). */
function formatProblem(t: TableSubject, where: string): string | undefined {
    const format = tableFormat(t.table.props);
    if (format.iceberg || format.unknown) return undefined;
    const fix = t.ddl ? DDL_FIX : PARQUET_FIX;
    const show = (slots: FormatSlot[], withFamily: boolean) =>
        [...new Set(slots.map((s) => `${t.describeSlot(s)}${withFamily ? ` (${s.family})` : ""}`))].join(", ");
    const set = format.slots.filter((s) => s.value !== undefined);
    if (set.length === 0) return `${where} but declares no storage format. Fix: ${fix}.`;
    const rowSlots = set.filter((s) => s.family !== undefined && !COLUMNAR.includes(s.family));
    const unknownSlots = set.filter((s) => s.family === undefined);
    const families = familiesOf(format);
    const missing = format.slots.filter((s) => s.value === undefined);
    if (rowSlots.length > 0) return `${where} but stores a row format: ${show(rowSlots, true)}. Fix: ${fix}.`;
    if (unknownSlots.length > 0) return `${where} but uses unrecognised class(es) ${show(unknownSlots, false)}. Fix: ${fix}.`;
    if (families.length > 1) {
        return `${where} but mixes ${families.join(" and ")} classes: ${show(set, false)}. Fix: use one format's input format, output format and SerDe together.`;
    }
    if (missing.length > 0) {
        const fam = families[0];
        return `${where} and is ${fam}, but ${missing.map((s) => s.field).join(" and ")} ${missing.length === 1 ? "is" : "are"} not set; Athena and Spectrum need all three. Fix: set the ${fam} class for each.`;
    }
    return undefined;
}

/**
 * Silver and gold tables are Parquet, ORC or Iceberg: Glue catalog tables, and tables created by DDL saved in
 * Athena named queries and prepared statements (policies/lib/tables.ts). A stack policy because the layer may
 * come from the table's database resource (its `lake:layer` parameter), which a resource policy can't see.
 */
export const curatedColumnarFormat: StackValidationPolicy = {
    name: "curated-columnar-format",
    description:
        "Glue catalog tables (and tables created by DDL in Athena named queries) in the silver and gold layers store Parquet, ORC or Iceberg; row formats (CSV, JSON, Avro, text) stay in bronze.",
    severity: "high",
    tags: ["data-layout", "cost", "performance"],
    configSchema,
    remediationSteps: PARQUET_FIX,
    validateStack: (args, report) => {
        const { layerPatterns } = cfg<ColumnarFormatConfig>(args, configSchema);
        const layerOf = tableLayers(args.resources, layerPatterns);
        for (const t of lakeTables(args.resources).tables) {
            const verdict = layerOf(t.table);
            if (!verdict || !isCurated(verdict.layer)) continue;
            const problem = formatProblem(t, `${t.label} is in the ${verdict.layer} layer (${verdict.because})`);
            if (problem) report(problem, t.resource.urn);
        }
    },
};
