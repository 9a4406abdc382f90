/**
 * The packs as `pulumi policy publish` ships them: built by tools/packs/build.ts, packed with `npm pack`
 * (what the CLI uploads), extracted outside the repository (where policies/lib and contract/ don't
 * exist), given only their declared dependencies, then started by Pulumi's own policy-pack runner and
 * run through the offline engine on a violating program. pack-startup.test.ts runs packs in place, so
 * a pack importing ../lib would pass there and fail here.
 */
import { expect } from "chai";
import { spawn } from "child_process";
import * as fs from "fs";
import { builtinModules } from "module";
import * as os from "os";
import * as path from "path";
import { buildPacks, installedVersion, requiredIds, RUNTIME_PACKAGES } from "../../tools/packs/build";

const ROOT = path.resolve(__dirname, "../..");

/** `npm run check -- --format json`'s stable contract (README); not imported: the engine is moving to its own package. */
interface Violation {
    pack: string;
    policy: string;
    level: string;
    message: string;
    urn: string | null;
}

/** Per pack, a fixture that violates one of its policies under prod config, and the resource it must name. */
const CASES = [
    { pack: "lake-data-layout", fixture: "csv-in-gold", policy: "curated-columnar-format", resource: "orders" },
    { pack: "lake-security", fixture: "unprotected-buckets", policy: "s3-public-access-block", resource: "landing" },
    { pack: "lake-hygiene", fixture: "unprotected-buckets", policy: "prod-data-protection", resource: "landing" },
];

interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
}

function run(cmd: string, args: string[], cwd: string): Promise<Run> {
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, { cwd, env: { ...process.env, CI: "1" } });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

async function ok(cmd: string, args: string[], cwd: string): Promise<string> {
    const r = await run(cmd, args, cwd);
    if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) exited ${r.code}: ${r.stderr || r.stdout}`);
    return r.stdout;
}

/** As pack-startup.test.ts, but with the runner the copy resolves from its own node_modules. */
function startPack(dir: string): Promise<number> {
    const runner = path.join(dir, "node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js");
    return new Promise((resolve, reject) => {
        // The engine address is only used for logging; nothing connects to it here.
        const child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: dir });
        let out = "";
        let err = "";
        child.stdout.on("data", (d: Buffer) => {
            out += d.toString();
            const m = /^(\d+)\s*$/m.exec(out);
            if (m) {
                child.kill();
                resolve(Number(m[1]));
            }
        });
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        child.on("exit", (code) => reject(new Error(`${dir} exited with ${code} before serving: ${err || out}`)));
    });
}

interface Shipped {
    dir: string;
    files: string[];
}

describe("policy packs as published (built, npm-packed, run from a copy outside the repository)", function () {
    this.timeout(300_000);
    let tmp = "";
    const shipped = new Map<string, Shipped>();

    before(async () => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lake-packs-"));
        const built = await buildPacks({ out: path.join(tmp, "build") });
        for (const pack of built) {
            const packed = JSON.parse(await ok("npm", ["pack", "--json", "--pack-destination", tmp], pack.dir)) as { filename: string; files: { path: string }[] }[];
            // A fresh directory per pack, so nothing but the tarball's content and the two links is there.
            const into = fs.mkdtempSync(path.join(os.tmpdir(), `lake-pack-${pack.name}-`));
            await ok("tar", ["-xzf", path.join(tmp, packed[0].filename), "-C", into], tmp);
            const dir = path.join(into, "package");
            // `npm install` of the declared dependencies, without a registry: the repository's installed copies.
            for (const dep of RUNTIME_PACKAGES) {
                fs.mkdirSync(path.dirname(path.join(dir, "node_modules", dep)), { recursive: true });
                fs.symlinkSync(path.join(ROOT, "node_modules", dep), path.join(dir, "node_modules", dep), "dir");
            }
            shipped.set(pack.name, { dir, files: packed[0].files.map((f) => f.path).sort() });
        }
    });

    after(() => {
        for (const { dir } of shipped.values()) fs.rmSync(path.dirname(dir), { recursive: true, force: true });
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    for (const { pack, fixture, policy, resource } of CASES) {
        describe(pack, () => {
            it("ships pure JS with nothing outside itself but the two declared SDKs", () => {
                const { dir, files } = shipped.get(pack)!;
                expect(within(dir, ROOT), "the copy must live outside the repository").to.equal(false);
                expect(files).to.deep.equal(["PulumiPolicy.yaml", "README.md", "index.js", "package.json"]);

                const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
                const source = JSON.parse(fs.readFileSync(path.join(ROOT, "policies", pack, "package.json"), "utf8"));
                expect(pkg).to.include({ name: source.name, version: source.version, main: "index.js" });
                expect(pkg.dependencies).to.deep.equal(Object.fromEntries(RUNTIME_PACKAGES.map((p) => [p, installedVersion(p)])));
                for (const key of ["devDependencies", "peerDependencies", "optionalDependencies", "bundleDependencies", "bundledDependencies"]) {
                    expect(pkg, key).not.to.have.property(key);
                }

                const js = fs.readFileSync(path.join(dir, "index.js"), "utf8");
                const ids = requiredIds(js);
                expect(ids).to.include("@pulumi/policy");
                expect(ids.filter((id) => id.startsWith(".")), "relative requires").to.deep.equal([]);
                const allowed = (id: string) =>
                    RUNTIME_PACKAGES.some((p) => id === p || id.startsWith(`${p}/`)) || id.startsWith("node:") || builtinModules.includes(id);
                expect(ids.filter((id) => !allowed(id)), "requires of undeclared packages").to.deep.equal([]);
                expect(js, "no ../ import left in the bundle").not.to.match(/(?:require\(|import\(|from\s)\s*["'`]\.\.\//);
            });

            it("starts under Pulumi's run-policy-pack and serves the analyzer protocol", async () => {
                expect(await startPack(shipped.get(pack)!.dir)).to.be.greaterThan(0);
            });

            it(`fails ${fixture} with a mandatory ${policy} through npm run check`, async () => {
                const { dir } = shipped.get(pack)!;
                const args = ["run", "-s", "check", "--", "--program", `test/fixtures/violations/${fixture}`, "--policy-pack", dir];
                // Not type-checked: that adds warnings, never a verdict, and would be a cold check per fixture.
                const r = await run("npm", [...args, "--policy-config", "policies/config/prod.json", "--format", "json", "--type-check", "off"], ROOT);
                expect(r.code, r.stderr).to.equal(1);
                const violations = (JSON.parse(r.stdout) as { violations: Violation[] }).violations;
                expect(violations.map((v) => v.pack)).to.satisfy((packs: string[]) => packs.every((p) => p === pack));
                const hit = violations.filter((v) => v.policy === policy && v.urn?.endsWith(`::${resource}`));
                expect(hit, JSON.stringify(violations.map((v) => `${v.policy} ${v.urn}`))).to.have.length.greaterThan(0);
                expect(hit.map((v) => v.level)).to.deep.equal(hit.map(() => "mandatory"));
            });
        });
    }
});

function within(child: string, parent: string): boolean {
    const rel = path.relative(fs.realpathSync(parent), fs.realpathSync(child));
    return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}
