/** `check` renderers: text for people, JSON for machines (stable contract), Markdown for PR comments. */
import type { CheckResult } from "../check";
import type { ReportWarning, UnjudgedPolicy, Violation } from "../types";
import { planSummary } from "./plan-text";

export interface CheckJson {
    stack: string;
    resources: { urn: string; type: string; name: string; parent: string | null }[];
    violations: { pack: string; policy: string; level: Violation["level"]; message: string; urn: string | null }[];
    summary: { resources: number; packs: { name: string; version: string; policies: number }[]; mandatory: number; advisory: number; remediate: number };
    /** Waivers declared on resources (from the host's `exemptions` hook), so reviewers see them. Not a violation. */
    exemptions: { policy: string; urn: string; name: string; reason: string }[];
    /** Per policy, the resources it could not judge and why (the host's `coverage` hook; [] without one). */
    unjudged: UnjudgedPolicy[];
    /** The policy config file used (relative to the host's root when under it); null: none, each policy at its pack's level. */
    policyConfig: string | null;
    /** Notes that are not verdicts: type errors, remote components whose children were not checked, run notes. */
    warnings: ReportWarning[];
}

/**
 * Exemptions with a valid written reason (the host's hook decides; an invalid one is no exemption, and
 * the policy reports the resource instead).
 */
export function exemptionsOf(result: CheckResult): CheckJson["exemptions"] {
    return result.exemptions;
}

export function countByLevel(violations: Violation[]): Record<Violation["level"], number> {
    const counts = { mandatory: 0, advisory: 0, remediate: 0 };
    for (const v of violations) counts[v.level]++;
    return counts;
}

export function checkJson(result: CheckResult): CheckJson {
    return {
        ...planSummary(result.run.plan),
        violations: result.violations.map((v) => ({ pack: v.pack, policy: v.policy, level: v.level, message: v.message, urn: v.urn })),
        summary: {
            resources: result.run.plan.resources.length,
            packs: result.packs.map((p) => ({ name: p.name, version: p.version, policies: p.policies.length })),
            ...countByLevel(result.violations),
        },
        exemptions: exemptionsOf(result),
        // Added after the fields above, which stay exactly as they were.
        unjudged: result.unjudged,
        policyConfig: result.policyConfig,
        warnings: result.warnings,
    };
}

/** The policy config line of the text and Markdown reports. */
export function policyConfigLine(result: CheckResult): string {
    return result.policyConfig ? `Policy config: ${result.policyConfig}` : "Policy config: none (each policy at its pack's own enforcement level)";
}

/** "3 resources not judged by 2 policies" lines: one per policy, its most frequent reasons. */
function unjudgedLines(result: CheckResult, indent: string): string[] {
    const lines: string[] = [];
    for (const u of result.unjudged.filter((x) => x.count > 0)) {
        const reasons = u.reasons.slice(0, 3).map((r) => `${r.reason} (${r.count})`).join("; ");
        const more = u.reasons.length > 3 ? `; ${u.reasons.length - 3} more reason(s)` : "";
        lines.push(`${indent}${u.pack ? `${u.pack}/` : ""}${u.policy}: ${u.count} of ${u.count + u.judged} not judged: ${reasons}${more}`);
    }
    return lines;
}

/** The fix hint a policy message ends with ("...; fix: do X."), else the pack's remediation steps. */
export function fixHint(v: Violation, result?: CheckResult): string {
    const m = /(?:^|[.;:]\s+)(?:fix|to fix(?: this)?|remediation)\s*[:-]\s*(.+)$/i.exec(v.message);
    if (m) return m[1].trim();
    const steps = result?.packs.find((p) => p.name === v.pack)?.policies.find((p) => p.name === v.policy)?.remediationSteps;
    return steps?.trim() ?? "";
}

/** `aws:s3/bucket:Bucket::silver` from a URN; "stack" when there is none. */
export function resourceLabel(urn: string | null): string {
    if (!urn) return "(stack)";
    const parts = urn.split("::");
    return `${parts[2].split("$").pop()}::${parts[3]}`;
}

export function renderCheckText(result: CheckResult): string {
    const { plan } = result.run;
    const counts = countByLevel(result.violations);
    const lines = [
        `Policy check of ${plan.project} (${plan.stack}): ${plan.resources.length} resources, ` +
            `${result.packs.map((p) => `${p.name}@${p.version}`).join(", ")}`,
        "",
    ];
    for (const level of ["mandatory", "remediate", "advisory"] as const) {
        const group = result.violations.filter((v) => v.level === level);
        if (group.length === 0) continue;
        lines.push(`${level} (${group.length}):`);
        for (const v of group) {
            lines.push(`  [${level}] ${v.pack}/${v.policy}  ${resourceLabel(v.urn)}`, `      ${v.message.replace(/\n/g, "\n      ")}`);
        }
        lines.push("");
    }
    const exemptions = exemptionsOf(result);
    if (exemptions.length) {
        lines.push(`exempt (${exemptions.length}):`);
        for (const e of exemptions) lines.push(`  [exempt] ${e.policy}  ${resourceLabel(e.urn)}`, `      reason: ${e.reason}`);
        lines.push("");
    }
    const unjudged = unjudgedLines(result, "  ");
    if (unjudged.length) lines.push(`not judged (${result.unjudged.reduce((n, u) => n + u.count, 0)}):`, ...unjudged, "");
    if (result.warnings.length) {
        lines.push(`warnings (${result.warnings.length}):`);
        for (const w of result.warnings) lines.push(`  [${w.kind}] ${w.message.replace(/\n/g, "\n      ")}`);
        lines.push("");
    }
    lines.push(policyConfigLine(result));
    lines.push(
        result.violations.length === 0
            ? "No policy violations."
            : `Violations: ${counts.mandatory} mandatory, ${counts.advisory} advisory, ${counts.remediate} remediated.`,
        counts.mandatory > 0 ? "Result: FAILED (mandatory violations)" : "Result: passed",
    );
    return lines.join("\n") + "\n";
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

export function renderCheckMarkdown(result: CheckResult): string {
    const { plan } = result.run;
    const counts = countByLevel(result.violations);
    const status = counts.mandatory > 0 ? "❌ **Policy check failed**" : "✅ **Policy check passed**";
    const lines = [
        `### ${status}: \`${plan.project}\` / \`${plan.stack}\``,
        "",
        `${plan.resources.length} resources checked by ${result.packs.map((p) => `\`${p.name}@${p.version}\``).join(", ")}.`,
        "",
        "| Level | Count |",
        "| --- | ---: |",
        `| mandatory | ${counts.mandatory} |`,
        `| advisory | ${counts.advisory} |`,
        `| remediate | ${counts.remediate} |`,
        "",
    ];
    if (result.violations.length > 0) {
        lines.push("| Level | Policy | Resource | Message | Fix |", "| --- | --- | --- | --- | --- |");
        for (const v of result.violations) {
            const where = v.urn ? `\`${cell(resourceLabel(v.urn))}\`` : "_stack_";
            lines.push(`| ${v.level} | \`${v.pack}/${v.policy}\` | ${where} | ${cell(v.message)} | ${cell(fixHint(v, result))} |`);
        }
        lines.push("");
    }
    const exemptions = exemptionsOf(result);
    if (exemptions.length) {
        lines.push(`**Exemptions** (${exemptions.length}): ${result.exemptionsNote}.`, "", "| Policy | Resource | Reason |", "| --- | --- | --- |");
        for (const e of exemptions) lines.push(`| \`${e.policy}\` | \`${cell(resourceLabel(e.urn))}\` | ${cell(e.reason)} |`);
        lines.push("");
    }
    const unjudged = unjudgedLines(result, "- ");
    if (unjudged.length) {
        lines.push(`**Not judged** (${result.unjudged.reduce((n, u) => n + u.count, 0)}): resources a policy could not decide on offline.`, "", ...unjudged.map(cell), "");
    }
    if (result.warnings.length) {
        lines.push(`**Warnings** (${result.warnings.length}):`, "");
        for (const w of result.warnings) lines.push(`- \`${w.kind}\` ${cell(w.message)}`);
        lines.push("");
    }
    const config = result.policyConfig ? `Policy config: \`${result.policyConfig}\`` : "Policy config: none (each policy at its pack's own enforcement level)";
    lines.push(`<sub>${config}. Evaluated offline with mocked provider outputs.</sub>`);
    return lines.join("\n") + "\n";
}
