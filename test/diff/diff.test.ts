/** diff.ts on hand-made resource lists: matching, classification, paths, protection. No engine, no git. */
import { expect } from "chai";
import { DiffResource, diffInputs, diffResources, topLevel } from "../../tools/diff/diff";
import { diffJson, renderDiffMarkdown, renderDiffText } from "../../tools/diff/report";
import { curatedReplaceOn } from "../../tools/diff/replace-on";
import { assertConsistent } from "./fixture-repo";

const STACK = "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev";
const urn = (type: string, name: string, parentType?: string) => `urn:pulumi:dev::p::${parentType ? `${parentType}$` : ""}${type}::${name}`;
const BUCKET = "aws:s3/bucket:Bucket";

function res(name: string, inputs: Record<string, unknown>, extra: Partial<DiffResource> = {}): DiffResource {
    const type = extra.type ?? BUCKET;
    return { urn: urn(type, name), type, name, parent: STACK, custom: true, inputs, protect: false, retainOnDelete: false, ...extra };
}
const stack: DiffResource = { urn: STACK, type: "pulumi:pulumi:Stack", name: "p-dev", custom: false, inputs: {}, protect: false, retainOnDelete: false };
const diff = (b: DiffResource[], h: DiffResource[]) => diffResources([stack, ...b], [stack, ...h], curatedReplaceOn());

describe("offline diff: diff.ts", () => {
    it("input paths: nested keys, array indices, absent sides, undefined equal to missing, JSON documents", () => {
        expect(diffInputs({ a: 1, tags: { x: "1" }, u: undefined }, { a: 1, tags: { x: "2" } })).to.deep.equal([{ path: "tags.x", before: "1", after: "2" }]);
        expect(diffInputs({ rules: [{ id: "a" }] }, { rules: [{ id: "a" }, { id: "b" }] })).to.deep.equal([{ path: "rules[1]", after: { id: "b" } }]);
        expect(diffInputs({ gone: true }, {})).to.deep.equal([{ path: "gone", before: true }]);
        const policy = (sid: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: sid, Effect: "Allow" }] });
        expect(diffInputs({ policy: policy("A") }, { policy: policy("B") })).to.deep.equal([{ path: "policy(json).Statement[0].Sid", before: "A", after: "B" }]);
        expect(topLevel("policy(json).Statement[0].Sid")).to.equal("policy");
        expect(topLevel("storageDescriptor.columns[2].type")).to.equal("storageDescriptor");
    });

    it("unchanged lists diff to nothing; key order and the provider's random id don't count", () => {
        const a = res("raw", { bucket: "b", tags: { a: "1", b: "2" } }, { provider: "urn:pulumi:dev::p::pulumi:providers:aws::aws::1111" });
        const b = res("raw", { tags: { b: "2", a: "1" }, bucket: "b" }, { provider: "urn:pulumi:dev::p::pulumi:providers:aws::aws::2222" });
        const d = diff([a], [b]);
        expect(d.changes).to.deep.equal([]);
        expect(d.summary).to.deep.equal({ add: 0, remove: 0, replace: 0, update: 0, moved: 0, same: 2, protectedAtRisk: 0 });
    });

    it("add, remove, update and replace (a replace-on input, nested or not)", () => {
        const d = diff(
            [res("gone", { bucket: "g" }), res("tagged", { bucket: "t", tags: { o: "a" } }), res("renamed", { bucket: "r1" }),
                res("sec", { name: "s", encryptionConfiguration: { s3Encryption: { mode: "SSE-KMS" } } }, { type: "aws:glue/securityConfiguration:SecurityConfiguration" })],
            [res("new", { bucket: "n" }), res("tagged", { bucket: "t", tags: { o: "b" } }), res("renamed", { bucket: "r2" }),
                res("sec", { name: "s", encryptionConfiguration: { s3Encryption: { mode: "DISABLED" } } }, { type: "aws:glue/securityConfiguration:SecurityConfiguration" })],
        );
        const kinds = Object.fromEntries(d.changes.map((c) => [c.name, c.kind]));
        expect(kinds).to.deep.equal({ new: "add", gone: "remove", tagged: "update", renamed: "replace", sec: "replace" });
        expect(d.changes.find((c) => c.name === "sec")!.replaceOn).to.deep.equal(["encryptionConfiguration"]);
        expect(d.changes.find((c) => c.name === "tagged")!.changedInputs).to.deep.equal(["tags.o"]);
        // Riskiest first: replacements, then removals, additions, updates.
        expect(d.changes.map((c) => c.kind)).to.deep.equal(["replace", "replace", "remove", "add", "update"]);
        expect(d.protectedAtRisk).to.deep.equal([]);
    });

    it("matches through aliases: a move is no remove + add; a moved resource with changes is an update that says where from", () => {
        const comp = "lake:storage:LakeStorage";
        const moved = (inputs: Record<string, unknown>): DiffResource => ({
            ...res("logs", inputs), urn: urn(BUCKET, "logs", comp), parent: urn(comp, "lake"), aliases: [urn("aws:s3/bucketV2:BucketV2", "logs", comp), urn(BUCKET, "logs")],
        });
        const component: DiffResource = { urn: urn(comp, "lake"), type: comp, name: "lake", parent: STACK, custom: false, inputs: {}, protect: false, retainOnDelete: false };
        const pure = diff([res("logs", { bucket: "l" })], [component, moved({ bucket: "l" })]);
        expect(pure.changes.map((c) => [c.kind, c.name])).to.deep.equal([["add", "lake"]]);
        expect(pure.moved).to.deep.equal([{ urn: urn(BUCKET, "logs", comp), from: urn(BUCKET, "logs"), type: BUCKET, name: "logs" }]);
        assertConsistent({ stack: "dev", resources: { base: 2, head: 3 }, notes: [], ...pure });
        const changed = diff([res("logs", { bucket: "l", tags: { a: "1" } })], [component, moved({ bucket: "l" })]);
        const c = changed.changes.find((x) => x.name === "logs")!;
        expect(c).to.include({ kind: "update", movedFrom: urn(BUCKET, "logs") });
        expect(c.changedInputs).to.deep.equal(["tags"]);
        // A base resource answers one head resource only: a second claimant is an addition.
        const twice = diff([res("logs", { bucket: "l" })], [component, moved({ bucket: "l" }), { ...moved({ bucket: "l" }), urn: urn(BUCKET, "logs2", comp), name: "logs2" }]);
        expect(twice.changes.filter((x) => x.kind === "add").map((x) => x.name)).to.have.members(["lake", "logs2"]);
    });

    it("protected or retained data that would be deleted or replaced is called out first, with the base's options", () => {
        const d = diff(
            [res("vault", { bucket: "v1" }, { protect: true, retainOnDelete: true }), res("kept", { bucket: "k" }, { retainOnDelete: true }),
                res("plain", { bucket: "p" }), res("key", { keyUsage: "ENCRYPT_DECRYPT" }, { type: "aws:kms/key:Key", protect: true })],
            // The head also drops protect on the vault: what is deployed is what is at risk.
            [res("vault", { bucket: "v2" }), res("key", { keyUsage: "SIGN_VERIFY" }, { type: "aws:kms/key:Key", protect: true })],
        );
        expect(d.protectedAtRisk.map((r) => [r.kind, r.name, r.protect, r.retainOnDelete])).to.deep.equal([
            ["replace", "key", true, false],
            ["replace", "vault", true, true],
            ["remove", "kept", false, true],
        ]);
        expect(d.protectedAtRisk[0].replaceOn).to.deep.equal(["keyUsage"]);
        expect(d.changes.find((c) => c.name === "vault")!.optionChanges).to.deep.include({ option: "protect", before: true, after: false });
        expect(d.summary.protectedAtRisk).to.equal(3);
        const report = { version: 1 as const, base: { ref: "main", commit: "a".repeat(40) }, head: { ref: null, commit: "b".repeat(40), dirty: true }, program: ".", replaceOn: { source: "curated" as const }, stacks: [{ stack: "prod", resources: { base: 5, head: 3 }, notes: [], ...d }] };
        const text = renderDiffText(report);
        expect(text.indexOf("PROTECTED DATA AT RISK (3)")).to.be.within(0, text.indexOf("to add"));
        expect(text).to.match(/working tree \(bbbbbbb \+ uncommitted changes\)/);
        expect(renderDiffMarkdown(report)).to.match(/🛑 Stack `prod`/);
        expect(JSON.parse(diffJson(report)).stacks[0].protectedAtRisk).to.have.length(3);
    });

    it("an option change alone is an update; a type outside the table says replacement isn't known offline", () => {
        const d = diff(
            [res("b", { bucket: "b" }), res("q", { x: 1 }, { type: "aws:sqs/queue:Queue" })],
            [res("b", { bucket: "b" }, { protect: true }), res("q", { x: 2 }, { type: "aws:sqs/queue:Queue" })],
        );
        expect(d.changes.map((c) => [c.name, c.kind, c.replaceUnknown ?? false])).to.deep.equal([["b", "update", false], ["q", "update", true]]);
        expect(d.changes[0].optionChanges).to.deep.equal([{ option: "protect", before: false, after: true }]);
    });

    it("external (read) resources are not the stack's to change", () => {
        const d = diff([res("ext", { bucket: "x" }, { external: true })], []);
        expect(d.changes).to.deep.equal([]);
    });
});
