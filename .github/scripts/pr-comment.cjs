// The one PR comment of the pull-request workflow: composed from the check and diff reports of each stack, and
// created once, then updated in place on every push. The previous comment is found by a hidden marker, so
// re-runs and new pushes never add a second one. Run by actions/github-script (plain CommonJS, no build step);
// tested offline with a fake GitHub client in test/workflows/pr-comment.test.ts.
"use strict";
const fs = require("fs");
const path = require("path");

const MARKER = "<!-- lake-pr-report -->";
// GitHub rejects comment bodies over 65,536 characters; leave room for the frame.
const MAX_BODY = 60000;

function read(file) {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        return undefined;
    }
}

/** outcome-<stack>.json written by the check job: {"stack", "check": "success|failure|...", "diff": ...}. */
function outcome(dir, stack) {
    const text = read(path.join(dir, `outcome-${stack}.json`));
    if (!text) return { stack, check: "missing", diff: "missing" };
    try {
        return { stack, ...JSON.parse(text) };
    } catch {
        return { stack, check: "missing", diff: "missing" };
    }
}

const CHECK_LABEL = {
    success: "✅ passed",
    failure: "❌ failed (mandatory violations or a program error)",
    skipped: "⏭️ skipped",
    cancelled: "⏹️ cancelled",
    missing: "⚠️ no result (the check job did not finish: see the run)",
};

function cut(text, max, note) {
    return text.length <= max ? text : `${text.slice(0, max)}\n\n… ${note}\n`;
}

/**
 * The comment body. `dir` holds, per stack, check-<stack>.md, diff-<stack>.md and outcome-<stack>.json (the
 * check job's artifacts merged into one directory).
 */
function composeComment({ dir, stacks, sha, runUrl }) {
    const results = stacks.map((s) => outcome(dir, s));
    const failed = results.filter((r) => r.check !== "success");
    const verdict = failed.length === 0 ? "✅ **Passed**: no mandatory policy violation" : `❌ **Failed**: ${failed.map((r) => `\`${r.stack}\``).join(", ")}`;
    const head = [
        MARKER,
        `## Lake pull-request report`,
        "",
        verdict,
        "",
        "| Stack | Offline policy check | Offline diff |",
        "| --- | --- | --- |",
        ...results.map((r) => {
            const diff = read(path.join(dir, `diff-${r.stack}.md`));
            const summary = diff ? ((/Stack `[^`]+`: ([^\n]+)/.exec(diff) || [])[1] || "see below") : r.diff === "failure" ? "⚠️ failed: see the run" : "⚠️ no diff";
            const risk = diff && /Protected data at risk/.test(diff) ? " 🛑 **protected data at risk**" : "";
            return `| \`${r.stack}\` | ${CHECK_LABEL[r.check] || r.check} | ${summary}${risk} |`;
        }),
        "",
    ];
    const foot = `\n<sub>Commit ${sha ? `\`${String(sha).slice(0, 7)}\`` : "(unknown)"}${runUrl ? ` · [workflow run](${runUrl}) (SARIF in code scanning, full reports in the run's artifacts)` : ""}. This comment is updated on every push.</sub>\n`;
    const budget = Math.floor((MAX_BODY - head.join("\n").length - foot.length) / Math.max(1, stacks.length * 2));
    const sections = results.flatMap((r) => {
        const check = read(path.join(dir, `check-${r.stack}.md`));
        const diff = read(path.join(dir, `diff-${r.stack}.md`));
        return [
            `<details${r.check === "success" ? "" : " open"}><summary><b>${r.stack}</b>: policy check</summary>\n\n${check ? cut(check, budget, "truncated: the full report is in the run's artifacts") : "_No check report: see the run's log._"}\n</details>\n`,
            diff ? cut(diff, budget, "truncated: the full diff is in the run's artifacts") : `_No diff for \`${r.stack}\`: see the run's log._\n`,
        ];
    });
    return `${head.join("\n")}\n${sections.join("\n")}${foot}`;
}

/**
 * Create the comment, or update the one that has the marker. Only comments by the same author (the workflow's
 * token, github-actions[bot]) count, so a human quoting the marker is never overwritten.
 */
async function upsertComment({ github, context, body, author = "github-actions[bot]" }) {
    const { owner, repo } = context.repo;
    const issue_number = context.issue.number;
    const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
    const mine = comments.filter((c) => c.body && c.body.includes(MARKER) && (!author || (c.user && c.user.login === author)));
    if (mine.length) {
        // Oldest first: keep updating the one reviewers already know.
        const [first] = mine.sort((a, b) => a.id - b.id);
        await github.rest.issues.updateComment({ owner, repo, comment_id: first.id, body });
        return { action: "updated", id: first.id };
    }
    const { data } = await github.rest.issues.createComment({ owner, repo, issue_number, body });
    return { action: "created", id: data.id };
}

module.exports = { MARKER, MAX_BODY, composeComment, upsertComment };
