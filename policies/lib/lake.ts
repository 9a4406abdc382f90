import type { PolicyResource } from "@pulumi/policy";
import { MARKERS } from "../../contract";
import { LayerEvidence, layerOf, LayerPatterns, LayerVerdict, MarkerSource, NameCandidate } from "./layers";
import { peek, str, stringMap, UNKNOWN } from "./props";
import { ofType, References } from "./stack";
import { BUCKET_TYPES, T } from "./types";

/**
 * Layer of a Glue table in a stack: table parameter marker, then the marker of its database when
 * that database is in the stack (matched by `databaseName`), then patterns on the database name,
 * the database's locationUri, the table location and the Iceberg location.
 */
export function tableLayer(
    table: PolicyResource,
    resources: readonly PolicyResource[],
    patterns?: Partial<LayerPatterns>,
): LayerVerdict | undefined {
    return tableLayers(resources, patterns)(table);
}

/** `tableLayer` for every table of one stack, with the database lookup indexed once. */
export function tableLayers(
    resources: readonly PolicyResource[],
    patterns?: Partial<LayerPatterns>,
): (table: PolicyResource) => LayerVerdict | undefined {
    const evidence = tableEvidence(resources);
    return (table) => layerOf(evidence(table), patterns);
}

/** The evidence `tableLayers` decides on, for explanations (`explainNoLayer`) and for waiting on unknowns. */
export function tableEvidence(resources: readonly PolicyResource[]): (table: PolicyResource) => LayerEvidence {
    const dbs = new References(ofType(resources, [T.glueCatalogDatabase]), ["databaseName"], ["name", "id"]);
    return (table) => {
        const db = dbs.targetOf(table);
        const markers: MarkerSource[] = [{ where: "table parameter", values: stringMap(table.props, "parameters") }];
        if (db) markers.push({ where: `database '${db.name}' parameter`, values: stringMap(db.props, "parameters") });
        const icebergLocation = ["openTableFormatInput", "icebergInput", "icebergTableInput", "location"];
        const names: NameCandidate[] = [
            { what: "database name", text: str(table.props, "databaseName") ?? (db && str(db.props, "name")) },
            ...(db ? [{ what: `database '${db.name}' locationUri`, text: str(db.props, "locationUri") }] : []),
            { what: "location", text: str(table.props, "storageDescriptor", "location") },
            { what: "Iceberg location", text: str(table.props, ...icebergLocation) },
        ];
        const pending = pendingOf([
            ["parameters", table.props, ["parameters"]],
            [`parameters["${MARKERS.layer}"]`, table.props, ["parameters", MARKERS.layer]],
            ["databaseName", db ? undefined : table.props, ["databaseName"]],
            ["storageDescriptor.location", table.props, ["storageDescriptor", "location"]],
            [icebergLocation.join("."), table.props, icebergLocation],
            [`database '${db?.name}' parameters`, db?.props, ["parameters"]],
            [`database '${db?.name}' locationUri`, db?.props, ["locationUri"]],
        ]);
        return { markers, names, pending };
    };
}

function pendingOf(checks: [what: string, props: unknown, path: string[]][]): string[] {
    return checks.filter(([, props, path]) => props !== undefined && peek(props, ...path) === UNKNOWN).map(([what]) => what);
}

/**
 * Tags as the resource declares them plus its provider's `defaultTags` (the resource's win, as in
 * AWS). The engine JSON-encodes non-string provider inputs, so `defaultTags` may arrive as a string.
 */
export function effectiveTags(r: { props: unknown; provider?: { props: unknown } }): Record<string, string> {
    let defaults: unknown = peek(r.provider?.props, "defaultTags");
    if (typeof defaults === "string") {
        try {
            defaults = JSON.parse(defaults);
        } catch {
            defaults = undefined;
        }
    }
    return { ...stringMap(defaults, "tags"), ...stringMap(r.props, "tags") };
}

/**
 * Layer of a Firehose stream's S3 destination: the stream's own `lake:layer` tag, the destination
 * bucket's tag (bucket in the stack), then patterns on the prefix, the bucket ARN and bucket name.
 */
export function firehoseLayer(
    stream: PolicyResource,
    resources: readonly PolicyResource[],
    patterns?: Partial<LayerPatterns>,
): LayerVerdict | undefined {
    return firehoseLayers(resources, patterns)(stream);
}

/** `firehoseLayer` for every stream of one stack, with the bucket lookup indexed once. */
export function firehoseLayers(
    resources: readonly PolicyResource[],
    patterns?: Partial<LayerPatterns>,
): (stream: PolicyResource) => LayerVerdict | undefined {
    const evidence = firehoseEvidence(resources);
    return (stream) => layerOf(evidence(stream), patterns);
}

/** The evidence `firehoseLayers` decides on. */
export function firehoseEvidence(resources: readonly PolicyResource[]): (stream: PolicyResource) => LayerEvidence {
    const path = ["extendedS3Configuration", "bucketArn"];
    const buckets = new References(ofType(resources, BUCKET_TYPES), path, ["arn"]);
    return (stream) => {
        const bucket = buckets.targetOf(stream);
        const markers: MarkerSource[] = [{ where: "stream tag", values: effectiveTags(stream) }];
        if (bucket) markers.push({ where: `bucket '${bucket.name}' tag`, values: effectiveTags(bucket) });
        const names: NameCandidate[] = [
            { what: "prefix", text: str(stream.props, "extendedS3Configuration", "prefix") },
            { what: "bucket ARN", text: str(stream.props, ...path) },
        ];
        if (bucket) names.push({ what: "bucket name", text: str(bucket.props, "bucket") });
        const pending = pendingOf([
            ["tags", stream.props, ["tags"]],
            ["extendedS3Configuration.prefix", stream.props, ["extendedS3Configuration", "prefix"]],
            ["extendedS3Configuration.bucketArn", bucket ? undefined : stream.props, path],
            [`bucket '${bucket?.name}' tags`, bucket?.props, ["tags"]],
            [`bucket '${bucket?.name}' name`, bucket?.props, ["bucket"]],
        ]);
        return { markers, names, pending };
    };
}

/** Non-empty partition key names of a table (Glue partitionKeys). */
export function partitionKeyNames(props: unknown): string[] {
    const keys = peek(props, "partitionKeys");
    if (!Array.isArray(keys)) return [];
    const out: string[] = [];
    for (let i = 0; i < keys.length; i++) {
        const n = str(keys, i, "name");
        if (n) out.push(n);
    }
    return out;
}
