/**
 * `check`: plan the program, then evaluate every policy pack on what it registered, the way
 * `pulumi preview --policy-pack DIR --policy-pack-config FILE` does. Packs start while the program runs.
 */
import * as fs from "fs";
import * as path from "path";
import { PackInfo, providerLookup } from "./analyzer";
import { packRunners } from "./pack-runners";
import type { FastPathReport } from "./child/fast-paths";
import { loadProject } from "./project";
import { EngineError } from "./errors";
import { childNodeFlags, childNodePath, DEFAULT_EXEMPTIONS_NOTE, EngineHost, hostRoot, tsxHook } from "./host";
import { modelledComponentOutputs } from "./mock-outputs";
import { formatTypeDiagnostic, runPlan, PlanRun, TypeCheckMode } from "./plan";
import { loadPolicyConfigFile, PolicyConfig, reconcilePolicyConfig } from "./policy-config";
import type { Progress } from "./progress";
import type { PlannedResource, ReportWarning, UnjudgedPolicy, Violation } from "./types";

export interface CheckOptions {
    /** Defaults of the caller's repo: packs root, policy config per stack, exemptions (see host.ts). */
    host?: EngineHost;
    /** @default the host's root */
    programDir?: string;
    stack?: string;
    /** Pack directories; when empty, every directory under the host's packsRoot holding PulumiPolicy.yaml. */
    policyPacks?: string[];
    /** @default the host's policyConfig(stack), which must then exist; without a host hook, no config */
    policyConfig?: string;
    sourcePositions?: boolean;
    verbose?: boolean;
    progress?: Progress;
    /** Offline sources of stack references: name -> outputs JSON file (see PlanOptions.stackReferences). */
    stackReferences?: Record<string, string>;
    /** Type-check the program as `pulumi preview` does (see PlanOptions.typeCheck). @default "warn" */
    typeCheck?: TypeCheckMode;
}

export interface CheckResult {
    run: PlanRun;
    packs: PackInfo[];
    violations: Violation[];
    /** The policy config file used (absolute); undefined: none, each policy at its pack's own level. */
    policyConfigFile?: string;
    /** The same, as reports show it: relative to the host's root when under it ("/" separated), else absolute; null for none. */
    policyConfig: string | null;
    /** Per policy, what it could not judge (the host's `coverage` hook); empty without the hook. */
    unjudged: UnjudgedPolicy[];
    /** Notes that are not verdicts: type errors, remote components whose children were not checked, run notes. */
    warnings: ReportWarning[];
    /** Wall time of the policy evaluation after the plan finished. */
    analyzeMs: number;
    /** Peak RSS per pack process (Linux only), filled when the packs stop. */
    packPeakRssKb: Record<string, number | undefined>;
    /** What each pack process's host installed (the program's is `run.fastPaths`), by pack name. */
    packFastPaths: Record<string, FastPathReport | undefined>;
    /** Valid waivers the host's `exemptions` hook found on the planned resources. Not violations. */
    exemptions: { policy: string; urn: string; name: string; reason: string }[];
    /** Markdown wording after the exemption count (the host's `exemptionsNote`). */
    exemptionsNote: string;
}

/** Every directory directly under `root` that holds PulumiPolicy.yaml, sorted. */
export function discoverPacks(root: string): string[] {
    if (!fs.existsSync(root)) return [];
    return fs
        .readdirSync(root, { withFileTypes: true })
        .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, d.name, "PulumiPolicy.yaml")))
        .map((d) => path.join(root, d.name))
        .sort();
}

const LEVEL_ORDER = { mandatory: 0, remediate: 1, advisory: 2 } as const;

export async function runCheck(opts: CheckOptions): Promise<CheckResult> {
    const host = opts.host ?? {};
    const stack = opts.stack ?? "dev";
    const packDirs = opts.policyPacks?.length ? opts.policyPacks.map((p) => path.resolve(p)) : host.packsRoot ? discoverPacks(host.packsRoot) : [];
    if (packDirs.length === 0) {
        throw new EngineError(host.packsRoot ? `no policy packs found under ${host.packsRoot} (or pass --policy-pack DIR)` : "no policy packs given (pass --policy-pack DIR)");
    }
    const defaultConfig = host.policyConfig ? path.resolve(host.policyConfig(stack)) : undefined;
    // A stack without its policy config would silently run every policy at its pack's default level (the
    // lake's packs: advisory), so a typo in --stack passes: an error unless a config is named explicitly.
    if (!opts.policyConfig && defaultConfig && !fs.existsSync(defaultConfig)) {
        const rel = path.relative(hostRoot(host), defaultConfig).split(path.sep).join("/");
        throw new EngineError(
            `error: no policy config for stack '${stack}': ${rel} does not exist. Add it, or pass --policy-config FILE ` +
                `(an empty {} runs every policy at its pack's own enforcement level)`,
        );
    }
    const policyConfigFile = opts.policyConfig ? path.resolve(opts.policyConfig) : defaultConfig;
    // Parse config first: a broken file should fail before anything is started.
    const given: Record<string, PolicyConfig> = policyConfigFile ? loadPolicyConfigFile(policyConfigFile) : {};

    const nodePath = childNodePath(host);
    const launch = { env: { ...process.env, NODE_PATH: nodePath.join(path.delimiter) }, tsxHook: tsxHook(), nodeFlags: childNodeFlags(host) };
    const project = loadProject(opts.programDir ?? hostRoot(host), stack);
    const source = policyConfigFile ? path.relative(process.cwd(), policyConfigFile) : "defaults";
    const known = new Map<string, PlannedResource>();
    const providers = providerLookup(known, stack, project.name, project.region, project.config, [project.dir, ...nodePath]);

    // Each pack process: start, describe and configure its packs; then Analyze every resource and the stack. They start
    // once the program is done, not beside it: a program's registrations run as one stretch of promise jobs, so its
    // stream delivers next to nothing before the end, and packs started early only overlapped their own start-up
    // (~0.2 s of wall) while holding their memory through the program's peak. At 1,000 datasets that moment was the
    // check's peak across processes (program ~740 MB, engine ~120 MB, packs ~120 MB): 967-1,002 -> 846-876 MB.
    const packPeakRssKb: Record<string, number | undefined> = {};
    const packFastPaths: Record<string, FastPathReport | undefined> = {};
    const startLanes = () =>
        packRunners(packDirs, launch).map((runner) => {
            const ready = runner.start().then(async (infos) => {
                const remediate: boolean[] = [];
                for (const [i, info] of infos.entries()) {
                    const config = reconcilePolicyConfig(info.name, info.policies, info.initialConfig, given, source);
                    await runner.configure(i, config, { stack, project: project.name, organization: "organization" });
                    remediate.push([...config.values()].some((c) => c.enforcementLevel === "remediate"));
                }
                return { infos, remediate };
            });
            // A pack that fails to start is reported where its lane is awaited; until then it must not count as unhandled.
            ready.catch(() => undefined);
            return { runner, ready };
        });
    let lanes: ReturnType<typeof startLanes> = [];
    const collect = (into: Violation[][], found: Violation[][]) => found.forEach((v, i) => into[i]!.push(...v));
    try {
        opts.progress?.step("running program");
        let registered = 0;
        const run = await runPlan({
            host,
            project,
            sourcePositions: opts.sourcePositions,
            verbose: opts.verbose,
            stackReferences: opts.stackReferences,
            typeCheck: opts.typeCheck ?? "warn",
            // Streamed: the program's result file then repeats no resource (a burst of memory at 13k). The packs' provider
            // lookups (`known`) happen after the plan, so the stream only counts for the progress line.
            onResources: (batch) => {
                registered += batch.length;
                opts.progress?.update(`running program: ${registered} resources registered`);
            },
        });
        lanes = startLanes();
        opts.progress?.step(`evaluating ${packDirs.length} policy pack(s) on ${run.plan.resources.length} resources`);
        const analyzeStarted = Date.now();
        for (const r of run.plan.resources) known.set(r.urn, r);
        const perLane = await Promise.all(
            lanes.map(async (lane) => {
                const { infos, remediate } = await lane.ready;
                const violations: Violation[][] = lane.runner.dirs.map(() => []);
                collect(violations, await lane.runner.analyzeResources(run.plan.resources, remediate, providers));
                collect(violations, await lane.runner.analyzeStack(run.plan.resources, providers));
                const warnings = lane.runner.warnings();
                return infos.map((info, i) => ({ dir: lane.runner.dirs[i]!, info, violations: violations[i]!, warnings: warnings[i]! }));
            }),
        );
        // Per pack, in the order the packs were given.
        const results = perLane.flat().sort((a, b) => packDirs.indexOf(a.dir) - packDirs.indexOf(b.dir));
        const violations = results
            .flatMap((r) => r.violations)
            .sort(
                (a, b) =>
                    LEVEL_ORDER[a.level as keyof typeof LEVEL_ORDER] - LEVEL_ORDER[b.level as keyof typeof LEVEL_ORDER] ||
                    a.pack.localeCompare(b.pack) ||
                    a.policy.localeCompare(b.policy) ||
                    (a.urn ?? "").localeCompare(b.urn ?? ""),
            );
        for (const { info, warnings } of results) {
            for (const w of warnings) run.warnings.push(`policy pack ${info.name}: ${w}`);
        }
        const exemptions = (host.exemptions?.(run.plan.resources) ?? [])
            .filter((e) => e.valid !== false)
            .map((e) => ({ policy: e.policy, urn: e.urn, name: e.name, reason: e.reason }));
        const packs = results.map((r) => r.info);
        return {
            run,
            packs,
            violations,
            policyConfigFile,
            policyConfig: policyConfigFile ? displayPath(hostRoot(host), policyConfigFile) : null,
            unjudged: unjudgedOf(host, run.plan.resources, packs),
            warnings: reportWarnings(run),
            analyzeMs: Date.now() - analyzeStarted,
            packPeakRssKb,
            packFastPaths,
            exemptions,
            exemptionsNote: host.exemptionsNote ?? DEFAULT_EXEMPTIONS_NOTE,
        };
    } finally {
        // Stop every pack process, including those still starting when the plan failed.
        await Promise.all(
            lanes.map((lane) =>
                lane.ready.then(
                    ({ infos }) => {
                        lane.runner.stop();
                        const reports = lane.runner.fastPaths();
                        infos.forEach((info, i) => {
                            packPeakRssKb[info.name] = lane.runner.peakRssKb;
                            packFastPaths[info.name] = reports[i];
                        });
                    },
                    () => undefined,
                ),
            ),
        );
        for (const lane of lanes) lane.runner.stop();
    }
}

function displayPath(root: string, file: string): string {
    const rel = path.relative(root, file);
    return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel.split(path.sep).join("/");
}

/** The host's coverage hook, as the report carries it: per policy, counted, reasons grouped. */
function unjudgedOf(host: EngineHost, resources: PlannedResource[], packs: PackInfo[]): UnjudgedPolicy[] {
    if (!host.coverage) return [];
    return host.coverage(resources).map((c) => {
        const byReason = new Map<string, number>();
        for (const u of c.unjudged) byReason.set(u.reason, (byReason.get(u.reason) ?? 0) + 1);
        return {
            policy: c.policy,
            pack: c.pack ?? packs.find((p) => p.policies.some((q) => q.name === c.policy))?.name ?? null,
            judged: c.judged,
            count: c.unjudged.length,
            reasons: [...byReason].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
            resources: c.unjudged.map((u) => ({ urn: u.urn, reason: u.reason })),
        };
    });
}

/** Type errors, remote components whose children no policy saw, and the run's own notes. */
function reportWarnings(run: PlanRun): ReportWarning[] {
    const out: ReportWarning[] = [];
    const tc = run.typeCheck;
    for (const d of tc?.diagnostics ?? []) {
        const w: ReportWarning = {
            kind: "type-error",
            message: `type check (${tc!.tool}, as \`pulumi preview\` runs it; --type-check=error makes it fatal): ${formatTypeDiagnostic(d)}`,
            code: d.code,
        };
        if (d.file) Object.assign(w, { file: d.file, line: d.line, column: d.column });
        out.push(w);
    }
    for (const r of run.plan.resources.filter((x) => x.remote)) {
        const modelled = modelledComponentOutputs(r.type);
        out.push({
            kind: "remote-component",
            urn: r.urn,
            message:
                `${r.type} '${r.name}' is a remote component: its provider plugin creates its children, which does not run offline, ` +
                `so its children were not planned and no policy checked them. ` +
                (modelled ? `The engine models its outputs: ${modelled}.` : "Its outputs offline are its inputs echoed back."),
        });
    }
    if (tc?.skipped) out.push({ kind: "engine", message: `type check skipped: ${tc.skipped}` });
    for (const w of run.warnings) out.push({ kind: "engine", message: w });
    return out;
}
