/**
 * Our own packs over our own stacks (DSF's cdk-nag habit): the platform program, run offline by the engine with
 * every pack under policies/ and the stack's policy config, exactly as a pull request's check does.
 */
import { expect } from "chai";
import { listExemptions } from "../../policies/lib/exemptions";
import type { CheckResult } from "../../tools/lake/host";
import { checkJson, renderCheckMarkdown, renderCheckText } from "../../tools/engine/reports/check";
import { checkOwnStack } from "../helpers/own-stacks";

describe("policy packs over the platform's own stacks", function () {
    this.timeout(180_000);
    const results: Record<string, CheckResult> = {};
    before(async () => {
        // Shared with the other suites that read the own stacks (test/helpers/own-stacks.ts): one check per stack per run.
        for (const stack of ["dev", "prod"]) results[stack] = await checkOwnStack(stack);
    });

    for (const stack of ["dev", "prod"]) {
        describe(stack, () => {
            it("evaluates every pack under policies/", () => {
                expect(results[stack].packs.map((p) => p.name).sort()).to.deep.equal(["lake-data-layout", "lake-hygiene", "lake-security"]);
            });
            it("registers the storage and catalog components and the datasets", () => {
                const types = new Set(results[stack].run.plan.resources.map((r) => r.type));
                for (const t of ["lake:storage:LakeStorage", "lake:catalog:LakeCatalog", "aws:glue/catalogTable:CatalogTable", "aws:glue/crawler:Crawler", "aws:lakeformation/permissions:Permissions"]) {
                    expect(types.has(t), t).to.equal(true);
                }
            });
            it("builds most aliased resources' alias URNs lazily (those naming their former parent by an Output URN stay eager)", () => {
                const lazy = results[stack].run.fastPaths.paths["lazy-aliases"];
                expect(lazy?.active, lazy?.detail).to.equal(true);
                expect(lazy?.hits, "resources whose aliases are built on first read").to.be.greaterThan(0);
                // formerSibling() names a former parent by the URN Output of a sibling: its collapse could fail, so eager.
                expect(lazy?.fallbacks, "resources whose aliases were collapsed at construction").to.be.lessThan(lazy!.hits!);
            });
            it("has no policy violation at all", () => {
                expect(results[stack].violations.map((v) => `${v.level} ${v.policy}: ${v.message}`)).to.deep.equal([]);
            });
            it("every exemption carries a written reason", () => {
                const exemptions = listExemptions(results[stack].run.plan.resources);
                expect(exemptions.length, "the example dimension is exempt from partitioning").to.be.greaterThan(0);
                for (const e of exemptions) expect(e.valid, `${e.name}: '${e.reason}'`).to.equal(true);
            });
        });
    }

    it("shows the exemption and its reason in the JSON, text and Markdown reports", () => {
        const reason = "Small dimension (under 1,000 rows) rewritten in full nightly; a full scan reads one file.";
        expect(checkJson(results.prod).exemptions).to.deep.equal([
            { policy: "curated-table-partitioning", urn: results.prod.run.plan.resources.find((r) => r.name === "lake-venue-table")!.urn, name: "lake-venue-table", reason },
        ]);
        expect(renderCheckText(results.prod)).to.contain(`[exempt] curated-table-partitioning  aws:glue/catalogTable:CatalogTable::lake-venue-table\n      reason: ${reason}`);
        expect(renderCheckMarkdown(results.prod)).to.contain(`| \`curated-table-partitioning\` | \`aws:glue/catalogTable:CatalogTable::lake-venue-table\` | ${reason} |`);
    });

    it("adds unjudged, policyConfig and warnings after the report's old fields; the only warning is prod's remote awsx VPC", () => {
        for (const stack of ["dev", "prod"]) {
            const json = checkJson(results[stack]);
            expect(Object.keys(json), stack).to.deep.equal(["stack", "resources", "violations", "summary", "exemptions", "unjudged", "policyConfig", "warnings"]);
            expect(json.policyConfig).to.equal(`policies/config/${stack}.json`);
            // The coverage hook answers for the layer-aware policies; our tables all carry a layer.
            expect(json.unjudged.map((u) => u.policy)).to.include("curated-columnar-format");
            expect(json.unjudged.filter((u) => u.count > 0).map((u) => `${u.policy}: ${u.reasons.map((r) => r.reason).join("; ")}`)).to.deep.equal([]);
            // Type-checked as pulumi preview would (ts-node), no placeholder secrets. One remote component: the
            // warehouse's awsx VPC (prod only), whose children its plugin creates; its endpoints are our own resources.
            expect(results[stack].run.typeCheck?.skipped).to.equal(undefined);
            expect(json.warnings.map((w) => `${w.kind} ${w.urn?.split("::").pop()}`)).to.deep.equal(stack === "prod" ? ["remote-component lake-warehouse-vpc"] : []);
        }
    });

    it("prod runs every policy as mandatory, dev as advisory", () => {
        expect(results.prod.policyConfigFile).to.match(/policies\/config\/prod\.json$/);
        expect(results.dev.policyConfigFile).to.match(/policies\/config\/dev\.json$/);
    });

    it("prod protects and retains every data-bearing resource", () => {
        const dataBearing = results.prod.run.plan.resources.filter((r) =>
            ["aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:glue/catalogDatabase:CatalogDatabase"].includes(r.type),
        );
        expect(dataBearing.length).to.be.greaterThan(6);
        for (const r of dataBearing) expect([r.protect, r.retainOnDelete], r.name).to.deep.equal([true, true]);
    });
});
