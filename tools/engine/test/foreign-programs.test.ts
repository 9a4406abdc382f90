/**
 * Programs nobody here wrote (issue 9): what public Pulumi TypeScript programs do that the engine's own
 * fixtures did not. Each fixture under fixtures/programs is a plain @pulumi/aws program, run unchanged:
 * resource objects as inputs, a StackReference, a branch on isDryRun(), a wait on an invoke the mocks
 * do not model, a closure that cannot be serialised, an own node_modules SDK, remote components, a
 * closure over a CommonJS `import * as`, and a property @pulumi/aws v7 removed. All runs start in
 * `before`, two at a time (2 cores); only the runs about type checking type-check (cold, a program using
 * @pulumi/aws costs ~15 s of CPU to check).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { runCheck, CheckResult } from "../check";
import { plain } from "../child/monitor";
import { runPlan, PlanRun } from "../plan";
import { checkJson, renderCheckMarkdown, renderCheckText } from "../reports/check";
import type { PlannedResource } from "../types";
import { CliRun, ENGINE, FIXTURES, pack, pool, program, runCli } from "./helpers";

const LAKE = pack("lake-fixture");
const EMPTY_CONFIG = pack("config/empty.json");
const REMOVED = program(".removed-v7-property");
const OLD_FIELDS = ["stack", "resources", "violations", "summary", "exemptions"];
const golden = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, "reports", `${name}.json`), "utf8"));
const check = (name: string, ...extra: string[]) => ["check", "--program", program(name), "--policy-pack", LAKE, "--policy-config", EMPTY_CONFIG, ...extra];
const byName = (resources: PlannedResource[], name: string) => resources.find((r) => r.name === name)!;
const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));

describe("programs nobody here wrote", function () {
    this.timeout(300_000);
    const runs: Record<string, Promise<CliRun>> = {};
    const plans: Record<string, Promise<PlanRun>> = {};
    let coverage: Promise<CheckResult>;
    let tmp: string;

    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "engine-foreign-"));
        const staging = path.join(tmp, "network-staging.json");
        fs.writeFileSync(staging, JSON.stringify({ vpcId: "vpc-0staging000000001", privateSubnetIds: ["subnet-0st1", "subnet-0st2"], dbPassword: "s3cret" }));

        // A program with its own node_modules holding a full copy of @pulumi/pulumi (another version), but no
        // @pulumi/aws: the host's @pulumi/aws brings the host's SDK, a second runtime.
        const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [ENGINE] }));
        const ownSdk = (dir: string, index: string) => {
            fs.mkdirSync(path.join(dir, "node_modules", "@pulumi"), { recursive: true });
            fs.cpSync(sdk, path.join(dir, "node_modules", "@pulumi", "pulumi"), { recursive: true });
            const pkgFile = path.join(dir, "node_modules", "@pulumi", "pulumi", "package.json");
            fs.writeFileSync(pkgFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(pkgFile, "utf8")), version: "3.200.0" }));
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${path.basename(dir)}\nruntime: nodejs\n`);
            fs.writeFileSync(path.join(dir, "index.ts"), index);
        };
        ownSdk(path.join(tmp, "split-sdk"), fs.readFileSync(path.join(program("compliant"), "index.ts"), "utf8").replace('config.require("owner")', '"data-platform"'));
        ownSdk(
            path.join(tmp, "own-sdk"),
            'import * as pulumi from "@pulumi/pulumi";\nclass Lake extends pulumi.ComponentResource {\n    constructor(name: string) {\n        super("acme:index:Lake", name, {});\n        this.registerOutputs({});\n    }\n}\nnew Lake("lake");\nexport const stack = pulumi.getStack();\n',
        );

        const limit = pool(2);
        const cli = (key: string, args: string[]) => (runs[key] = limit(() => runCli(args)));
        const plan = (key: string, opts: Parameters<typeof runPlan>[0]) => (plans[key] = limit(() => runPlan(opts)));
        // Type checking: the clean program (its report must not change) and the removed property.
        cli("compliant", check("compliant", "--format", "json"));
        cli("violation", check("violation", "--format", "json", "--type-check", "off"));
        cli("removedWarn", ["check", "--program", REMOVED, "--policy-pack", LAKE, "--policy-config", EMPTY_CONFIG, "--format", "json"]);
        cli("removedError", ["plan", "--program", REMOVED, "--type-check=error"]);
        cli("removedPlanWarn", ["plan", "--program", REMOVED, "--type-check", "warn"]);
        cli("removedOff", ["check", "--program", REMOVED, "--policy-pack", LAKE, "--policy-config", EMPTY_CONFIG, "--format", "json", "--type-check", "off"]);

        plan("refs", { programDir: program("resource-refs") });
        cli("refsCheck", ["check", "--program", program("resource-refs"), "--policy-pack", pack("echo-refs"), "--policy-config", EMPTY_CONFIG, "--format", "json", "--type-check", "off"]);
        plan("stackRef", { programDir: program("stack-reference") });
        plan("stackRefFlag", { programDir: program("stack-reference"), stack: "staging", stackReferences: { "acme/network/staging": staging } });
        cli("stackRefMissing", ["plan", "--program", program("stack-reference"), "--stack", "staging"]);
        cli("stackRefBadFlag", ["plan", "--program", program("stack-reference"), "--stack-reference", "acme/network/staging"]);
        plan("dryRun", { programDir: program("dry-run") });
        cli("hang", ["plan", "--program", program("hanging-invoke")]);
        cli("closure", ["plan", "--program", program("closure-error")]);
        cli("splitSdk", ["plan", "--program", path.join(tmp, "split-sdk")]);
        cli("ownSdk", ["plan", "--program", path.join(tmp, "own-sdk")]);
        cli("remote", check("remote-components", "--format", "json", "--type-check", "off"));
        plan("cjs", { programDir: program("cjs-closure") });
        for (const format of ["text", "markdown", "sarif"]) cli(`format-${format}`, check("violation", "--format", format, "--type-check", "off"));
        coverage = limit(() =>
            runCheck({
                host: {
                    coverage: (resources) => [
                        {
                            policy: "glue-table-columnar",
                            judged: resources.filter((r) => r.type === "aws:glue/catalogTable:CatalogTable").length,
                            unjudged: resources
                                .filter((r) => r.type === "aws:s3/bucket:Bucket")
                                .map((r) => ({ urn: r.urn, reason: "a bucket is no table: nothing to judge" })),
                        },
                        { policy: "not-in-any-pack", pack: "elsewhere", judged: 0, unjudged: [{ urn: "urn:x", reason: "other" }] },
                    ],
                },
                programDir: program("compliant"),
                policyPacks: [LAKE],
                policyConfig: EMPTY_CONFIG,
                typeCheck: "off",
            }),
        );
    });

    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    describe("1. resource objects as inputs", () => {
        it("passes a resource where its name, ARN or id is accepted, as the engine hands it to providers: its id", async () => {
            const { plan } = await plans.refs;
            const r = (name: string) => byName(plan.resources, name);
            expect(r("etl-glue").inputs.role).to.equal(r("etl").outputs.id);
            expect(r("site-index").inputs.bucket).to.equal(r("site").outputs.id);
            expect(r("uploads-to-queue").inputs.topic).to.equal(r("uploads").outputs.arn);
            expect(r("thumbnail-from-s3").inputs.function).to.equal(r("thumbnail").outputs.id);
            expect(r("landing-readme").inputs.bucket).to.equal(r("landing-bucket").outputs.id);
            // A component's registered output holding a resource: its id too.
            expect(r("landing").outputs.bucket).to.equal(r("landing-bucket").outputs.id);
            expect(plan.outputs.landingBucket).to.equal(r("landing-bucket").outputs.bucket);
            // The reference still counts as a dependency.
            expect(r("etl-glue").dependencies).to.include(r("etl").urn);
        });

        it("hands the packs the ids (resource and stack analysis), with no unmarshalling error", async () => {
            const run = await runs.refsCheck;
            expect(run.code, run.stderr).to.equal(0);
            const report = JSON.parse(run.stdout);
            const seen = report.violations.map((v: { message: string }) => v.message.split("\n").pop());
            const value = (prefix: string) => JSON.parse(seen.find((m: string) => m.startsWith(prefix))!.slice(prefix.length));
            expect(value("etl-glue.role=")).to.match(/^etl-[0-9a-f]{7}$/);
            expect(value("site-index.bucket=")).to.match(/^site-[0-9a-f]{7}$/);
            expect(value("uploads-to-queue.topic=")).to.match(/^arn:aws:sns:eu-west-1:123456789012:uploads-[0-9a-f]{7}$/);
            expect(value("thumbnail-from-s3.function=")).to.match(/^thumbnail-[0-9a-f]{7}$/);
            expect(value("landing.bucket=")).to.match(/^landing-bucket-[0-9a-f]{7}$/);
            expect(run.stderr).not.to.contain("Unrecognized signature");
        });

        it("turns a resource reference into its id, its URN without one, unknown for an unknown id", () => {
            const sig = "4dabf18193072939515e22adb298388d";
            const ref = (extra: Record<string, unknown>) => ({ [sig]: "5cf8f73096256a8f31e491e813e4eb8e", urn: "urn:pulumi:dev::p::t::n", ...extra });
            expect(plain({ a: ref({ id: "role-1" }), b: ref({}), c: ref({ id: "" }), d: [ref({ id: "x" })] })).to.deep.equal({ a: "role-1", b: "urn:pulumi:dev::p::t::n", d: ["x"] });
        });
    });

    describe("2. stack references", () => {
        it("reads the referenced stack's outputs from stack-references/<name>.json, secrets as secrets", async () => {
            const run = await plans.stackRef;
            const sg = byName(run.plan.resources, "glue-jdbc");
            expect(sg.inputs.vpcId).to.equal("vpc-0a1b2c3d4e5f60718");
            const crm = byName(run.plan.resources, "crm").inputs as { physicalConnectionRequirements: { subnetId: string }; connectionProperties: Record<string, string> };
            expect(crm.physicalConnectionRequirements.subnetId).to.equal("subnet-0aa11bb22cc33dd44");
            expect(crm.connectionProperties.PASSWORD).to.equal("offline-secret-acme-network-prod-dbPassword");
            expect(run.plan.outputs).to.deep.equal({ networkVpc: "vpc-0a1b2c3d4e5f60718", passwordIsSecret: true });
            const ref = byName(run.plan.resources, "acme/network/prod");
            expect(ref).to.include({ type: "pulumi:pulumi:StackReference", external: true });
            expect(ref.outputs.secretOutputNames).to.deep.equal(["dbPassword"]);
            expect(run.warnings.join("\n")).to.contain(`stack reference 'acme/network/prod': output 'dbPassword' is "[secret]"`);
        });

        it("takes a source from --stack-reference NAME=FILE", async () => {
            const run = await plans.stackRefFlag;
            expect(byName(run.plan.resources, "glue-jdbc").inputs.vpcId).to.equal("vpc-0staging000000001");
        });

        it("fails naming the reference and both ways to give its outputs when it has none (exit 2)", async () => {
            const run = await runs.stackRefMissing;
            expect(run.code).to.equal(2);
            expect(run.stderr.trim()).to.equal(
                "error: stack reference 'acme/network/staging' has no offline source: pass --stack-reference acme/network/staging=FILE.json " +
                    "or add stack-references/acme/network/staging.json to the program directory, holding the referenced stack's outputs " +
                    "(pulumi stack output --json --stack acme/network/staging)",
            );
            const bad = await runs.stackRefBadFlag;
            expect(bad.code).to.equal(2);
            expect(bad.stderr).to.contain(`--stack-reference "acme/network/staging": expected NAME=FILE.json`);
        });
    });

    describe("3. preview semantics", () => {
        it("runs the program as a preview: isDryRun() is true, apply callbacks still get the mocks' values", async () => {
            const { plan } = await plans.dryRun;
            expect(plan.outputs.mode).to.equal("preview");
            expect(plan.resources.map((r) => r.name)).not.to.include("seed");
            const bucket = byName(plan.resources, "reports").outputs.bucket as string;
            expect(byName(plan.resources, "marker").inputs.key).to.equal(`markers/${bucket}.txt`);
        });

        it("keeps an output the mocks don't model unknown, as a preview does, also as an element of a list", async () => {
            const { plan } = await plans.dryRun;
            const [rule] = byName(plan.resources, "reports-cors").inputs.corsRules as { allowedOrigins: (string | null)[] }[];
            // The plan holds an unknown element as null (JSON, as the packs get it); the runtime got it back as
            // unknown, not as the undefined it rejects in a preview.
            expect(rule.allowedOrigins).to.deep.equal(["https://lake.example.com", null]);
        });
    });

    describe("4. a program that stops early says what it waited on", () => {
        it("names the invokes the mocks don't model when the program waits forever", async () => {
            const run = await runs.hang;
            expect(run.code).to.equal(2);
            expect(run.stderr).to.contain("Running program 'index.ts' stopped before finishing, with nothing left to run while it still waited on:");
            expect(run.stderr).to.contain("aws:ec2/getSubnets:getSubnets returned only: filters, id");
            expect(run.stderr).not.to.contain("before reporting a result");
        });

        it("gives the closure serialisation error and the registrations that never reached the engine", async () => {
            const run = await runs.closure;
            expect(run.code).to.equal(2);
            expect(run.stderr).to.contain("Error serializing");
            expect(run.stderr).to.contain("captured\n  variable 'fingerprints'");
            expect(run.stderr).to.contain("3 resource registrations never reached the engine (an input never resolved):");
            expect(run.stderr).to.contain("- aws:lambda/function:Function 'fingerprint'");
        });

        it("fails naming both copies when the program's own @pulumi/pulumi and the host's @pulumi/aws's would split it", async () => {
            const run = await runs.splitSdk;
            expect(run.code).to.equal(2);
            const dir = path.join(tmp, "split-sdk");
            expect(run.stderr).to.contain("the program loads 2 copies of @pulumi/pulumi, so its resources would be split between separate runtimes:");
            expect(run.stderr).to.contain(`- @pulumi/pulumi 3.200.0 at ${path.join(dir, "node_modules", "@pulumi", "pulumi")}: the program's`);
            expect(run.stderr).to.match(/- @pulumi\/pulumi 3\.\d+\.\d+ at .*: required by @pulumi\/aws/);
            expect(run.stderr).to.contain(`The program's node_modules has its own @pulumi/pulumi but not @pulumi/aws: install it there too (npm install in ${dir})`);
        });

        it("runs a program on its own @pulumi/pulumi of another version when every fast path fits, with a warning", async () => {
            const run = await runs.ownSdk;
            expect(run.code, run.stderr).to.equal(0);
            expect(run.stderr).to.contain("@pulumi/pulumi 3.200.0 at ");
            expect(run.stderr).to.contain("is not the engine's pinned");
        });
    });

    describe("5. no silent passes", () => {
        it("keeps every old field of the JSON report byte for byte on a clean program, type check included", async () => {
            const run = await runs.compliant;
            expect(run.code, run.stderr).to.equal(0);
            const report = JSON.parse(run.stdout);
            expect(Object.keys(report)).to.deep.equal([...OLD_FIELDS, "unjudged", "policyConfig", "warnings"]);
            expect(JSON.stringify(pick(report, OLD_FIELDS), null, 2) + "\n").to.equal(fs.readFileSync(path.join(FIXTURES, "reports", "compliant-check.json"), "utf8"));
            expect(pick(report, ["unjudged", "policyConfig", "warnings"])).to.deep.equal({ unjudged: [], policyConfig: "test/fixtures/packs/config/empty.json", warnings: [] });
        });

        it("keeps the old fields and the exit code of a report with violations", async () => {
            const run = await runs.violation;
            expect(run.code, run.stderr).to.equal(1);
            expect(pick(JSON.parse(run.stdout), OLD_FIELDS)).to.deep.equal(golden("violation-check"));
        });

        it("states the policy config in text, Markdown and SARIF", async () => {
            expect((await runs["format-text"]).stdout).to.contain("Policy config: test/fixtures/packs/config/empty.json\n");
            expect((await runs["format-markdown"]).stdout).to.contain("<sub>Policy config: `test/fixtures/packs/config/empty.json`.");
            const sarif = JSON.parse((await runs["format-sarif"]).stdout);
            expect(sarif.runs[0].properties).to.deep.equal({ policyConfig: "test/fixtures/packs/config/empty.json", unjudged: [], warnings: [] });
        });

        it("refuses a stack with no policy config of its own unless --policy-config is given (exit 2)", async () => {
            const host = { policyConfig: (stack: string) => path.join(tmp, "config", `${stack}.json`), root: tmp };
            let error: Error | undefined;
            await runCheck({ host, stack: "production", programDir: program("compliant"), policyPacks: [LAKE], typeCheck: "off" }).catch((e) => (error = e));
            expect(error?.message).to.equal(
                "error: no policy config for stack 'production': config/production.json does not exist. Add it, or pass --policy-config FILE " +
                    "(an empty {} runs every policy at its pack's own enforcement level)",
            );
            expect((error as { exitCode?: number }).exitCode).to.equal(2);
        });

        it("counts what each policy could not judge and why (the host's coverage hook)", async () => {
            const result = await coverage;
            const json = checkJson(result);
            const bucket = result.run.plan.resources.find((r) => r.name === "silver")!.urn;
            expect(json.unjudged).to.deep.equal([
                {
                    policy: "glue-table-columnar",
                    pack: "lake-fixture",
                    judged: 1,
                    count: 1,
                    reasons: [{ reason: "a bucket is no table: nothing to judge", count: 1 }],
                    resources: [{ urn: bucket, reason: "a bucket is no table: nothing to judge" }],
                },
                { policy: "not-in-any-pack", pack: "elsewhere", judged: 0, count: 1, reasons: [{ reason: "other", count: 1 }], resources: [{ urn: "urn:x", reason: "other" }] },
            ]);
            expect(renderCheckText(result)).to.contain("not judged (2):\n  lake-fixture/glue-table-columnar: 1 of 2 not judged: a bucket is no table: nothing to judge (1)\n");
            expect(renderCheckMarkdown(result)).to.contain("**Not judged** (2): resources a policy could not decide on offline.");
            // Not a violation: the verdict stands.
            expect(json.violations).to.deep.equal([]);
        });

        it("warns about remote components, whose children no policy checked, saying what the engine models", async () => {
            const run = await runs.remote;
            expect(run.code, run.stderr).to.equal(0);
            const warnings = JSON.parse(run.stdout).warnings as { kind: string; urn?: string; message: string }[];
            const remote = warnings.filter((w) => w.kind === "remote-component");
            expect(remote.map((w) => w.urn!.split("::").pop())).to.have.members(["audit", "lake-vpc"]);
            const vpc = remote.find((w) => w.urn!.endsWith("::lake-vpc"))!.message;
            expect(vpc).to.contain("awsx:ec2:Vpc 'lake-vpc' is a remote component");
            expect(vpc).to.contain("no policy checked them");
            expect(vpc).to.contain("The engine models its outputs: vpcId and three mock subnet ids");
            expect(remote.find((w) => w.urn!.endsWith("::audit"))!.message).to.contain("Its outputs offline are its inputs echoed back.");
        });
    });

    describe("7. module semantics and type checking as pulumi preview", () => {
        it("compiles the program with ts-node: `import * as` of a CommonJS module is the module, and closures capture it as such", async () => {
            const run = await plans.cjs;
            expect(run.plan.outputs.namespaceIsModule).to.equal(true);
            const fn = run.plan.resources.find((r) => r.type === "aws:lambda/function:Function")!;
            const code = (fn.inputs.code as { assets: Record<string, { text: string }> }).assets["__index.js"].text;
            expect(code).to.match(/const ajv = require\("ajv[^"]*"\);/);
            expect(run.fastPaths.paths["ts-node-transpile"]).to.include({ active: true });
            expect(run.fastPaths.paths["ts-node-transpile"].detail).to.match(/compiled by ts-node \d+\.\d+\.\d+ \(TypeScript \d/);
        });

        it("reports a property @pulumi/aws v7 removed as a labelled type-error warning with file and line, verdict unchanged", async () => {
            const run = await runs.removedWarn;
            const off = await runs.removedOff;
            // The fixture pack's own verdict (an unencrypted bucket), the same with and without the type check.
            expect([run.code, off.code], run.stderr).to.deep.equal([1, 1]);
            const report = JSON.parse(run.stdout);
            expect(pick(report, OLD_FIELDS)).to.deep.equal(pick(JSON.parse(off.stdout), OLD_FIELDS));
            const [typeError, ...others] = (report.warnings as { kind: string }[]).filter((w) => w.kind === "type-error");
            expect(others).to.deep.equal([]);
            expect(typeError).to.deep.include({ kind: "type-error", file: "index.ts", line: 13, column: 5, code: 2353 });
            expect((typeError as unknown as { message: string }).message).to.match(
                /^type check \(TypeScript [\d.]+ via ts-node [\d.]+, as `pulumi preview` runs it; --type-check=error makes it fatal\): index\.ts:13:5: error TS2353: Object literal may only specify known properties, and 'logging' does not exist in type 'ClusterArgs'\.$/,
            );
            expect(run.stderr).to.contain("warning: type check (");
            const plan = await runs.removedPlanWarn;
            expect(plan.code, plan.stderr).to.equal(0);
            expect(plan.stderr).to.contain("index.ts:13:5: error TS2353");
        });

        it("fails on type errors with --type-check=error (exit 2), as pulumi preview would", async () => {
            const run = await runs.removedError;
            expect(run.code).to.equal(2);
            expect(run.stdout).to.equal("");
            expect(run.stderr).to.match(/^error: 1 type error in .*\.removed-v7-property \(TypeScript [\d.]+ via ts-node [\d.]+\); `pulumi preview` would stop on them before running the program:\n/);
            expect(run.stderr).to.contain("  index.ts:13:5: error TS2353: Object literal may only specify known properties, and 'logging' does not exist in type 'ClusterArgs'.");
        });

        it("keeps the removed-property fixture out of the repo's own type checks (a dot directory), so only the engine sees its error", () => {
            for (const config of [path.join(ENGINE, "tsconfig.json"), path.join(ENGINE, "..", "..", "tsconfig.json")]) {
                const { config: json } = ts.readConfigFile(config, ts.sys.readFile);
                const files: string[] = ts.parseJsonConfigFileContent(json, ts.sys, path.dirname(config)).fileNames;
                expect(files, config).to.include(path.join(program("resource-refs"), "index.ts"));
                expect(files.filter((f) => f.includes(".removed-v7-property")), config).to.deep.equal([]);
            }
        });
    });
});
