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

/** What the check report carries of the plan (its first fields, unchanged since the first JSON report). */
export function planSummary(plan: PlanResult): { stack: string; resources: { urn: string; type: string; name: string; parent: string | null }[] } {
    return {
        stack: plan.stack,
        resources: plan.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent ?? null })),
    };
}

/** `plan --format json`'s contract version: bumped only when a field changes meaning or goes away (docs/engine.md). */
export const PLAN_JSON_VERSION = 1;

/** What masks a secret value in `plan --format json`, as `pulumi preview --json` prints it. */
export const SECRET_MASK = "[secret]";

/** One resource of `plan --format json`: what a `pulumi preview --json` step's `newState` carries. */
export interface PlanJsonResource {
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    /** false for components and the stack. */
    custom: boolean;
    /** `urn::id` of the explicit provider, null for the package's default provider. */
    provider: string | null;
    /** As registered; secret values are "[secret]". */
    inputs: Record<string, unknown>;
    /**
     * Custom resources: what the mocks returned, secret inputs echoed and additionalSecretOutputs "[secret]";
     * components and the stack: what they registered (the stack's are its exports), secrets "[secret]".
     */
    outputs: Record<string, unknown>;
    dependencies: string[];
    protect: boolean;
    retainOnDelete: boolean;
    aliases: string[];
    deleteBeforeReplace?: boolean;
    ignoreChanges?: string[];
    additionalSecretOutputs?: string[];
    /** Read with `.get()`: not managed by the stack. */
    external?: boolean;
    /** A remote (multi-language) component whose children did not run offline. */
    remote?: boolean;
}

export interface PlanJson {
    version: number;
    project: string;
    stack: string;
    resources: PlanJsonResource[];
}

/** `value` with the values at `paths` (`a.b[0]`, `["odd.key"]`, as PlannedResource.secretInputs has them) masked. */
export function maskSecrets(value: Record<string, unknown>, paths: readonly string[] = [], topLevel: readonly string[] = []): Record<string, unknown> {
    if (paths.length === 0 && topLevel.length === 0) return value;
    const out = structuredClone(value);
    for (const key of topLevel) if (Object.prototype.hasOwnProperty.call(out, key)) out[key] = SECRET_MASK;
    for (const p of paths) {
        const segments = [...p.matchAll(/\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([^.[\]]+)/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : m[2] !== undefined ? JSON.parse(`"${m[2]}"`) : m[3]));
        let node: any = out;
        for (let i = 0; i < segments.length - 1 && node !== null && typeof node === "object"; i++) node = node[segments[i]];
        const last = segments[segments.length - 1];
        if (node !== null && typeof node === "object" && last !== undefined && Object.prototype.hasOwnProperty.call(node, last)) node[last] = SECRET_MASK;
    }
    return out;
}

/**
 * The plan as a tool reads it (`plan --format json`), a versioned contract: per resource what a
 * `pulumi preview --json` step carries (type, name, URN, parent, provider, inputs with secrets masked, the mocked
 * outputs, dependencies, protect, retainOnDelete, aliases). Resources in registration order, the stack first.
 */
export function planJson(plan: PlanResult): PlanJson {
    return {
        version: PLAN_JSON_VERSION,
        project: plan.project,
        stack: plan.stack,
        resources: plan.resources.map((r) => {
            const out: PlanJsonResource = {
                urn: r.urn,
                type: r.type,
                name: r.name,
                parent: r.parent ?? null,
                custom: r.custom,
                provider: r.provider ?? null,
                inputs: maskSecrets(r.inputs, r.secretInputs),
                outputs: maskSecrets(r.outputs, [...(r.secretInputs ?? []), ...(r.secretOutputs ?? [])], r.additionalSecretOutputs),
                dependencies: r.dependencies,
                protect: r.protect,
                retainOnDelete: r.retainOnDelete,
                aliases: r.aliases ?? [],
            };
            if (r.deleteBeforeReplace !== undefined) out.deleteBeforeReplace = r.deleteBeforeReplace;
            if (r.ignoreChanges?.length) out.ignoreChanges = r.ignoreChanges;
            if (r.additionalSecretOutputs?.length) out.additionalSecretOutputs = r.additionalSecretOutputs;
            if (r.external) out.external = true;
            if (r.remote) out.remote = true;
            return out;
        }),
    };
}
