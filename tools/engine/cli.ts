/**
 * The engine's command line: `plan`, `check` and `graph` without the Pulumi CLI, a provider plugin or
 * cloud credentials. Exit codes: 0 ok / no mandatory violation, 1 mandatory violations, 2 program,
 * config or pack error.
 *
 * This is the core a host wraps (`runCli(host)`): the host's defaults (program, packs, policy config,
 * exemptions, tool name) shape the options and reports; bin.ts runs it with no host at all.
 */
import { Command, Option } from "commander";
import * as fs from "fs";
import * as path from "path";
import { runCheck } from "./check";
import { EngineError } from "./errors";
import { DEFAULT_TOOL, EngineHost, hostRoot } from "./host";
import { formatTypeDiagnostic, PlanRun, runPlan } from "./plan";
import { createProgress } from "./progress";
import { checkJson, countByLevel, renderCheckMarkdown, renderCheckText } from "./reports/check";
import { planJson, renderPlanText } from "./reports/plan-text";
import { renderSarif } from "./reports/sarif";
import { parseStackReferenceFlags } from "./stack-references";
import type { PlanResult } from "./types";

function emit(text: string, out?: string): void {
    if (out) {
        fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
        fs.writeFileSync(out, text);
    } else {
        process.stdout.write(text);
    }
}

/** Figures for tools/bench: this process's own peak RSS is added here. */
function writeStats(file: string, stats: Record<string, unknown>): void {
    fs.writeFileSync(file, JSON.stringify({ ...stats, cliMaxRssKb: process.resourceUsage().maxRSS }));
}

function warn(warnings: string[]): void {
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
}

/** The run's notes and type errors on stderr (reports carry them too; stdout stays the report alone). */
function warnRun(run: PlanRun): void {
    warn(run.warnings);
    const tc = run.typeCheck;
    if (!tc) return;
    if (tc.skipped) warn([`type check skipped: ${tc.skipped}`]);
    warn(tc.diagnostics.map((d) => `type check (${tc.tool}, as \`pulumi preview\` runs it; --type-check=error makes it fatal): ${formatTypeDiagnostic(d)}`));
}

const collect = (v: string, acc: string[]) => [...acc, v];
const typeCheckOption = (fallback: string) =>
    new Option("--type-check <mode>", "type-check a TypeScript program as `pulumi preview` does (ts-node): off, warn (type errors are warnings) or error (they fail the run, exit 2)")
        .choices(["off", "warn", "error"])
        .default(fallback);
const stackReferenceOption = () =>
    new Option("--stack-reference <name=file>", "outputs of a referenced stack (pulumi.StackReference) as JSON, e.g. acme/network/prod=network.json (repeatable; default: stack-references/<name>.json in the program dir)")
        .argParser(collect)
        .default([] as string[]);

/** The commands, with the host's defaults; `verbose` tells runCli whether to print stacks. */
export function createCli(host: EngineHost = {}): { program: Command; verbose: () => boolean } {
    let verbose = false;
    const root = hostRoot(host);
    const relative = (p: string) => path.relative(root, path.resolve(root, p)).split(path.sep).join("/") || ".";
    const packsDefault = host.packsRoot ? `every pack under ${relative(host.packsRoot)}/` : "none, at least one is required";
    const configDefault = host.policyConfig ? `${relative(host.policyConfig("<stack>"))}, which must exist` : "none";

    const program = new Command("engine")
        .description("Offline Pulumi plan and CrossGuard policy check (no Pulumi CLI, no cloud credentials)")
        .showHelpAfterError()
        .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

    program
        .command("plan")
        .description("run the program under mocks and print its resource tree")
        .option("--program <dir>", "directory holding Pulumi.yaml", root)
        .option("--stack <name>", "stack name (config from Pulumi.<stack>.yaml)", "dev")
        .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
        .option("--out <file>", "write the output to a file instead of stdout")
        .addOption(stackReferenceOption())
        .addOption(typeCheckOption("off"))
        .addOption(new Option("--stats <file>", "write timing and memory figures as JSON (used by bench)").hideHelp())
        .action(async (opts) => {
            const progress = createProgress();
            progress.step("running program");
            const run = await runPlan({
                host,
                programDir: opts.program,
                stack: opts.stack,
                verbose,
                stackReferences: parseStackReferenceFlags(opts.stackReference),
                typeCheck: opts.typeCheck,
            }).finally(() => progress.done());
            warnRun(run);
            emit(opts.format === "json" ? JSON.stringify(planJson(run.plan), null, 2) + "\n" : renderPlanText(run.plan), opts.out);
            if (opts.stats) {
                writeStats(opts.stats, {
                    command: "plan",
                    resources: run.plan.resources.length,
                    wallMs: run.wallMs,
                    loadMs: run.loadMs,
                    programMaxRssKb: run.maxRssKb,
                    fastPaths: { program: run.fastPaths },
                });
            }
        });

    program
        .command("check")
        .description("plan, then evaluate the policy packs exactly as `pulumi preview --policy-pack` would")
        .option("--program <dir>", "directory holding Pulumi.yaml", root)
        .option("--stack <name>", "stack name", "dev")
        .option("--policy-pack <dir>", `policy pack directory (repeatable; default: ${packsDefault})`, (v: string, acc: string[]) => [...acc, v], [] as string[])
        .option("--policy-config <file>", `policy pack config JSON (default: ${configDefault})`)
        .addOption(new Option("--format <format>", "report format").choices(["text", "json", "markdown", "sarif"]).default("text"))
        .option("--out <file>", "write the report to a file instead of stdout")
        .addOption(stackReferenceOption())
        .addOption(typeCheckOption("warn"))
        .addOption(new Option("--stats <file>", "write timing and memory figures as JSON (used by bench)").hideHelp())
        .action(async (opts) => {
            const progress = createProgress();
            const started = Date.now();
            const result = await runCheck({
                host,
                programDir: opts.program,
                stack: opts.stack,
                policyPacks: opts.policyPack,
                policyConfig: opts.policyConfig,
                sourcePositions: opts.format === "sarif",
                verbose,
                progress,
                stackReferences: parseStackReferenceFlags(opts.stackReference),
                typeCheck: opts.typeCheck,
            }).finally(() => progress.done());
            warnRun(result.run);
            let text: string;
            switch (opts.format) {
                case "json":
                    text = JSON.stringify(checkJson(result), null, 2) + "\n";
                    break;
                case "markdown":
                    text = renderCheckMarkdown(result);
                    break;
                case "sarif": {
                    // Programs under the host's root get root-relative paths; others their own dir's.
                    const programDir = path.resolve(opts.program);
                    const inRoot = !path.relative(root, programDir).startsWith("..");
                    const sarif = renderSarif(result, inRoot ? root : programDir, result.run.project.main, host.tool ?? DEFAULT_TOOL);
                    text = JSON.stringify(sarif, null, 2) + "\n";
                    break;
                }
                default:
                    text = renderCheckText(result);
            }
            emit(text, opts.out);
            if (opts.stats) {
                writeStats(opts.stats, {
                    command: "check",
                    resources: result.run.plan.resources.length,
                    violations: result.violations.length,
                    wallMs: Date.now() - started,
                    planMs: result.run.wallMs,
                    analyzeMs: result.analyzeMs,
                    programMaxRssKb: result.run.maxRssKb,
                    packMaxRssKb: result.packPeakRssKb,
                    typeCheck: result.run.typeCheck && { ms: result.run.typeCheck.ms, waitedMs: result.run.typeCheck.waitedMs, cached: result.run.typeCheck.cached },
                    fastPaths: { program: result.run.fastPaths, packs: result.packFastPaths },
                });
            }
            if (countByLevel(result.violations).mandatory > 0) process.exitCode = 1;
        });

    program
        .command("graph")
        .description("render the resource graph of a plan as Mermaid (default) or SVG")
        .option("--program <dir>", "directory holding Pulumi.yaml", root)
        .option("--stack <name>", "stack name", "dev")
        .option("--out <file>", "FILE.svg or FILE.mmd; Mermaid to stdout when omitted")
        .addOption(stackReferenceOption())
        .action(async (opts) => {
            const format = opts.out && opts.out.toLowerCase().endsWith(".svg") ? "svg" : "mmd";
            const progress = createProgress();
            progress.step("running program");
            const run = await runPlan({
                host,
                programDir: opts.program,
                stack: opts.stack,
                verbose,
                stackReferences: parseStackReferenceFlags(opts.stackReference),
            }).finally(() => progress.done());
            warnRun(run);
            // Loaded lazily so plan/check never load the renderer (Graphviz in WebAssembly).
            const { renderGraph } = require("./graph") as {
                renderGraph(plan: PlanResult, opts: { format: "svg" | "mmd" }): Promise<string>;
            };
            emit(await renderGraph(run.plan, { format }), opts.out);
        });

    for (const cmd of program.commands) cmd.option("--verbose", "show stack traces of program and pack errors", false);
    program.hook("preAction", (_root, action) => {
        verbose = Boolean(action.opts().verbose);
    });
    return { program, verbose: () => verbose };
}

/**
 * Parses `argv` and runs the command; expected failures print their message (a stack only with
 * --verbose) and exit 2, or the EngineError's own code.
 */
export function runCli(host: EngineHost = {}, argv: string[] = process.argv): Promise<void> {
    const { program, verbose } = createCli(host);
    return program.parseAsync(argv).then(
        () => undefined,
        (err: unknown) => {
            if (err instanceof EngineError) {
                process.stderr.write(`${err.message}\n`);
                if (verbose() && err.detail) process.stderr.write(`${err.detail}\n`);
                process.exit(err.exitCode);
            }
            process.stderr.write(`error: ${(err as Error)?.message ?? String(err)}\n`);
            if (verbose()) process.stderr.write(`${(err as Error)?.stack ?? ""}\n`);
            process.exit(2);
        },
    );
}
