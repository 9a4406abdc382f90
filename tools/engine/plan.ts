/**
 * `plan`: runs a Pulumi program in a child process under the in-process monitor (child/runner.ts) and
 * returns what it registered. Failures of the program come back as EngineError (exit 2).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineError } from "./errors";
import { childNodeFlags, childNodePath, EngineHost, hostRoot, tsxHook } from "./host";
import { LoadedProject, loadProject } from "./project";
import type { FastPathReport } from "./child/fast-paths";
import type { RunnerOptions, RunnerResult, StreamMessage } from "./child/protocol";
import type { TypeCheckOptions, TypeCheckResult, TypeDiagnostic } from "./child/type-check";
import { pulumiTsNodeSetup } from "./child/typescript";
import type { PlannedResource, PlanResult } from "./types";

export interface PlanOptions {
    /** Defaults and paths of the caller's repo (see host.ts). */
    host?: EngineHost;
    /** Directory holding Pulumi.yaml. @default the host's root */
    programDir?: string;
    /** @default "dev" */
    stack?: string;
    /** Record the program file/line of each resource (for SARIF). @default false */
    sourcePositions?: boolean;
    verbose?: boolean;
    /** Where the program's own output goes. @default process.stderr */
    log?: NodeJS.WritableStream;
    /** Receives registered resources in batches while the program runs (check starts policy work early). */
    onResources?: (batch: PlannedResource[]) => void;
    /** The project, when the caller has loaded it already; `programDir` and `stack` are then not read. */
    project?: LoadedProject;
    /**
     * Offline sources of `pulumi.StackReference`s: reference name -> JSON file of that stack's outputs
     * (`--stack-reference NAME=FILE`). Others come from `stack-references/NAME.json` in the program dir.
     */
    stackReferences?: Record<string, string>;
    /**
     * Type-check a TypeScript program as `pulumi preview` does (ts-node without transpileOnly), in a
     * process beside the program's: "warn" reports type errors as warnings, "error" fails the run (exit 2)
     * as `pulumi preview` would. @default "off"
     */
    typeCheck?: TypeCheckMode;
}

export type TypeCheckMode = "off" | "warn" | "error";

/** What the type check found (only errors in files the program loaded: what ts-node would have checked). */
export interface TypeCheckRun {
    mode: Exclude<TypeCheckMode, "off">;
    /** e.g. "TypeScript 5.9.3 via ts-node 10.9.2". */
    tool?: string;
    /** Not checked, and why (the program turns checking off, an ES module program, ...). */
    skipped?: string;
    diagnostics: TypeDiagnostic[];
    /** Answered from the cache (nothing the check read had changed). */
    cached: boolean;
    /** Wall time of the type-check process, and how much of it the run waited after the plan was done. */
    ms: number;
    waitedMs: number;
}

export interface PlanRun {
    /** The project and stack config the program ran with. */
    project: LoadedProject;
    plan: PlanResult;
    warnings: string[];
    /** Child-process figures: module load time of the program and peak RSS. */
    loadMs: number;
    maxRssKb: number;
    wallMs: number;
    /** Which fast paths the program process installed, and how often each was taken. */
    fastPaths: FastPathReport;
    /** Present when the run type-checked the program (PlanOptions.typeCheck not "off"). */
    typeCheck?: TypeCheckRun;
}

/** `index.ts:9:5 TS2353: message` */
export function formatTypeDiagnostic(d: TypeDiagnostic): string {
    const where = d.file ? `${d.file}${d.line ? `:${d.line}:${d.column}` : ""}: ` : "";
    return `${where}${d.category === "error" ? "error" : "warning"} TS${d.code}: ${d.message}`;
}

function isTypeScript(main: string): boolean {
    return /\.[cm]?ts$/.test(main) || (fs.existsSync(main) && fs.statSync(main).isDirectory() && fs.existsSync(path.join(main, "index.ts")));
}

/** The TypeScript compiler the program's SDK would use (see child/typescript.ts), or undefined. */
function typeScriptFor(programDir: string, nodePath: string[]): string | undefined {
    try {
        const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [programDir, ...nodePath] }));
        // Only the compiler's path is needed: never load it here to read a tsconfig with comments.
        const file = pulumiTsNodeSetup(programDir, sdk, () => {
            throw new Error("not loaded in the CLI");
        }).typescript.file;
        return fs.existsSync(file) ? file : undefined;
    } catch {
        return undefined;
    }
}

/** Starts the type-check process (child/type-check.ts); its promise never rejects. */
function startTypeCheck(
    project: LoadedProject,
    env: NodeJS.ProcessEnv,
    nodeFlags: string[],
): { done: Promise<{ result: TypeCheckResult; ms: number; endedAt: number }>; kill(): void } {
    const started = Date.now();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "offline-engine-types-"));
    const main = fs.statSync(project.main).isDirectory() ? path.join(project.main, "index.ts") : project.main;
    const options: TypeCheckOptions = { programDir: project.dir, main, resultFile: path.join(dir, "result.json") };
    // TypeScript (9 MB of JS) through Node's own loader before tsx's hook, which would inspect it (~0.6 s).
    const preload = typeScriptFor(project.dir, (env.NODE_PATH ?? "").split(path.delimiter).filter(Boolean));
    const child = spawn(process.execPath, [...nodeFlags, ...(preload ? ["--require", preload] : []), "--require", tsxHook(), path.join(__dirname, "child", "type-check.ts"), JSON.stringify(options)], {
        cwd: project.dir,
        env,
        stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    const done = new Promise<{ result: TypeCheckResult; ms: number; endedAt: number }>((resolve) => {
        const finish = (why: string) => {
            let result: TypeCheckResult;
            try {
                result = JSON.parse(fs.readFileSync(options.resultFile, "utf8"));
            } catch {
                result = { ok: false, error: `the type-check process ${why} without a result${stderr.trim() ? `: ${stderr.trim().split("\n").slice(-3).join(" ")}` : ""}` };
            }
            fs.rmSync(dir, { recursive: true, force: true });
            resolve({ result, ms: Date.now() - started, endedAt: Date.now() });
        };
        child.on("error", (err) => finish(`failed to start (${err.message})`));
        child.on("close", (code, signal) => finish(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    });
    return { done, kill: () => child.exitCode === null && child.kill() };
}

/**
 * Does the program use @pulumi/aws (a dependency in its package.json, or imported by its entry)? Then
 * the program process loads it before tsx too (~0.2 s less); other programs don't pay for it.
 */
function usesAws(dir: string, main: string): boolean {
    const read = (file: string) => {
        try {
            return fs.readFileSync(file, "utf8");
        } catch {
            return "";
        }
    };
    const entry = fs.existsSync(main) && fs.statSync(main).isDirectory() ? path.join(main, "index.ts") : main;
    return [read(path.join(dir, "package.json")), read(entry)].some((text) => /["']@pulumi\/aws["'/]/.test(text));
}

export async function runPlan(opts: PlanOptions = {}): Promise<PlanRun> {
    const started = Date.now();
    const project = opts.project ?? loadProject(opts.programDir ?? hostRoot(opts.host), opts.stack ?? "dev");
    const resultFile = path.join(
        fs.mkdtempSync(path.join(os.tmpdir(), "offline-engine-plan-")),
        "result.json",
    );
    const runner: RunnerOptions = {
        programDir: project.dir,
        main: project.main,
        project: project.name,
        stack: project.stack,
        organization: "organization",
        region: project.region,
        resultFile,
        sourcePositions: opts.sourcePositions ?? false,
        verbose: opts.verbose ?? false,
        stream: opts.onResources !== undefined,
        stackReferences: Object.fromEntries(Object.entries(opts.stackReferences ?? {}).map(([name, file]) => [name, path.resolve(file)])),
    };
    // Programs elsewhere may have no node_modules: let @pulumi/* resolve from the host's and the engine's.
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        NODE_PATH: childNodePath(opts.host).join(path.delimiter),
        PULUMI_CONFIG: JSON.stringify(project.config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(project.secretKeys),
        PULUMI_NODEJS_PROJECT: project.name,
        PULUMI_NODEJS_STACK: project.stack,
        PULUMI_NODEJS_ORGANIZATION: runner.organization,
        // A preview, like `pulumi preview --policy-pack`: isDryRun() is true and programs take their preview path.
        PULUMI_NODEJS_DRY_RUN: "true",
        // In a preview the runtime leaves an input the engine did not echo back unknown unless legacy apply is on. The
        // mocks echo every input, so this adds no value a preview lacks; it only skips the extra await per input
        // that reordered registrations, so plans and reports stay identical to the engine's before preview mode.
        PULUMI_ENABLE_LEGACY_APPLY: "true",
    };
    const log = opts.log ?? process.stderr;
    const typeCheckMode = opts.typeCheck ?? "off";
    // Beside the program, not before it: the plan never waits for the checker unless it is still going at the end.
    const typeCheck = typeCheckMode !== "off" && isTypeScript(project.main) ? startTypeCheck(project, { ...process.env, NODE_PATH: env.NODE_PATH }, childNodeFlags(opts.host)) : undefined;
    // Programs allocate a burst of promises per resource before any settles: a larger young generation
    // cuts scavenge work (64 MB semi-spaces: plan of 10k resources 7.7 s -> 6.6 s, same peak RSS).
    const nodeFlags = ["--max-semi-space-size=64", ...childNodeFlags(opts.host)];
    const preload = path.join(__dirname, "child", "preload.cjs");
    const child = spawn(process.execPath, [...nodeFlags, "--require", preload, "--require", tsxHook(), path.join(__dirname, "child", "runner.ts"), JSON.stringify(runner)], {
        cwd: project.dir,
        env: { ...env, OFFLINE_ENGINE_PRELOAD: JSON.stringify(usesAws(project.dir, project.main) ? ["@pulumi/pulumi", "@pulumi/aws"] : ["@pulumi/pulumi"]) },
        stdio: opts.onResources ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
        serialization: "advanced",
    });
    // Streamed resources, in registration order: the result file then carries none (child/protocol.ts).
    const streamed: PlannedResource[] = [];
    if (opts.onResources) {
        const onResources = opts.onResources;
        const byUrn = new Map<string, PlannedResource>();
        child.on("message", (msg: StreamMessage) => {
            if (msg.kind !== "resources") return;
            for (const r of msg.items) {
                streamed.push(r);
                byUrn.set(r.urn, r);
            }
            for (const o of msg.outputs ?? []) {
                const r = byUrn.get(o.urn);
                if (!r) continue;
                r.outputs = o.outputs;
                if (o.secretOutputs) r.secretOutputs = o.secretOutputs;
            }
            if (msg.items.length) onResources(msg.items);
        });
    }
    child.stdout!.on("data", (chunk) => log.write(chunk));
    child.stderr!.on("data", (chunk) => log.write(chunk));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (c, s) => resolve([c, s]));
    });
    const planDone = Date.now();
    let result: RunnerResult;
    try {
        result = JSON.parse(fs.readFileSync(resultFile, "utf8"));
    } catch {
        // The runner reports every way a program ends on its own (errors, process.exit, a drained event loop):
        // only a crash of node itself or a signal gets here.
        const how = signal ? `was killed by ${signal}${signal === "SIGKILL" ? " (out of memory?)" : ""}` : `exited with code ${code}`;
        throw new EngineError(`error: program ${project.main} ${how} before reporting a result`);
    } finally {
        fs.rmSync(path.dirname(resultFile), { recursive: true, force: true });
    }
    if (!result.ok) {
        const failed = new EngineError(`error: ${result.error.message}`, 2, result.error.detail);
        // As in `pulumi preview`, type errors come first when they are fatal; otherwise don't wait for them.
        if (typeCheck && typeCheckMode === "error") {
            const { result: checked } = await typeCheck.done;
            const errors = checked.ok ? checked.diagnostics.filter((d) => d.category === "error") : [];
            if (errors.length) throw typeErrors(errors, project, checked.ok ? checked.tool : "");
        }
        typeCheck?.kill();
        throw failed;
    }
    if (runner.stream) result.plan.resources = streamed;
    const run: PlanRun = {
        project,
        plan: result.plan,
        warnings: [...project.warnings, ...result.warnings],
        loadMs: result.loadMs,
        maxRssKb: result.maxRssKb,
        wallMs: Date.now() - started,
        fastPaths: result.fastPaths,
    };
    if (typeCheck && typeCheckMode !== "off") {
        const { result: checked, ms, endedAt } = await typeCheck.done;
        if (!checked.ok) {
            // Fatal only when type errors are: otherwise the run says plainly that types went unchecked.
            if (typeCheckMode === "error") throw new EngineError(`error: type check of ${project.main} failed: ${checked.error.split("\n")[0]}`, 2, checked.error);
            run.warnings.push(`type check could not run, so types were not checked: ${checked.error.split("\n")[0]}`);
            return run;
        }
        // ts-node checks the files it compiles: errors in files the program never loaded would not stop a preview.
        const loaded = new Set(result.programFiles.map((f) => path.relative(project.dir, f).split(path.sep).join("/")));
        const diagnostics = checked.diagnostics.filter((d) => !d.file || loaded.size === 0 || loaded.has(d.file));
        run.typeCheck = {
            mode: typeCheckMode,
            tool: checked.tool,
            skipped: checked.skipped,
            diagnostics,
            cached: checked.cached,
            ms,
            waitedMs: Math.max(0, endedAt - planDone),
        };
        run.wallMs = Date.now() - started;
        const errors = diagnostics.filter((d) => d.category === "error");
        if (typeCheckMode === "error" && errors.length > 0) throw typeErrors(errors, project, checked.tool);
    }
    return run;
}

function typeErrors(errors: TypeDiagnostic[], project: LoadedProject, tool: string): EngineError {
    return new EngineError(
        [
            `error: ${errors.length} type ${errors.length === 1 ? "error" : "errors"} in ${path.relative(process.cwd(), project.dir) || "."} (${tool}); ` +
                "`pulumi preview` would stop on them before running the program:",
            ...errors.map((d) => `  ${formatTypeDiagnostic(d)}`),
        ].join("\n"),
    );
}
