/**
 * `check`: plan the program, then evaluate every policy pack on what it registered, the way
 * `pulumi preview --policy-pack DIR --policy-pack-config FILE` does. Packs start while the program runs.
 */
import * as fs from "fs";
import * as path from "path";
import { PackInfo, PolicyPackProcess, providerLookup } from "./analyzer";
import { EngineError } from "./errors";
import { REPO_ROOT, runPlan, PlanRun } from "./plan";
import { loadPolicyConfigFile, PolicyConfig, reconcilePolicyConfig } from "./policy-config";
import type { Progress } from "./progress";
import type { Violation } from "./types";

export interface CheckOptions {
    programDir?: string;
    stack?: string;
    /** Pack directories; when empty, every directory under <repo>/policies holding PulumiPolicy.yaml. */
    policyPacks?: string[];
    /** @default policies/config/<stack>.json when it exists, else no config */
    policyConfig?: string;
    sourcePositions?: boolean;
    verbose?: boolean;
    progress?: Progress;
}

export interface CheckResult {
    run: PlanRun;
    packs: PackInfo[];
    violations: Violation[];
    policyConfigFile?: string;
    /** Wall time of the policy evaluation after the plan finished. */
    analyzeMs: number;
    /** Peak RSS per pack process (Linux only), filled when the packs stop. */
    packPeakRssKb: Record<string, number | undefined>;
}

export function discoverPacks(root = path.join(REPO_ROOT, "policies")): string[] {
    if (!fs.existsSync(root)) return [];
    return fs
        .readdirSync(root, { withFileTypes: true })
        .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, d.name, "PulumiPolicy.yaml")))
        .map((d) => path.join(root, d.name))
        .sort();
}

const LEVEL_ORDER = { mandatory: 0, remediate: 1, advisory: 2 } as const;

export async function runCheck(opts: CheckOptions): Promise<CheckResult> {
    const stack = opts.stack ?? "dev";
    const packDirs = (opts.policyPacks?.length ? opts.policyPacks.map((p) => path.resolve(p)) : discoverPacks());
    if (packDirs.length === 0) throw new EngineError(`no policy packs found under ${path.join(REPO_ROOT, "policies")} (or pass --policy-pack DIR)`);
    const defaultConfig = path.join(REPO_ROOT, "policies", "config", `${stack}.json`);
    const policyConfigFile = opts.policyConfig ? path.resolve(opts.policyConfig) : fs.existsSync(defaultConfig) ? defaultConfig : undefined;
    // Parse config first: a broken file should fail before anything is started.
    const given: Record<string, PolicyConfig> = policyConfigFile ? loadPolicyConfigFile(policyConfigFile) : {};

    const env = { ...process.env, NODE_PATH: [path.join(REPO_ROOT, "node_modules"), process.env.NODE_PATH].filter(Boolean).join(path.delimiter) };
    const tsxHook = require.resolve("tsx/cjs", { paths: [REPO_ROOT] });
    const starting = packDirs.map((dir) => PolicyPackProcess.start(dir, env, tsxHook));
    // Keep startup failures from becoming unhandled while the plan runs; they are rethrown below.
    starting.forEach((p) => p.catch(() => undefined));
    const started: PolicyPackProcess[] = [];
    const packPeakRssKb: Record<string, number | undefined> = {};
    try {
        opts.progress?.step("running program");
        const run = await runPlan({ programDir: opts.programDir, stack, sourcePositions: opts.sourcePositions, verbose: opts.verbose });
        opts.progress?.step(`evaluating ${packDirs.length} policy pack(s) on ${run.plan.resources.length} resources`);
        const analyzeStarted = Date.now();
        const settled = await Promise.allSettled(starting);
        for (const s of settled) if (s.status === "fulfilled") started.push(s.value);
        const failed = settled.find((s) => s.status === "rejected") as PromiseRejectedResult | undefined;
        if (failed) throw failed.reason;

        const region = String(run.plan.resources.find((r) => r.type === "pulumi:providers:aws")?.inputs.region ?? "");
        const providers = providerLookup(run.plan.resources, stack, run.plan.project, region || (process.env.AWS_REGION ?? "us-east-1"));
        const source = policyConfigFile ? path.relative(process.cwd(), policyConfigFile) : "defaults";
        const results = await Promise.all(
            started.map(async (pack) => {
                const info = await pack.getInfo();
                const config = reconcilePolicyConfig(info.name, info.policies, info.initialConfig, given, source);
                await pack.configure(config, { stack, project: run.plan.project, organization: "organization" });
                const remediate = [...config.values()].some((c) => c.enforcementLevel === "remediate");
                return { info, violations: await pack.analyze(run.plan.resources, remediate, providers) };
            }),
        );
        const violations = results
            .flatMap((r) => r.violations)
            .sort(
                (a, b) =>
                    LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
                    a.pack.localeCompare(b.pack) ||
                    a.policy.localeCompare(b.policy) ||
                    (a.urn ?? "").localeCompare(b.urn ?? ""),
            );
        return { run, packs: results.map((r) => r.info), violations, policyConfigFile, analyzeMs: Date.now() - analyzeStarted, packPeakRssKb };
    } finally {
        for (const pack of started) {
            pack.stop();
            packPeakRssKb[pack.info?.name ?? pack.dir] = pack.peakRssKb;
        }
        // Packs still starting when the plan failed: stop them as soon as they are up.
        for (const p of starting) p.then((pack) => pack.stop(), () => undefined);
    }
}
