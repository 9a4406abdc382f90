/**
 * The lake's wiring of the engine (tools/lake): `npm run check` defaults to this repo's program, the packs
 * under policies/ and policies/config/<stack>.json, and SARIF carries the lake's tool name with paths
 * relative to the repo. The engine itself is tested in tools/engine/test.
 */
import { expect } from "chai";
import { spawn } from "child_process";
import * as path from "path";
import { LAKE_HOST, REPO_ROOT } from "../host";

function lake(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const tsx = require.resolve("tsx/cjs", { paths: [REPO_ROOT] });
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["--require", tsx, path.join(REPO_ROOT, "tools", "lake", "cli.ts"), ...args], {
            cwd: REPO_ROOT,
            env: { ...process.env, CI: "true" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c) => (stdout += c));
        child.stderr.on("data", (c) => (stderr += c));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

describe("lake CLI (engine with the lake wired in)", function () {
    this.timeout(120_000);

    it("documents the lake's defaults in --help", async () => {
        const run = await lake(["check", "--help"]);
        expect(run.code, run.stderr).to.equal(0);
        const help = run.stdout.replace(/\s+/g, " ");
        expect(help).to.contain(`directory holding Pulumi.yaml (default: "${REPO_ROOT}")`);
        expect(help).to.contain("default: every pack under policies/)");
        expect(help).to.contain("(default: policies/config/<stack>.json, which must exist)");
    });

    it("checks a plain program with every pack under policies/ and dev's config, and names itself lake-policy-check in SARIF", async () => {
        const run = await lake(["check", "--program", "test/fixtures/violations/csv-in-gold", "--format", "sarif"]);
        // policies/config/dev.json makes every policy advisory: violations, but exit 0.
        expect(run.code, run.stderr).to.equal(0);
        const [log] = JSON.parse(run.stdout).runs;
        expect(log.tool.driver).to.include({ name: "lake-policy-check", version: "0.1.0" });
        const packs = new Set(log.tool.driver.rules.map((r: { properties: { pack: string } }) => r.properties.pack));
        expect([...packs].sort()).to.deep.equal(["lake-data-layout", "lake-hygiene", "lake-security"]);
        const table = log.results.find((r: { ruleId: string }) => r.ruleId === "curated-columnar-format");
        expect(table.level).to.equal("warning");
        expect(table.locations[0].physicalLocation.artifactLocation.uri).to.equal("test/fixtures/violations/csv-in-gold/index.ts");
    });

    it("refuses a stack without policies/config/<stack>.json instead of passing on all-advisory defaults (exit 2)", async () => {
        const run = await lake(["check", "--stack", "production"]);
        expect(run.code).to.equal(2);
        expect(run.stdout).to.equal("");
        expect(run.stderr.trim()).to.equal(
            "error: no policy config for stack 'production': policies/config/production.json does not exist. Add it, or pass --policy-config FILE " +
                "(an empty {} runs every policy at its pack's own enforcement level)",
        );
    });

    it("reports what the layer-aware policies could not judge, through policies/lib/coverage", () => {
        const table = {
            urn: "urn:pulumi:dev::p::aws:glue/catalogTable:CatalogTable::events",
            type: "aws:glue/catalogTable:CatalogTable",
            name: "events",
            custom: true,
            inputs: { databaseName: "analytics_dw", name: "events", storageDescriptor: { location: "s3://somewhere/events/" } },
            outputs: {},
            dependencies: [],
            protect: false,
            retainOnDelete: false,
        };
        const coverage = LAKE_HOST.coverage!([table]);
        expect(coverage.length).to.be.greaterThan(0);
        const columnar = coverage.find((c) => c.policy === "curated-columnar-format");
        expect(columnar?.unjudged.map((u) => u.urn)).to.deep.equal([table.urn]);
    });

    it("passes the lake's exemptions, config and node_modules to the engine", () => {
        expect(LAKE_HOST.policyConfig!("prod")).to.equal(path.join(REPO_ROOT, "policies", "config", "prod.json"));
        expect(LAKE_HOST.nodePath).to.deep.equal([path.join(REPO_ROOT, "node_modules")]);
        const table = {
            urn: "urn:pulumi:dev::p::aws:glue/catalogTable:CatalogTable::dim",
            type: "aws:glue/catalogTable:CatalogTable",
            name: "dim",
            custom: true,
            inputs: { parameters: { "lake:unpartitioned-reason": "Small dimension rewritten in full every night." } },
            outputs: {},
            dependencies: [],
            protect: false,
            retainOnDelete: false,
        };
        expect(LAKE_HOST.exemptions!([table]).map((e) => [e.policy, e.name, e.valid])).to.deep.equal([["curated-table-partitioning", "dim", true]]);
    });
});
