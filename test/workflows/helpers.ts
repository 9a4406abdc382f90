/** Reading the workflows under .github/workflows as data. */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { REPO_ROOT } from "../../tools/lake/host";

export const WORKFLOWS_DIR = path.join(REPO_ROOT, ".github", "workflows");

export interface Step {
    id?: string;
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
    "continue-on-error"?: boolean;
}

export interface Job {
    name?: string;
    needs?: string | string[];
    if?: string;
    permissions?: Record<string, string> | string;
    environment?: string | { name: string };
    concurrency?: { group: string; "cancel-in-progress"?: boolean } | string;
    strategy?: { matrix?: Record<string, unknown> };
    steps: Step[];
}

export interface Workflow {
    name: string;
    on: Record<string, unknown>;
    permissions?: Record<string, string> | string;
    concurrency?: unknown;
    env?: Record<string, string>;
    jobs: Record<string, Job>;
}

export function workflowFiles(): string[] {
    return fs.readdirSync(WORKFLOWS_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
}

export function readText(file: string): string {
    return fs.readFileSync(path.join(WORKFLOWS_DIR, file), "utf8");
}

export function readWorkflow(file: string): Workflow {
    return parse(readText(file)) as Workflow;
}

/** `uses:` lines as written, with their trailing comment (the parsed YAML drops comments). */
export function usesLines(text: string): { line: number; ref: string; comment?: string }[] {
    return text.split("\n").flatMap((l, i) => {
        const m = /^\s*(?:-\s+)?uses:\s*([^\s#]+)\s*(?:#\s*(.*))?$/.exec(l);
        return m ? [{ line: i + 1, ref: m[1], comment: m[2]?.trim() }] : [];
    });
}

export const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);

/** The step a predicate picks, failing loudly when there isn't exactly one. */
export function onlyStep(job: Job, pick: (s: Step) => boolean, what: string): Step {
    const found = job.steps.filter(pick);
    if (found.length !== 1) throw new Error(`expected exactly one ${what} step, found ${found.length}`);
    return found[0];
}
