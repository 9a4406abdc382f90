/**
 * `runDiff`: plan the same stack at two revisions with the offline engine and diff the plans.
 *
 * The base (and the head, when `head` names a ref) is checked out into a temporary worktree; the head defaults to
 * the working tree as it is, uncommitted changes included, which is what a pre-push or a PR job has in hand.
 */
import * as fs from "fs";
import * as path from "path";
import type { PlannedResource } from "@acme-lake/offline-engine";
import { runPlan } from "../lake/host";
import { diffResources } from "./diff";
import { addWorktree, isDirty, repoRoot, resolveCommit, Worktree } from "./git";
import { DIFF_REPORT_VERSION, DiffReport, Revision, StackDiffReport } from "./report";
import { loadReplaceOn, ReplaceOn } from "./replace-on";

export interface DiffOptions {
    /** Any directory inside the repository. @default process.cwd() */
    cwd?: string;
    /** The deployed revision: a branch, tag, commit or `HEAD~1`. */
    base: string;
    /** The proposed revision; undefined: the working tree. */
    head?: string;
    /** @default ["dev"] */
    stacks?: string[];
    /** The Pulumi program directory relative to the repository root. @default "." */
    program?: string;
    /** Where the programs' own output goes. @default process.stderr */
    log?: NodeJS.WritableStream;
    replaceOn?: ReplaceOn;
}

type Side = { resources: PlannedResource[]; note?: string };

const PARALLEL = 2;

/** Runs the tasks at most `limit` at a time, keeping their order in the result. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
    const results: T[] = new Array(tasks.length);
    let next = 0;
    const worker = async () => {
        while (next < tasks.length) {
            const i = next++;
            results[i] = await tasks[i]();
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
    return results;
}

/**
 * Plans one side. A revision without the program or without the stack's config has no resources for that
 * stack (a new stack, or one being removed), with a note saying so rather than a failure.
 */
async function planSide(treeRoot: string, program: string, stack: string, label: string, log: NodeJS.WritableStream): Promise<Side> {
    const dir = path.join(treeRoot, program);
    if (!fs.existsSync(path.join(dir, "Pulumi.yaml")) && !fs.existsSync(path.join(dir, "Pulumi.yml"))) {
        return { resources: [], note: `${label} has no Pulumi program in ${program}: everything is new` };
    }
    if (!fs.existsSync(path.join(dir, `Pulumi.${stack}.yaml`))) {
        return { resources: [], note: `${label} has no Pulumi.${stack}.yaml: the stack does not exist there` };
    }
    try {
        const run = await runPlan({ programDir: dir, stack, log });
        return { resources: run.plan.resources };
    } catch (e) {
        throw new Error(`planning stack '${stack}' at ${label} failed: ${(e as Error).message}`);
    }
}

export async function runDiff(opts: DiffOptions): Promise<DiffReport> {
    const root = repoRoot(opts.cwd ?? process.cwd());
    const program = path.normalize(opts.program ?? ".");
    const stacks = opts.stacks?.length ? opts.stacks : ["dev"];
    const log = opts.log ?? process.stderr;
    const replaceOn = opts.replaceOn ?? loadReplaceOn([path.join(root, "node_modules")]);

    const baseCommit = resolveCommit(root, opts.base);
    const headCommit = resolveCommit(root, opts.head ?? "HEAD");
    const trees: Worktree[] = [];
    // Ctrl-C or a CI cancel mid-plan: the temporary worktrees go too.
    const onSignal = (signal: NodeJS.Signals) => {
        for (const t of trees) t.remove();
        // 128 + signal number, as a shell reports a process ended by it.
        process.exit(signal === "SIGINT" ? 130 : 143);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
        const baseTree = addWorktree(root, baseCommit);
        trees.push(baseTree);
        let headRoot = root;
        if (opts.head !== undefined) {
            const headTree = addWorktree(root, headCommit);
            trees.push(headTree);
            headRoot = headTree.dir;
        }
        const base: Revision = { ref: opts.base, commit: baseCommit };
        const head: Revision = opts.head === undefined ? { ref: null, commit: headCommit, dirty: isDirty(root) } : { ref: opts.head, commit: headCommit };
        for (const stack of stacks) {
            if (![baseTree.dir, headRoot].some((t) => fs.existsSync(path.join(t, program, `Pulumi.${stack}.yaml`)))) {
                throw new Error(`unknown stack '${stack}': neither revision has ${path.join(program, `Pulumi.${stack}.yaml`)}`);
            }
        }
        const tasks = stacks.flatMap((stack) => [
            () => planSide(baseTree.dir, program, stack, `base ${opts.base}`, log),
            () => planSide(headRoot, program, stack, opts.head === undefined ? "the working tree" : `head ${opts.head}`, log),
        ]);
        const sides = await pool(tasks, PARALLEL);
        const reports: StackDiffReport[] = stacks.map((stack, i) => {
            const [b, h] = [sides[2 * i], sides[2 * i + 1]];
            return {
                stack,
                resources: { base: b.resources.length, head: h.resources.length },
                notes: [b.note, h.note].filter((n): n is string => n !== undefined),
                ...diffResources(b.resources, h.resources, replaceOn),
            };
        });
        return {
            version: DIFF_REPORT_VERSION,
            base,
            head,
            program: program === "" ? "." : program,
            replaceOn: { source: replaceOn.source, ...(replaceOn.schemaFile ? { schemaFile: path.relative(root, replaceOn.schemaFile) } : {}) },
            stacks: reports,
        };
    } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        for (const t of trees) t.remove();
    }
}
