/**
 * Where a stream's records land, as plain functions: the Firehose prefix (timestamp namespaces and
 * `partitionKeyFromQuery` expressions) and the JQ metadata-extraction query, both derived from the dataset's
 * partitioning and the same location template its table reads (projection `storage.location.template`, or
 * Hive `key=value/`). `renderPrefix` evaluates exactly these expressions for a record and an arrival time, and
 * `resolvePartitions` reads a path back through the table's template, so a test can prove the two agree.
 */
import { Dataset, datasetErrorPrefix, defaultLocationTemplate, FirehoseSource, prefixBeforeExpression, projectionParameters, Projection, StreamPartition } from "../datasets";
import { dateFormatRegex } from "../datasets/projection";
import { parseS3Uri } from "../shared/principals";

/** What the delivery stream is configured with (S3 destinations; Iceberg datasets have none). */
export interface StreamLayout {
    bucket: string;
    /** Firehose `Prefix`: the table's location template with each `${key}` replaced by its Firehose expression. */
    prefix: string;
    /** Firehose `ErrorOutputPrefix`. */
    errorPrefix: string;
    /** The key prefixes the delivery role may write: the data prefix and the error prefix, each up to its first expression. */
    writablePrefixes: string[];
    /** The MetadataExtraction JQ query (`{key: expr, ...}`); undefined without field partitions (no dynamic partitioning). */
    metadataQuery?: string;
    partitioning: readonly StreamPartition[];
    /** The table's template (full `s3://` URI with `${key}` placeholders). */
    template: string;
}

export type FirehoseDataset = Dataset & { source: FirehoseSource };

export const isStreamed = (ds: Dataset): ds is FirehoseDataset => ds.source.type === "firehose";

/** The table's location template: its projection's, else `key=${key}/` per partition key (Hive, crawlers). */
export function tableTemplate(ds: Dataset, location: string): string {
    return projectionParameters(ds, location)["storage.location.template"] ?? defaultLocationTemplate(location, ds.partitionKeys.map((k) => k.name));
}

/** Firehose's expression for one partition key. */
export function firehoseExpression(p: StreamPartition): string {
    return p.from === "arrival" ? `!{timestamp:${p.format}}` : `!{partitionKeyFromQuery:${p.key}}`;
}

/** Java date pattern -> strftime (the letters `streamDateTokens` accepts; quoted text kept literally). */
export function strftimePattern(format: string): string {
    const map: Record<string, string> = { yyyy: "%Y", MM: "%m", dd: "%d", HH: "%H", mm: "%M", ss: "%S" };
    return [...format.matchAll(/'([^']*)'|([A-Za-z])\2*|[^A-Za-z']+/g)]
        .map((m) => (m[1] !== undefined ? m[1] : (map[m[0]] ?? m[0])).replace(/%(?![YmdHMS])/g, "%%"))
        .join("");
}

/** Escape a string for a JQ string literal. */
const jqString = (s: string) => JSON.stringify(s);

/**
 * The JQ for one field partition: the value as is, or an ISO-8601 UTC timestamp (fraction dropped, which
 * `fromdateiso8601` can't parse) rendered with the pattern's strftime equivalent.
 */
export function jqExpression(p: Extract<StreamPartition, { from: "field" }>): string {
    if (p.format === undefined) return `.${p.field}`;
    return `(.${p.field} | sub("\\\\.[0-9]+Z$"; "Z") | fromdateiso8601 | strftime(${jqString(strftimePattern(p.format))}))`;
}

export function streamLayout(ds: FirehoseDataset, location: string): StreamLayout {
    const { bucket } = parseS3Uri(location);
    const template = tableTemplate(ds, location);
    const base = `s3://${bucket}/`;
    if (!template.startsWith(base)) throw new Error(`${ds.file}: the location template ${template} is not in the location's bucket ${bucket}`);
    // Iceberg: Firehose writes data files under the table's own location (its partition spec decides the rest).
    let prefix = ds.format === "iceberg" ? location.slice(base.length) : template.slice(base.length);
    for (const p of ds.source.partitioning) prefix = prefix.split(`\${${p.key}}`).join(firehoseExpression(p));
    if (!prefix.endsWith("/")) prefix += "/";
    const fields = ds.source.partitioning.filter((p): p is Extract<StreamPartition, { from: "field" }> => p.from === "field");
    const metadataQuery = fields.length ? `{${fields.map((p) => `${p.key}: ${jqExpression(p)}`).join(", ")}}` : undefined;
    return {
        bucket,
        prefix,
        errorPrefix: ds.source.errorPrefix,
        writablePrefixes: [prefixBeforeExpression(prefix), datasetErrorPrefix(ds)],
        ...(metadataQuery ? { metadataQuery } : {}),
        partitioning: ds.source.partitioning,
        template,
    };
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering (what Firehose does with the expressions above) and reading back (what Athena does with the template).

const pad = (n: number, w: number) => String(n).padStart(w, "0");

/** A UTC time in a Java date pattern of the letters Firehose timestamp namespaces and our JQ render. */
export function formatUtc(t: Date, format: string): string {
    const v: Record<string, string> = {
        yyyy: pad(t.getUTCFullYear(), 4),
        MM: pad(t.getUTCMonth() + 1, 2),
        dd: pad(t.getUTCDate(), 2),
        HH: pad(t.getUTCHours(), 2),
        mm: pad(t.getUTCMinutes(), 2),
        ss: pad(t.getUTCSeconds(), 2),
    };
    return [...format.matchAll(/'([^']*)'|([A-Za-z])\2*|[^A-Za-z']+/g)]
        .map((m) => {
            if (m[1] !== undefined) return m[1];
            if (/^[A-Za-z]/.test(m[0])) {
                const out = v[m[0]];
                if (out === undefined) throw new Error(`date letters '${m[0]}' are not rendered by Firehose partitioning`);
                return out;
            }
            return m[0];
        })
        .join("");
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** The value one partition key gets for a record that arrived at `arrival` (what Firehose evaluates). */
export function partitionValue(p: StreamPartition, record: Record<string, unknown>, arrival: Date): string {
    if (p.from === "arrival") return formatUtc(arrival, p.format);
    const raw = record[p.field];
    if (raw === undefined || raw === null) throw new Error(`record has no '${p.field}': Firehose sends it to the error prefix (partition key extraction failed)`);
    if (p.format === undefined) return String(raw);
    if (typeof raw !== "string" || !ISO_UTC.test(raw)) throw new Error(`'${p.field}' = ${JSON.stringify(raw)} is not an ISO-8601 UTC timestamp: fromdateiso8601 fails and the record goes to the error prefix`);
    return formatUtc(new Date(raw.replace(/\.\d+Z$/, "Z")), p.format);
}

/** The S3 folder (full URI) a record lands in: the layout's prefix with every expression evaluated. */
export function renderPrefix(layout: Pick<StreamLayout, "bucket" | "prefix" | "partitioning">, record: Record<string, unknown>, arrival: Date): string {
    let out = layout.prefix;
    out = out.replace(/!\{timestamp:([^}]*)\}/g, (_m, f: string) => formatUtc(arrival, f));
    out = out.replace(/!\{partitionKeyFromQuery:([^}]*)\}/g, (_m, k: string) => {
        const p = layout.partitioning.find((q) => q.key === k);
        if (!p) throw new Error(`prefix names partition key '${k}', which the JQ query does not extract`);
        return partitionValue(p, record, arrival);
    });
    if (out.includes("!{")) throw new Error(`prefix ${layout.prefix} has an expression Firehose can't evaluate here`);
    return `s3://${layout.bucket}/${out}`;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** The regex of the values a projection generates for one key (a folder name, or `[^/]+` when it isn't projected). */
function valuePattern(p: Projection | undefined): string {
    if (!p || p.type === "injected") return "[^/]+";
    if (p.type === "enum") return p.values.map(escapeRe).join("|");
    if (p.type === "integer") return "-?\\d+";
    const re = dateFormatRegex(p.format);
    // Its groups become non-capturing: only the key's own group counts.
    return re ? re.source.replace(/^\^/, "").replace(/\$$/, "").replace(/(?<!\\)\((?!\?)/g, "(?:") : "[^/]+";
}

/**
 * The partition values a folder stands for, read through the table's template the way Athena does (projection
 * formats, enum values, integer ranges; Hive `key=value`), or why the table would never find that folder.
 */
export function resolvePartitions(ds: Dataset, template: string, folder: string): { values: Record<string, string> } | { problem: string } {
    const keys: string[] = [];
    const source = template
        .split(/(\$\{[^}]+\})/)
        .map((part) => {
            const m = /^\$\{([^}]+)\}$/.exec(part);
            if (!m) return escapeRe(part);
            keys.push(m[1]!);
            return `(${valuePattern(ds.projection?.keys[m[1]!])})`;
        })
        .join("");
    const withSlash = template.endsWith("/") ? source : `${source}/`;
    const m = new RegExp(`^${withSlash}$`).exec(folder.endsWith("/") ? folder : `${folder}/`);
    if (!m) return { problem: `${folder} does not match the table's template ${template}` };
    const values: Record<string, string> = {};
    keys.forEach((k, i) => (values[k] = m[i + 1]!));
    for (const k of keys) {
        const p = ds.projection?.keys[k];
        if (p?.type === "integer") {
            const [lo, hi] = p.range.split(",").map(Number);
            const n = Number(values[k]);
            if (n < lo! || n > hi!) return { problem: `${k}=${values[k]} is outside the projection range ${p.range}` };
            if (p.digits !== undefined && values[k]!.replace(/^-/, "").length !== p.digits) return { problem: `${k}=${values[k]} is not ${p.digits} digits` };
        }
    }
    return { values };
}
