/**
 * `npm run graph -- --view lineage`: the lake's data flow, drawn from the dataset model (not from a plan): where
 * data comes from (landed files and their crawler, Firehose streams, JDBC copies), the Glue jobs as edges between
 * datasets grouped by layer and domain, and who reads the result at the end (each consumer in its Athena
 * workgroup, Redshift Spectrum, QuickSight). SVG through Graphviz in WebAssembly, or Mermaid for pull requests.
 */
import * as fs from "fs";
import * as path from "path";
import { Dataset, datasetLineage, etlPipelines, LineageEdge, loadStackDatasets } from "../../components/datasets";
import { LAYERS } from "../../contract";
import { capabilityOn, type LakeConfig } from "../../infra/config";
import { stackConfig } from "../dataset/commands";

export interface LineageNode {
    id: string;
    label: string;
    kind: "source" | "dataset" | "consumer";
}

export interface LineageGroup {
    id: string;
    label: string;
    nodes: LineageNode[];
    groups: LineageGroup[];
}

export interface LineageGraph {
    title: string;
    /** Sources (left), layers with their domains (middle), consumers by where they query (right). */
    groups: LineageGroup[];
    edges: { from: string; to: string; label: string; kind: LineageEdge["kind"] | "read" }[];
}

/** What the picture says about the stack besides its datasets: who queries where. */
export interface LineageContext {
    stack: string;
    /** The Athena workgroup a consumer principal runs its queries in. */
    workgroupOf(principal: string): string;
    /** Redshift Spectrum reads silver and gold (the warehouse is on). */
    warehouse: boolean;
}

const id = (...parts: string[]) => parts.join("_").replace(/[^A-Za-z0-9_]/g, "_");
/** `arn:aws:iam::111111111111:role/sales-analyst` -> `role/sales-analyst`. */
const shortPrincipal = (arn: string) => /:(role|user)\/(?:.*\/)?([^/]+)$/.exec(arn)?.slice(1).join("/") ?? arn.split(":").pop()!;

export function lineageGraph(datasets: readonly Dataset[], ctx: LineageContext): LineageGraph {
    const lineage = datasetLineage(datasets);
    const byName = new Map(datasets.map((d) => [d.name, d]));
    const edges: LineageGraph["edges"] = [];
    const sources = new Map<string, LineageNode>();
    const source = (key: string, label: string) => {
        if (!sources.has(key)) sources.set(key, { id: id("src", key), label, kind: "source" });
        return sources.get(key)!.id;
    };
    const pipelineOf = new Map(etlPipelines(datasets).flatMap((p) => p.jobs.map((j) => [j.dataset, p.name] as const)));
    for (const e of lineage.edges) {
        const to = id("ds", e.to);
        switch (e.from.type) {
            case "dataset":
                edges.push({ from: id("ds", e.from.name), to, label: pipelineOf.has(e.to) ? `Glue job ${e.job} (${pipelineOf.get(e.to)})` : `job ${e.job}`, kind: "job" });
                break;
            case "files": {
                const producers = byName.get(e.to)!.producers.map(shortPrincipal);
                edges.push({ from: source(`files_${e.to}`, `S3 landing${producers.length ? `\n${producers.join(", ")}` : ""}`), to, label: "Glue crawler", kind: "crawler" });
                break;
            }
            case "stream":
                edges.push({ from: source(`stream_${e.to}`, e.from.input.type === "direct-put" ? "Firehose Direct PUT" : "Kinesis data stream"), to, label: "Firehose", kind: "stream" });
                break;
            case "connection":
                edges.push({ from: source(`jdbc_${e.from.connection}`, `JDBC ${e.from.connection}`), to, label: `crawl ${e.from.path}`, kind: "jdbc" });
                break;
        }
    }
    // Consumers: each principal in the workgroup it queries in; Spectrum and QuickSight as engines of their own.
    const consumers = new Map<string, Map<string, LineageNode>>();
    const consumer = (group: string, key: string, label: string) => {
        const g = consumers.get(group) ?? consumers.set(group, new Map()).get(group)!;
        if (!g.has(key)) g.set(key, { id: id("use", group, key), label, kind: "consumer" });
        return g.get(key)!.id;
    };
    for (const name of lineage.order) {
        const d = byName.get(name)!;
        for (const c of d.consumers) {
            const wg = ctx.workgroupOf(c.principal);
            edges.push({ from: id("ds", name), to: consumer(`Athena workgroup ${wg}`, c.principal, shortPrincipal(c.principal)), label: c.columns ? `${c.columns.length} columns` : "", kind: "read" });
        }
        if (ctx.warehouse && d.layer !== "bronze") edges.push({ from: id("ds", name), to: consumer("Redshift", "spectrum", "Redshift Spectrum"), label: "", kind: "read" });
        if (d.bi) edges.push({ from: id("ds", name), to: consumer("QuickSight", "bi", "QuickSight"), label: "", kind: "read" });
    }

    const datasetNode = (d: Dataset): LineageNode => ({ id: id("ds", d.name), label: `${d.name}\n${d.format}${d.partitionKeys.length ? ` by ${d.partitionKeys.map((k) => k.name).join(", ")}` : ""}`, kind: "dataset" });
    const layers: LineageGroup[] = LAYERS.flatMap((layer) => {
        const inLayer = lineage.order.map((n) => byName.get(n)!).filter((d) => d.layer === layer);
        if (!inLayer.length) return [];
        const domains = [...new Set(inLayer.map((d) => d.domain))].sort();
        return [{
            id: id("layer", layer),
            label: layer,
            nodes: [],
            groups: domains.map((domain) => ({ id: id("layer", layer, domain), label: domain, nodes: inLayer.filter((d) => d.domain === domain).map(datasetNode), groups: [] })),
        }];
    });
    return {
        title: `Lineage of ${ctx.stack}: ${datasets.length} datasets, ${lineage.edges.filter((e) => e.kind === "job").length} job edges`,
        groups: [
            { id: "sources", label: "sources", nodes: [...sources.values()], groups: [] },
            ...layers,
            { id: "consumers", label: "consumers", nodes: [], groups: [...consumers].map(([g, nodes]) => ({ id: id("grp", g), label: g, nodes: [...nodes.values()], groups: [] })) },
        ],
        edges,
    };
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

const COLOURS: Record<string, string> = { source: "#eceff1", bronze: "#efebe9", silver: "#eceff1", gold: "#fff8e1", consumers: "#e8f5e9", dataset: "#ffffff", consumer: "#c8e6c9" };
const EDGE_COLOURS: Record<LineageGraph["edges"][number]["kind"], string> = { job: "#1565c0", crawler: "#6d4c41", stream: "#6a1b9a", jdbc: "#00838f", read: "#2e7d32" };
const dot = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

export function lineageDot(g: LineageGraph): string {
    const out = [
        "digraph lineage {",
        // pad: Graphviz centres the left-justified title on its estimated width; real fonts are wider and would clip it.
        `  graph [rankdir=LR, compound=true, newrank=true, fontname="Helvetica", fontsize=12, nodesep=0.25, ranksep=0.7, pad=0.5, labelloc=t, labeljust=l, label=${dot(g.title)}];`,
        `  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, fillcolor="#ffffff"];`,
        `  edge [fontname="Helvetica", fontsize=9, arrowsize=0.7];`,
    ];
    const emit = (grp: LineageGroup, indent: string, colour: string) => {
        out.push(`${indent}subgraph cluster_${grp.id} {`, `${indent}  graph [label=${dot(grp.label)}, style="rounded,filled", fillcolor="${colour}", color="#b0bec5"];`);
        for (const n of grp.nodes) out.push(`${indent}  ${n.id} [label=${dot(n.label)}, fillcolor="${COLOURS[n.kind]}"${n.kind === "source" ? ", shape=cds" : ""}];`);
        for (const sub of grp.groups) emit(sub, `${indent}  `, "#ffffff");
        out.push(`${indent}}`);
    };
    for (const grp of g.groups) emit(grp, "  ", COLOURS[grp.label] ?? COLOURS[grp.id] ?? "#fafafa");
    for (const e of g.edges) out.push(`  ${e.from} -> ${e.to} [color="${EDGE_COLOURS[e.kind]}", fontcolor="${EDGE_COLOURS[e.kind]}"${e.label ? `, label=${dot(e.label)}` : ""}${e.kind === "read" ? ", style=dashed" : ""}];`);
    out.push("}");
    return `${out.join("\n")}\n`;
}

const mermaid = (s: string) => `"${s.replace(/#/g, "#35;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;").replace(/\n/g, "<br/>")}"`;

export function lineageMermaid(g: LineageGraph): string {
    const out = ["---", `title: ${JSON.stringify(g.title)}`, "---", "flowchart LR"];
    const emit = (grp: LineageGroup, indent: string) => {
        out.push(`${indent}subgraph ${grp.id}[${mermaid(grp.label)}]`);
        for (const n of grp.nodes) out.push(`${indent}  ${n.id}${n.kind === "dataset" ? `[${mermaid(n.label)}]` : n.kind === "source" ? `>${mermaid(n.label)}]` : `(${mermaid(n.label)})`}`);
        for (const sub of grp.groups) emit(sub, `${indent}  `);
        out.push(`${indent}end`);
    };
    for (const grp of g.groups) emit(grp, "  ");
    for (const e of g.edges) out.push(`  ${e.from} ${e.kind === "read" ? "-.->" : "-->"}${e.label ? `|${mermaid(e.label)}|` : ""} ${e.to}`);
    return `${out.join("\n")}\n`;
}

export async function renderLineage(g: LineageGraph, format: "svg" | "mmd"): Promise<string> {
    if (format === "mmd") return lineageMermaid(g);
    const { Graphviz } = await import("@hpcc-js/wasm-graphviz");
    const svg = (await Graphviz.load()).dot(lineageDot(g), "svg");
    return svg.slice(svg.indexOf("<svg"));
}

/** The workgroup each consumer queries in, as the stack config's teams say (the default team otherwise). */
export function workgroupsOf(config: LakeConfig): (principal: string) => string {
    const teams = config.athena.teams;
    return (principal) => teams.find((t) => t.members.includes(principal))?.name ?? teams[0]?.name ?? "analysts";
}

/** The lineage of one stack of a repository: its config and dataset files. */
export function stackLineage(root: string, stack: string): LineageGraph {
    const config = stackConfig(root, stack);
    const { datasets } = loadStackDatasets({ root, stack, accountId: config.accountId, region: config.region, naming: { prefix: config.namePrefix, environment: config.environment, accountId: config.accountId } });
    return lineageGraph(datasets, { stack, workgroupOf: workgroupsOf(config), warehouse: capabilityOn(config.warehouse, config) });
}

/** `graph --view lineage [--stack S] [--out FILE.svg|FILE.mmd]`: Mermaid on stdout without --out. */
export async function lineageCommand(root: string, argv: string[]): Promise<void> {
    const flag = (name: string) => {
        const i = argv.indexOf(name);
        return i >= 0 ? argv[i + 1] : undefined;
    };
    const stack = flag("--stack") ?? "dev";
    const out = flag("--out");
    const format = out?.toLowerCase().endsWith(".svg") ? "svg" : "mmd";
    if (out && !/\.(svg|mmd|mermaid)$/i.test(out)) throw new Error(`--out ${out}: use FILE.svg or FILE.mmd`);
    const text = await renderLineage(stackLineage(root, stack), format);
    if (!out) process.stdout.write(text);
    else {
        fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
        fs.writeFileSync(out, text);
    }
}
