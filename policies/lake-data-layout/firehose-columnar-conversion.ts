import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { isCurated, LayerPatterns, layerPatternsSchema } from "../lib/layers";
import { firehoseLayers } from "../lib/lake";
import { tableFormat } from "../lib/formats";
import { bool, list, peek, str, subject, UNKNOWN } from "../lib/props";
import { T } from "../lib/types";

export interface FirehoseConversionConfig {
    layerPatterns: LayerPatterns;
}

const configSchema: PolicyConfigSchema = { properties: { layerPatterns: layerPatternsSchema } };

const FIX =
    "set extendedS3Configuration.dataFormatConversionConfiguration with enabled=true, inputFormatConfiguration.deserializer " +
    "(openXJsonSerDe or hiveJsonSerDe), outputFormatConfiguration.serializer.parquetSerDe (or orcSerDe) and schemaConfiguration " +
    "pointing at the target Glue table; or deliver to the bronze layer and convert downstream";

/**
 * A Firehose stream that writes to a silver or gold location converts records to Parquet or ORC.
 * A stack policy so the destination bucket's `lake:layer` tag counts. Iceberg destinations write
 * Parquet data files, but only into a table that is Iceberg: each destination table of the stack must be one
 * (Firehose can't append to a plain Glue table).
 */
export const firehoseColumnarConversion: StackValidationPolicy = {
    name: "firehose-columnar-conversion",
    description:
        "Firehose streams that deliver to a silver or gold S3 location convert records to Parquet or ORC with record format conversion.",
    severity: "high",
    tags: ["data-layout", "cost"],
    configSchema,
    remediationSteps: FIX,
    validateStack: (args, report) => {
        const { layerPatterns } = cfg<FirehoseConversionConfig>(args, configSchema);
        const layerOf = firehoseLayers(args.resources, layerPatterns);
        const tables = args.resources.filter((r) => r.type === T.glueCatalogTable);
        for (const stream of args.resources.filter((r) => r.type === T.firehose)) {
            if (str(stream.props, "destination") === "iceberg") {
                icebergDestination(stream, tables, report);
                continue;
            }
            if (str(stream.props, "destination") !== "extended_s3") continue;
            const verdict = layerOf(stream);
            if (!verdict || !isCurated(verdict.layer)) continue;
            const where = `${subject(stream)} delivers to the ${verdict.layer} layer (${verdict.because})`;
            const conv = peek(stream.props, "extendedS3Configuration", "dataFormatConversionConfiguration");
            if (conv === undefined || conv === null) {
                report(`${where} without record format conversion, so it writes the raw JSON it receives. Fix: ${FIX}.`, stream.urn);
                continue;
            }
            if (bool(conv, "enabled") === false) {
                report(`${where} but dataFormatConversionConfiguration.enabled is false. Fix: set it to true (the default).`, stream.urn);
                continue;
            }
            const serializer = peek(conv, "outputFormatConfiguration", "serializer");
            const columnar = ["parquetSerDe", "orcSerDe"].filter((k) => {
                const v = peek(serializer, k);
                return v !== undefined && v !== null;
            });
            if (columnar.length !== 1) {
                report(
                    `${where} but outputFormatConfiguration.serializer sets ${columnar.length === 0 ? "neither parquetSerDe nor orcSerDe" : "both parquetSerDe and orcSerDe"}. ` +
                        "Fix: set exactly one of serializer.parquetSerDe or serializer.orcSerDe.",
                    stream.urn,
                );
            }
        }
    },
};

type Resource = Parameters<StackValidationPolicy["validateStack"]>[0]["resources"][number];

/** Each table an Iceberg destination names that the stack defines is an Iceberg table. */
function icebergDestination(stream: Resource, tables: readonly Resource[], report: (message: string, urn?: string) => void): void {
    const configured = peek(stream.props, "icebergConfiguration", "destinationTableConfigurations");
    if (configured === UNKNOWN) return;
    // None named: Firehose routes each record by its own metadata (JQ or Lambda), to tables only AWS sees.
    for (const d of list(stream.props, "icebergConfiguration", "destinationTableConfigurations")) {
        const database = str(d, "databaseName");
        const name = str(d, "tableName");
        const table = tables.find((t) => str(t.props, "databaseName") === database && str(t.props, "name") === name);
        if (!table) continue;
        const format = tableFormat(table.props);
        if (format.unknown || format.iceberg) continue;
        report(
            `${subject(stream)} writes through its Iceberg destination into ${database}.${name}, which is not an Iceberg table (no openTableFormatInput.icebergInput or table_type=ICEBERG). ` +
                "Fix: make the table Iceberg (format: iceberg), or deliver with extended_s3 and record format conversion.",
            stream.urn,
        );
    }
}
