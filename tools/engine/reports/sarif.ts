/**
 * SARIF 2.1.0 for GitHub code scanning: one rule per policy (from GetAnalyzerInfo), one result per
 * violation, located at the program line that declared the resource when the plan recorded it.
 */
import * as path from "path";
import { fileURLToPath, pathToFileURL } from "url";
import type { Log, ReportingDescriptor, Result } from "sarif";
import type { CheckResult } from "../check";
import { DEFAULT_TOOL } from "../host";
import type { PlannedResource, Violation } from "../types";
import { fixHint } from "./check";

const LEVEL: Record<Violation["level"], Result.level> = { mandatory: "error", advisory: "warning", remediate: "note" };

/**
 * Paths in the report are relative to `root` (the host's root, or the program dir for programs
 * elsewhere); `tool` is the host's name for the check.
 */
export function renderSarif(result: CheckResult, root: string, programMain: string, tool: { name: string; version: string } = DEFAULT_TOOL): Log {
    const rules: ReportingDescriptor[] = [];
    const ruleIndex = new Map<string, number>();
    for (const pack of result.packs) {
        for (const policy of pack.policies) {
            if (ruleIndex.has(policy.name)) continue;
            ruleIndex.set(policy.name, rules.length);
            const rule: ReportingDescriptor = {
                id: policy.name,
                name: policy.name,
                shortDescription: { text: policy.description || policy.name },
                fullDescription: { text: policy.description || policy.name },
                defaultConfiguration: { level: policy.enforcementLevel === "disabled" ? "none" : LEVEL[policy.enforcementLevel] },
                properties: { pack: pack.name, packVersion: pack.version, tags: ["policy", pack.name] },
            };
            if (policy.remediationSteps) rule.help = { text: policy.remediationSteps };
            if (policy.url) rule.helpUri = policy.url;
            rules.push(rule);
        }
    }
    const byUrn = new Map<string, PlannedResource>(result.run.plan.resources.map((r) => [r.urn, r]));
    const relative = (file: string) => path.relative(root, file).split(path.sep).join("/");

    const results: Result[] = result.violations.map((v) => {
        const resource = v.urn ? byUrn.get(v.urn) : undefined;
        const position = resource?.sourcePosition;
        const file = position ? (position.uri.startsWith("file:") ? fileURLToPath(position.uri) : position.uri) : programMain;
        const physicalLocation: NonNullable<Result["locations"]>[number]["physicalLocation"] = {
            artifactLocation: { uri: relative(file), uriBaseId: "%SRCROOT%" },
        };
        if (position) physicalLocation.region = { startLine: position.line, startColumn: position.column };
        const out: Result = {
            ruleId: v.policy,
            level: LEVEL[v.level],
            message: { text: v.message },
            locations: [
                {
                    physicalLocation,
                    logicalLocations: [{ fullyQualifiedName: v.urn ?? `stack:${result.run.plan.stack}`, kind: v.urn ? "resource" : "module" }],
                },
            ],
            properties: { pack: v.pack, enforcementLevel: v.level, urn: v.urn, fix: fixHint(v, result) },
        };
        const index = ruleIndex.get(v.policy);
        if (index !== undefined) out.ruleIndex = index;
        return out;
    });

    return {
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [
            {
                tool: { driver: { name: tool.name, version: tool.version, informationUri: "https://www.pulumi.com/docs/using-pulumi/crossguard/", rules } },
                originalUriBaseIds: { "%SRCROOT%": { uri: `${pathToFileURL(root).toString()}/` } },
                results,
                // What is not a result: the config the verdicts were made with, what was not judged, and notes.
                properties: {
                    policyConfig: result.policyConfig,
                    unjudged: result.unjudged.map((u) => ({ policy: u.policy, pack: u.pack, judged: u.judged, count: u.count, reasons: u.reasons })),
                    warnings: result.warnings,
                },
            },
        ],
    };
}
