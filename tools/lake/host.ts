/**
 * The lake's side of the offline engine (@acme-lake/offline-engine, tools/engine): what this repo passes
 * in. The engine imports nothing of the lake; everything lake-specific it needs is here.
 */
import * as path from "path";
import {
    CheckOptions,
    CheckResult,
    EngineHost,
    PlanOptions,
    PlanRun,
    runCheck as engineCheck,
    runPlan as engineRunPlan,
} from "@acme-lake/offline-engine";
import { coverage } from "../../policies/lib/coverage";
import { listExemptions } from "../../policies/lib/exemptions";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The CrossGuard packs every check runs by default: each directory under policies/ with PulumiPolicy.yaml. */
export const LAKE_PACKS = path.join(REPO_ROOT, "policies");

export const LAKE_HOST: EngineHost = {
    // The name code scanning shows for our results; kept from before the engine was a package.
    tool: { name: "lake-policy-check", version: "0.1.0" },
    root: REPO_ROOT,
    packsRoot: LAKE_PACKS,
    policyConfig: (stack) => path.join(LAKE_PACKS, "config", `${stack}.json`),
    // Waivers are `lake:unpartitioned-reason` parameters written in dataset files.
    exemptions: (resources) => listExemptions(resources),
    exemptionsNote: "waived by a written reason in the dataset file",
    // What the layer-aware policies could not judge (no lake:layer marker, values unknown until apply).
    coverage: (resources) => coverage(resources),
    // Programs outside the repo (test fixtures, bench) resolve @pulumi/* from ours.
    nodePath: [path.join(REPO_ROOT, "node_modules")],
    nodeFlagsEnv: "LAKE_ENGINE_NODE_FLAGS",
};

/** `runCheck` with the lake's defaults: this repo's program, its packs and policies/config/<stack>.json. */
export function runCheck(opts: Omit<CheckOptions, "host"> = {}): Promise<CheckResult> {
    return engineCheck({ ...opts, host: LAKE_HOST });
}

/** `runPlan` with the lake's defaults. */
export function runPlan(opts: Omit<PlanOptions, "host"> = {}): Promise<PlanRun> {
    return engineRunPlan({ ...opts, host: LAKE_HOST });
}

export type { CheckResult, PlanRun };
