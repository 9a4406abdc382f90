/**
 * tools/hooks/pre-push: the stack selection rule by rule (lib.sh under POSIX sh), then the hook as git runs it on
 * `git push` to a bare remote: the right commands for what the pushed commits touch, and a failing check stops
 * the push.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../../tools/lake/host";

const LIB = path.join(REPO_ROOT, "tools", "hooks", "lib.sh");
const HOOK = path.join(REPO_ROOT, "tools", "hooks", "pre-push");
const GIT_ENV = { GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" };

function write(root: string, file: string, text: string): void {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
}

/** A lake-shaped tree: stacks dev, prod and staging; datasets limited to some stacks in each YAML style. */
function lakeTree(): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "lake-hook-"));
    for (const s of ["dev", "prod", "staging"]) write(root, `Pulumi.${s}.yaml`, "config: {}\n");
    write(root, "Pulumi.yaml", "name: lake\n");
    write(root, "stacks/datasets/sales/everywhere.yaml", "name: everywhere\nlayer: gold\n");
    write(root, "stacks/datasets/sales/flow.yaml", "name: flow\nstacks: [dev, \"prod\"]   # not staging\nlayer: gold\n");
    write(root, "stacks/datasets/shop/block.yaml", "name: block\nstacks:\n  - staging # only here\n\n  - 'dev'\nlayer: silver\ncolumns:\n  - name: id\n");
    return root;
}

function select(root: string, paths: string[]): string[] {
    const out = execFileSync("sh", ["-c", `. "${LIB}"; lake_select_stacks "$1"`, "sh", root], { input: paths.join("\n") + "\n", encoding: "utf8" });
    return out.split("\n").filter(Boolean);
}

describe("pre-push hook: which stacks a change touches", () => {
    let root: string;
    before(() => {
        root = lakeTree();
    });
    after(() => fs.rmSync(root, { recursive: true, force: true }));
    const ALL = ["dev", "prod", "staging"];

    const cases: [string, string[], string[]][] = [
        ["a dataset without stacks: every stack", ["stacks/datasets/sales/everywhere.yaml"], ALL],
        ["a dataset with a flow list: those stacks", ["stacks/datasets/sales/flow.yaml"], ["dev", "prod"]],
        ["a dataset with a block list (comments, blank lines, quotes): those stacks", ["stacks/datasets/shop/block.yaml"], ["dev", "staging"]],
        ["a deleted dataset: every stack (it may be deployed anywhere)", ["stacks/datasets/shop/gone.yaml"], ALL],
        ["a stack's connections: that stack", ["stacks/prod/connections.yaml"], ["prod"]],
        ["a stack's locations and config: those stacks", ["stacks/staging/external-locations.yaml", "Pulumi.dev.yaml"], ["dev", "staging"]],
        ["a stack's policy config: that stack", ["policies/config/prod.json"], ["prod"]],
        ["the schemas: every stack", ["stacks/schema/dataset.schema.json"], ALL],
        ["infra: every stack", ["infra/stack.ts"], ALL],
        ["components: every stack", ["components/storage/index.ts"], ALL],
        ["a policy: every stack", ["policies/lake-security/s3-tls-only.ts"], ALL],
        ["the contract: every stack", ["contract/naming.ts"], ALL],
        ["the project file, dependencies and the engine: every stack", ["package-lock.json"], ALL],
        ["the engine", ["tools/engine/check.ts"], ALL],
        ["docs, tests, workflows, other tools: none", ["README.md", "docs/runbook.md", "test/diff/diff.test.ts", ".github/workflows/pr.yml", "tools/diff/cli.ts", "tools/hooks/pre-push"], []],
        ["unknown comparison point: every stack", ["__ALL__"], ALL],
        ["a mix is the union, each once", ["stacks/prod/connections.yaml", "stacks/datasets/sales/flow.yaml", "docs/x.md"], ["dev", "prod"]],
        ["nothing changed: none", [], []],
    ];
    for (const [what, paths, stacks] of cases) {
        it(what, () => expect(select(root, paths)).to.deep.equal(stacks));
    }

    it("this repository's stacks are what the hook finds", () => {
        const out = execFileSync("sh", ["-c", `. "${LIB}"; lake_all_stacks "$1"`, "sh", REPO_ROOT], { encoding: "utf8" });
        const expected = fs.readdirSync(REPO_ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f)).map((f) => f.slice(7, -5)).sort();
        expect(out.split("\n").filter(Boolean)).to.deep.equal(expected);
    });
});

describe("pre-push hook: run by git push", function () {
    this.timeout(60_000);
    let work: string;
    let repo: string;
    let remote: string;
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8", env: { ...process.env, ...GIT_ENV }, stdio: ["ignore", "pipe", "pipe"] });
    const commit = (file: string, text: string) => {
        write(repo, file, text);
        git("add", "-A");
        git("commit", "-q", "-m", `change ${file}`);
    };
    const push = (env: Record<string, string> = {}) =>
        spawnSync("git", ["push", "-q", "origin", "HEAD:refs/heads/main"], { cwd: repo, encoding: "utf8", env: { ...process.env, ...GIT_ENV, LAKE_HOOK_DRY_RUN: "1", ...env } });

    before(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "lake-hook-push-"));
        remote = path.join(work, "remote.git");
        repo = path.join(work, "repo");
        execFileSync("git", ["init", "-q", "--bare", remote]);
        execFileSync("git", ["init", "-q", "-b", "main", repo]);
        git("remote", "add", "origin", remote);
        for (const f of ["pre-push", "lib.sh"]) {
            fs.mkdirSync(path.join(repo, "tools", "hooks"), { recursive: true });
            fs.copyFileSync(path.join(REPO_ROOT, "tools", "hooks", f), path.join(repo, "tools", "hooks", f));
        }
        fs.chmodSync(path.join(repo, "tools", "hooks", "pre-push"), 0o755);
        for (const s of ["dev", "prod"]) write(repo, `Pulumi.${s}.yaml`, "config: {}\n");
        // What npm run hooks:install does.
        git("config", "core.hooksPath", "tools/hooks");
        commit("README.md", "lake\n");
    });
    after(() => fs.rmSync(work, { recursive: true, force: true }));

    it("the first push (a new branch with no fork point): every stack", () => {
        const r = push();
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout + r.stderr).to.include("pre-push: npm run --silent check -- --stack dev");
        expect(r.stdout + r.stderr).to.include("pre-push: npm run --silent check -- --stack prod");
    });

    it("a push of docs only checks nothing", () => {
        commit("docs/guide.md", "words\n");
        const r = push();
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout + r.stderr).to.include("no stack touched");
    });

    it("a push touching prod's connections validates the datasets and checks prod only", () => {
        commit("stacks/prod/connections.yaml", "connections: []\n");
        const r = push();
        const out = r.stdout + r.stderr;
        expect(r.status, out).to.equal(0);
        expect(out).to.include("pre-push: npm run --silent dataset -- validate");
        expect(out).to.include("pre-push: npm run --silent check -- --stack prod");
        expect(out).to.not.include("--stack dev");
    });

    it("a failing check stops the push; --no-verify still goes through", () => {
        commit("infra/stack.ts", "export {};\n");
        const fakeNpm = path.join(work, "npm-fails");
        fs.writeFileSync(fakeNpm, `#!/bin/sh\necho "fake npm $*"\ncase "$*" in *"--stack prod"*) exit 1;; esac\nexit 0\n`, { mode: 0o755 });
        const r = push({ LAKE_HOOK_DRY_RUN: "", LAKE_HOOK_NPM: fakeNpm });
        expect(r.status).to.not.equal(0);
        expect(r.stderr).to.match(/pre-push: failed: check prod/);
        expect(r.stdout + r.stderr).to.include("fake npm run --silent check -- --stack dev");
        expect(git("ls-remote", "origin", "refs/heads/main").split("\t")[0]).to.not.equal(git("rev-parse", "HEAD").trim());
        const forced = spawnSync("git", ["push", "-q", "--no-verify", "origin", "HEAD:refs/heads/main"], { cwd: repo, encoding: "utf8" });
        expect(forced.status, forced.stderr).to.equal(0);
    });

    it("the hook is a POSIX sh script, executable, and parses under sh -n", () => {
        expect(fs.readFileSync(HOOK, "utf8").split("\n")[0]).to.equal("#!/bin/sh");
        expect(fs.statSync(HOOK).mode & 0o111).to.not.equal(0);
        for (const f of [HOOK, LIB]) expect(spawnSync("sh", ["-n", f]).status).to.equal(0);
    });
});
