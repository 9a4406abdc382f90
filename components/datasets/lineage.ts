/**
 * Lineage of a stack's datasets: what each dataset is made from, as edges input -> output with the kind of the
 * step (a job reading datasets, a crawler over landed files, a stream, a JDBC copy), and the datasets in
 * topological order (every dataset after the datasets it reads). Validation uses it for cycles; the ETL and
 * graph work build jobs and pictures from it. Plain data in, plain data out.
 */
import * as path from "path";
import { LAYERS } from "../../contract";
import { Column, Dataset, FirehoseInput, JobSource, JobWriteMode } from "./model";
import { DatasetProblem, didYouMean, FieldPath } from "./problems";
import type { DatasetFileSource } from "./shape";
import type { SourceFile, SourceText } from "./yaml-source";

export type LineageKind = "job" | "crawler" | "stream" | "jdbc";

/** Where an edge starts: another dataset of the stack, or what lies outside the lake. */
export type LineageInput =
    | { type: "dataset"; name: string }
    /** Files the producers land in the dataset's location, registered by a crawler. */
    | { type: "files" }
    /** Records a Firehose stream delivers. */
    | { type: "stream"; input: FirehoseInput }
    /** A table (or `%` pattern) of a JDBC connection. */
    | { type: "connection"; connection: string; path: string };

export interface LineageEdge {
    from: LineageInput;
    /** The dataset written. */
    to: string;
    kind: LineageKind;
    /** Job edges: the Glue job that reads `from` and writes `to`. */
    job?: string;
}

export interface Lineage {
    /** Grouped by output in `order`, each output's inputs in the order written. */
    edges: LineageEdge[];
    /** Every dataset name, each after the datasets it reads; independent ones by layer (bronze first), then name. */
    order: string[];
    /** Datasets that read themselves, directly or through others (each cycle as its names, smallest first); none once validated. */
    cycles: string[][];
    /** Job datasets whose file doesn't declare `source.inputs` yet: their lineage is unknown. */
    undeclared: string[];
}

type LineageDataset = Pick<Dataset, "name" | "layer" | "source">;

export function datasetLineage(datasets: readonly LineageDataset[]): Lineage {
    const names = new Set(datasets.map((d) => d.name));
    const reads = new Map<string, string[]>();
    const undeclared: string[] = [];
    for (const d of datasets) {
        const inputs = d.source.type === "job" ? d.source.inputs : undefined;
        if (d.source.type === "job" && !inputs) undeclared.push(d.name);
        reads.set(d.name, (inputs ?? []).filter((i) => names.has(i)));
    }
    const rank = new Map(datasets.map((d) => [d.name, `${LAYERS.indexOf(d.layer)}\u0000${d.name}`]));
    const byRank = (a: string, b: string) => (rank.get(a)! < rank.get(b)! ? -1 : rank.get(a)! > rank.get(b)! ? 1 : 0);

    // Kahn's algorithm, always taking the smallest ready rank (a heap: n log n for thousands of datasets); what is
    // left on cycles goes last, so `order` always names every dataset.
    const waiting = new Map<string, number>();
    const readers = new Map<string, string[]>();
    for (const [n, ins] of reads) {
        const distinct = new Set(ins);
        waiting.set(n, distinct.size);
        for (const i of distinct) {
            const list = readers.get(i);
            if (list) list.push(n);
            else readers.set(i, [n]);
        }
    }
    const heap = new MinHeap<string>(byRank);
    for (const [n, count] of waiting) if (count === 0) heap.push(n);
    const order: string[] = [];
    for (let next = heap.pop(); next !== undefined; next = heap.pop()) {
        order.push(next);
        waiting.delete(next);
        for (const r of readers.get(next) ?? []) {
            const left = waiting.get(r);
            if (left === undefined) continue;
            waiting.set(r, left - 1);
            if (left === 1) heap.push(r);
        }
    }
    order.push(...[...waiting.keys()].sort(byRank));

    const byName = new Map(datasets.map((d) => [d.name, d]));
    const edges = order.flatMap((name) => edgesInto(byName.get(name)!));
    return { edges, order, cycles: cyclesOf(reads), undeclared: undeclared.sort(byRank) };
}

/** A binary min-heap under `compare`. */
class MinHeap<T> {
    private readonly items: T[] = [];
    constructor(private readonly compare: (a: T, b: T) => number) {}
    push(item: T): void {
        const a = this.items;
        a.push(item);
        for (let i = a.length - 1; i > 0; ) {
            const up = (i - 1) >> 1;
            if (this.compare(a[i]!, a[up]!) >= 0) break;
            [a[i], a[up]] = [a[up]!, a[i]!];
            i = up;
        }
    }
    pop(): T | undefined {
        const a = this.items;
        const top = a[0];
        const last = a.pop();
        if (a.length === 0 || last === undefined) return top;
        a[0] = last;
        for (let i = 0; ; ) {
            const l = 2 * i + 1;
            const r = l + 1;
            let min = i;
            if (l < a.length && this.compare(a[l]!, a[min]!) < 0) min = l;
            if (r < a.length && this.compare(a[r]!, a[min]!) < 0) min = r;
            if (min === i) break;
            [a[i], a[min]] = [a[min]!, a[i]!];
            i = min;
        }
        return top;
    }
}

function edgesInto(d: LineageDataset): LineageEdge[] {
    const s = d.source;
    switch (s.type) {
        case "job":
            return (s.inputs ?? []).map((name) => ({ from: { type: "dataset", name }, to: d.name, kind: "job", job: s.job }));
        case "s3":
            return s.crawl ? [{ from: { type: "files" }, to: d.name, kind: "crawler" }] : [];
        case "firehose":
            return [{ from: { type: "stream", input: s.input }, to: d.name, kind: "stream" }];
        case "jdbc":
            return [{ from: { type: "connection", connection: s.connection, path: s.path }, to: d.name, kind: "jdbc" }];
    }
}

/** Strongly connected components with a cycle in them (Tarjan), each rotated to start at its smallest name. */
function cyclesOf(reads: Map<string, string[]>): string[][] {
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const out: string[][] = [];
    const visit = (v: string) => {
        index.set(v, index.size);
        low.set(v, index.get(v)!);
        stack.push(v);
        onStack.add(v);
        for (const w of reads.get(v) ?? []) {
            if (!index.has(w)) {
                visit(w);
                low.set(v, Math.min(low.get(v)!, low.get(w)!));
            } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
        if (low.get(v) === index.get(v)) {
            const scc: string[] = [];
            let w: string;
            do {
                w = stack.pop()!;
                onStack.delete(w);
                scc.push(w);
            } while (w !== v);
            if (scc.length > 1 || (reads.get(v) ?? []).includes(v)) out.push(cyclePath(scc, reads));
        }
    };
    for (const v of [...reads.keys()].sort()) if (!index.has(v)) visit(v);
    return out.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/** One cycle through a component, as the names read in turn from its smallest name back to it. */
function cyclePath(scc: string[], reads: Map<string, string[]>): string[] {
    const members = new Set(scc);
    const start = [...scc].sort()[0]!;
    // Breadth-first from start back to start, within the component: the shortest cycle through it.
    const from = new Map<string, string>();
    const queue = [start];
    while (queue.length) {
        const v = queue.shift()!;
        for (const w of [...(reads.get(v) ?? [])].sort()) {
            if (!members.has(w)) continue;
            if (w === start) {
                const path = [v];
                while (path[0] !== start) path.unshift(from.get(path[0]!)!);
                return path;
            }
            if (!from.has(w)) {
                from.set(w, v);
                queue.push(w);
            }
        }
    }
    return [start];
}

// ---------------------------------------------------------------------------------------------------------------
// Jobs (issue 11): the ETL fields of a job source, the SQL file beside a dataset file, and the job each derives.

type RawJob = Extract<DatasetFileSource, { type: "job" }>;

/** The job source as declared: the ETL fields only when written (defaults are the job's, see `jobPlan`). */
export function jobSource(raw: RawJob): JobSource {
    const { type, job, inputs, renames, derive, key, dedupOrder, writeMode } = raw;
    return {
        type,
        job,
        ...(inputs ? { inputs } : {}),
        ...(renames ? { renames } : {}),
        ...(derive ? { derive } : {}),
        ...(key ? { key } : {}),
        ...(dedupOrder ? { dedupOrder } : {}),
        ...(writeMode ? { writeMode } : {}),
    };
}

/** The two job scripts (etl/jobs/<script>.py). */
export const JOB_SCRIPTS = ["bronze_to_silver", "silver_to_gold"] as const;
export type JobScript = (typeof JOB_SCRIPTS)[number];

/** What the platform derives for one job-written dataset with inputs: its script and the ETL fields with defaults. */
export interface JobPlan {
    /** The dataset the job writes. */
    dataset: string;
    /** The Glue job's name as the file gives it (`source.job`). */
    job: string;
    script: JobScript;
    /** The datasets it reads, in the file's order. */
    inputs: string[];
    renames: Record<string, string>;
    derive: Record<string, string>;
    key: string[];
    dedupOrder: string[];
    writeMode: JobWriteMode;
    /** `<name>.sql` (silver_to_gold only). */
    sql?: { file: string; text: string };
    /** Job bookmarks: incremental reads of a non-Iceberg target's bronze input. Iceberg and SQL jobs read in full. */
    bookmarks: boolean;
}

/** The job a dataset derives, or undefined when it is not written by a job of the lake (no source.inputs). */
export function jobPlan(ds: Pick<Dataset, "name" | "format" | "source">): JobPlan | undefined {
    const s = ds.source;
    if (s.type !== "job" || !s.inputs?.length) return undefined;
    const script: JobScript = s.sql ? "silver_to_gold" : "bronze_to_silver";
    return {
        dataset: ds.name,
        job: s.job,
        script,
        inputs: [...s.inputs],
        renames: { ...(s.renames ?? {}) },
        derive: { ...(s.derive ?? {}) },
        key: [...(s.key ?? [])],
        dedupOrder: [...(s.dedupOrder ?? [])],
        writeMode: s.writeMode ?? (ds.format === "iceberg" ? "merge" : "overwrite"),
        ...(s.sql ? { sql: s.sql } : {}),
        bookmarks: script === "bronze_to_silver" && ds.format !== "iceberg",
    };
}

/** One pipeline: a connected part of the lineage with at least one job; run as one Glue workflow. */
export interface EtlPipeline {
    /** `<domain>` (domains joined by `-` when it spans several), unique within the stack. */
    name: string;
    /** Its jobs, each after the jobs writing its inputs. */
    jobs: JobPlan[];
    /** Datasets read but not written by a job of the pipeline (its sources), in lineage order. */
    sources: string[];
}

/** The stack's pipelines: datasets connected by job inputs, each group with its jobs in lineage order. */
export function etlPipelines(datasets: readonly Dataset[]): EtlPipeline[] {
    const { order } = datasetLineage(datasets);
    const byName = new Map(datasets.map((d) => [d.name, d]));
    const plans = new Map(order.flatMap((n) => { const p = jobPlan(byName.get(n)!); return p ? [[n, p] as const] : []; }));
    // Union-find over job edges.
    const parent = new Map<string, string>();
    const find = (x: string): string => { const p = parent.get(x) ?? x; if (p === x) return x; const r = find(p); parent.set(x, r); return r; };
    for (const p of plans.values()) for (const i of p.inputs) if (byName.has(i)) parent.set(find(i), find(p.dataset));
    const read = new Set([...plans.values()].flatMap((p) => p.inputs));
    const groups = new Map<string, string[]>();
    for (const n of order) {
        if (!plans.has(n) && !read.has(n)) continue;
        const group = groups.get(find(n));
        if (group) group.push(n);
        else groups.set(find(n), [n]);
    }
    const used = new Set<string>();
    return [...groups.values()].map((members) => {
        const jobs = members.flatMap((n) => (plans.has(n) ? [plans.get(n)!] : []));
        let name = [...new Set(jobs.map((j) => byName.get(j.dataset)!.domain))].sort().join("-");
        for (let k = 2; used.has(name); k++) name = `${name.replace(/-\d+$/, "")}-${k}`;
        used.add(name);
        return { name, jobs, sources: members.filter((n) => !plans.has(n)) };
    });
}

/** `stacks/datasets/sales/ticket_sales.yaml` -> `stacks/datasets/sales/ticket_sales.sql`. */
export const sqlFileOf = (datasetFile: string) => datasetFile.replace(/\.ya?ml$/, ".sql");

/**
 * Attaches each job dataset's `<name>.sql` and checks what jobs need across files: a SQL file belongs to a job
 * dataset with inputs; without one, the job is bronze_to_silver and reads exactly one bronze dataset whose columns
 * (renamed) or `derive` give every declared column; no job writes bronze; keys and orders name real columns.
 * (The names a job derives are checked with every dataset's, contract/naming.ts `datasetDerivedNames`.)
 * `sqlFiles` undefined: not given to the loader (unit tests of other checks), so nothing about SQL files is checked.
 */
export function jobProblems(loaded: { ds: Dataset; src: SourceFile }[], sqlFiles: readonly SourceText[] | undefined, datasetFiles: readonly string[]): DatasetProblem[] {
    const out: DatasetProblem[] = [];
    const byName = new Map(loaded.map((l) => [l.ds.name, l.ds]));
    const sqlByFile = new Map((sqlFiles ?? []).map((f) => [f.file, f]));
    const yamlFiles = new Set(datasetFiles);
    for (const f of sqlFiles ?? []) {
        const owner = [f.file.replace(/\.sql$/, ".yaml"), f.file.replace(/\.sql$/, ".yml")].find((y) => yamlFiles.has(y));
        if (!owner) out.push({ file: f.file, line: 1, column: 1, field: "", value: path.posix.basename(f.file), message: `no dataset file ${f.file.replace(/\.sql$/, ".yaml")} beside it: a SQL file is the job of the dataset of the same name; rename or remove it` });
        else if (!f.text.trim()) out.push({ file: f.file, line: 1, column: 1, field: "", value: "", message: "is empty: write one SELECT (or WITH ... SELECT) over the job's inputs" });
    }
    for (const { ds, src } of loaded) {
        const s = ds.source;
        const sql = sqlFiles ? sqlByFile.get(sqlFileOf(ds.file)) : undefined;
        if (s.type !== "job") {
            if (sql) out.push(src.problem(["source"], `${sql.file} is a job's SQL, but this dataset is not written by a job: set source: {type: job, job: ..., inputs: [...]} or remove the SQL file`, s.type));
            continue;
        }
        if (sql && sql.text.trim()) s.sql = { file: sql.file, text: sql.text };
        out.push(...jobFieldProblems(ds, s, src, byName, sqlFiles !== undefined));
    }
    return out;
}

function jobFieldProblems(ds: Dataset, s: JobSource, src: SourceFile, byName: Map<string, Dataset>, sqlChecked: boolean): DatasetProblem[] {
    const out: DatasetProblem[] = [];
    const at = (...f: (string | number)[]): FieldPath => ["source", ...f];
    const declared = [...ds.columns, ...ds.partitionKeys].map((c) => c.name);
    const inputs = s.inputs ?? [];
    s.key?.forEach((k, i) => {
        if (!declared.includes(k)) out.push(src.problem(at("key", i), `no column '${k}' in this dataset${didYouMean(k, declared)}`, k));
    });
    if (s.dedupOrder && !s.key) out.push(src.problem(at("dedupOrder"), "orders the rows of one key: declare source.key too", s.dedupOrder));
    if (ds.format === "iceberg") {
        if (!s.key && inputs.length) out.push(src.problem(at("job"), "an Iceberg target is written with MERGE INTO on its key (Glue has no job bookmarks for Iceberg; the key keeps reruns idempotent): declare source.key", s.job));
        if (s.writeMode === "overwrite") out.push(src.problem(at("writeMode"), "an Iceberg target is written with MERGE INTO: writeMode is merge (or leave it out)", s.writeMode));
    }
    if (ds.layer === "bronze" && inputs.length) out.push(src.problem(at("inputs"), "bronze holds data as it landed; a job refines bronze into silver or gold, it never writes bronze: make the dataset silver or gold, or land its files (source: {type: s3})", inputs));
    if (!inputs.length) {
        // Undeclared inputs are warned about (they will become required); declared-empty ones can't use the fields.
        if (!s.inputs) return out;
        for (const f of ["renames", "derive", "key", "dedupOrder", "writeMode"] as const) {
            if (s[f] !== undefined) out.push(src.problem(at(f), "configures the lake's job, which needs source.inputs: name the datasets it reads", s[f]));
        }
        if (s.sql) out.push(src.problem(at("inputs"), `${s.sql.file} is the job's SQL over its inputs, but source.inputs is ${s.inputs ? "empty" : "not declared"}: name the datasets the SQL reads`, s.inputs));
        return out;
    }
    const sources = inputs.map((n) => byName.get(n));
    if (s.sql) {
        for (const f of ["renames", "derive", "dedupOrder"] as const) {
            if (s[f] !== undefined) out.push(src.problem(at(f), `applies to bronze_to_silver (no SQL file); this dataset's job is its SQL, ${s.sql.file}: do it in the SQL`, s[f]));
        }
        inputs.forEach((n, i) => {
            if (!new RegExp(`\\b${n}\\b`, "i").test(stripSqlComments(s.sql!.text))) out.push(src.problem(at("inputs", i), `input '${n}' is not read by ${s.sql!.file} (each input is a view named after it): remove it or use it`, n));
        });
        return out;
    }
    if (!sqlChecked) return out;
    const bronze = sources.filter((d) => d?.layer === "bronze");
    if (inputs.length !== 1 || bronze.length !== 1) {
        const what = inputs.length === 1 ? `reads the ${sources[0]?.layer ?? "unknown"} dataset '${inputs[0]}'` : `reads ${inputs.length} datasets`;
        out.push(src.problem(at("inputs"), `${what}, so its job runs SQL: add ${sqlFileOf(ds.file)} (one SELECT over the inputs, each a view named after it); without a SQL file a job refines exactly one bronze dataset`, inputs));
        return out;
    }
    const input = bronze[0]!;
    const inputColumns = [...input.columns, ...input.partitionKeys].map((c: Column) => c.name);
    const renames = s.renames ?? {};
    Object.keys(renames).forEach((from) => {
        if (!inputColumns.includes(from)) out.push(src.problem(at("renames", from), `no column '${from}' in the input '${input.name}' (${input.file})${didYouMean(from, inputColumns)}`, from, true));
    });
    const available = inputColumns.map((c) => renames[c] ?? c);
    Object.keys(s.derive ?? {}).forEach((c) => {
        if (!declared.includes(c)) out.push(src.problem(at("derive", c), `derives '${c}', which is not a column of this dataset${didYouMean(c, declared)}`, c, true));
    });
    for (const c of declared) {
        if (!available.includes(c) && !(c in (s.derive ?? {}))) {
            out.push(src.problem(at("inputs", 0), `column '${c}' comes from nowhere: '${input.name}' has no such column (renamed: ${available.join(", ")}); rename one to it (source.renames) or compute it (source.derive)`, c));
        }
    }
    s.dedupOrder?.forEach((c, i) => {
        if (!available.includes(c) && !declared.includes(c)) out.push(src.problem(at("dedupOrder", i), `no column '${c}' in the input '${input.name}' or this dataset${didYouMean(c, available)}`, c));
    });
    return out;
}

/** SQL without `--` line and block comments (an input named only in a comment is not read). */
function stripSqlComments(sql: string): string {
    return sql.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/--[^\n]*/g, " ");
}
