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

export function ofType(resources: PolicyResource[], types: readonly string[]): PolicyResource[] {
    return resources.filter((r) => types.includes(r.type));
}

/** Known identifier strings of a resource (name, id, arn...), for rule 2. */
export function identifiers(r: PolicyResource, keys: readonly string[] = ["bucket", "id", "arn", "name"]): string[] {
    return keys.map((k) => str(r.props, k)).filter((v): v is string => v !== undefined);
}

/**
 * Does `c.props[prop...]` refer to `target`? `path` reaches the referring value inside props
 * (e.g. ["extendedS3Configuration", "bucketArn"]); its first segment is the propertyDependencies key.
 */
export function refersTo(
    c: PolicyResource,
    path: readonly string[],
    target: PolicyResource,
    candidates: readonly PolicyResource[],
    idKeys?: readonly string[],
): boolean {
    const deps = c.propertyDependencies?.[path[0]] ?? [];
    if (deps.some((d) => d.urn === target.urn)) return true;
    const value = peek(c.props, ...path);
    if (typeof value === "string" && value !== "") return identifiers(target, idKeys).includes(value);
    if (c.parent?.urn === target.urn) return true;
    if (value === UNKNOWN || value === undefined) {
        const inDeps = candidates.filter((b) => c.dependencies?.some((d) => d.urn === b.urn));
        return inDeps.length === 1 && inDeps[0].urn === target.urn;
    }
    return false;
}

/** The `configs` that belong to `target` (see the rules above). */
export function configsOf(
    target: PolicyResource,
    configs: readonly PolicyResource[],
    candidates: readonly PolicyResource[],
    path: readonly string[] = ["bucket"],
): PolicyResource[] {
    return configs.filter((c) => refersTo(c, path, target, candidates));
}
