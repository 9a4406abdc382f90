/**
 * The stack picture behind `npm run graph`: components as clusters, resources as nodes,
 * dependencies as edges (dependency -> dependent), repetition collapsed. SVG is laid out by
 * Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz embeds the .wasm in its bundle, so
 * nothing is downloaded or spawned); Mermaid is plain text for Markdown. See docs/graph.md.
 */
import * as path from "path";
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { PlanResult } from "./types";
import { buildGraphModel } from "./graph-model";
import { toDot } from "./graph-dot";
import { toMermaid } from "./graph-mermaid";

export { buildGraphModel, DEFAULT_COLLAPSE_THRESHOLD } from "./graph-model";
export type { GraphCluster, GraphEdge, GraphModel, GraphNode } from "./graph-model";
export { toDot } from "./graph-dot";
export { toMermaid } from "./graph-mermaid";

export type GraphFormat = "svg" | "mmd";

export interface RenderGraphOptions {
    format: GraphFormat;
    /**
     * More than this many siblings of one type in one cluster become a single `type ×N` node
     * (sibling components of one type: a single merged cluster).
     * @default 5
     */
    collapseThreshold?: number;
}

let graphviz: Promise<Graphviz> | undefined;

/** Renders a plan as an SVG document or a Mermaid flowchart. Same plan, same bytes. */
export async function renderGraph(plan: PlanResult, opts: RenderGraphOptions): Promise<string> {
    const model = buildGraphModel(plan, { collapseThreshold: opts.collapseThreshold });
    switch (opts.format) {
        case "mmd":
            return toMermaid(model);
        case "svg": {
            // Loaded once per process; a failed load is retried on the next call.
            graphviz ??= Graphviz.load().catch((e: unknown) => {
                graphviz = undefined;
                throw e;
            });
            const svg = (await graphviz).dot(toDot(model), "svg");
            // Drop the XML prolog, doctype and version comment: the file starts at <svg, and a
            // Graphviz upgrade doesn't change every committed diff line.
            const start = svg.indexOf("<svg");
            if (start < 0) throw new Error(`renderGraph: Graphviz returned no <svg> element for ${plan.project}/${plan.stack}`);
            return svg.slice(start);
        }
        default:
            throw new Error(`renderGraph: option format must be "svg" or "mmd", got ${JSON.stringify(opts.format)}`);
    }
}

/** The format for an --out path, from its extension. */
export function graphFormatFor(file: string): GraphFormat {
    const ext = path.extname(file).toLowerCase();
    if (ext === ".svg") return "svg";
    if (ext === ".mmd" || ext === ".mermaid") return "mmd";
    throw new Error(`--out ${file}: extension ${JSON.stringify(ext)} is not supported; use .svg or .mmd`);
}
