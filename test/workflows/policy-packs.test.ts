/**
 * .github/scripts/policy-packs.sh (what deploy.yml runs to publish and enforce the packs) against a fake `pulumi`
 * that records its calls: only unpublished versions are published, each from its built directory, and each pack
 * is enabled in the group with the stack's policy config.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../../tools/lake/host";

const SCRIPT = path.join(REPO_ROOT, ".github", "scripts", "policy-packs.sh");
const PACKS = ["lake-data-layout", "lake-security", "lake-hygiene"];

function setup(published: unknown) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lake-packs-"));
    const packs = path.join(dir, "dist");
    for (const [i, p] of PACKS.entries()) {
        fs.mkdirSync(path.join(packs, p), { recursive: true });
        fs.writeFileSync(path.join(packs, p, "PulumiPolicy.yaml"), "runtime: nodejs\n");
        fs.writeFileSync(path.join(packs, p, "package.json"), JSON.stringify({ name: p, version: `0.${i + 2}.0` }));
    }
    const log = path.join(dir, "calls.log");
    const fake = path.join(dir, "pulumi");
    fs.writeFileSync(
        fake,
        `#!/bin/sh\necho "$(basename "$PWD") $*" >> "${log}"\nif [ "$1 $2" = "policy ls" ]; then cat "${path.join(dir, "ls.json")}"; fi\n`,
        { mode: 0o755 },
    );
    fs.writeFileSync(path.join(dir, "ls.json"), JSON.stringify(published));
    const run = (...args: string[]) => {
        const r = spawnSync("sh", [SCRIPT, ...args], { cwd: REPO_ROOT, env: { ...process.env, PULUMI: fake, PACKS_DIR: packs }, encoding: "utf8" });
        return { ...r, calls: fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [] };
    };
    return { dir, run, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

describe("workflows: publishing and enforcing the policy packs", () => {
    it("publish: only the versions Pulumi Cloud doesn't have, each from its built directory", () => {
        // lake-security 0.3.0 is out already; lake-data-layout has only an older version.
        const t = setup([{ name: "lake-security", versions: ["0.2.0", "0.3.0"] }, { name: "lake-data-layout", versions: ["0.1.0"] }]);
        const r = t.run("publish", "acme");
        expect(r.status, r.stderr).to.equal(0);
        // Each call is logged with the directory it ran in: publish runs inside the built pack.
        expect(r.calls).to.deep.equal([`${path.basename(REPO_ROOT)} policy ls acme --json`, "lake-data-layout policy publish acme", "lake-hygiene policy publish acme"]);
        expect(r.stdout).to.match(/lake-security 0\.3\.0: already published to acme/);
        t.cleanup();
    });

    it("enable: every pack's built version in the group, with the stack's policy config", () => {
        const t = setup([]);
        const r = t.run("enable", "acme", "lake-prod", "prod");
        expect(r.status, r.stderr).to.equal(0);
        expect(r.calls.map((c) => c.replace(/^\S+ /, ""))).to.deep.equal([
            "policy enable acme/lake-data-layout 0.2.0 --policy-group lake-prod --config policies/config/prod.json",
            "policy enable acme/lake-security 0.3.0 --policy-group lake-prod --config policies/config/prod.json",
            "policy enable acme/lake-hygiene 0.4.0 --policy-group lake-prod --config policies/config/prod.json",
        ]);
        t.cleanup();
    });

    it("refuses a stack without a policy config, and packs that weren't built", () => {
        const t = setup([]);
        const r = t.run("enable", "acme", "g", "production");
        expect(r.status).to.equal(2);
        expect(r.stderr).to.match(/no policy config policies\/config\/production\.json/);
        fs.rmSync(path.join(t.dir, "dist", "lake-hygiene", "PulumiPolicy.yaml"));
        const unbuilt = t.run("publish", "acme");
        expect(unbuilt.status).to.equal(2);
        expect(unbuilt.stderr).to.match(/is not a built pack: run npm run packs first/);
        t.cleanup();
    });

    it("the packs it knows are the packs under policies/", () => {
        const dirs = fs.readdirSync(path.join(REPO_ROOT, "policies")).filter((d) => fs.existsSync(path.join(REPO_ROOT, "policies", d, "PulumiPolicy.yaml")));
        expect([...PACKS].sort()).to.deep.equal(dirs.sort());
        expect(fs.readFileSync(SCRIPT, "utf8")).to.include(`PACKS="${PACKS.join(" ")}"`);
    });
});
