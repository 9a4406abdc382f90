/**
 * Source variants (s3, jdbc, firehose, job) with their defaults and rules, and the checks across datasets that
 * sources imply: JDBC connections of the stack, and job inputs (lineage).
 */
import { LAYERS } from "../../contract";
import type { FileContext, StackContext } from "./build";
import { BrokenConnection, connectionsFile, JDBC_PATH_DEPTH } from "./connections";
import { cronProblems } from "./cron";
import { datasetLineage } from "./lineage";
import { Dataset, DatasetFormat, DatasetSource, FIREHOSE_BUFFERING, FIREHOSE_CONVERTED_FORMATS, FirehoseInput, JdbcConnection } from "./model";
import { partitionProblem } from "./principals";
import { DatasetProblem, didYouMean, FieldPath } from "./problems";
import type { DatasetFile, DatasetFileSource } from "./shape";
import { SourceFile } from "./yaml-source";

/** The source with its defaults; problems of the variant's own fields are reported. */
export function buildSource(raw: DatasetFileSource | undefined, format: DatasetFormat, ctx: FileContext, stack: StackContext): DatasetSource {
    switch (raw?.type) {
        case undefined:
            return { type: "s3", crawl: false };
        case "s3":
            return { type: "s3", crawl: raw.crawl ?? false };
        case "jdbc":
            return { type: "jdbc", connection: raw.connection, path: raw.path };
        case "job":
            return { type: "job", job: raw.job, ...(raw.inputs ? { inputs: raw.inputs } : {}) };
        case "firehose":
            return { type: "firehose", input: firehoseInput(raw.input, ctx, stack), buffering: firehoseBuffering(raw.buffering, format, ctx) };
    }
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
function firehoseBuffering(raw: { sizeMiB?: number; intervalSeconds?: number } | undefined, format: DatasetFormat, ctx: FileContext) {
    const converted = FIREHOSE_CONVERTED_FORMATS.includes(format);
    const defaults = FIREHOSE_BUFFERING.defaults[converted ? "converted" : "delivered"];
    const buffering = { sizeMiB: raw?.sizeMiB ?? defaults.sizeMiB, intervalSeconds: raw?.intervalSeconds ?? defaults.intervalSeconds };
    const min = FIREHOSE_BUFFERING.sizeMiB.minConverted;
    if (converted && raw?.sizeMiB !== undefined && raw.sizeMiB < min) {
        ctx.push(ctx.src.problem(["source", "buffering", "sizeMiB"], `a ${format} dataset is converted by Firehose (record format conversion), and AWS requires a buffer of at least ${min} MiB then: set ${min}-${FIREHOSE_BUFFERING.sizeMiB.max} or leave it out (default ${defaults.sizeMiB})`, raw.sizeMiB));
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
