import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { MARKERS } from "../../contract";
import { cfg } from "../lib/config";
import { explainNoLayer, layerOf, LayerPatterns, layerPatternsSchema, patternWords } from "../lib/layers";
import { firehoseEvidence, tableEvidence } from "../lib/lake";
import { str, subject } from "../lib/props";
import { lakeTables } from "../lib/tables";
import { T } from "../lib/types";

export interface LayerDeterminedConfig {
    layerPatterns: LayerPatterns;
}

const configSchema: PolicyConfigSchema = { properties: { layerPatterns: layerPatternsSchema } };

/** The layer rules this one stands guard for: a resource without a layer passes them unseen. */
const TABLE_RULES = "curated-columnar-format and curated-table-partitioning";
const STREAM_RULE = "firehose-columnar-conversion";

/**
 * Every Glue table (and every table a saved Athena DDL creates) and every Firehose S3 destination has a
 * determinable layer. The layer rules judge only what they can place in a layer, so a table in `analytics_dw`
 * or a stream into `acme-events` passed them silently; this rule makes that visible. Evidence still computed
 * at preview (a database name from another resource's output) is waited for, not reported.
 */
export const lakeLayerDetermined: StackValidationPolicy = {
    name: "lake-layer-determined",
    description:
        `Glue tables, tables created by Athena saved-query DDL and Firehose S3 destinations carry a ${MARKERS.layer} marker or a name that places them in bronze, silver or gold, so the layer rules can judge them.`,
    severity: "medium",
    tags: ["data-layout", "coverage"],
    configSchema,
    remediationSteps:
        `Set the ${MARKERS.layer} table/database parameter (Firehose: the stream's or bucket's tag) to bronze, silver or gold; or put a layer word in the database, bucket or prefix name; or configure layerPatterns to match your naming.`,
    validateStack: (args, report) => {
        const { layerPatterns } = cfg<LayerDeterminedConfig>(args, configSchema);
        const words = patternWords(layerPatterns);
        const tableEv = tableEvidence(args.resources);
        for (const t of lakeTables(args.resources).tables) {
            const ev = tableEv(t.table);
            if (layerOf(ev, layerPatterns) || ev.pending.length > 0) continue;
            const marker = t.ddl
                ? `add TBLPROPERTIES ('${MARKERS.layer}'='bronze|silver|gold') to the DDL or set parameters["${MARKERS.layer}"] on its database`
                : `set parameters["${MARKERS.layer}"] on the table or its database to bronze, silver or gold`;
            report(
                `${t.label} is in no lake layer: ${explainNoLayer(ev)}, so ${TABLE_RULES} don't judge it. ` +
                    `Fix: ${marker}; or use a database name with a layer word (${words}); or configure layerPatterns for this policy and the layer rules to match your naming.`,
                t.resource.urn,
            );
        }
        const streamEv = firehoseEvidence(args.resources);
        for (const stream of args.resources.filter((r) => r.type === T.firehose)) {
            // Only S3 destinations have a lake layer; Iceberg, Redshift and HTTP destinations are not layer-judged.
            if (str(stream.props, "destination") !== "extended_s3") continue;
            const ev = streamEv(stream);
            if (layerOf(ev, layerPatterns) || ev.pending.length > 0) continue;
            report(
                `${subject(stream)} delivers to no lake layer: ${explainNoLayer(ev)}, so ${STREAM_RULE} doesn't judge it. ` +
                    `Fix: tag the stream or its destination bucket ${MARKERS.layer}=bronze|silver|gold; or use a prefix or bucket name with a layer word (${words}); or configure layerPatterns for this policy and ${STREAM_RULE}.`,
                stream.urn,
            );
        }
    },
};
