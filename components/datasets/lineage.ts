/**
 * Lineage of a stack's datasets: what each dataset is made from, as edges input -> output with the kind of the
 * step (a job reading datasets, a crawler over landed files, a stream, a JDBC copy), and the datasets in
 * topological order (every dataset after the datasets it reads). Validation uses it for cycles; the ETL and
 * graph work build jobs and pictures from it. Plain data in, plain data out.
 */
import { LAYERS } from "../../contract";
import { Dataset, FirehoseInput } from "./model";

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

    // Kahn's algorithm; what is left on cycles goes last, so `order` always names every dataset.
    const pending = new Map([...reads].map(([n, ins]) => [n, new Set(ins)]));
    const order: string[] = [];
    for (;;) {
        const ready = [...pending].filter(([, ins]) => ins.size === 0).map(([n]) => n).sort(byRank);
        if (!ready.length) break;
        const next = ready[0]!;
        order.push(next);
        pending.delete(next);
        for (const ins of pending.values()) ins.delete(next);
    }
    order.push(...[...pending.keys()].sort(byRank));

    const byName = new Map(datasets.map((d) => [d.name, d]));
    const edges = order.flatMap((name) => edgesInto(byName.get(name)!));
    return { edges, order, cycles: cyclesOf(reads), undeclared: undeclared.sort(byRank) };
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
