/**
 * Renderers of the offline diff: text (terminal), JSON (the contract in tools/diff/README.md) and Markdown (the
 * PR comment). Protected data at risk always comes first, before any count.
 */
import { InputChange, ResourceChange, StackDiff, topLevel } from "./diff";

export const DIFF_REPORT_VERSION = 1;

export interface Revision {
    /** What was asked for (`origin/main`, `HEAD~1`); null for the working tree. */
    ref: string | null;
    /** The commit it resolved to (for the working tree: HEAD). */
    commit: string;
    /** Working tree only: it had uncommitted changes. */
    dirty?: boolean;
}

export interface StackDiffReport extends StackDiff {
    stack: string;
    /** Resources each side planned (the stack resource included). */
    resources: { base: number; head: number };
    /** Why a side is empty: e.g. the base revision has no Pulumi.<stack>.yaml (a new stack). */
    notes: string[];
}

export interface DiffReport {
    version: typeof DIFF_REPORT_VERSION;
    base: Revision;
    head: Revision;
    /** The program directory, relative to the repository root ("." for the root). */
    program: string;
    replaceOn: { source: "schema" | "curated"; schemaFile?: string };
    stacks: StackDiffReport[];
}

const short = (c: string) => c.slice(0, 7);
const revLabel = (r: Revision) => (r.ref === null ? `working tree (${short(r.commit)}${r.dirty ? " + uncommitted changes" : ""})` : `${r.ref} (${short(r.commit)})`);

/** A value for humans: JSON, cut to `max` characters. */
export function show(v: unknown, max = 80): string {
    if (v === undefined) return "(absent)";
    const s = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
    return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

const arrow = (c: InputChange, max?: number) => `${c.path}: ${show(c.before, max)} -> ${show(c.after, max)}`;

export function hasChanges(s: StackDiffReport): boolean {
    return s.changes.length > 0 || s.moved.length > 0;
}

export function summaryLine(s: StackDiffReport): string {
    const m = s.summary;
    const parts = [`${m.add} to add`, `${m.remove} to remove`, `${m.replace} to replace`, `${m.update} to change`];
    if (m.moved) parts.push(`${m.moved} moved (through aliases)`);
    parts.push(`${m.same} unchanged`);
    return parts.join(", ");
}

export function diffJson(report: DiffReport): string {
    return `${JSON.stringify(report, null, 2)}\n`;
}

const SIGN: Record<ResourceChange["kind"], string> = { add: "+", remove: "-", replace: "+-", update: "~" };
const VERB: Record<ResourceChange["kind"], string> = { add: "add", remove: "remove", replace: "replace", update: "change" };
const MAX_PATHS = 12;

function optionText(c: ResourceChange): string[] {
    return c.optionChanges.filter((o) => o.option !== "parent").map((o) => `${o.option}: ${show(o.before)} -> ${show(o.after)}`);
}

export function renderDiffText(report: DiffReport): string {
    const out: string[] = [`Offline diff: base ${revLabel(report.base)} -> head ${revLabel(report.head)}${report.program === "." ? "" : `, program ${report.program}`}`];
    for (const s of report.stacks) {
        out.push("", `Stack ${s.stack}: ${s.resources.base} resources at base, ${s.resources.head} at head`);
        for (const n of s.notes) out.push(`  note: ${n}`);
        if (s.protectedAtRisk.length) {
            out.push(`  !! PROTECTED DATA AT RISK (${s.protectedAtRisk.length}):`);
            for (const r of s.protectedAtRisk) {
                out.push(`  !! ${r.kind.padEnd(7)} ${r.type} ${r.name}${r.replaceOn.length ? ` (replaces on ${r.replaceOn.join(", ")})` : ""}`);
                out.push(`       ${r.consequence}`);
            }
        }
        out.push(`  ${summaryLine(s)}`);
        for (const c of s.changes) {
            out.push(`  ${SIGN[c.kind].padEnd(2)} ${VERB[c.kind].padEnd(7)} ${c.type} ${c.name}${c.movedFrom ? ` (moved from ${c.movedFrom})` : ""}`);
            if (c.kind === "replace") out.push(`        replaces on: ${c.replaceOn.join(", ")}${c.deleteBeforeReplace ? " (delete before replace)" : ""}`);
            for (const i of c.inputChanges.slice(0, MAX_PATHS)) out.push(`        ${arrow(i)}`);
            if (c.inputChanges.length > MAX_PATHS) out.push(`        ... and ${c.inputChanges.length - MAX_PATHS} more`);
            for (const o of optionText(c)) out.push(`        ${o}`);
            if (c.replaceUnknown) out.push("        (not in the replace-on table: pulumi preview decides whether this replaces)");
        }
        for (const m of s.moved.filter((m) => !s.changes.some((c) => c.urn === m.urn))) out.push(`  =  moved   ${m.type} ${m.name} (from ${m.from}; no other change)`);
        if (!hasChanges(s)) out.push("  no changes");
    }
    return `${out.join("\n")}\n`;
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** One stack's section; `heading` is the Markdown heading level prefix (e.g. "###"). */
export function renderStackMarkdown(s: StackDiffReport, heading = "###"): string {
    const out: string[] = [];
    const icon = s.protectedAtRisk.length ? "🛑" : hasChanges(s) ? "📝" : "✅";
    out.push(`${heading} ${icon} Stack \`${s.stack}\`: ${summaryLine(s)}`, "");
    for (const n of s.notes) out.push(`> ${n}`, "");
    if (s.protectedAtRisk.length) {
        out.push(`**Protected data at risk (${s.protectedAtRisk.length})**: review before merging.`, "");
        out.push("| | Resource | Type | What `pulumi up` would do |", "| --- | --- | --- | --- |");
        for (const r of s.protectedAtRisk) {
            const what = `${r.consequence}${r.replaceOn.length ? `; replaces on ${r.replaceOn.map(code).join(", ")}` : ""}`;
            out.push(`| ${r.kind} | ${code(r.name)} | ${code(r.type)} | ${cell(what)} |`);
        }
        out.push("");
    }
    if (!hasChanges(s)) {
        out.push("No resource changes.", "");
        return out.join("\n");
    }
    const rows = s.changes.map((c) => {
        const details = c.kind === "replace"
            ? `replaces on ${c.replaceOn.map(code).join(", ")}: ${c.inputChanges.filter((i) => c.replaceOn.includes(topLevel(i.path))).slice(0, 3).map((i) => code(arrow(i, 60))).join(", ")}`
            : c.kind === "update"
              ? [...c.changedInputs.slice(0, MAX_PATHS).map(code), ...(c.changedInputs.length > MAX_PATHS ? [`+${c.changedInputs.length - MAX_PATHS} more`] : []), ...optionText(c).map(code)].join(", ") + (c.replaceUnknown ? " (replacement not known offline)" : "")
              : "";
        return `| ${SIGN[c.kind]} ${VERB[c.kind]} | ${code(c.name)} | ${code(c.type)} | ${cell(details)}${c.movedFrom ? ` (moved)` : ""} |`;
    });
    const pureMoves = s.moved.filter((m) => !s.changes.some((c) => c.urn === m.urn));
    for (const m of pureMoves) rows.push(`| = moved | ${code(m.name)} | ${code(m.type)} | same resource through an alias, no other change |`);
    out.push("<details><summary>Changes</summary>", "", "| | Resource | Type | Inputs |", "| --- | --- | --- | --- |", ...rows, "", "</details>", "");
    return out.join("\n");
}

export function renderDiffMarkdown(report: DiffReport): string {
    const out = [`#### Offline diff: \`${report.base.ref ?? "working tree"}\` (${short(report.base.commit)}) → ${report.head.ref === null ? "this change" : `\`${report.head.ref}\``} (${short(report.head.commit)})`, ""];
    for (const s of report.stacks) out.push(renderStackMarkdown(s, "#####"));
    out.push(`<sub>Planned offline under mocks; replacement judged from ${report.replaceOn.source === "schema" ? "the provider schema" : "the curated replace-on table (tools/diff/replace-on.ts)"}. \`pulumi preview\` has the last word.</sub>`, "");
    return out.join("\n");
}
