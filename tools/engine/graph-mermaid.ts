/** Mermaid flowchart for a GraphModel, for Markdown files and pull-request comments. */
import { clusterLines, contents, GraphModel, nodeLines } from "./graph-model";
import { serviceColours } from "./graph-dot";

/**
 * Text for a quoted Mermaid label. Mermaid decodes `#name;` / `#code;` entities and treats
 * `<`/`>` as HTML, so those and the quote are written as entity codes.
 */
export function mermaidText(s: string): string {
    return s
        .replace(/#/g, "#35;")
        .replace(/"/g, "#quot;")
        .replace(/</g, "#lt;")
        .replace(/>/g, "#gt;")
        .replace(/\r?\n/g, " ");
}

const label = (lines: string[]): string =>
    `"${lines
        .filter((l) => l !== "")
        .map(mermaidText)
        .join("<br/>")}"`;

export function toMermaid(model: GraphModel): string {
    const out: string[] = [];
    out.push("---", `title: ${JSON.stringify(model.title)}`, "---", "flowchart LR");

    const { nodesIn, clustersIn } = contents(model);

    const emit = (parent: string | undefined, indent: string) => {
        for (const n of nodesIn.get(parent) ?? []) {
            const text = label(nodeLines(n));
            out.push(`${indent}${n.id}${n.component ? `[[${text}]]` : `(${text})`}`);
        }
        for (const c of clustersIn.get(parent) ?? []) {
            out.push(`${indent}subgraph ${c.id}[${label(clusterLines(c))}]`);
            emit(c.id, `${indent}  `);
            out.push(`${indent}end`);
        }
    };
    emit(undefined, "  ");

    for (const e of model.edges) {
        out.push(e.count > 1 ? `  ${e.from} -->|×${e.count}| ${e.to}` : `  ${e.from} --> ${e.to}`);
    }

    // One class per colour pair actually used, named by first appearance so output is stable.
    const classes = new Map<string, { name: string; ids: string[] }>();
    for (const n of model.nodes) {
        const [fill, pen] = serviceColours(n.token);
        const key = `${fill},${pen}`;
        const cls = classes.get(key) ?? { name: `svc${classes.size + 1}`, ids: [] };
        cls.ids.push(n.id);
        classes.set(key, cls);
    }
    for (const [key, cls] of classes) {
        const [fill, pen] = key.split(",");
        out.push(`  classDef ${cls.name} fill:${fill},stroke:${pen},color:#263238`);
        out.push(`  class ${cls.ids.join(",")} ${cls.name}`);
    }
    const collapsed = model.nodes.filter((n) => n.members.length > 1).map((n) => n.id);
    if (collapsed.length > 0) {
        out.push("  classDef collapsed stroke-width:3px");
        out.push(`  class ${collapsed.join(",")} collapsed`);
    }
    return out.join("\n") + "\n";
}
