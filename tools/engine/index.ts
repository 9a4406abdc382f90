/**
 * @acme-lake/offline-engine: plan a Pulumi TypeScript program offline and check it with CrossGuard packs.
 * A host passes its specifics in (EngineHost, see host.ts); the engine imports nothing of any repo.
 */
import type { RenderGraphOptions } from "./graph";
import type { PlanResult } from "./types";

export { createCli, runCli } from "./cli";
export { DEFAULT_EXEMPTIONS_NOTE, DEFAULT_TOOL, ENGINE_PACKAGE } from "./host";
export type { DeclaredExemption, EngineHost, PolicyCoverage } from "./host";
export { formatTypeDiagnostic, runPlan } from "./plan";
export type { PlanOptions, PlanRun, TypeCheckMode, TypeCheckRun } from "./plan";
export type { TypeDiagnostic } from "./child/type-check";
export { parseStackReferenceFlags, readStackReference, STACK_REFERENCES_DIR } from "./stack-references";
export { discoverPacks, runCheck } from "./check";
export type { CheckOptions, CheckResult } from "./check";
export { EngineError } from "./errors";
export { loadProject } from "./project";
export type { LoadedProject } from "./project";
export { loadPolicyConfigFile, reconcilePolicyConfig } from "./policy-config";
export type { PolicyConfig, PolicyMeta } from "./policy-config";
export { checkJson, countByLevel, fixHint, policyConfigLine, renderCheckMarkdown, renderCheckText, resourceLabel } from "./reports/check";
export type { CheckJson } from "./reports/check";
export { maskSecrets, PLAN_JSON_VERSION, planJson, planSummary, renderPlanText, SECRET_MASK } from "./reports/plan-text";
export type { PlanJson, PlanJsonResource } from "./reports/plan-text";
export { renderSarif } from "./reports/sarif";
export { createMocks, isModelledCall, mockCall, mockNewResource, modelledComponentOutputs } from "./mock-outputs";
export type { MockCallArgs, MockEnv, MockResourceArgs } from "./mock-outputs";
export type { FastPath, FastPathReport, SdkFound } from "./child/fast-paths";
export type { EnforcementLevel, PlannedResource, PlanResult, ReportWarning, UnjudgedPolicy, Violation } from "./types";

/** graph.ts loads Graphviz (WebAssembly) on import: only when a graph is actually drawn. */
export function renderGraph(plan: PlanResult, opts: RenderGraphOptions): Promise<string> {
    return (require("./graph") as typeof import("./graph")).renderGraph(plan, opts);
}
