/**
 * The engine end to end: the real CLI on fixture programs and fixture packs, asserting exit codes and
 * the JSON contract. All runs start in `before` (two at a time) so the suite stays well under a minute.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { policies } from "./fixtures/packs/lake-fixture/policies";
import { CliRun, pack, pool, program, runCli } from "./helpers";

type Verdict = { policy: string; level: string; message: string; urn: string | null };

/** Calls a fixture policy the way a unit test would: a hand-built args object, no engine. */
function direct(project: string, resources: { type: string; name: string; props: Record<string, any> }[]): Verdict[] {
    const verdicts: Verdict[] = [];
    const urn = (r: { type: string; name: string }) => `urn:pulumi:dev::${project}::${r.type}::${r.name}`;
    for (const policy of policies) {
        const getConfig = () =>
            Object.fromEntries(Object.entries(policy.configSchema?.properties ?? {}).map(([k, v]: [string, any]) => [k, v.default]));
        const report = (target: string | null) => (message: string) =>
            verdicts.push({ policy: policy.name, level: policy.enforcementLevel!, message: `${policy.description}\n${message}`, urn: target });
        if ("validateResource" in policy) {
            for (const r of resources) {
                const args: any = { type: r.type, name: r.name, urn: urn(r), props: r.props, opts: {}, getConfig };
                (policy.validateResource as Function)(args, report(urn(r)));
            }
        } else {
            const args: any = { resources: resources.map((r) => ({ ...r, urn: urn(r), opts: {} })), getConfig };
            (policy as StackValidationPolicy).validateStack(args, report(null));
        }
    }
    return verdicts;
}

const sortVerdicts = (list: Verdict[]) => [...list].sort((a, b) => `${a.policy}${a.urn}`.localeCompare(`${b.policy}${b.urn}`));

const LAKE = pack("lake-fixture");
const EMPTY_CONFIG = pack("config/empty.json");
/** Explicit empty config, so fixture runs never depend on a host's default policy config. */
const checkArgs = (name: string, ...extra: string[]) => [
    "check",
    "--program",
    program(name),
    "--policy-pack",
    LAKE,
    ...(extra.includes("--policy-config") ? [] : ["--policy-config", EMPTY_CONFIG]),
    ...extra,
];

describe("engine CLI", function () {
    this.timeout(240_000);
    const runs: Record<string, Promise<CliRun>> = {};
    let outside: string;

    before(() => {
        // A program elsewhere, with only Pulumi.yaml and index.ts and no node_modules.
        outside = fs.mkdtempSync(path.join(os.tmpdir(), "someprog-"));
        fs.writeFileSync(path.join(outside, "Pulumi.yaml"), "name: someprog\nruntime: nodejs\n");
        fs.copyFileSync(path.join(program("violation"), "index.ts"), path.join(outside, "index.ts"));

        const limit = pool(2);
        // Type checking has its own tests (foreign-programs.test.ts): cold, it costs ~15 s of CPU per @pulumi/aws program.
        const start = (key: string, args: string[]) => (runs[key] = limit(() => runCli(args[0] === "check" ? [...args, "--type-check", "off"] : args)));
        start("violation", checkArgs("violation", "--format", "json"));
        start("compliant", checkArgs("compliant", "--format", "json"));
        start("stack", checkArgs("stack-policy", "--format", "json"));
        start("duplicate", checkArgs("duplicate-urn"));
        start("throws", ["plan", "--program", program("throws")]);
        start("missing", ["plan", "--program", program("missing-config")]);
        start("plan", ["plan", "--program", program("compliant")]);
        start("planJson", ["plan", "--program", program("compliant"), "--format", "json"]);
        start("override", checkArgs("violation", "--format", "json", "--policy-config", pack("config/override.json")));
        start("badSchema", checkArgs("violation", "--policy-config", pack("config/bad-schema.json")));
        start("awsguard", ["check", "--program", program("compliant"), "--policy-pack", pack("awsguard"), "--policy-config", EMPTY_CONFIG, "--format", "json"]);
        start("outside", ["check", "--program", outside, "--policy-pack", LAKE, "--policy-config", EMPTY_CONFIG, "--format", "json"]);
        start("sarif", checkArgs("violation", "--format", "sarif"));
        start("markdown", checkArgs("violation", "--format", "markdown"));
        const only = (packDir: string, name: string) => ["check", "--program", program(name), "--policy-pack", packDir, "--policy-config", EMPTY_CONFIG];
        start("remediate", [...only(pack("remediate"), "stack-policy"), "--format", "json"]);
        start("brokenPolicy", only(pack("broken-policy"), "stack-policy"));
    });

    after(() => fs.rmSync(outside, { recursive: true, force: true }));

    it("plans a compliant program and prints the tree with counts", async () => {
        const run = await runs.plan;
        expect(run.code, run.stderr).to.equal(0);
        expect(run.stdout).to.match(/\+\s+pulumi:pulumi:Stack\s+fixture-compliant-dev/);
        expect(run.stdout).to.match(/├─ aws:s3\/bucket:Bucket\s+silver/);
        expect(run.stdout).to.match(/Resources by type:[\s\S]*1\s+aws:glue\/catalogTable:CatalogTable/);
        expect(run.stdout).to.contain("+ 7 to create");
    });

    it("prints the plan as versioned JSON with what a preview step carries per resource", async () => {
        const run = await runs.planJson;
        expect(run.code, run.stderr).to.equal(0);
        const plan = JSON.parse(run.stdout);
        expect(Object.keys(plan)).to.deep.equal(["version", "project", "stack", "resources"]);
        expect([plan.version, plan.project, plan.stack]).to.deep.equal([1, "fixture-compliant", "dev"]);
        expect(plan.resources).to.have.length(7);
        const stack = plan.resources[0];
        expect(stack).to.deep.equal({
            urn: "urn:pulumi:dev::fixture-compliant::pulumi:pulumi:Stack::fixture-compliant-dev",
            type: "pulumi:pulumi:Stack",
            name: "fixture-compliant-dev",
            parent: null,
            custom: false,
            provider: null,
            inputs: {},
            // The stack's outputs are its exports.
            outputs: { bucketName: stack.outputs.bucketName, keyArn: stack.outputs.keyArn },
            dependencies: [],
            protect: false,
            retainOnDelete: false,
            aliases: [],
        });
        for (const r of plan.resources.slice(1)) expect(r.parent).to.equal(stack.urn);
        const bucket = plan.resources.find((r: { type: string }) => r.type === "aws:s3/bucket:Bucket");
        expect(Object.keys(bucket).slice(0, 12)).to.deep.equal(["urn", "type", "name", "parent", "custom", "provider", "inputs", "outputs", "dependencies", "protect", "retainOnDelete", "aliases"]);
        expect(bucket.custom).to.equal(true);
        // The mocks' outputs: the inputs echoed plus what the provider computes (an ARN from the bucket's name).
        expect(bucket.outputs.arn).to.match(/^arn:aws:s3:::/);
    });

    it("exits 0 on a compliant program", async () => {
        const run = await runs.compliant;
        expect(run.code, run.stderr).to.equal(0);
        expect(JSON.parse(run.stdout).violations).to.deep.equal([]);
    });

    it("exits 1 with the violations in the JSON contract", async () => {
        const run = await runs.violation;
        expect(run.code, run.stderr).to.equal(1);
        const report = JSON.parse(run.stdout);
        expect(report.stack).to.equal("dev");
        expect(report.resources.map((r: any) => r.name)).to.include.members(["landing", "clicks", "landing-key"]);
        const brief = report.violations.map((v: any) => [v.policy, v.level, v.urn]);
        expect(brief).to.deep.equal([
            ["glue-table-columnar", "mandatory", "urn:pulumi:dev::fixture-violation::aws:glue/catalogTable:CatalogTable::clicks"],
            ["s3-bucket-layer-tag", "mandatory", "urn:pulumi:dev::fixture-violation::aws:s3/bucket:Bucket::landing"],
            ["kms-key-rotation", "advisory", "urn:pulumi:dev::fixture-violation::aws:kms/key:Key::landing-key"],
        ]);
        for (const v of report.violations) {
            expect(Object.keys(v)).to.deep.equal(["pack", "policy", "level", "message", "urn"]);
            expect(v.pack).to.equal("lake-fixture");
        }
        expect(report.violations[1].message).to.contain(`S3 bucket 'landing' has lake:layer="platinum"`);
        expect(report.summary).to.include({ mandatory: 2, advisory: 1, remediate: 0 });
    });

    it("reports stack policy violations with urn null", async () => {
        const run = await runs.stack;
        expect(run.code, run.stderr).to.equal(1);
        const [violation, ...rest] = JSON.parse(run.stdout).violations;
        expect(rest).to.deep.equal([]);
        expect(violation).to.include({ policy: "s3-bucket-encryption-config", level: "mandatory", urn: null });
        expect(violation.message).to.match(/S3 bucket 'gold' \(gold-[0-9a-f]{7}\) has no BucketServerSideEncryptionConfiguration/);
    });

    it("rejects duplicate URNs like the engine (exit 2)", async () => {
        const run = await runs.duplicate;
        expect(run.code).to.equal(2);
        expect(run.stderr).to.contain(
            "Duplicate resource URN 'urn:pulumi:dev::fixture-duplicate-urn::aws:s3/bucket:Bucket::raw'; try giving it a unique name",
        );
        expect(run.stdout).to.equal("");
    });

    it("reports a program exception with its cause and location, not a bare stack (exit 2)", async () => {
        const run = await runs.throws;
        expect(run.code).to.equal(2);
        expect(run.stderr).to.contain("Error: dataset file stacks/dev/orders.yaml has no 'format' field");
        expect(run.stderr).to.contain("at index.ts:6:");
        expect(run.stderr).not.to.match(/node_modules|at Object\.<anonymous>|at Module\._compile/);
    });

    it("names the missing config key (exit 2)", async () => {
        const run = await runs.missing;
        expect(run.code).to.equal(2);
        expect(run.stderr.trim()).to.equal(
            "error: Missing required configuration variable 'fixture-missing-config:retentionDays'\n" +
                "  fix: set fixture-missing-config:retentionDays under config: in Pulumi.dev.yaml",
        );
    });

    it("applies enforcement levels and properties from --policy-config, skipping other packs' keys", async () => {
        const run = await runs.override;
        expect(run.code, run.stderr).to.equal(0);
        const violations = JSON.parse(run.stdout).violations;
        expect(violations.map((v: any) => [v.policy, v.level])).to.deep.equal([
            ["kms-key-rotation", "advisory"],
            ["s3-bucket-layer-tag", "advisory"],
        ]);
    });

    it("fails with the policy, property and value on a config that breaks the schema (exit 2)", async () => {
        const run = await runs.badSchema;
        expect(run.code).to.equal(2);
        expect(run.stderr).to.contain("policy pack 'lake-fixture'");
        expect(run.stderr).to.contain(`glue-table-columnar: property 'allowedFormats' must be array (got "parquet")`);
    });

    it("runs a third-party pack (@pulumi/awsguard) unchanged", async () => {
        const run = await runs.awsguard;
        expect(run.code, run.stderr).to.equal(0);
        const report = JSON.parse(run.stdout);
        expect(report.summary.packs[0].name).to.equal("pulumi-awsguard");
        expect(report.summary.packs[0].policies).to.be.greaterThan(10);
        expect(report.violations.map((v: any) => v.policy)).to.include("s3-bucket-logging-enabled");
        for (const v of report.violations) expect(v.level).to.equal("advisory");
    });

    it("checks a program outside the repo that has no node_modules", async () => {
        const run = await runs.outside;
        expect(run.code, run.stderr).to.equal(1);
        const report = JSON.parse(run.stdout);
        expect(report.violations.map((v: any) => v.urn)).to.include("urn:pulumi:dev::someprog::aws:s3/bucket:Bucket::landing");
    });

    it("gives the same verdicts as the fixture policies called directly", async () => {
        const bucketName = (r: any, name: string) => r.resources.find((x: any) => x.name === name);
        const violation = JSON.parse((await runs.violation).stdout);
        expect(bucketName(violation, "landing")).to.exist;
        const expected = direct("fixture-violation", [
            { type: "aws:s3/bucket:Bucket", name: "landing", props: { tags: { "lake:layer": "platinum" }, bucket: "landing" } },
            {
                type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                name: "landing-sse",
                props: { bucket: "landing", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] },
            },
            { type: "aws:kms/key:Key", name: "landing-key", props: { description: "landing zone key" } },
            {
                type: "aws:glue/catalogTable:CatalogTable",
                name: "clicks",
                props: {
                    databaseName: "silver_web",
                    name: "clicks",
                    parameters: { "lake:layer": "silver", classification: "csv" },
                    storageDescriptor: {
                        location: "s3://landing/clicks/",
                        serDeInfo: { serializationLibrary: "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe" },
                        columns: [{ name: "url", type: "string" }],
                    },
                },
            },
        ]);
        expect(sortVerdicts(violation.violations.map(({ pack: _p, ...v }: any) => v))).to.deep.equal(sortVerdicts(expected));

        const stack = JSON.parse((await runs.stack).stdout);
        const bucket = "gold-" + stack.violations[0].message.match(/gold-([0-9a-f]{7})/)[1];
        const expectedStack = direct("fixture-stack-policy", [
            { type: "aws:s3/bucket:Bucket", name: "gold", props: { tags: { "lake:layer": "gold" }, bucket } },
        ]);
        expect(sortVerdicts(stack.violations.map(({ pack: _p, ...v }: any) => v))).to.deep.equal(sortVerdicts(expectedStack));
    });

    it("runs Remediate before Analyze and reports remediations at level remediate", async () => {
        const run = await runs.remediate;
        expect(run.code, run.stderr).to.equal(0);
        const violations = JSON.parse(run.stdout).violations.map((v: any) => [v.policy, v.level, v.message]);
        expect(violations).to.deep.equal([
            ["bucket-owner-tag", "remediate", "Buckets carry an owner tag. (remediated automatically)"],
            ["bucket-owner-seen", "advisory", "Reports the owner a bucket ends up with, to show Analyze sees remediated inputs.\nS3 bucket 'gold' is owned by data-platform."],
        ]);
    });

    it("fails with the policy's error and the pack's own frame when a policy throws (exit 2)", async () => {
        const run = await runs.brokenPolicy;
        expect(run.code).to.equal(2);
        expect(run.stderr).to.contain("policy pack broken-policy-fixture: Analyze failed: Error validating resource with policy 'reads-missing-field'");
        expect(run.stderr).to.contain("TypeError: cannot read 'rules' of bucket gold");
        expect(run.stderr).to.match(/at .*broken-policy\/index\.ts:\d+/);
        expect(run.stderr).not.to.contain("node_modules");
    });

    it("writes SARIF 2.1.0 that validates against the schema, with rules and source lines", async () => {
        const run = await runs.sarif;
        expect(run.code, run.stderr).to.equal(1);
        const sarif = JSON.parse(run.stdout);
        const Ajv = require("ajv-draft-04").default;
        const addFormats = require("ajv-formats").default;
        // The SARIF schema has a pattern that is only valid without the u flag.
        const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
        addFormats(ajv);
        const schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
        const valid = ajv.validate(schema, sarif);
        expect(valid, JSON.stringify(ajv.errors, null, 2)).to.equal(true);
        const [runLog] = sarif.runs;
        expect(runLog.tool.driver.rules.map((r: any) => r.id)).to.include.members(["s3-bucket-layer-tag", "s3-bucket-encryption-config"]);
        const bucket = runLog.results.find((r: any) => r.ruleId === "s3-bucket-layer-tag");
        expect(bucket.level).to.equal("error");
        expect(bucket.locations[0].physicalLocation.artifactLocation.uri).to.equal("test/fixtures/programs/violation/index.ts");
        expect(bucket.locations[0].physicalLocation.region.startLine).to.equal(3);
        expect(runLog.results.find((r: any) => r.ruleId === "kms-key-rotation").level).to.equal("warning");
    });

    it("renders a PR-ready Markdown summary with a violation table and fix hints", async () => {
        const run = await runs.markdown;
        expect(run.code, run.stderr).to.equal(1);
        expect(run.stdout).to.contain("Policy check failed");
        expect(run.stdout).to.contain("| mandatory | 2 |");
        expect(run.stdout).to.contain("| Level | Policy | Resource | Message | Fix |");
        expect(run.stdout).to.match(/\| mandatory \| `lake-fixture\/s3-bucket-layer-tag` \| `aws:s3\/bucket:Bucket::landing` \| .* \| tag it with lake:layer set to one of bronze, silver, gold\. \|/);
    });
});
