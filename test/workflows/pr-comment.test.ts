/**
 * The pull-request workflow's one comment (.github/scripts/pr-comment.cjs) against a fake GitHub client: created
 * once, then updated in place on every push, never duplicated; the body from the reports, within GitHub's limit.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../../tools/lake/host";

interface Comment {
    id: number;
    body: string;
    user: { login: string };
}
interface Script {
    MARKER: string;
    MAX_BODY: number;
    composeComment(o: { dir: string; stacks: string[]; sha?: string; runUrl?: string }): string;
    upsertComment(o: { github: unknown; context: unknown; body: string }): Promise<{ action: string; id: number }>;
}
const script = require(path.join(REPO_ROOT, ".github", "scripts", "pr-comment.cjs")) as Script;

/** The parts of Octokit the script uses, over an in-memory comment list with pages of 2 (pagination matters). */
function fakeGitHub(initial: Comment[] = []) {
    const comments = [...initial];
    let nextId = 1000;
    const calls: string[] = [];
    const listComments = async ({ page = 1 }: { page?: number }) => ({ data: comments.slice((page - 1) * 2, page * 2) });
    const github = {
        rest: {
            issues: {
                listComments,
                createComment: async ({ body, issue_number }: { body: string; issue_number: number }) => {
                    calls.push(`create #${issue_number}`);
                    const c = { id: nextId++, body, user: { login: "github-actions[bot]" } };
                    comments.push(c);
                    return { data: c };
                },
                updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
                    calls.push(`update ${comment_id}`);
                    comments.find((c) => c.id === comment_id)!.body = body;
                    return { data: {} };
                },
            },
        },
        // Octokit's paginate: every page until a short one.
        paginate: async (fn: typeof listComments, params: Record<string, unknown>) => {
            const all: Comment[] = [];
            for (let page = 1; ; page++) {
                const { data } = await fn({ ...params, page });
                all.push(...data);
                if (data.length < 2) return all;
            }
        },
    };
    return { github, comments, calls };
}
const context = { repo: { owner: "acme", repo: "lake" }, issue: { number: 7 } };

function reports(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lake-comment-"));
    for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
    return dir;
}

describe("workflows: the one PR comment", () => {
    it("is created on the first push and updated in place on every later one, never duplicated", async () => {
        const human = { id: 1, body: "looks good", user: { login: "alice" } };
        const quoting = { id: 2, body: `a human quoting ${script.MARKER}`, user: { login: "bob" } };
        const { github, comments, calls } = fakeGitHub([human, quoting, { id: 3, body: "ci note", user: { login: "carol" } }]);
        const first = await script.upsertComment({ github, context, body: `${script.MARKER}\nrun 1` });
        expect(first.action).to.equal("created");
        for (const run of [2, 3]) {
            const r = await script.upsertComment({ github, context, body: `${script.MARKER}\nrun ${run}` });
            expect(r).to.deep.equal({ action: "updated", id: first.id });
        }
        expect(calls).to.deep.equal(["create #7", `update ${first.id}`, `update ${first.id}`]);
        expect(comments.filter((c) => c.body.includes(script.MARKER) && c.user.login === "github-actions[bot]")).to.have.length(1);
        expect(comments.find((c) => c.id === first.id)!.body).to.match(/run 3$/);
        // A human's comment with the marker in it is never overwritten.
        expect(comments.find((c) => c.id === 2)!.body).to.equal(quoting.body);
    });

    it("composes the verdict and each stack's check and diff from the check job's reports", () => {
        const dir = reports({
            "outcome-dev.json": JSON.stringify({ stack: "dev", check: "success", diff: "success" }),
            "outcome-prod.json": JSON.stringify({ stack: "prod", check: "failure", diff: "success" }),
            "check-dev.md": "### ✅ **Policy check passed**: dev\n",
            "check-prod.md": "### ❌ **2 mandatory violations**: prod\n",
            "diff-dev.md": "##### 📝 Stack `dev`: 1 to add, 0 to remove, 0 to replace, 0 to change, 168 unchanged\n",
            "diff-prod.md": "##### 🛑 Stack `prod`: 0 to add, 0 to remove, 1 to replace, 0 to change, 169 unchanged\n\n**Protected data at risk (1)**\n",
        });
        const body = script.composeComment({ dir, stacks: ["dev", "prod"], sha: "0123456789abcdef", runUrl: "https://example.invalid/run/1" });
        expect(body.startsWith(script.MARKER)).to.equal(true);
        expect(body).to.match(/❌ \*\*Failed\*\*: `prod`/);
        expect(body).to.match(/\| `dev` \| ✅ passed \| 1 to add, 0 to remove, 0 to replace, 0 to change, 168 unchanged \|/);
        expect(body).to.match(/\| `prod` \| ❌ failed .*\| 0 to add, 0 to remove, 1 to replace.* 🛑 \*\*protected data at risk\*\* \|/);
        expect(body).to.include("2 mandatory violations");
        // A failed stack's check is expanded; a passing one folded.
        expect(body).to.include("<details open><summary><b>prod</b>");
        expect(body).to.include("<details><summary><b>dev</b>");
        expect(body).to.include("`0123456`");
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("says so when a stack has no reports (the check job died), and the verdict is not a pass", () => {
        const dir = reports({ "outcome-dev.json": JSON.stringify({ stack: "dev", check: "success", diff: "failure" }), "check-dev.md": "ok\n" });
        const body = script.composeComment({ dir, stacks: ["dev", "prod"] });
        expect(body).to.match(/❌ \*\*Failed\*\*: `prod`/);
        expect(body).to.match(/\| `prod` \| ⚠️ no result/);
        expect(body).to.match(/\| `dev` \| ✅ passed \| ⚠️ failed: see the run \|/);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("stays under GitHub's 65,536-character limit however large the reports", () => {
        const big = "| x | y |\n".repeat(20_000);
        const dir = reports({ "check-dev.md": big, "diff-dev.md": big, "check-prod.md": big, "diff-prod.md": big });
        const body = script.composeComment({ dir, stacks: ["dev", "prod"] });
        expect(body.length).to.be.lessThan(65_536);
        expect(body).to.include("truncated");
        fs.rmSync(dir, { recursive: true, force: true });
    });
});
