/** `References` (indexed once per stack run) answers exactly what the pairwise matching rules answer. */
import { PolicyResource, unknownCheckingProxy } from "@pulumi/policy";
import { expect } from "chai";
import fc from "fast-check";
import { peek, UNKNOWN } from "../../policies/lib/props";
import { identifiers, References } from "../../policies/lib/stack";
import { res } from "./helpers";

/** The matching rules as first written, pair by pair (policies/lib/stack.ts, rules 1-4): the oracle. */
function pairwise(c: PolicyResource, path: readonly string[], target: PolicyResource, candidates: readonly PolicyResource[], idKeys?: readonly string[]): boolean {
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

const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const names = ["a", "b", "c", "d"];

/**
 * Small stacks: buckets named/id'd from a few strings (collisions on purpose, some unknown) and configs
 * wired every way (known, empty, unknown or absent `bucket`; propertyDependencies, dependencies, parent).
 */
const stack = fc
    .record({
        buckets: fc.array(fc.record({ bucket: fc.constantFrom(...names, undefined, UNKNOWN_STRING), id: fc.constantFrom(...names, undefined) }), { minLength: 1, maxLength: 4 }),
        configs: fc.array(
            fc.record({
                value: fc.constantFrom(...names, "", "zz", undefined, UNKNOWN_STRING),
                refs: fc.array(fc.nat(3), { maxLength: 2 }),
                deps: fc.array(fc.nat(3), { maxLength: 3 }),
                parent: fc.option(fc.nat(3), { nil: undefined }),
            }),
            { maxLength: 5 },
        ),
    })
    .map(({ buckets, configs }) => {
        const bs = buckets.map((b, i) => res("aws:s3/bucket:Bucket", `b${i}`, unknownCheckingProxy({ bucket: b.bucket, id: b.id })));
        const at = (i: number) => bs[i % bs.length];
        const cs = configs.map((c, i) => {
            // The proxy throws on the unknown sentinel, as during preview: peek sees UNKNOWN.
            const r = res("aws:s3/bucketPolicy:BucketPolicy", `c${i}`, unknownCheckingProxy(c.value === undefined ? {} : { bucket: c.value }), {
                parent: c.parent === undefined ? undefined : at(c.parent),
                refs: c.refs.length ? { bucket: c.refs.map(at) } : {},
            });
            r.dependencies = [...r.dependencies, ...c.deps.map(at)];
            return r;
        });
        return { buckets: bs, configs: cs };
    });

describe("policies/lib References", () => {
    it("targets, targetOf and configsOf equal the pairwise rules", () => {
        fc.assert(
            fc.property(stack, ({ buckets, configs }) => {
                const refs = new References(buckets);
                for (const c of configs) {
                    const expected = buckets.filter((b) => pairwise(c, ["bucket"], b, buckets));
                    expect(refs.targets(c)).to.deep.equal(expected);
                    expect(refs.targetOf(c)).to.equal(expected[0]);
                }
                for (const b of buckets) {
                    expect(refs.configsOf(b, configs)).to.deep.equal(configs.filter((c) => pairwise(c, ["bucket"], b, buckets)));
                }
            }),
            { numRuns: 300 },
        );
    });
});
