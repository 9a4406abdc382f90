import type { PolicyResource } from "@pulumi/policy";
import { peek, str, UNKNOWN } from "./props";

/**
 * Cross-resource matching for stack policies.
 *
 * With @pulumi/aws v7 a bucket's encryption, public access block and policy are separate resources
 * whose `bucket` input is usually `bucket.id` (or `.bucket`). At preview time that output may be
 * unknown, so a config resource C belongs to resource B when any of these holds, strongest first:
 *  1. C's `propertyDependencies[prop]` contains B (the engine records which resource fed the input);
 *  2. C's `prop` is a known string equal to one of B's known identifiers (`bucket`, `id`, `arn`, `name`);
 *  3. C's parent is B (`{ parent: bucket }`);
 *  4. C's `prop` is unknown and B is the only candidate among C's dependencies.
 * A config pointing at a bucket outside the stack matches nothing and is judged on its own.
 */

export function ofType(resources: readonly PolicyResource[], types: readonly string[]): PolicyResource[] {
    return resources.filter((r) => types.includes(r.type));
}

/** Known identifier strings of a resource (name, id, arn...), for rule 2. */
export function identifiers(r: PolicyResource, keys: readonly string[] = ["bucket", "id", "arn", "name"]): string[] {
    return keys.map((k) => str(r.props, k)).filter((v): v is string => v !== undefined);
}

/** What a config resource says about its target under rules 1-4, whichever candidate is asked about. */
interface Reference {
    /** Rule 1: URNs in propertyDependencies[path[0]]. */
    deps: Set<string>;
    /** Rule 2: the known, non-empty string at path; when set, rules 3 and 4 don't apply. */
    value?: string;
    /** Rules 3 and 4: the parent's URN, and the one candidate among the dependencies when the value is unknown or absent. */
    fallback: (string | undefined)[];
}

/** How many candidates carry each URN (rule 4 counts candidates, not dependency entries). */
function countUrns(candidates: readonly PolicyResource[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const b of candidates) counts.set(b.urn, (counts.get(b.urn) ?? 0) + 1);
    return counts;
}

function readReference(c: PolicyResource, path: readonly string[], counts: Map<string, number>): Reference {
    const deps = new Set((c.propertyDependencies?.[path[0]] ?? []).map((d) => d.urn));
    const value = peek(c.props, ...path);
    if (typeof value === "string" && value !== "") return { deps, value, fallback: [] };
    const fallback = [c.parent?.urn];
    if (value === UNKNOWN || value === undefined) {
        const inDeps = [...new Set((c.dependencies ?? []).map((d) => d.urn))].filter((u) => counts.has(u));
        if (inDeps.length === 1 && counts.get(inDeps[0]) === 1) fallback.push(inDeps[0]);
    }
    return { deps, fallback };
}

function matches(ref: Reference, target: PolicyResource, ids: () => string[]): boolean {
    if (ref.deps.has(target.urn)) return true;
    if (ref.value !== undefined) return ids().includes(ref.value);
    return ref.fallback.includes(target.urn);
}

/**
 * Does `c.props[prop...]` refer to `target`? `path` reaches the referring value inside props
 * (e.g. ["extendedS3Configuration", "bucketArn"]); its first segment is the propertyDependencies key.
 * For many pairs use `References`, which reads each resource once.
 */
export function refersTo(
    c: PolicyResource,
    path: readonly string[],
    target: PolicyResource,
    candidates: readonly PolicyResource[],
    idKeys?: readonly string[],
): boolean {
    return matches(readReference(c, path, countUrns(candidates)), target, () => identifiers(target, idKeys));
}

/**
 * `refersTo` over one stack, answered from indexes built once: a stack policy run at 10k resources
 * otherwise reads every config and candidate per pair (O(n²) property reads through the
 * unknown-checking proxy). Answers equal `refersTo(c, path, target, candidates, idKeys)` exactly.
 * Build one per `validateStack` call; the arrays and resources must not change while it is used.
 */
export class References {
    private readonly counts: Map<string, number>;
    private readonly refs = new Map<PolicyResource, Reference>();
    private byUrn?: Map<string, PolicyResource[]>;
    private byId?: Map<string, PolicyResource[]>;
    private readonly order = new Map<PolicyResource, number>();
    private readonly reverse = new Map<readonly PolicyResource[], Map<PolicyResource, PolicyResource[]>>();

    constructor(
        private readonly candidates: readonly PolicyResource[],
        private readonly path: readonly string[] = ["bucket"],
        private readonly idKeys?: readonly string[],
    ) {
        this.counts = countUrns(candidates);
        candidates.forEach((b, i) => this.order.has(b) || this.order.set(b, i));
    }

    private ref(c: PolicyResource): Reference {
        let r = this.refs.get(c);
        if (!r) this.refs.set(c, (r = readReference(c, this.path, this.counts)));
        return r;
    }

    /** The candidates `c` refers to, in candidates order. */
    targets(c: PolicyResource): PolicyResource[] {
        const ref = this.ref(c);
        if (!this.byUrn) {
            this.byUrn = group(this.candidates, (b) => [b.urn]);
            this.byId = group(this.candidates, (b) => identifiers(b, this.idKeys));
        }
        const urns = ref.value !== undefined ? [...ref.deps] : [...ref.deps, ...ref.fallback];
        const found = new Set(urns.flatMap((u) => (u === undefined ? [] : this.byUrn!.get(u) ?? [])));
        if (ref.value !== undefined) for (const b of this.byId!.get(ref.value) ?? []) found.add(b);
        return [...found].sort((a, b) => this.order.get(a)! - this.order.get(b)!);
    }

    /** The first candidate `c` refers to: `candidates.find((t) => refersTo(c, path, t, candidates, idKeys))`. */
    targetOf(c: PolicyResource): PolicyResource | undefined {
        return this.targets(c)[0];
    }

    /** `configsOf(target, configs, candidates, path)`: the configs that refer to `target`, in configs order. */
    configsOf(target: PolicyResource, configs: readonly PolicyResource[]): PolicyResource[] {
        if (!this.order.has(target)) return configs.filter((c) => matches(this.ref(c), target, () => identifiers(target, this.idKeys)));
        let index = this.reverse.get(configs);
        if (!index) {
            index = new Map();
            for (const c of configs) for (const t of this.targets(c)) index.set(t, [...(index.get(t) ?? []), c]);
            this.reverse.set(configs, index);
        }
        return index.get(target) ?? [];
    }
}

function group(items: readonly PolicyResource[], keys: (r: PolicyResource) => string[]): Map<string, PolicyResource[]> {
    const out = new Map<string, PolicyResource[]>();
    for (const r of items) for (const k of new Set(keys(r))) out.set(k, [...(out.get(k) ?? []), r]);
    return out;
}

/** The `configs` that belong to `target` (see the rules above). */
export function configsOf(
    target: PolicyResource,
    configs: readonly PolicyResource[],
    candidates: readonly PolicyResource[],
    path: readonly string[] = ["bucket"],
): PolicyResource[] {
    return new References(candidates, path).configsOf(target, configs);
}
