/** `plan` output: the preview tree, then counts per type and per component. */
import type { PlanResult } from "../types";
import { buildTree, descendantCounts, walk } from "./tree";

function table(rows: string[][], indent = "    "): string[] {
    const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
    return rows.map((r) => indent + r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]))).join("  ").trimEnd());
}

export function renderPlanText(plan: PlanResult): string {
    const lines = [`Previewing update (${plan.stack}) offline, project ${plan.project}:`, ""];
    const roots = buildTree(plan.resources);
    const rows = [["", "Type", "Name"]];
    for (const { node, prefix } of walk(roots)) {
        rows.push([node.resource.external ? "=" : "+", prefix + node.resource.type, node.resource.name]);
    }
    lines.push(...table(rows, " "), "");

    const byType = new Map<string, number>();
    for (const r of plan.resources) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    const typeRows = [...byType.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    lines.push("Resources by type:", ...table(typeRows.map(([t, n]) => [String(n).padStart(6), t])), "");

    const counts = descendantCounts(roots);
    const components = plan.resources.filter((r) => !r.custom && r.parent !== undefined);
    if (components.length > 0) {
        lines.push(
            "Resources by component (descendants):",
            ...table(components.map((c) => [String(counts.get(c.urn) ?? 0).padStart(6), c.type, c.name])),
            "",
        );
    }
    const managed = plan.resources.filter((r) => !r.external).length;
    lines.push(`Resources:\n    + ${managed} to create${managed === plan.resources.length ? "" : `, ${plan.resources.length - managed} read`}`);
    lines.push(`\nDuration: ${(plan.durationMs / 1000).toFixed(2)}s`);
    return lines.join("\n") + "\n";
}

/** The stable JSON shape of a plan: `{stack, resources: [{urn, type, name, parent}]}`. */
export function planJson(plan: PlanResult): { stack: string; resources: { urn: string; type: string; name: string; parent: string | null }[] } {
    return {
        stack: plan.stack,
        resources: plan.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent ?? null })),
    };
}
