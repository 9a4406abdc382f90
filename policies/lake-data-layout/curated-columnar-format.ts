import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { COLUMNAR, familiesOf, PARQUET, tableFormat } from "../lib/formats";
import { isCurated, LayerPatterns, layerPatternsSchema } from "../lib/layers";
import { tableLayers } from "../lib/lake";
import { subject } from "../lib/props";
import { T } from "../lib/types";

export interface ColumnarFormatConfig {
    layerPatterns: LayerPatterns;
}

const configSchema: PolicyConfigSchema = { properties: { layerPatterns: layerPatternsSchema } };

const PARQUET_FIX =
    `set storageDescriptor.inputFormat="${PARQUET.inputFormat}", outputFormat="${PARQUET.outputFormat}" and ` +
    `serDeInfo.serializationLibrary="${PARQUET.serializationLibrary}" (or the ORC classes), or make it an Iceberg ` +
    `table with openTableFormatInput.icebergInput; keep CSV/JSON/Avro/text in the bronze (raw) layer`;

/**
 * Silver and gold tables are Parquet, ORC or Iceberg. A stack policy because the layer may come from
 * the table's database resource (its `lake:layer` parameter), which a resource policy can't see.
 */
export const curatedColumnarFormat: StackValidationPolicy = {
    name: "curated-columnar-format",
    description:
        "Glue catalog tables in the silver and gold layers store Parquet, ORC or Iceberg; row formats (CSV, JSON, Avro, text) stay in bronze.",
    severity: "high",
    tags: ["data-layout", "cost", "performance"],
    configSchema,
    remediationSteps: PARQUET_FIX,
    validateStack: (args, report) => {
        const { layerPatterns } = cfg<ColumnarFormatConfig>(args, configSchema);
        const layerOf = tableLayers(args.resources, layerPatterns);
        for (const table of args.resources.filter((r) => r.type === T.glueCatalogTable)) {
            const verdict = layerOf(table);
            if (!verdict || !isCurated(verdict.layer)) continue;
            const format = tableFormat(table.props);
            if (format.iceberg || format.unknown) continue;
            const where = `${subject(table)} is in the ${verdict.layer} layer (${verdict.because})`;
            const set = format.slots.filter((s) => s.value !== undefined);
            if (set.length === 0) {
                report(`${where} but declares no storage format. Fix: ${PARQUET_FIX}.`, table.urn);
                continue;
            }
            const rowSlots = set.filter((s) => s.family !== undefined && !COLUMNAR.includes(s.family));
            const unknownSlots = set.filter((s) => s.family === undefined);
            const families = familiesOf(format);
            const missing = format.slots.filter((s) => s.value === undefined);
            if (rowSlots.length > 0) {
                const found = rowSlots.map((s) => `${s.field}="${s.value}" (${s.family})`).join(", ");
                report(`${where} but stores a row format: ${found}. Fix: ${PARQUET_FIX}.`, table.urn);
            } else if (unknownSlots.length > 0) {
                const found = unknownSlots.map((s) => `${s.field}="${s.value}"`).join(", ");
                report(`${where} but uses unrecognised class(es) ${found}. Fix: ${PARQUET_FIX}.`, table.urn);
            } else if (families.length > 1) {
                const found = set.map((s) => `${s.field}="${s.value}"`).join(", ");
                report(`${where} but mixes ${families.join(" and ")} classes: ${found}. Fix: use one format's input format, output format and SerDe together.`, table.urn);
            } else if (missing.length > 0) {
                const fam = families[0];
                report(`${where} and is ${fam}, but ${missing.map((s) => s.field).join(" and ")} ${missing.length === 1 ? "is" : "are"} not set; Athena and Spectrum need all three. Fix: set the ${fam} class for each.`, table.urn);
            }
        }
    },
};
