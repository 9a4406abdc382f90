/**
 * `npm run diff -- --base <ref> [--head <ref>] [--stack dev|prod]... [--format text|json|markdown] [--out FILE]`
 *
 * Exit codes: 0 the diff was made (whatever it found); 1 with --fail-on-protected when protected data would be
 * deleted or replaced; 2 usage, git or plan error.
 */
import { Command, Option } from "commander";
import * as fs from "fs";
import * as path from "path";
import { diffJson, renderDiffMarkdown, renderDiffText } from "./report";
import { runDiff } from "./run";

const collect = (value: string, previous: string[]) => [...previous, value];

interface CliOptions {
    base: string;
    head?: string;
    stack: string[];
    program: string;
    format: "text" | "json" | "markdown";
    out?: string;
    failOnProtected?: boolean;
    verbose?: boolean;
}

export async function main(argv: string[]): Promise<number> {
    const program = new Command("diff")
        .description("Offline diff: plan a stack at two revisions under mocks and report what pulumi up would add, remove, replace and change")
        .requiredOption("--base <ref>", "the deployed revision (branch, tag, commit, HEAD~1), checked out into a temporary worktree")
        .option("--head <ref>", "the proposed revision (default: the working tree, uncommitted changes included)")
        .option("--stack <name>", "stack to diff (repeat for several; default: dev)", collect, [])
        .option("--program <dir>", "Pulumi program directory relative to the repository root", ".")
        .addOption(new Option("--format <format>", "report format").choices(["text", "json", "markdown"]).default("text"))
        .option("--out <file>", "write the report to a file instead of stdout")
        .option("--fail-on-protected", "exit 1 when protected or retained data would be deleted or replaced")
        .option("--verbose", "stack traces on errors")
        .exitOverride()
        .configureOutput({ writeErr: (s) => process.stderr.write(s) });
    let o: CliOptions;
    try {
        o = program.parse(argv, { from: "user" }).opts<CliOptions>();
    } catch (e) {
        const code = (e as { exitCode?: number }).exitCode;
        return code === 0 ? 0 : 2;
    }
    try {
        const report = await runDiff({ base: o.base, head: o.head, stacks: o.stack, program: o.program });
        const text = o.format === "json" ? diffJson(report) : o.format === "markdown" ? renderDiffMarkdown(report) : renderDiffText(report);
        if (o.out) {
            fs.mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
            fs.writeFileSync(o.out, text);
        } else {
            process.stdout.write(text);
        }
        const atRisk = report.stacks.reduce((n, s) => n + s.protectedAtRisk.length, 0);
        if (atRisk) process.stderr.write(`warning: ${atRisk} protected or retained resource${atRisk === 1 ? "" : "s"} would be deleted or replaced\n`);
        return o.failOnProtected && atRisk ? 1 : 0;
    } catch (e) {
        process.stderr.write(`error: ${o.verbose ? ((e as Error).stack ?? String(e)) : (e as Error).message}\n`);
        return 2;
    }
}

if (require.main === module) {
    void main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
