/**
 * Source variants (s3, jdbc, firehose, job) with their defaults and rules, and the checks across datasets that
 * sources imply: JDBC connections of the stack, and job inputs (lineage).
 */
import { LAYERS } from "../../contract";
import type { FileContext, StackContext } from "./build";
import { BrokenConnection, connectionsFile, JDBC_PATH_DEPTH } from "./connections";
import { cronProblems } from "./cron";
import { datasetLineage, jobSource } from "./lineage";
import { Column, Dataset, DatasetFormat, DatasetSource, FIREHOSE_BUFFERING, FIREHOSE_CONVERTED_FORMATS, FIREHOSE_PARTITIONING, FirehoseInput, FirehoseSource, JdbcConnection, PartitionProjection, StreamPartition } from "./model";
import { partitionProblem, PRINCIPAL_HELP, resolvePrincipal } from "./principals";
import { DatasetProblem, didYouMean, FieldPath } from "./problems";
import type { DatasetFile, DatasetFileSource } from "./shape";
import { SourceFile } from "./yaml-source";

/** The source with its defaults; problems of the variant's own fields are reported. */
export function buildSource(raw: DatasetFileSource | undefined, format: DatasetFormat, ctx: FileContext, stack: StackContext, table: StreamTable): DatasetSource {
    switch (raw?.type) {
        case undefined:
            return { type: "s3", crawl: false };
        case "s3":
            return { type: "s3", crawl: raw.crawl ?? false };
        case "jdbc":
            return { type: "jdbc", connection: raw.connection, path: raw.path };
        case "job":
            return jobSource(raw);
        case "firehose":
            return firehoseSource(raw, format, ctx, stack, table);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Firehose sources (issue 12): partitioning, producers, error prefix, unique keys, checked against what AWS refuses.

/** What of the dataset a Firehose source is checked against. */
export interface StreamTable {
    name: string;
    domain: string;
    columns: Column[];
    partitionKeys: Column[];
    projection?: PartitionProjection;
    location?: string;
}

type RawFirehose = Extract<DatasetFileSource, { type: "firehose" }>;
const ERROR_TYPE = "!{firehose:error-output-type}";
/** Formats whose stream records are JSON (converted to columnar, or delivered as JSON lines). */
export const JSON_RECORD_FORMATS: readonly DatasetFormat[] = ["json", "parquet", "orc", "iceberg"];
/** Where undelivered records go: beside the lake's data, never inside a table's location (Athena would read them). */
export const defaultErrorPrefix = (t: Pick<StreamTable, "domain" | "name">) => `_errors/${t.domain}/${t.name}/${ERROR_TYPE}/!{timestamp:yyyy/MM/dd}/`;

/** The Java date letters of a Firehose/JQ-renderable pattern, or undefined when it uses others (quoted literals allowed). */
export function streamDateTokens(format: string): string[] | undefined {
    const tokens: string[] = [];
    for (const m of format.matchAll(/'[^']*'|([A-Za-z])\1*|[^A-Za-z']+/g)) {
        if (m[0].startsWith("'") || !/^[A-Za-z]/.test(m[0])) continue;
        if (!(FIREHOSE_PARTITIONING.dateLetters as readonly string[]).includes(m[0])) return undefined;
        tokens.push(m[0]);
    }
    return format.split("'").length % 2 === 1 ? tokens : undefined;
}

function firehoseSource(raw: RawFirehose, format: DatasetFormat, ctx: FileContext, stack: StackContext, t: StreamTable): FirehoseSource {
    const at = (...f: (string | number)[]): FieldPath => ["source", ...f];
    const input = firehoseInput(raw.input, ctx, stack);
    const partitioning = format === "iceberg" ? icebergPartitioning(raw, ctx) : streamPartitioning(raw, t, format, ctx);
    const dynamic = partitioning.some((p) => p.from === "field");
    const buffering = firehoseBuffering(raw.buffering, format, ctx, dynamic);
    if (dynamic && partitioning.filter((p) => p.from === "field").length > FIREHOSE_PARTITIONING.maxQueryKeys) {
        ctx.push(ctx.src.problem(at("partitioning"), `Firehose dynamic partitioning takes at most ${FIREHOSE_PARTITIONING.maxQueryKeys} keys from record fields`, Object.keys(raw.partitioning ?? {}).length));
    }
    const producers = (raw.producers ?? []).map((p, i) => {
        const arn = resolvePrincipal(p, stack.accountId, stack.partition);
        if (!arn) ctx.push(ctx.src.problem(at("producers", i), `not a principal IAM can grant to: ${PRINCIPAL_HELP}`, p));
        else if (arn === p && partitionProblem(arn, stack)) ctx.push(ctx.src.problem(at("producers", i), partitionProblem(arn, stack)!, p));
        return arn ?? p;
    });
    if (producers.length && input.type === "kinesis" && "arn" in input) {
        ctx.push(ctx.src.problem(at("producers"), "producers write to the existing Kinesis stream, which the platform doesn't manage: grant kinesis:PutRecord(s) where that stream is defined, and remove producers here", raw.producers));
    }
    const errorPrefix = raw.errorPrefix ?? defaultErrorPrefix(t);
    if (raw.errorPrefix !== undefined) errorPrefixProblems(raw.errorPrefix, t, ctx);
    const columnNames = t.columns.map((c) => c.name);
    if (raw.uniqueKeys && format !== "iceberg") {
        ctx.push(ctx.src.problem(at("uniqueKeys"), `unique keys need Firehose's Iceberg destination (format: iceberg); a ${format} dataset is only appended to`, raw.uniqueKeys));
    }
    raw.uniqueKeys?.forEach((k, i) => {
        if (!columnNames.includes(k)) ctx.push(ctx.src.problem(at("uniqueKeys", i), `no column '${k}' in this dataset${didYouMean(k, columnNames)}`, k));
    });
    return { type: "firehose", input, buffering, partitioning, producers, errorPrefix, ...(raw.uniqueKeys ? { uniqueKeys: raw.uniqueKeys } : {}) };
}

function icebergPartitioning(raw: RawFirehose, ctx: FileContext): StreamPartition[] {
    if (raw.partitioning) ctx.push(ctx.src.problem(["source", "partitioning"], "an Iceberg table partitions by its own partition spec: Firehose's Iceberg destination writes no S3 prefixes; remove partitioning", raw.partitioning));
    return [];
}

/** One entry per partition key, in path order: what the file says, else arrival time in the key's date projection format. */
function streamPartitioning(raw: RawFirehose, t: StreamTable, format: DatasetFormat, ctx: FileContext): StreamPartition[] {
    const keyNames = t.partitionKeys.map((k) => k.name);
    for (const key of Object.keys(raw.partitioning ?? {})) {
        if (!keyNames.includes(key)) ctx.push(ctx.src.problem(["source", "partitioning", key], `'${key}' is not a partition key (partitionKeys: ${keyNames.join(", ") || "none"})${didYouMean(key, keyNames)}`, key, true));
    }
    const out: StreamPartition[] = [];
    for (const key of t.partitionKeys) {
        const where: FieldPath = ["source", "partitioning", key.name];
        const p = raw.partitioning?.[key.name];
        const projected = t.projection?.keys[key.name];
        const projectedFormat = projected?.type === "date" ? projected.format : undefined;
        if (!p) {
            if (projectedFormat && streamDateTokens(projectedFormat)) out.push({ key: key.name, from: "arrival", format: projectedFormat });
            else ctx.push(ctx.src.problem(["source", "partitioning"], `partition key '${key.name}' has no date projection Firehose can render, so say how Firehose fills it: ${key.name}: {field: <column>} or {arrivalTime: true, format: <pattern>}`));
            continue;
        }
        const folderFormat = p.format ?? ("arrivalTime" in p ? projectedFormat : undefined);
        if (p.format !== undefined) {
            if (!streamDateTokens(p.format)) ctx.push(ctx.src.problem([...where, "format"], `Firehose and JQ render only ${FIREHOSE_PARTITIONING.dateLetters.join(" ")} (and quoted text, separators) in a partition folder`, p.format));
            else if (projectedFormat && p.format !== projectedFormat) ctx.push(ctx.src.problem([...where, "format"], `the projection of '${key.name}' reads folders in format ${projectedFormat}; Firehose would write ${p.format}, so new partitions would never be found`, p.format));
            else if (projected && projected.type !== "date") ctx.push(ctx.src.problem([...where, "format"], `'${key.name}' has a ${projected.type} projection: a date pattern writes values it can't read`, p.format));
        }
        if ("arrivalTime" in p) {
            if (!folderFormat) ctx.push(ctx.src.problem(where, `arrival-time partitions need a folder format: set format (e.g. yyyy/MM/dd/HH) or a date projection on '${key.name}'`, p));
            else out.push({ key: key.name, from: "arrival", format: folderFormat });
            continue;
        }
        const col = t.columns.find((c) => c.name === p.field);
        if (!JSON_RECORD_FORMATS.includes(format)) {
            ctx.push(ctx.src.problem([...where, "field"], `JQ extracts fields from JSON records; a ${format} dataset's records are delivered as sent, so partition it by arrivalTime`, p.field));
            continue;
        }
        if (!col) {
            ctx.push(ctx.src.problem([...where, "field"], `no column '${p.field}' in this dataset: JQ can only extract a field the records have${didYouMean(p.field, t.columns.map((c) => c.name))}`, p.field));
            continue;
        }
        const timeFormat = p.format ?? (col.type === "timestamp" ? projectedFormat : undefined);
        if (timeFormat === undefined && !/^(string|varchar\(\d+\)|char\(\d+\)|tinyint|smallint|int|integer|bigint|boolean|date)$/.test(col.type)) {
            ctx.push(ctx.src.problem([...where, "field"], `column '${col.name}' is ${col.type}: a folder name needs a scalar value${col.type === "timestamp" ? " (or set format to render the timestamp, e.g. yyyy-MM-dd-HH)" : ""}`, p.field));
        } else if (timeFormat !== undefined && !["timestamp", "string"].includes(col.type)) {
            ctx.push(ctx.src.problem([...where, "format"], `format renders an ISO-8601 timestamp; column '${col.name}' is ${col.type}`, timeFormat));
        }
        out.push({ key: key.name, from: "field", field: col.name, ...(timeFormat !== undefined ? { format: timeFormat } : {}) });
    }
    return out;
}

function errorPrefixProblems(prefix: string, t: StreamTable, ctx: FileContext): void {
    const where: FieldPath = ["source", "errorPrefix"];
    const own = t.location ? t.location.replace(/^s3:\/\/[^/]+\//, "") : `${t.domain}/${t.name}/`;
    if (!prefix.includes(ERROR_TYPE)) ctx.push(ctx.src.problem(where, `must contain ${ERROR_TYPE}: AWS refuses an error prefix without it once the prefix has expressions (dynamic partitioning, !{timestamp:...}), and it keeps conversion and delivery failures apart`, prefix));
    if (prefix.includes("!{partitionKeyFromQuery:")) ctx.push(ctx.src.problem(where, "AWS refuses partitionKeyFromQuery in the error prefix (failed records may have no key)", prefix));
    if (prefix.startsWith("/")) ctx.push(ctx.src.problem(where, "a key prefix starts without '/'", prefix));
    if (own && prefix.startsWith(own)) ctx.push(ctx.src.problem(where, `lies inside the dataset's location ${own}: Athena would read failed records as rows; use a prefix outside it, e.g. ${defaultErrorPrefix(t)}`, prefix));
}

function firehoseInput(raw: NonNullable<Extract<DatasetFileSource, { type: "firehose" }>["input"]> | undefined, ctx: FileContext, stack: StackContext): FirehoseInput {
    if (raw === undefined || raw === "direct-put") return { type: "direct-put" };
    const where: FieldPath = ["source", "input", "kinesis"];
    const { create, arn } = raw.kinesis;
    if (create && arn !== undefined) ctx.push(ctx.src.problem(where, "give either create: true (the platform creates the stream) or arn: <stream ARN> (an existing stream), not both", raw.kinesis));
    else if (arn !== undefined) {
        const wrong = partitionProblem(arn, stack);
        if (wrong) ctx.push(ctx.src.problem([...where, "arn"], wrong, arn));
        return { type: "kinesis", arn };
    } else if (!create) ctx.push(ctx.src.problem(where, "say which Kinesis data stream: create: true (the platform creates it) or arn: <stream ARN> (an existing one)", raw.kinesis));
    return { type: "kinesis", create: true };
}

/** AWS's buffering limits (see FIREHOSE_BUFFERING); the schema has the plain ranges, this the one that depends on the format. */
function firehoseBuffering(raw: { sizeMiB?: number; intervalSeconds?: number } | undefined, format: DatasetFormat, ctx: FileContext, dynamic = false) {
    const converted = FIREHOSE_CONVERTED_FORMATS.includes(format) || dynamic;
    const defaults = FIREHOSE_BUFFERING.defaults[converted ? "converted" : "delivered"];
    const buffering = { sizeMiB: raw?.sizeMiB ?? defaults.sizeMiB, intervalSeconds: raw?.intervalSeconds ?? defaults.intervalSeconds };
    const min = FIREHOSE_BUFFERING.sizeMiB.minConverted;
    if (converted && raw?.sizeMiB !== undefined && raw.sizeMiB < min) {
        const why = FIREHOSE_CONVERTED_FORMATS.includes(format) ? `a ${format} dataset is converted by Firehose (record format conversion)` : "records are partitioned by their fields (dynamic partitioning)";
        ctx.push(ctx.src.problem(["source", "buffering", "sizeMiB"], `${why}, and AWS requires a buffer of at least ${min} MiB then: set ${min}-${FIREHOSE_BUFFERING.sizeMiB.max} or leave it out (default ${defaults.sizeMiB})`, raw.sizeMiB));
    }
    return buffering;
}

/** Crawlers exist for crawled s3 and for jdbc sources; a schedule needs one, and Iceberg tables are never crawled. */
export function crawlerProblems(source: DatasetSource, r: Pick<DatasetFile, "crawlSchedule">, format: DatasetFormat, ctx: FileContext): void {
    const crawls = (source.type === "s3" && source.crawl) || source.type === "jdbc";
    if (r.crawlSchedule !== undefined) {
        if (!crawls) ctx.push(ctx.src.problem(ctx.at("crawlSchedule"), `there is no crawler to schedule: set source.crawl: true (s3) or use a jdbc source`, r.crawlSchedule));
        for (const m of cronProblems(r.crawlSchedule)) ctx.push(ctx.src.problem(ctx.at("crawlSchedule"), m, r.crawlSchedule));
    }
    if (format === "iceberg" && source.type === "s3" && source.crawl) {
        ctx.push(ctx.src.problem(["source", "crawl"], "Iceberg tables keep their own metadata; a crawler would register the data files as a second table. Remove crawl", true));
    }
}

export function jdbcSourceProblems(
    source: Extract<DatasetSource, { type: "jdbc" }>,
    connections: JdbcConnection[],
    stack: string,
    src: SourceFile,
    broken: ReadonlyMap<string, BrokenConnection> = new Map(),
): DatasetProblem[] {
    const at: FieldPath = ["source"];
    const conn = connections.find((c) => c.name === source.connection);
    const bad = broken.get(source.connection);
    if (!conn && bad) {
        // Declared but invalid: say so briefly and point at the entry, whose own problem is reported there.
        return [src.problem([...at, "connection"], `connection '${source.connection}' is declared in ${bad.file}:${bad.line} but that entry is invalid (${bad.problem}); fix it there`, source.connection)];
    }
    if (!conn) {
        const names = connections.map((c) => c.name);
        const hint = didYouMean(source.connection, names);
        return [src.problem([...at, "connection"], `no connection '${source.connection}' in ${connectionsFile(stack)}${hint || (names.length ? ` (declared: ${names.join(", ")})` : "")}`, source.connection)];
    }
    const parts = source.path.split("/");
    const depth = JDBC_PATH_DEPTH[conn.engine];
    const shape = depth === 3 ? "database/schema/table" : "database/table";
    if (parts.length !== depth || parts.some((p) => !p)) return [src.problem([...at, "path"], `a ${conn.engine} include path is ${shape} (% matches any table), e.g. ${conn.database}/${depth === 3 ? (conn.engine === "sqlserver" ? "dbo" : "public") + "/" : ""}orders`, source.path)];
    if (parts[0] !== conn.database && parts[0] !== "%") return [src.problem([...at, "path"], `starts with database '${parts[0]}' but connection '${conn.name}' is to database '${conn.database}'`, source.path)];
    return [];
}

/** Every dataset file the schema accepted, whether or not it deploys to this stack (for "not in this stack" hints). */
export type DeclaredDatasets = Map<string, { stacks?: string[] }>;

/**
 * Job inputs across the stack: each names a dataset deployed to the stack, not the dataset itself, of the same or
 * an earlier layer (bronze < silver < gold: a job refines or aggregates, it never feeds a layer from a later one),
 * and inputs form no cycle.
 */
export function lineageProblems(loaded: { ds: Dataset; src: SourceFile }[], stackNames: ReadonlySet<string>, declared: DeclaredDatasets, stack: string): DatasetProblem[] {
    const out: DatasetProblem[] = [];
    const byName = new Map(loaded.map((l) => [l.ds.name, l]));
    for (const { ds, src } of loaded) {
        if (ds.source.type !== "job") continue;
        (ds.source.inputs ?? []).forEach((input, i) => {
            const where: FieldPath = ["source", "inputs", i];
            if (input === ds.name) return out.push(src.problem(where, `a dataset can't be an input of itself: its job reads other datasets (remove '${input}')`, input));
            if (!stackNames.has(input)) {
                const elsewhere = declared.get(input)?.stacks;
                return out.push(
                    src.problem(
                        where,
                        elsewhere ? `dataset '${input}' does not deploy to stack '${stack}' (its stacks: ${elsewhere.join(", ")}); a job can only read datasets of its stack` : `no dataset '${input}' in stack '${stack}'${didYouMean(input, [...stackNames])}`,
                        input,
                    ),
                );
            }
            const from = byName.get(input)?.ds;
            if (from && LAYERS.indexOf(from.layer) > LAYERS.indexOf(ds.layer)) {
                out.push(src.problem(where, `'${ds.name}' is ${ds.layer} but reads the ${from.layer} dataset '${input}': a job reads the same or an earlier layer (bronze < silver < gold), never a later one`, input));
            }
            return undefined;
        });
    }
    for (const cycle of datasetLineage(loaded.map((l) => l.ds)).cycles) {
        if (cycle.length < 2) continue; // a dataset reading itself is reported above
        cycle.forEach((name, k) => {
            const next = cycle[(k + 1) % cycle.length]!;
            const l = byName.get(name)!;
            const i = l.ds.source.type === "job" ? (l.ds.source.inputs ?? []).indexOf(next) : -1;
            const turn = [...cycle.slice(k), ...cycle.slice(0, k), name];
            out.push(l.src.problem(["source", "inputs", i], `inputs form a cycle: ${turn.join(" reads ")}; a dataset can't be made, even indirectly, from itself`, next));
        });
    }
    return out;
}
