/**
 * A throwaway git repository with a tiny plain @pulumi/aws program and a history that exercises every category
 * of the offline diff. The program has no node_modules: the engine resolves @pulumi/* from this repo's.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import type { StackDiffReport } from "../../tools/diff/report";

export const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", args, {
        cwd,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" },
    }).trim();

const PROJECT = "name: diff-fixture\nruntime: nodejs\nmain: index.ts\n";
const STACK = "config:\n  aws:region: eu-west-1\n";

/** C0: the deployed program. */
export const BASE_PROGRAM = `import * as aws from "@pulumi/aws";

// changes a tag: an update
new aws.s3.Bucket("raw", { bucket: "fixture-raw", tags: { owner: "team-a" } });
// removed by the head
new aws.s3.Bucket("scratch", { bucket: "fixture-scratch" });
const db = new aws.glue.CatalogDatabase("db", { name: "fixture_db" });
// renamed table: Glue replaces on name
new aws.glue.CatalogTable("events", { name: "events", databaseName: db.name, tableType: "EXTERNAL_TABLE" });
// protected and retained: its name change is a replacement that pulumi up refuses
new aws.s3.Bucket("vault", { bucket: "fixture-vault" }, { protect: true, retainOnDelete: true });
// retained only: removing it leaves it behind in AWS
new aws.s3.Bucket("archive", { bucket: "fixture-archive" }, { retainOnDelete: true });
// moves into a component with an alias: the same resource
new aws.s3.Bucket("logs", { bucket: "fixture-logs" });
`;

/** C1: the proposed program. */
export const HEAD_PROGRAM = `import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

class Group extends pulumi.ComponentResource {
    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("fixture:index:Group", name, {}, opts);
        new aws.s3.Bucket("logs", { bucket: "fixture-logs" }, { parent: this, aliases: [{ parent: pulumi.rootStackResource }] });
        this.registerOutputs({});
    }
}

new aws.s3.Bucket("raw", { bucket: "fixture-raw", tags: { owner: "team-b" } });
const db = new aws.glue.CatalogDatabase("db", { name: "fixture_db" });
new aws.glue.CatalogTable("events", { name: "events_v2", databaseName: db.name, tableType: "EXTERNAL_TABLE" });
new aws.s3.Bucket("vault", { bucket: "fixture-vault-2" }, { protect: true, retainOnDelete: true });
new aws.s3.Bucket("curated", { bucket: "fixture-curated" });
new Group("group");
`;

export interface FixtureRepo {
    dir: string;
    base: string;
    head: string;
    cleanup(): void;
}

/** C0 (dev only) -> C1 (the changes above, and a new prod stack). HEAD is C1, the working tree clean. */
export function makeFixtureRepo(): FixtureRepo {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lake-diff-fixture-"));
    git(dir, "init", "-q", "-b", "main");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), PROJECT);
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), STACK);
    fs.writeFileSync(path.join(dir, "index.ts"), BASE_PROGRAM);
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "C0: the deployed program");
    const base = git(dir, "rev-parse", "HEAD");
    fs.writeFileSync(path.join(dir, "index.ts"), HEAD_PROGRAM);
    fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), STACK);
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "C1: add, change, replace, remove, move, a new stack");
    const head = git(dir, "rev-parse", "HEAD");
    return { dir, base, head, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Every head resource is added, replaced, updated, purely moved or the same; every base one likewise. */
export function assertConsistent(s: StackDiffReport): void {
    const pureMoves = s.moved.filter((m) => !s.changes.some((c) => c.urn === m.urn)).length;
    const m = s.summary;
    expect(m.add + m.replace + m.update + pureMoves + m.same, `head count of ${s.stack}`).to.equal(s.resources.head);
    expect(m.remove + m.replace + m.update + pureMoves + m.same, `base count of ${s.stack}`).to.equal(s.resources.base);
    expect(m.protectedAtRisk).to.equal(s.protectedAtRisk.length);
}

