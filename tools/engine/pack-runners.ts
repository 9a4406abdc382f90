/**
 * The processes the packs of a check run in. Packs built on the same @pulumi/policy (the engine's pinned copy)
 * share one process, a pack group (child/pack-group.ts): one start-up, and each batch of resources sent,
 * decoded and turned into plain requests once for all of them. Any other pack runs in a process of its own,
 * as the Pulumi CLI runs every pack (analyzer.ts). Both give the same per-pack verdicts, in the same order.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { EngineError, ownFrameOnly } from "./errors";
import { inBatches, packEntry, PackLaunch, packFailure, PolicyPackProcess, ProviderLookup, stackItemsOf, toViolations } from "./analyzer";
import type { Diagnostic, PackInfo, PackStack } from "./analyzer-proto";
import { FastPathReport, versionWarnings } from "./child/fast-paths";
import type { GroupAnalyzeResult, GroupEvent, GroupMember, GroupRequest } from "./child/pack-group";
import type { PackHostHello } from "./child/pack-sdk";
import type { PolicyConfig } from "./policy-config";
import type { PlannedResource, Violation } from "./types";

/** One process and the packs in it (in the order given); every per-pack answer is a list in that order. */
export interface PackRunner {
    readonly dirs: string[];
    /** Starts the process and describes each pack (GetAnalyzerInfo). */
    start(): Promise<PackInfo[]>;
    configure(pack: number, config: Map<string, PolicyConfig>, stack: PackStack): Promise<void>;
    /** Analyze (after Remediate for the packs with `remediate[pack]`) of the managed resources. */
    analyzeResources(resources: PlannedResource[], remediate: boolean[], providers: ProviderLookup): Promise<Violation[][]>;
    analyzeStack(resources: PlannedResource[], providers: ProviderLookup): Promise<Violation[][]>;
    /** Per pack: SDK versions that differ from the engine's pins. */
    warnings(): string[][];
    /** Per pack: what its host installed. */
    fastPaths(): (FastPathReport | undefined)[];
    /** Peak RSS of the process (Linux), read when it is stopped. */
    peakRssKb?: number;
    stop(): void;
}

const PRELOAD = path.join(__dirname, "child", "preload.cjs");
const PACK_GROUP = path.join(__dirname, "child", "pack-group.ts");
const PINNED_POLICY = (() => {
    try {
        return path.dirname(require.resolve("@pulumi/policy/package.json"));
    } catch {
        return undefined;
    }
})();

/** The @pulumi/policy directory a pack resolves (its own node_modules, then NODE_PATH), if any. */
function policyDirOf(dir: string, nodePath: string[]): string | undefined {
    try {
        return fs.realpathSync(path.dirname(require.resolve("@pulumi/policy/package.json", { paths: [dir, ...nodePath] })));
    } catch {
        return undefined;
    }
}

/** A pack that can join a group: a CommonJS program on the engine's own @pulumi/policy. */
function groupable(dir: string, nodePath: string[]): boolean {
    const policyDir = policyDirOf(dir, nodePath);
    if (!policyDir || !PINNED_POLICY || policyDir !== fs.realpathSync(PINNED_POLICY)) return false;
    try {
        return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).type !== "module";
    } catch {
        return false;
    }
}

/**
 * The runners for `dirs`: one group for the packs that can share a process (two or more), one process per other
 * pack. OFFLINE_ENGINE_PACK_PROCESSES=separate gives every pack its own process, as the Pulumi CLI does.
 */
export function packRunners(dirs: string[], launch: PackLaunch): PackRunner[] {
    const nodePath = (launch.env.NODE_PATH ?? "").split(path.delimiter).filter(Boolean);
    const separate = launch.env.OFFLINE_ENGINE_PACK_PROCESSES === "separate";
    const grouped = separate ? [] : dirs.filter((d) => groupable(d, nodePath));
    const runners: PackRunner[] = [];
    if (grouped.length >= 2) runners.push(new GroupRunner(grouped, launch));
    for (const dir of dirs) if (grouped.length < 2 || !grouped.includes(dir)) runners.push(new SingleRunner(dir, launch));
    return runners;
}

/** A pack in a process of its own (analyzer.ts PolicyPackProcess). */
class SingleRunner implements PackRunner {
    readonly dirs: string[];
    private pack?: PolicyPackProcess;
    peakRssKb?: number;

    constructor(
        dir: string,
        private readonly launch: PackLaunch,
    ) {
        this.dirs = [dir];
    }

    async start(): Promise<PackInfo[]> {
        this.pack = await PolicyPackProcess.start(this.dirs[0]!, this.launch);
        return [await this.pack.getInfo()];
    }

    configure(_pack: number, config: Map<string, PolicyConfig>, stack: PackStack): Promise<void> {
        return this.pack!.configure(config, stack);
    }

    async analyzeResources(resources: PlannedResource[], remediate: boolean[], providers: ProviderLookup): Promise<Violation[][]> {
        return [await this.pack!.analyzeResources(resources, remediate[0]!, providers)];
    }

    async analyzeStack(resources: PlannedResource[], providers: ProviderLookup): Promise<Violation[][]> {
        return [await this.pack!.analyzeStack(resources, providers)];
    }

    warnings(): string[][] {
        return [this.pack?.warnings() ?? []];
    }

    fastPaths(): (FastPathReport | undefined)[] {
        return [this.pack?.fastPaths];
    }

    stop(): void {
        if (!this.pack) return;
        this.pack.stop();
        this.peakRssKb = this.pack.peakRssKb;
    }
}

type Reply = { id: number; results?: unknown; error?: string; pack?: number; what?: string; stats?: { hits: Record<number, number>; fallbacks: number } };

/** Packs on one @pulumi/policy in one process (child/pack-group.ts). */
class GroupRunner implements PackRunner {
    private child?: ChildProcess;
    private hello?: PackHostHello;
    private infos: (PackInfo | undefined)[] = [];
    private stats?: Reply["stats"];
    private nextId = 0;
    private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
    /** Set when the process ended or a pack failed to start: every later call fails with it. */
    private failure?: EngineError;
    private stderr = "";
    private stopped = false;
    peakRssKb?: number;

    constructor(
        readonly dirs: string[],
        private readonly launch: PackLaunch,
    ) {}

    private name(pack: number): string {
        return this.infos[pack]?.name ?? this.dirs[pack]!;
    }

    start(): Promise<PackInfo[]> {
        const members: GroupMember[] = this.dirs.map((dir) => ({ dir, entry: packEntry(dir) }));
        const child = spawn(process.execPath, [...(this.launch.nodeFlags ?? []), "--require", PRELOAD, "--require", this.launch.tsxHook, PACK_GROUP, JSON.stringify(members)], {
            cwd: this.dirs[0],
            env: { ...this.launch.env, OFFLINE_ENGINE_PRELOAD: JSON.stringify(["@pulumi/policy", "@pulumi/policy/server"]) },
            stdio: ["ignore", "pipe", "pipe", "ipc"],
            serialization: "advanced",
        });
        this.child = child;
        child.stderr!.on("data", (chunk) => (this.stderr += chunk));
        child.stdout!.on("data", () => undefined);
        return new Promise<PackInfo[]>((resolve, reject) => {
            let loading = 0;
            const failStart = (err: EngineError) => {
                this.failure ??= err;
                reject(this.failure);
                this.stop();
            };
            child.on("error", (err) => failStart(new EngineError(`policy pack ${this.dirs[loading]}: ${err.message}`)));
            child.on("exit", (code) => {
                // A pack that exits the process (serve() does on an invalid pack) takes the group with it: it is named.
                const kept = ownFrameOnly(this.stderr.trim(), this.dirs[loading]!, true);
                const err = this.failure ?? new EngineError(`policy pack ${this.dirs[loading]} failed to start (exit ${code}):\n${kept}`, 2, this.stderr);
                this.failure = err;
                for (const waiter of this.pending.values()) waiter.reject(err);
                this.pending.clear();
                reject(err);
            });
            child.on("message", (msg: PackHostHello | GroupEvent | Reply) => {
                if ("kind" in msg && msg.kind === "fast-paths") {
                    this.hello = msg;
                    if (msg.error) failStart(new EngineError(`policy pack ${this.dirs[0]}: ${msg.error}`));
                    return;
                }
                if ("kind" in msg && msg.kind === "loading") {
                    loading = msg.pack;
                    return;
                }
                if ("kind" in msg && msg.kind === "pack") {
                    if ("error" in msg) return failStart(new EngineError(`policy pack ${this.dirs[msg.pack]} failed to start (exit 1):\n${msg.error}`, 2, msg.error));
                    this.infos[msg.pack] = msg.info;
                    if (this.infos.filter(Boolean).length === this.dirs.length) resolve(this.infos as PackInfo[]);
                    return;
                }
                const reply = msg as Reply;
                if (reply.stats) this.stats = reply.stats;
                const waiter = this.pending.get(reply.id);
                this.pending.delete(reply.id);
                if (reply.error === undefined) return waiter?.resolve(reply.results);
                const pack = reply.pack !== undefined && reply.pack >= 0 ? reply.pack : 0;
                waiter?.reject(packFailure(this.name(pack), this.dirs[pack]!, reply.what || "request", new Error(reply.error)));
            });
        });
    }

    private send<T>(request: GroupRequest extends infer R ? (R extends unknown ? Omit<R, "id"> : never) : never): Promise<T> {
        if (this.failure) return Promise.reject(this.failure);
        const id = this.nextId++;
        return new Promise<T>((resolve, reject) => {
            this.pending.set(id, { resolve, reject });
            this.child!.send({ ...request, id });
        });
    }

    configure(pack: number, config: Map<string, PolicyConfig>, stack: PackStack): Promise<void> {
        return this.send({ kind: "configure", pack, config: [...config], stack });
    }

    async analyzeResources(resources: PlannedResource[], remediate: boolean[], providers: ProviderLookup): Promise<Violation[][]> {
        const out: Violation[][] = this.dirs.map(() => []);
        const packs = this.dirs.map((_, pack) => ({ pack, remediate: remediate[pack]! }));
        await inBatches(resources, providers, async (batch, items) => {
            const results = await this.send<GroupAnalyzeResult[]>({ kind: "analyze", items, packs });
            for (const r of results) {
                const name = this.name(r.pack);
                r.remediations?.forEach((rem, i) => out[r.pack]!.push(...toViolations(name, rem.diagnostics, batch[i]!.urn)));
                r.diagnostics.forEach((diagnostics, i) => out[r.pack]!.push(...toViolations(name, diagnostics, batch[i]!.urn)));
            }
        });
        return out;
    }

    async analyzeStack(resources: PlannedResource[], providers: ProviderLookup): Promise<Violation[][]> {
        const results = await this.send<Diagnostic[][]>({ kind: "analyzeStack", items: stackItemsOf(resources, providers), packs: this.dirs.map((_, i) => i) });
        return results.map((diagnostics, pack) => toViolations(this.name(pack), diagnostics, null));
    }

    warnings(): string[][] {
        const w = versionWarnings(this.hello?.report.sdks ?? []);
        return this.dirs.map(() => w);
    }

    /** The process's report, with each pack's own count of plain requests. */
    fastPaths(): (FastPathReport | undefined)[] {
        const report = this.hello?.report;
        if (!report) return this.dirs.map(() => undefined);
        return this.dirs.map((_, pack) => {
            const copy: FastPathReport = JSON.parse(JSON.stringify(report));
            const plain = copy.paths["plain-requests"];
            if (plain) {
                plain.detail = `${plain.detail} (in one process with ${this.dirs.length - 1} other pack${this.dirs.length === 2 ? "" : "s"})`;
                plain.hits = this.stats?.hits[pack] ?? 0;
                plain.fallbacks = this.stats?.fallbacks ?? 0;
            }
            return copy;
        });
    }

    stop(): void {
        if (this.stopped || !this.child) return;
        this.stopped = true;
        try {
            const status = fs.readFileSync(`/proc/${this.child.pid}/status`, "utf8");
            this.peakRssKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) || undefined;
        } catch {
            // Not Linux, or already gone: no figure.
        }
        if (this.child.exitCode === null) this.child.kill();
    }
}
