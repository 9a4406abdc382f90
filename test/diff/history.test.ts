/**
 * The offline diff end to end: two revisions of a fixture repository planned by the engine in temporary
 * worktrees, each category asserted; then this repository's own last commit (`--base HEAD~1`, dev).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Writable } from "stream";
import { main } from "../../tools/diff/cli";
import { DiffReport, renderDiffMarkdown, renderDiffText, StackDiffReport } from "../../tools/diff/report";
import { runDiff } from "../../tools/diff/run";
import { REPO_ROOT } from "../../tools/lake/host";
import { assertConsistent, FixtureRepo, git, makeFixtureRepo } from "./fixture-repo";

const quiet = () => new Writable({ write: (_c, _e, cb) => cb() });
const byName = (s: StackDiffReport, name: string) => s.changes.filter((c) => c.name === name);

function assertFixtureDev(dev: StackDiffReport): void {
    assertConsistent(dev);
    // Protected data first: the protected vault's replacement and the retained archive's removal.
    expect(dev.protectedAtRisk.map((r) => [r.kind, r.name])).to.have.deep.members([["replace", "vault"], ["remove", "archive"]]);
    const vault = dev.protectedAtRisk.find((r) => r.name === "vault")!;
    expect(vault.protect).to.equal(true);
    expect(vault.replaceOn).to.deep.equal(["bucket"]);
    expect(vault.consequence).to.match(/pulumi up fails/);
    expect(dev.protectedAtRisk.find((r) => r.name === "archive")!.consequence).to.match(/stays in AWS/);

    expect(byName(dev, "curated").map((c) => c.kind)).to.deep.equal(["add"]);
    expect(byName(dev, "group").map((c) => c.kind)).to.deep.equal(["add"]);
    expect(byName(dev, "scratch").map((c) => c.kind)).to.deep.equal(["remove"]);
    expect(byName(dev, "archive").map((c) => c.kind)).to.deep.equal(["remove"]);
    const [events] = byName(dev, "events");
    expect(events.kind).to.equal("replace");
    expect(events.replaceOn).to.deep.equal(["name"]);
    expect(events.inputChanges).to.deep.include({ path: "name", before: "events", after: "events_v2" });
    const [raw] = byName(dev, "raw");
    expect(raw.kind).to.equal("update");
    expect(raw.changedInputs).to.deep.equal(["tags.owner"]);
    // Moved with an alias: one resource, not a remove and an add.
    expect(byName(dev, "logs")).to.deep.equal([]);
    expect(dev.moved.map((m) => m.name)).to.deep.equal(["logs"]);
    expect(dev.moved[0].from).to.match(/::aws:s3\/bucket:Bucket::logs$/);
    expect(dev.moved[0].urn).to.match(/fixture:index:Group\$aws:s3\/bucket:Bucket::logs$/);
    expect(dev.summary).to.include({ add: 2, remove: 2, replace: 2, update: 1, moved: 1 });
}

describe("offline diff on a fixture history (git worktrees, the engine)", function () {
    this.timeout(240_000);
    let repo: FixtureRepo;
    before(() => {
        repo = makeFixtureRepo();
    });
    after(() => repo?.cleanup());

    it("classifies every change between two refs, a new stack included, and removes its worktrees", async () => {
        const report = await runDiff({ cwd: repo.dir, base: repo.base, head: repo.head, stacks: ["dev", "prod"], log: quiet() });
        expect(report.base.commit).to.equal(repo.base);
        expect(report.head).to.deep.equal({ ref: repo.head, commit: repo.head });
        expect(report.replaceOn.source).to.equal("curated");
        const [dev, prod] = report.stacks;
        assertFixtureDev(dev);
        // The base has no Pulumi.prod.yaml: everything in prod is new, and the report says why.
        expect(prod.notes.join()).to.match(/has no Pulumi\.prod\.yaml/);
        expect(prod.resources.base).to.equal(0);
        expect(prod.summary.add).to.equal(prod.resources.head);
        assertConsistent(prod);
        // Protected data comes before the counts in both human formats.
        const text = renderDiffText(report);
        expect(text.indexOf("PROTECTED DATA AT RISK")).to.be.within(0, text.indexOf("to add"));
        const md = renderDiffMarkdown(report);
        expect(md.indexOf("Protected data at risk")).to.be.greaterThan(0);
        expect(md.indexOf("Protected data at risk")).to.be.lessThan(md.indexOf("<details>"));
        // Worktrees removed, records pruned, the fixture's history untouched.
        expect(git(repo.dir, "worktree", "list", "--porcelain").match(/^worktree /gm)).to.have.length(1);
        expect(git(repo.dir, "status", "--porcelain")).to.equal("");
    });

    it("npm run diff's CLI: the working tree against HEAD~1, as JSON to a file", async () => {
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lake-diff-out-")), "diff.json");
        const cwd = process.cwd();
        const stderr = process.stderr.write;
        let err = "";
        process.chdir(repo.dir);
        process.stderr.write = ((chunk: string | Uint8Array) => ((err += String(chunk)), true)) as typeof process.stderr.write;
        let code: number;
        try {
            code = await main(["--base", "HEAD~1", "--format", "json", "--out", out, "--fail-on-protected"]);
        } finally {
            process.stderr.write = stderr;
            process.chdir(cwd);
        }
        expect(code, err).to.equal(1); // --fail-on-protected: the vault and the archive
        expect(err).to.match(/2 protected or retained resources would be deleted or replaced/);
        const report = JSON.parse(fs.readFileSync(out, "utf8")) as DiffReport;
        expect(report.version).to.equal(1);
        expect(report.head).to.deep.equal({ ref: null, commit: repo.head, dirty: false });
        expect(report.stacks.map((s) => s.stack)).to.deep.equal(["dev"]);
        assertFixtureDev(report.stacks[0]);
        fs.rmSync(path.dirname(out), { recursive: true, force: true });
    });

    it("a ref that doesn't resolve is a usage error (exit 2) naming it", async () => {
        const stderr = process.stderr.write;
        let err = "";
        process.stderr.write = ((chunk: string | Uint8Array) => ((err += String(chunk)), true)) as typeof process.stderr.write;
        const cwd = process.cwd();
        process.chdir(repo.dir);
        try {
            expect(await main(["--base", "no-such-branch"])).to.equal(2);
        } finally {
            process.stderr.write = stderr;
            process.chdir(cwd);
        }
        expect(err).to.match(/'no-such-branch' does not name a commit/);
    });
});

describe("offline diff on this repository's last commit (smoke)", function () {
    this.timeout(300_000);

    it("--base HEAD~1 --stack dev runs and reports a consistent diff", async function () {
        let parent: string;
        try {
            parent = git(REPO_ROOT, "rev-parse", "--verify", "--quiet", "HEAD~1^{commit}");
        } catch {
            // A shallow clone has no parent commit to diff against; CI clones with history.
            this.skip();
        }
        const before = git(REPO_ROOT, "worktree", "list", "--porcelain");
        const report = await runDiff({ cwd: REPO_ROOT, base: "HEAD~1", stacks: ["dev"], log: quiet() });
        expect(report.base.commit).to.equal(parent!);
        expect(report.head.ref).to.equal(null);
        const [dev] = report.stacks;
        expect(dev.stack).to.equal("dev");
        expect(dev.resources.base).to.be.greaterThan(100);
        expect(dev.resources.head).to.be.greaterThan(100);
        assertConsistent(dev);
        // dev protects nothing (prod does), so nothing protected can be at risk there.
        expect(dev.protectedAtRisk).to.deep.equal([]);
        expect(renderDiffText(report)).to.match(/Stack dev: \d+ resources at base, \d+ at head/);
        expect(git(REPO_ROOT, "worktree", "list", "--porcelain")).to.equal(before);
    });
});
