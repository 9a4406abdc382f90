/** Parent/child structure of a plan, shared by the plan and check renderers. */
import type { PlannedResource } from "../types";

export interface TreeNode {
    resource: PlannedResource;
    children: TreeNode[];
}

/** Roots first (normally just the stack), children in registration order. */
export function buildTree(resources: PlannedResource[]): TreeNode[] {
    const nodes = new Map<string, TreeNode>();
    for (const resource of resources) nodes.set(resource.urn, { resource, children: [] });
    const roots: TreeNode[] = [];
    for (const node of nodes.values()) {
        const parent = node.resource.parent ? nodes.get(node.resource.parent) : undefined;
        (parent ? parent.children : roots).push(node);
    }
    return roots;
}

/** Depth-first walk yielding each node with its box-drawing prefix, like `pulumi preview`. */
export function* walk(roots: TreeNode[]): Generator<{ node: TreeNode; prefix: string }> {
    function* visit(node: TreeNode, indent: string, last: boolean, top: boolean): Generator<{ node: TreeNode; prefix: string }> {
        yield { node, prefix: top ? "" : `${indent}${last ? "└─ " : "├─ "}` };
        const childIndent = top ? "" : `${indent}${last ? "   " : "│  "}`;
        for (let i = 0; i < node.children.length; i++) {
            yield* visit(node.children[i], childIndent, i === node.children.length - 1, false);
        }
    }
    for (const root of roots) yield* visit(root, "", true, true);
}

/** Number of resources below each component (all descendants), keyed by URN. */
export function descendantCounts(roots: TreeNode[]): Map<string, number> {
    const counts = new Map<string, number>();
    const count = (node: TreeNode): number => {
        let total = 0;
        for (const child of node.children) total += 1 + count(child);
        counts.set(node.resource.urn, total);
        return total;
    };
    roots.forEach(count);
    return counts;
}
