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
import type { RunnerOptions, RunnerResult } from "./child/protocol";
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
        PULUMI_NODEJS_DRY_RUN: "false",
    };
    const log = opts.log ?? process.stderr;
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
    if (opts.onResources) {
        const onResources = opts.onResources;
        child.on("message", (msg: { kind?: string; items?: PlannedResource[] }) => {
            if (msg.kind === "resources" && msg.items) onResources(msg.items);
        });
    }
    child.stdout!.on("data", (chunk) => log.write(chunk));
    child.stderr!.on("data", (chunk) => log.write(chunk));
    const code = await new Promise<number | null>((resolve, reject) => {
        child.on("error", reject);
        child.on("close", resolve);
    });
    let result: RunnerResult;
    try {
        result = JSON.parse(fs.readFileSync(resultFile, "utf8"));
    } catch {
        throw new EngineError(`program ${project.main} exited with code ${code} before reporting a result`);
    } finally {
        fs.rmSync(path.dirname(resultFile), { recursive: true, force: true });
    }
    if (!result.ok) {
        throw new EngineError(`error: ${result.error.message}`, 2, result.error.detail);
    }
    return {
        project,
        plan: result.plan,
        warnings: [...project.warnings, ...result.warnings],
        loadMs: result.loadMs,
        maxRssKb: result.maxRssKb,
        wallMs: Date.now() - started,
        fastPaths: result.fastPaths,
    };
}
