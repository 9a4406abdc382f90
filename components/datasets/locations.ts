/**
 * Where a dataset's data may live. Producers get data location access and consumers SELECT on whatever prefix a
 * dataset names, so a location is the dataset's own `s3://<layer bucket>/<domain>/<name>/` (or below it), never
 * another dataset's prefix, a bucket root or another bucket; data kept outside the lake (CloudFront logs, a
 * partner's drop bucket) needs an entry in `stacks/<stack>/external-locations.yaml` with a written reason. No two
 * datasets of a stack share a prefix, and an `s3://` projection template stays inside its dataset's location.
 */
import { BUCKET_PURPOSES, compose, Layer, NamerArgs } from "../../contract";
import type { FileContext } from "./build";
import { defaultLocation } from "./format";
import { Dataset } from "./model";
import { DatasetProblem, didYouMean } from "./problems";
import { schemaCheck } from "./schema-problems";
import { ExternalLocationsFile, externalLocationsJsonSchema } from "./shape";
import { parseSource, SourceFile, SourceText } from "./yaml-source";

export const externalLocationsFile = (stack: string) => `stacks/${stack}/external-locations.yaml`;

const checkSchema = schemaCheck(externalLocationsJsonSchema());

/** One allowed external location. */
export interface ExternalLocation {
    dataset: string;
    /** With a trailing slash. */
    location: string;
    reason: string;
    file: string;
    line: number;
    src: SourceFile;
    index: number;
}

/** The lake's bucket names in a stack, from the same Namer composition the storage component uses. */
export interface LakeBuckets {
    /** Layer -> bucket name. */
    layers: Record<Layer, string>;
    /** Bucket name -> purpose, for every bucket the lake creates (data, query results, access logs). */
    purposeOf: Map<string, string>;
}

export function lakeBuckets(naming: NamerArgs): LakeBuckets {
    const purposeOf = new Map<string, string>(BUCKET_PURPOSES.map((p) => [compose.bucket(naming, p), p]));
    const layers = { bronze: compose.bucket(naming, "bronze"), silver: compose.bucket(naming, "silver"), gold: compose.bucket(naming, "gold") };
    return { layers, purposeOf };
}

const withSlash = (s: string) => (s.endsWith("/") ? s : `${s}/`);

/** `s3://bucket/key` split; the schema already guarantees the shape. */
export function s3Parts(uri: string): { bucket: string; key: string } {
    const rest = uri.slice("s3://".length);
    const i = rest.indexOf("/");
    return i < 0 ? { bucket: rest, key: "" } : { bucket: rest.slice(0, i), key: rest.slice(i + 1) };
}

/**
 * What makes a path ambiguous: `.`/`..` segments (some clients normalise them, S3 and IAM don't, so a grant and the
 * data it covers could disagree), empty segments (`a//b`), backslashes and control characters.
 */
export function pathProblem(path: string): string | undefined {
    const segments = path.split("/");
    if (segments.some((s) => s === "." || s === "..")) return "must not contain '.' or '..' segments: S3 keys are literal, so the path would not mean what it seems";
    if (segments.slice(0, -1).some((s) => s === "")) return "must not contain an empty segment ('//')";
    if (/[\\\u0000-\u001f\u007f]/.test(path)) return "must not contain backslashes or control characters";
    return undefined;
}

/** Read the stack's external-locations files; problems of the files themselves go to `problems`. */
export function loadExternalLocations(files: SourceText[], problems: DatasetProblem[]): Map<string, ExternalLocation> {
    const out = new Map<string, ExternalLocation>();
    for (const text of files) {
        const parsed = parseSource(text, problems);
        if (!parsed) continue;
        const { src, raw } = parsed;
        const schemaProblems = checkSchema(raw, src);
        if (schemaProblems.length) {
            problems.push(...schemaProblems);
            continue;
        }
        (raw as unknown as ExternalLocationsFile).locations.forEach((l, index) => {
            const at = ["locations", index];
            const bad = pathProblem(s3Parts(l.location).key);
            if (bad) problems.push(src.problem([...at, "location"], bad, l.location));
            const first = out.get(l.dataset);
            if (first) problems.push(src.problem([...at, "dataset"], `dataset '${l.dataset}' is listed twice (also ${first.file}:${first.line}); one location per dataset`, l.dataset));
            else out.set(l.dataset, { dataset: l.dataset, location: withSlash(l.location), reason: l.reason, file: text.file, line: src.position(at).line, src, index });
        });
    }
    return out;
}

/** The dataset's location in this stack (trailing slash), or undefined when it is the default and buckets are unknown. */
export function effectiveLocation(ds: Pick<Dataset, "layer" | "domain" | "name" | "location">, buckets: LakeBuckets | undefined): string | undefined {
    if (ds.location) return withSlash(ds.location);
    return buckets ? defaultLocation(ds, buckets.layers[ds.layer]) : undefined;
}

/**
 * One dataset's location and projection template in this stack. `external` is this stack's entry for the dataset,
 * if any; `used` collects the entries a dataset actually needed (the others are stale).
 */
export function checkLocation(ds: Dataset, ctx: FileContext, stack: string, buckets: LakeBuckets | undefined, external: ExternalLocation | undefined, used: Set<string>): void {
    const { src, push } = ctx;
    const at = ctx.at("location");
    if (ds.location) {
        const bad = pathProblem(s3Parts(ds.location).key);
        if (bad) push(src.problem(at, bad, ds.location));
    }
    const location = effectiveLocation(ds, buckets);
    if (buckets && location) {
        const own = defaultLocation({ ...ds, location: undefined }, buckets.layers[ds.layer]);
        const { bucket } = s3Parts(location);
        const file = externalLocationsFile(stack);
        if (!location.startsWith(own)) {
            const purpose = buckets.purposeOf.get(bucket);
            if (purpose) {
                push(
                    src.problem(
                        at,
                        `is in the lake's ${purpose} bucket but outside this dataset's own prefix ${own}: in the lake's buckets a dataset's location is always its own <domain>/<name>/ prefix (or below it); another prefix would give this dataset's producers and consumers someone else's data. Remove location (the default is ${own})`,
                        ds.location,
                    ),
                );
            } else if (!external) {
                push(src.problem(at, `is outside the lake: a location must be inside this dataset's own prefix ${own}, unless ${file} allows it for this dataset with a reason (see docs/datasets.md#26-external-locations)`, ds.location));
            } else if (external.location !== location) {
                push(src.problem(at, `${external.file}:${external.line} allows ${external.location} for '${ds.name}', not this location: make them the same`, ds.location));
            } else used.add(ds.name);
            if (!purpose && ds.retentionDays !== undefined) {
                push(
                    src.problem(
                        ctx.at("retentionDays"),
                        `can't be enforced on an external location (${location}): the lake's lifecycle rules cover only its own buckets. Remove retentionDays and expire the data where it is kept`,
                        ds.retentionDays,
                    ),
                );
            }
        }
    }
    const template = ds.projection?.locationTemplate;
    if (template !== undefined) {
        const where = ["projection", "locationTemplate"];
        const bad = pathProblem(template.startsWith("s3://") ? s3Parts(template).key : template.replace(/^\/+/, ""));
        if (bad) push(src.problem(where, bad, template));
        else if (template.startsWith("s3://") && location && !template.startsWith(location)) {
            push(src.problem(where, `an s3:// template must stay inside the dataset's location ${location}; write it relative to the location instead (e.g. \${key}/), which also keeps the file the same in every stack`, template));
        }
    }
}

/** Entries no loaded dataset needed: naming a dataset the stack doesn't have, or one whose location is its own. */
export function staleExternalLocations(
    external: Map<string, ExternalLocation>,
    used: ReadonlySet<string>,
    loaded: { ds: Dataset }[],
    stackNames: ReadonlySet<string>,
    stack: string,
    buckets: LakeBuckets | undefined,
): DatasetProblem[] {
    const out: DatasetProblem[] = [];
    const byName = new Map(loaded.map((l) => [l.ds.name, l.ds]));
    for (const e of external.values()) {
        if (used.has(e.dataset)) continue;
        const at = ["locations", e.index];
        if (!stackNames.has(e.dataset)) out.push(e.src.problem([...at, "dataset"], `no dataset '${e.dataset}' in stack '${stack}'${didYouMean(e.dataset, [...stackNames])}`, e.dataset));
        else {
            const ds = byName.get(e.dataset);
            const location = ds && effectiveLocation(ds, buckets);
            if (ds && location && location.startsWith(defaultLocation({ ...ds, location: undefined }, buckets?.layers[ds.layer] ?? ""))) {
                out.push(e.src.problem([...at, "dataset"], `dataset '${e.dataset}' keeps its data in its own prefix (${location}) in stack '${stack}': remove this entry`, e.dataset));
            }
        }
    }
    return out;
}

/**
 * No two datasets of a stack share a prefix (one location a prefix of the other): a grant on one would cover the
 * other's data. Sorted, a location's extensions follow it directly, so this is one pass, not every pair.
 */
export function overlapProblems(entries: { ds: Dataset; src: SourceFile; at: (string | number)[]; location: string }[]): DatasetProblem[] {
    const out: DatasetProblem[] = [];
    const sorted = [...entries].sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
    for (let i = 0; i < sorted.length; i++) {
        const a = sorted[i]!;
        for (let j = i + 1; j < sorted.length && sorted[j]!.location.startsWith(a.location); j++) {
            const b = sorted[j]!;
            const same = a.location === b.location;
            out.push(a.src.problem(a.at, `${same ? "is also" : "contains"} the location of dataset '${b.ds.name}' (${b.location}, ${b.ds.file}): each dataset needs a prefix of its own, or grants on one cover the other's data`, a.ds.location ?? a.location));
            out.push(b.src.problem(b.at, `${same ? "is also" : "is inside"} the location of dataset '${a.ds.name}' (${a.location}, ${a.ds.file}): each dataset needs a prefix of its own, or grants on one cover the other's data`, b.ds.location ?? b.location));
        }
    }
    return out;
}
