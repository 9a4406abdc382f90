/**
 * Turns a PlanResult into the display model the DOT and Mermaid renderers draw: clusters for
 * ComponentResources, nodes for custom resources, edges for dependencies, with repetition
 * collapsed so a stack of hundreds of resources comes out as tens of nodes.
 *
 * Edges point from the dependency to the dependent (creation order: what must exist first is
 * on the left of an LR layout).
 */
import { PlannedResource, PlanResult } from "./types";

export const DEFAULT_COLLAPSE_THRESHOLD = 5;

export interface GraphModelOptions {
    /**
     * Siblings of one type in one cluster are drawn as a single node once there are more than
     * this many of them; sibling components of one type are merged into one cluster likewise.
     * @default 5
     */
    collapseThreshold?: number;
}

export interface GraphCluster {
    id: string;
    /** Enclosing cluster id; undefined at the top level. */
    parent?: string;
    /** Short component type, e.g. `storage:LakeStorage`. */
    type: string;
    /** Components drawn as this cluster (> 1 when sibling components were merged). */
    members: string[];
    names: string[];
    depth: number;
}

export interface GraphNode {
    id: string;
    cluster?: string;
    /** Short type, e.g. `s3:Bucket`. */
    type: string;
    /** Full type token, used to pick a colour. */
    token: string;
    /** URNs drawn as this node, not counting folded bucket satellites. */
    members: string[];
    names: string[];
    /** Bucket config resources folded into this node, by short type. */
    satellites: Map<string, number>;
    /** URNs of those folded resources. */
    folded: string[];
    /** A component with nothing visible inside, drawn as a node instead of an empty cluster. */
    component: boolean;
}

export interface GraphEdge {
    /** Node or cluster id of the dependency. */
    from: string;
    /** Node or cluster id of the dependent. */
    to: string;
    /** Distinct resource-level dependencies this edge stands for. */
    count: number;
}

export interface GraphModel {
    title: string;
    clusters: GraphCluster[];
    nodes: GraphNode[];
    edges: GraphEdge[];
    resourceCount: number;
    providersOmitted: number;
}

const STACK_TYPE = "pulumi:pulumi:Stack";
const BUCKET_TYPES = new Set(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]);

const isProvider = (r: PlannedResource): boolean => r.type.startsWith("pulumi:providers:");
const isComponent = (r: PlannedResource): boolean => !r.custom && r.type !== STACK_TYPE;

/** `aws:s3/bucketVersioning:BucketVersioning` -> `s3:BucketVersioning`; `random:index/x:X` -> `random:X`. */
export function shortType(token: string): string {
    const parts = token.split(":");
    if (parts.length < 3) return token;
    const pkg = parts[0];
    const mod = parts[1].split("/")[0];
    const name = parts.slice(2).join(":");
    if (pkg === "pulumi" && mod === "providers") return `provider:${name}`;
    return `${mod === "index" || mod === "" ? pkg : mod}:${name}`;
}

/** Bucket config resources (versioning, encryption, ...) that only exist to configure one bucket. */
function isSatelliteType(token: string): boolean {
    return (
        token.startsWith("aws:s3/bucket") &&
        !BUCKET_TYPES.has(token) &&
        // Objects are content, not configuration; they collapse by type like anything else.
        !token.startsWith("aws:s3/bucketObject")
    );
}

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;

/** Whether a config resource's `bucket` input (the bucket's name/id) refers to bucket `b`. */
function namesBucket(input: unknown, b: PlannedResource): boolean {
    if (typeof input !== "string" || input === "") return false;
    return [b.outputs.id, b.outputs.bucket, b.inputs.bucket].includes(input);
}

function validateThreshold(value: number | undefined): number {
    if (value === undefined) return DEFAULT_COLLAPSE_THRESHOLD;
    if (!(value === Infinity || (Number.isInteger(value) && value >= 0))) {
        throw new Error(
            `renderGraph: option collapseThreshold must be a non-negative integer or Infinity, got ${String(value)}`,
        );
    }
    return value;
}

export function buildGraphModel(plan: PlanResult, opts: GraphModelOptions = {}): GraphModel {
    const threshold = validateThreshold(opts.collapseThreshold);
    const byUrn = new Map<string, PlannedResource>();
    const order = new Map<string, number>();
    plan.resources.forEach((r, i) => {
        if (!byUrn.has(r.urn)) {
            byUrn.set(r.urn, r);
            order.set(r.urn, i);
        }
    });
    const resources = [...byUrn.values()];

    /** Parent chain, nearest first, stopping at unknown parents (treated as top level). */
    const ancestors = new Map<string, Set<string>>();
    const ancestorsOf = (urn: string): Set<string> => {
        let set = ancestors.get(urn);
        if (set) return set;
        set = new Set();
        ancestors.set(urn, set); // guards against parent cycles in malformed plans
        const parent = byUrn.get(urn)?.parent;
        if (parent !== undefined && byUrn.has(parent)) {
            set.add(parent);
            for (const a of ancestorsOf(parent)) set.add(a);
        }
        return set;
    };
    const related = (a: string, b: string): boolean => ancestorsOf(a).has(b) || ancestorsOf(b).has(a);

    /** Nearest enclosing component; undefined means the top level (the stack). */
    const ownerOf = (r: PlannedResource): string | undefined => {
        let p = r.parent;
        const seen = new Set<string>();
        while (p !== undefined && !seen.has(p)) {
            seen.add(p);
            const pr = byUrn.get(p);
            if (!pr) return undefined;
            if (isComponent(pr)) return p;
            p = pr.parent;
        }
        return undefined;
    };

    /** Dependencies that are drawable and not implied by containment, deduplicated. */
    const drawnDeps = (r: PlannedResource): string[] => {
        const out = new Set<string>();
        for (const d of r.dependencies ?? []) {
            const dr = byUrn.get(d);
            if (!dr || d === r.urn || isProvider(dr) || dr.type === STACK_TYPE || related(r.urn, d)) continue;
            out.add(d);
        }
        return [...out];
    };

    const visible = resources.filter((r) => r.type !== STACK_TYPE && !isProvider(r));
    const childrenOf = new Map<string | undefined, PlannedResource[]>();
    for (const r of visible) {
        const owner = ownerOf(r);
        const list = childrenOf.get(owner) ?? [];
        list.push(r);
        childrenOf.set(owner, list);
    }

    // A satellite configures one bucket of its own component: either that bucket is its only
    // dependency, or the only bucket it depends on, or (logging to a log bucket) the one its
    // `bucket` input names. Its other dependencies (a KMS key, the log bucket) are drawn as
    // edges into the bucket's node.
    const satelliteOf = new Map<string, string>();
    for (const r of visible) {
        if (!r.custom || !isSatelliteType(r.type)) continue;
        const owner = ownerOf(r);
        let buckets = drawnDeps(r)
            .map((d) => byUrn.get(d)!)
            .filter((d) => BUCKET_TYPES.has(d.type) && ownerOf(d) === owner);
        if (buckets.length > 1) buckets = buckets.filter((b) => namesBucket(r.inputs.bucket, b));
        if (buckets.length === 1) satelliteOf.set(r.urn, buckets[0].urn);
    }
    const satellitesOf = new Map<string, PlannedResource[]>();
    for (const [sat, bucket] of satelliteOf) {
        const list = satellitesOf.get(bucket) ?? [];
        list.push(byUrn.get(sat)!);
        satellitesOf.set(bucket, list);
    }

    const hasVisibleDescendant = (urn: string): boolean =>
        (childrenOf.get(urn) ?? []).some((c) => c.custom || hasVisibleDescendant(c.urn));

    const clusters: GraphCluster[] = [];
    const nodes: GraphNode[] = [];
    /** URN -> id of the node or cluster that draws it. */
    const drawnAs = new Map<string, string>();
    /** Display id -> enclosing cluster ids, to drop edges into one's own cluster. */
    const enclosing = new Map<string, string[]>();

    const groupByType = (rs: PlannedResource[]): PlannedResource[][] => {
        const groups = new Map<string, PlannedResource[]>();
        for (const r of rs) {
            const g = groups.get(r.type) ?? [];
            g.push(r);
            groups.set(r.type, g);
        }
        return [...groups.values()];
    };

    const addNode = (members: PlannedResource[], cluster: string | undefined, chain: string[], component: boolean) => {
        const id = `n${nodes.length + 1}`;
        const satellites = new Map<string, number>();
        const folded: string[] = [];
        for (const m of members) {
            drawnAs.set(m.urn, id);
            for (const s of satellitesOf.get(m.urn) ?? []) {
                drawnAs.set(s.urn, id);
                folded.push(s.urn);
                const t = shortType(s.type);
                satellites.set(t, (satellites.get(t) ?? 0) + 1);
            }
        }
        nodes.push({
            id,
            cluster,
            type: shortType(members[0].type),
            token: members[0].type,
            members: members.map((m) => m.urn),
            names: members.map((m) => m.name),
            satellites: new Map([...satellites].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
            folded,
            component,
        });
        enclosing.set(id, chain);
    };

    /**
     * Lays out the children of `owners` (one component, several merged components, or the
     * top level) into `cluster`. Inside a merged cluster everything is grouped by type, since
     * each member contributes the same shape.
     */
    const layout = (owners: (string | undefined)[], cluster: string | undefined, chain: string[], depth: number) => {
        const merged = owners.length > 1;
        const children = owners
            .flatMap((o) => childrenOf.get(o) ?? [])
            .filter((c) => !satelliteOf.has(c.urn))
            .sort((a, b) => order.get(a.urn)! - order.get(b.urn)!);
        const customs = children.filter((c) => c.custom);
        const empties = children.filter((c) => !c.custom && !hasVisibleDescendant(c.urn));
        const comps = children.filter((c) => !c.custom && hasVisibleDescendant(c.urn));

        // Interleave in registration order of each group's first member, so output follows the program.
        type Item = { first: number; emit: () => void };
        const items: Item[] = [];
        const push = (rs: PlannedResource[], emit: () => void) => items.push({ first: order.get(rs[0].urn)!, emit });

        for (const [isComp, list] of [[false, customs], [true, empties]] as const) {
            for (const group of groupByType(list)) {
                if (merged || group.length > threshold) push(group, () => addNode(group, cluster, chain, isComp));
                else for (const r of group) push([r], () => addNode([r], cluster, chain, isComp));
            }
        }
        for (const group of groupByType(comps)) {
            const parts = merged || group.length > threshold ? [group] : group.map((g) => [g]);
            for (const members of parts) {
                push(members, () => {
                    const id = `c${clusters.length + 1}`;
                    clusters.push({
                        id,
                        parent: cluster,
                        type: shortType(members[0].type),
                        members: members.map((m) => m.urn),
                        names: members.map((m) => m.name),
                        depth,
                    });
                    for (const m of members) drawnAs.set(m.urn, id);
                    enclosing.set(id, chain);
                    layout(members.map((m) => m.urn), id, [...chain, id], depth + 1);
                });
            }
        }
        items.sort((a, b) => a.first - b.first);
        for (const item of items) item.emit();
    };
    layout([undefined], undefined, [], 0);

    // Edges: dependency -> dependent, counted once per distinct resource pair.
    const edgeCounts = new Map<string, GraphEdge>();
    for (const r of visible) {
        const to = drawnAs.get(r.urn);
        if (to === undefined) continue;
        for (const d of drawnDeps(r)) {
            const from = drawnAs.get(d);
            if (from === undefined || from === to) continue;
            if (enclosing.get(to)!.includes(from) || enclosing.get(from)!.includes(to)) continue;
            const key = `${from}>${to}`;
            const e = edgeCounts.get(key);
            if (e) e.count++;
            else edgeCounts.set(key, { from, to, count: 1 });
        }
    }
    const rank = (id: string): number => Number(id.slice(1)) + (id.startsWith("c") ? 0 : 1e9);
    const edges = [...edgeCounts.values()].sort((a, b) => rank(a.from) - rank(b.from) || rank(a.to) - rank(b.to));

    const providersOmitted = resources.filter(isProvider).length;
    const drawnCount = visible.length;
    const title =
        `${plan.project}/${plan.stack}: ${plural(drawnCount, "resource")} as ${plural(nodes.length, "node")} ` +
        `in ${plural(clusters.length, "cluster")}` +
        (providersOmitted > 0 ? `; ${plural(providersOmitted, "provider resource")} not drawn` : "");

    return { title, clusters, nodes, edges, resourceCount: drawnCount, providersOmitted };
}

/** Shortens a list of names for a label: all of them if few, else the first two and a count. */
export function summariseNames(names: string[], max = 40): string {
    const cut = (s: string) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
    if (names.length <= 3) return names.map(cut).join(", ");
    return `${cut(names[0])}, ${cut(names[1])}, … +${names.length - 2}`;
}

/** Label lines shared by both renderers. */
export function nodeLines(n: GraphNode): string[] {
    const count = n.members.length;
    const lines = [count > 1 ? `${n.type} ×${count}` : n.type, summariseNames(n.names)];
    const folded = [...n.satellites.values()].reduce((a, b) => a + b, 0);
    if (folded > 0) lines.push(`+${folded} bucket config`);
    return lines;
}

export function clusterLines(c: GraphCluster): string[] {
    const count = c.members.length;
    return [count > 1 ? `${c.type} ×${count}` : c.type, summariseNames(c.names)];
}

/** What each cluster directly holds (key undefined: the top level), in model order. */
export function contents(model: GraphModel): {
    nodesIn: Map<string | undefined, GraphNode[]>;
    clustersIn: Map<string | undefined, GraphCluster[]>;
} {
    const nodesIn = new Map<string | undefined, GraphNode[]>();
    for (const n of model.nodes) nodesIn.set(n.cluster, [...(nodesIn.get(n.cluster) ?? []), n]);
    const clustersIn = new Map<string | undefined, GraphCluster[]>();
    for (const c of model.clusters) clustersIn.set(c.parent, [...(clustersIn.get(c.parent) ?? []), c]);
    return { nodesIn, clustersIn };
}
