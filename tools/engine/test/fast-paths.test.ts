/**
 * The fast paths patch internals of @pulumi/pulumi and @pulumi/policy. This is the test to run after
 * moving the SDK pins (docs/engine.md, "Upgrading the SDKs"): every fast path must be installed and
 * taken on a real run, and an SDK copy that lacks an internal must fail loudly, naming the pinned and
 * the found versions, instead of quietly running on the slow path.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCheck, CheckResult } from "../check";
import { CliRun, ENGINE, pack, pool, program, runCli } from "./helpers";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const enginePackage = require("../package.json") as { dependencies: Record<string, string> };
const PULUMI_PIN = enginePackage.dependencies["@pulumi/pulumi"];
const POLICY_PIN = enginePackage.dependencies["@pulumi/policy"];
const installedDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`, { paths: [ENGINE] }));
const installedVersion = (name: string) => String(JSON.parse(fs.readFileSync(path.join(installedDir(name), "package.json"), "utf8")).version).replace(/^v/, "");

/** Fast paths of the program process and of an @pulumi/policy pack process, by name. */
const PROGRAM_PATHS = [
    "preload:@pulumi/pulumi",
    "preload:@pulumi/aws",
    "deferred-typescript",
    "deferred-code-paths",
    "resource-leaf-unknowns",
    "lazy-aliases",
    "identity-debuggable",
    "struct-passthrough",
    "lazy-outputs",
    "drop-undefined-args",
    "bounded-callsites",
    "in-process-monitor",
    "pending-work",
    "ts-node-transpile",
];
// ts-node-transpile counts files from its cache: none on a cold one. lazy-aliases counts resources with aliases:
// the fixture has none (the own stacks' suite checks it on ours).
const UNCOUNTED = ["deferred-typescript", "deferred-code-paths", "resource-leaf-unknowns", "lazy-aliases", "ts-node-transpile"];
const COUNTED = PROGRAM_PATHS.filter((p) => !p.startsWith("preload:") && !UNCOUNTED.includes(p));
const PACK_PATHS = ["preload:@pulumi/policy", "preload:@pulumi/policy/server", "deferred-typescript", "deferred-code-paths", "plain-requests"];

/**
 * A copy of an installed SDK in `dir`: every entry a symlink to the real one, except package.json (with
 * `version`) and the files in `drop`: an SDK release that moved or removed an internal the engine patches.
 */
function fakeSdk(real: string, dir: string, version: string, drop: string[]): void {
    const mirror = (from: string, to: string, rel: string) => {
        fs.mkdirSync(to, { recursive: true });
        for (const entry of fs.readdirSync(from)) {
            const sub = rel ? `${rel}/${entry}` : entry;
            if (drop.includes(sub)) continue;
            if (sub === "package.json") {
                const pkg = JSON.parse(fs.readFileSync(path.join(from, entry), "utf8"));
                fs.writeFileSync(path.join(to, entry), JSON.stringify({ ...pkg, version }, null, 2));
            } else if (drop.some((d) => d.startsWith(`${sub}/`))) {
                mirror(path.join(from, entry), path.join(to, entry), sub);
            } else {
                fs.symlinkSync(path.join(from, entry), path.join(to, entry));
            }
        }
    };
    mirror(real, dir, "");
}

describe("fast paths", function () {
    this.timeout(240_000);
    let tmp: string;
    let check: Promise<CheckResult>;
    const runs: Record<string, Promise<CliRun>> = {};

    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "engine-fast-paths-"));
        // A program whose own node_modules has an @pulumi/pulumi without runtime/debuggable.
        const prog = path.join(tmp, "program");
        fs.mkdirSync(prog);
        fs.writeFileSync(path.join(prog, "Pulumi.yaml"), "name: fake-sdk\nruntime: nodejs\n");
        fs.copyFileSync(path.join(program("compliant"), "index.ts"), path.join(prog, "index.ts"));
        fs.copyFileSync(path.join(program("compliant"), "Pulumi.dev.yaml"), path.join(prog, "Pulumi.dev.yaml"));
        fakeSdk(installedDir("@pulumi/pulumi"), path.join(prog, "node_modules", "@pulumi", "pulumi"), "3.0.0-fake", ["runtime/debuggable.js"]);
        // A pack whose own node_modules has an @pulumi/policy without server.js.
        const packDir = path.join(tmp, "pack");
        fs.mkdirSync(packDir);
        for (const f of ["index.ts", "policies.ts", "package.json", "PulumiPolicy.yaml"]) fs.copyFileSync(path.join(pack("lake-fixture"), f), path.join(packDir, f));
        fakeSdk(installedDir("@pulumi/policy"), path.join(packDir, "node_modules", "@pulumi", "policy"), "v1.0.0-fake", ["server.js"]);

        const limit = pool(2);
        check = limit(() =>
            runCheck({ programDir: program("compliant"), policyPacks: [pack("lake-fixture")], policyConfig: pack("config/empty.json"), typeCheck: "off" }),
        );
        runs.programSdk = limit(() => runCli(["plan", "--program", prog]));
        runs.packSdk = limit(() => runCli(["check", "--program", program("compliant"), "--policy-pack", packDir, "--policy-config", pack("config/empty.json"), "--type-check", "off"]));
    });

    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("pins the SDKs it patches exactly, to the installed versions", () => {
        expect(PULUMI_PIN, "@pulumi/pulumi pin").to.match(/^\d+\.\d+\.\d+$/);
        expect(POLICY_PIN, "@pulumi/policy pin").to.match(/^\d+\.\d+\.\d+$/);
        expect(installedVersion("@pulumi/pulumi")).to.equal(PULUMI_PIN);
        expect(installedVersion("@pulumi/policy")).to.equal(POLICY_PIN);
    });

    it("installs and takes every fast path of the program process", async () => {
        const { run } = await check;
        expect(run.fastPaths.sdks).to.deep.equal([{ name: "@pulumi/pulumi", pinned: PULUMI_PIN, found: PULUMI_PIN, dir: installedDir("@pulumi/pulumi") }]);
        expect(Object.keys(run.fastPaths.paths)).to.have.members(PROGRAM_PATHS);
        for (const name of PROGRAM_PATHS) expect(run.fastPaths.paths[name].active, `${name}: ${run.fastPaths.paths[name].detail}`).to.equal(true);
        for (const name of COUNTED) expect(run.fastPaths.paths[name].hits, `${name} taken`).to.be.greaterThan(0);
        expect(run.fastPaths.paths["in-process-monitor"].hits).to.equal(run.plan.resources.length);
        expect(run.warnings).to.deep.equal([]);
    });

    it("installs the pack host's fast paths and answers every request with plain objects", async () => {
        const result = await check;
        const report = result.packFastPaths["lake-fixture"]!;
        expect(report.sdks.map((s) => [s.name, s.pinned, s.found])).to.deep.equal([
            ["@pulumi/policy", POLICY_PIN, POLICY_PIN],
            ["@pulumi/pulumi", PULUMI_PIN, PULUMI_PIN],
        ]);
        expect(Object.keys(report.paths)).to.have.members(PACK_PATHS);
        for (const name of PACK_PATHS) expect(report.paths[name].active, `${name}: ${report.paths[name].detail}`).to.equal(true);
        // One Analyze per managed resource, one AnalyzeStack; none needed the real protobuf message.
        const plain = report.paths["plain-requests"];
        expect(plain.hits).to.equal(result.run.plan.resources.filter((r) => !r.external).length + 1);
        expect(plain.fallbacks).to.equal(0);
    });

    it("fails naming the pinned and the found @pulumi/pulumi when an internal it patches is missing (exit 2)", async () => {
        const run = await runs.programSdk;
        expect(run.code, run.stderr).to.equal(2);
        expect(run.stdout).to.equal("");
        expect(run.stderr).to.contain(`expected @pulumi/pulumi ${PULUMI_PIN} (the engine's exact pin), found @pulumi/pulumi 3.0.0-fake at `);
        expect(run.stderr).to.contain("  - identity-debuggable: @pulumi/pulumi runtime/debuggable is missing (Cannot find module './runtime/debuggable'");
        // The copy is the program's own: the fix is there, or in dropping it for the host's.
        expect(run.stderr).to.contain(`The program's own node_modules supplies @pulumi/pulumi 3.0.0-fake: install ${PULUMI_PIN} there (npm install @pulumi/pulumi@${PULUMI_PIN} in `);
        // Only the missing internal is reported: everything else of the copy is there.
        expect(run.stderr.match(/^ {2}- /gm)).to.have.length(1);
    });

    it("fails naming the pinned and the found @pulumi/policy when the pack host cannot install (exit 2)", async () => {
        const run = await runs.packSdk;
        expect(run.code, run.stderr).to.equal(2);
        expect(run.stderr).to.contain(`expected @pulumi/policy ${POLICY_PIN} (the engine's exact pin), found @pulumi/policy 1.0.0-fake at `);
        expect(run.stderr).to.contain("  - plain-requests: @pulumi/policy server.js is missing (Cannot find module ");
        expect(run.stderr).to.contain(`Install @pulumi/policy ${POLICY_PIN} where the pack resolves it`);
        expect(run.stderr.match(/^ {2}- /gm)).to.have.length(1);
        expect(run.stderr).not.to.contain("found @pulumi/pulumi");
    });
});
