/**
 * Identity is contract. `test/identity/<stack>.urns` lists every URN the stack has ever been deployed with; the
 * plan must still answer to each of them, as its own URN or through an alias. A rename or a move without an alias
 * would make the engine delete the old resource and create a new one (for protected prod data: a blocked deploy).
 *
 * New resources: append their URNs (`UPDATE_URNS=1 npx mocha test/identity/urns.test.ts` appends, never removes).
 * Removing a resource on purpose: delete its line in the same change, so the review sees it.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { planOwnStack } from "../helpers/own-stacks";
import type { PlannedResource } from "../../tools/engine/types";

const listFile = (stack: string) => path.join(__dirname, `${stack}.urns`);
const readList = (stack: string) => fs.readFileSync(listFile(stack), "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));

/** Each URN and alias of the plan -> the resource answering to it; a URN claimed twice is an engine error. */
export function identities(resources: readonly PlannedResource[]): { byIdentity: Map<string, PlannedResource>; clashes: string[] } {
    const byIdentity = new Map<string, PlannedResource>();
    const clashes: string[] = [];
    for (const r of resources) {
        for (const id of [r.urn, ...(r.aliases ?? [])]) {
            const other = byIdentity.get(id);
            if (other && other !== r) clashes.push(`${id} is claimed by ${other.urn} and ${r.urn}`);
            byIdentity.set(id, r);
        }
    }
    return { byIdentity, clashes };
}

describe("resource identity (committed URN lists)", function () {
    this.timeout(180_000);
    for (const stack of ["dev", "prod"]) {
        describe(stack, () => {
            let resources: PlannedResource[];
            let known: string[];
            before(async () => {
                // The plan of the shared check of this stack (one per mocha run, see test/helpers/own-stacks.ts).
                resources = (await planOwnStack(stack)).plan.resources;
                known = readList(stack);
            });

            it("answers to every URN it was deployed with (directly or by alias): nothing is replaced by a rename or move", () => {
                const { byIdentity } = identities(resources);
                const lost = known.filter((urn) => !byIdentity.has(urn));
                expect(lost, `no resource answers to these URNs; add an alias (e.g. { parent: <former parent> }) or remove the line on purpose:\n${lost.join("\n")}`).to.deep.equal([]);
            });

            it("no URN or alias is claimed by two resources", () => {
                expect(identities(resources).clashes).to.deep.equal([]);
            });

            it(`every resource is in test/identity/${stack}.urns`, () => {
                const listed = new Set(known);
                const unlisted = resources.filter((r) => !listed.has(r.urn) && !(r.aliases ?? []).some((a) => listed.has(a))).map((r) => r.urn);
                if (unlisted.length && process.env.UPDATE_URNS === "1") {
                    fs.appendFileSync(listFile(stack), unlisted.map((u) => `${u}\n`).join(""));
                    return;
                }
                expect(unlisted, `new resources: append them (UPDATE_URNS=1 npx mocha test/identity/urns.test.ts)`).to.deep.equal([]);
            });

            it("the check bites: the same plan without its aliases loses every moved resource's URN", () => {
                const { byIdentity } = identities(resources.map((r) => ({ ...r, aliases: undefined })));
                const lost = known.filter((urn) => !byIdentity.has(urn));
                expect(lost.length).to.equal(resources.filter((r) => (r.aliases ?? []).some((a) => known.includes(a))).length);
            });

            it("moved children name their former parent: the split of the catalog kept every URN", () => {
                const moved = resources.filter((r) => (r.aliases ?? []).some((a) => known.includes(a)));
                expect(moved.length).to.be.greaterThan(0);
                for (const r of moved) expect(r.parent, r.urn).to.match(/::lake:(access|connections|query):/);
            });
        });
    }
});
