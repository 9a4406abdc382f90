/** Graphviz DOT for a GraphModel, laid out left to right with nested, shaded clusters. */
import { clusterLines, contents, GraphModel, GraphNode, nodeLines } from "./graph-model";

/** Quoted DOT string. Backslashes are escapes in DOT labels (`\n`, `\N`, `\l`), so they are doubled. */
export function dotString(s: string): string {
    return `"${dotEscape(s).replace(/\r?\n/g, "\\n")}"`;
}

const dotEscape = (s: string): string => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');

/** Left-justified multi-line label: each line ends in DOT's `\l`. */
const leftLines = (lines: string[]): string => `"${lines.map((l) => `${dotEscape(l.replace(/\r?\n/g, " "))}\\l`).join("")}"`;

/** Fill and border by AWS service, so a reader can tell storage from catalog from IAM at a glance. */
const SERVICE_COLOURS: Record<string, [fill: string, pen: string]> = {
    s3: ["#e8f5e9", "#2e7d32"],
    glue: ["#ede7f6", "#5e35b1"],
    athena: ["#ede7f6", "#5e35b1"],
    lakeformation: ["#ede7f6", "#5e35b1"],
    iam: ["#ffebee", "#c62828"],
    kms: ["#fff8e1", "#f9a825"],
    secretsmanager: ["#fff8e1", "#f9a825"],
    kinesis: ["#fff3e0", "#ef6c00"],
    lambda: ["#fff3e0", "#ef6c00"],
    sfn: ["#fff3e0", "#ef6c00"],
    redshift: ["#e3f2fd", "#1565c0"],
    redshiftserverless: ["#e3f2fd", "#1565c0"],
    quicksight: ["#e3f2fd", "#1565c0"],
    cloudwatch: ["#fce4ec", "#ad1457"],
    sns: ["#fce4ec", "#ad1457"],
    sqs: ["#fce4ec", "#ad1457"],
    ec2: ["#eceff1", "#455a64"],
};
const DEFAULT_COLOURS: [string, string] = ["#ffffff", "#546e7a"];
const CLUSTER_FILLS = ["#f5f7fa", "#e9eef4", "#dde5ee"];

export function serviceColours(token: string): [string, string] {
    const mod = (token.split(":")[1] ?? "").split("/")[0].toLowerCase();
    return SERVICE_COLOURS[mod] ?? DEFAULT_COLOURS;
}

function tooltip(n: GraphNode): string {
    const names = n.names.length > 20 ? [...n.names.slice(0, 20), `… ${n.names.length - 20} more`] : n.names;
    const sats = [...n.satellites].map(([t, c]) => `${t} ×${c}`);
    return [...names, ...(sats.length > 0 ? ["folded:", ...sats] : [])].join("\n");
}

export function toDot(model: GraphModel): string {
    const out: string[] = [];
    out.push("digraph plan {");
    out.push(
        `  graph [rankdir=LR, compound=true, newrank=true, fontname="Helvetica", fontsize=11, ` +
            `nodesep=0.2, ranksep=0.5, pad=0.5, labelloc=t, labeljust=l, label=${dotString(model.title)}];`,
    );
    out.push(`  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, margin="0.12,0.04"];`);
    out.push(`  edge [color="#78909c", arrowsize=0.6, fontname="Helvetica", fontsize=9, fontcolor="#37474f"];`);

    const { nodesIn, clustersIn } = contents(model);

    const emitNode = (n: GraphNode, indent: string) => {
        const [fill, pen] = serviceColours(n.token);
        const attrs = [
            `label=${dotString(nodeLines(n).filter((l) => l !== "").join("\n"))}`,
            `tooltip=${dotString(tooltip(n))}`,
            `fillcolor=${dotString(fill)}`,
            `color=${dotString(pen)}`,
        ];
        // A double border marks a node that stands for several resources.
        if (n.members.length > 1) attrs.push("peripheries=2");
        if (n.component) attrs.push(`shape=component`, `style="filled"`);
        out.push(`${indent}${n.id} [${attrs.join(", ")}];`);
    };
    const emitCluster = (parent: string | undefined, indent: string) => {
        for (const n of nodesIn.get(parent) ?? []) emitNode(n, indent);
        for (const c of clustersIn.get(parent) ?? []) {
            out.push(`${indent}subgraph cluster_${c.id} {`);
            const merged = c.members.length > 1;
            out.push(
                `${indent}  graph [label=${leftLines(clusterLines(c))}, style="rounded,filled${merged ? ",dashed" : ""}", ` +
                    `fillcolor=${dotString(CLUSTER_FILLS[c.depth % CLUSTER_FILLS.length])}, color="#90a4ae", ` +
                    `fontsize=10, tooltip=${dotString(c.names.join("\n"))}];`,
            );
            emitCluster(c.id, `${indent}  `);
            out.push(`${indent}}`);
        }
    };
    emitCluster(undefined, "  ");

    // Edges to or from a cluster attach to a node inside it and are clipped at the cluster border.
    const anchor = new Map<string, string>();
    const anchorOf = (id: string): string => {
        if (!id.startsWith("c")) return id;
        let a = anchor.get(id);
        if (a === undefined) {
            const direct = nodesIn.get(id)?.[0];
            a = direct ? direct.id : anchorOf(clustersIn.get(id)![0].id);
            anchor.set(id, a);
        }
        return a;
    };
    for (const e of model.edges) {
        const attrs: string[] = [];
        if (e.from.startsWith("c")) attrs.push(`ltail=cluster_${e.from}`);
        if (e.to.startsWith("c")) attrs.push(`lhead=cluster_${e.to}`);
        if (e.count > 1) attrs.push(`label=${dotString(`×${e.count}`)}`, `penwidth=${Math.min(1 + Math.log2(e.count), 4).toFixed(2)}`);
        out.push(`  ${anchorOf(e.from)} -> ${anchorOf(e.to)}${attrs.length > 0 ? ` [${attrs.join(", ")}]` : ""};`);
    }
    out.push("}");
    return out.join("\n") + "\n";
}
