import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { isCurated, LayerPatterns, layerPatternsSchema } from "../lib/layers";
import { firehoseLayers } from "../lib/lake";
import { bool, peek, str, subject } from "../lib/props";
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
 * Iceberg tables and pass.
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
        for (const stream of args.resources.filter((r) => r.type === T.firehose)) {
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
