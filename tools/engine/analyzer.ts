/**
 * Runs a CrossGuard policy pack the way the Pulumi CLI does: the pack's program in its own `node`
 * process (`new PolicyPack` serves the analyzer gRPC service and prints its port), then this side
 * speaks the analyzer protocol from @pulumi/pulumi/proto. Packs, including third-party ones such as
 * @pulumi/awsguard, run unchanged, so offline and online verdicts come from the same code.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { EngineError, ownFrameOnly } from "./errors";
import { FastPathReport, versionWarnings } from "./child/fast-paths";
import type { PackHostHello } from "./child/pack-host";
import { analyzeRequest, AnalyzeItem, configureRequest, Diagnostic, PackInfo, PackStack, readAnalyzerInfo, readDiagnostics, readRemediations, stackConfigureRequest, stackRequest } from "./analyzer-proto";
import type { PolicyConfig } from "./policy-config";
import type { PlannedResource, Violation } from "./types";

// One copy of grpc-js and the generated stubs: the ones @pulumi/pulumi ships with.
const grpc = require("@grpc/grpc-js");
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");

const PROTO = { analyzerPb, Struct };
const MAX_MESSAGE = 400 * 1024 * 1024;
/** Resources per batch, and batches in flight per pack: keeps the pack busy while bounding memory. */
const BATCH = 250;
const IN_FLIGHT = 2;
const PACK_HOST = path.join(__dirname, "child", "pack-host.ts");
const PRELOAD = path.join(__dirname, "child", "preload.cjs");
const STARTUP_TIMEOUT_MS = 60_000;

/** How a pack process is started: environment (NODE_PATH), tsx's hook, extra node flags. */
export interface PackLaunch {
    env: NodeJS.ProcessEnv;
    tsxHook: string;
    nodeFlags?: string[];
}

export type { PackInfo } from "./analyzer-proto";

/** A pack directory holds PulumiPolicy.yaml; its program is package.json's main or index.ts/index.js. */
export function packEntry(dir: string): string {
    const manifest = path.join(dir, "PulumiPolicy.yaml");
    if (!fs.existsSync(manifest)) throw new EngineError(`${dir}: not a policy pack (no PulumiPolicy.yaml)`);
    const doc = parse(fs.readFileSync(manifest, "utf8")) ?? {};
    if (doc.runtime !== undefined && doc.runtime !== "nodejs" && doc.runtime?.name !== "nodejs") {
        throw new EngineError(`${manifest}: runtime ${JSON.stringify(doc.runtime)} is not supported offline (nodejs only)`);
    }
    const pkgFile = path.join(dir, "package.json");
    if (!fs.existsSync(pkgFile)) throw new EngineError(`${dir}: policy pack has no package.json (PolicyPack reads its version)`);
    const main = JSON.parse(fs.readFileSync(pkgFile, "utf8")).main;
    for (const candidate of [main, "index.ts", "index.js"]) {
        if (typeof candidate === "string" && fs.existsSync(path.join(dir, candidate))) return path.join(dir, candidate);
    }
    throw new EngineError(`${dir}: policy pack has no entry (set "main" in package.json or add index.ts)`);
}

function unary<T>(client: any, method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) => client[method](req, (err: Error | null, resp: T) => (err ? reject(err) : resolve(resp))));
}

export class PolicyPackProcess {
    info?: PackInfo;
    private client: any;
    private stderr = "";
    /** The pack host preloaded into the pack took over serve(): batches go over IPC. */
    private hostReady = false;
    private onReady?: () => void;
    /** What the pack host installed (its first message); undefined until it arrived. */
    fastPaths?: FastPathReport;
    private nextId = 0;
    private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();

    private constructor(
        readonly dir: string,
        private readonly child: ChildProcess,
    ) {}

    /**
     * Spawns the pack and waits for the port it prints. Fails (exit 2) when the pack host reports a fast
     * path that cannot install on the pack's @pulumi/policy (see child/fast-paths.ts).
     */
    static async start(dir: string, launch: PackLaunch): Promise<PolicyPackProcess> {
        const entry = packEntry(dir);
        const child = spawn(process.execPath, [...(launch.nodeFlags ?? []), "--require", PRELOAD, "--require", launch.tsxHook, "--require", PACK_HOST, entry], {
            cwd: dir,
            env: { ...launch.env, OFFLINE_ENGINE_PRELOAD: JSON.stringify(["@pulumi/policy", "@pulumi/policy/server"]) },
            stdio: ["ignore", "pipe", "pipe", "ipc"],
            serialization: "advanced",
        });
        const pack = new PolicyPackProcess(dir, child);
        let hostError: EngineError | undefined;
        let hostFailed: ((err: EngineError) => void) | undefined;
        let helloArrived: () => void = () => undefined;
        const hello = new Promise<void>((resolve) => (helloArrived = resolve));
        child.stderr!.on("data", (chunk) => (pack.stderr += chunk));
        child.on("message", (msg: { kind?: string; id?: number; results?: unknown; error?: string; report?: FastPathReport; stats?: { hits: number; fallbacks: number } }) => {
            if (msg.kind === "ready") {
                pack.hostReady = true;
                pack.onReady?.();
                return;
            }
            if (msg.kind === "fast-paths") {
                const hi = msg as PackHostHello;
                pack.fastPaths = hi.report;
                helloArrived();
                if (hi.error) {
                    hostError = new EngineError(`policy pack ${dir}: ${hi.error}`);
                    hostFailed?.(hostError);
                }
                return;
            }
            const plain = pack.fastPaths?.paths["plain-requests"];
            if (msg.stats && plain) Object.assign(plain, msg.stats);
            const waiter = pack.pending.get(msg.id!);
            pack.pending.delete(msg.id!);
            if (msg.error !== undefined) waiter?.reject(new Error(msg.error));
            else waiter?.resolve(msg.results);
        });
        child.on("exit", (code) => {
            for (const waiter of pack.pending.values()) waiter.reject(new Error(`pack process exited (code ${code}): ${pack.stderr.trim()}`));
            pack.pending.clear();
        });
        const port = await new Promise<number>((resolve, reject) => {
            hostFailed = (err) => {
                child.kill();
                reject(err);
            };
            let out = "";
            const timer = setTimeout(() => reject(new EngineError(`policy pack ${dir}: no port within ${STARTUP_TIMEOUT_MS / 1000}s`)), STARTUP_TIMEOUT_MS);
            child.stdout!.on("data", (chunk) => {
                out += chunk;
                const m = /^(\d+)\s*$/m.exec(out);
                if (m) {
                    clearTimeout(timer);
                    resolve(Number(m[1]));
                }
            });
            child.on("error", (err) => reject(new EngineError(`policy pack ${dir}: ${err.message}`)));
            child.on("exit", (code) => {
                clearTimeout(timer);
                // Node's crash report: keep the message and the pack's own frame, not the loader's.
                const kept = ownFrameOnly(pack.stderr.trim() || out.trim(), dir, true);
                reject(new EngineError(`policy pack ${dir} failed to start (exit ${code}):\n${kept}`, 2, pack.stderr));
            });
        });
        // The host's report is its first message, sent before the pack program even loads.
        const silent = await Promise.race([hello.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), STARTUP_TIMEOUT_MS).unref())]);
        if (silent || hostError) {
            child.kill();
            throw hostError ?? new EngineError(`policy pack ${dir}: the engine's pack host did not report (started without child/pack-host.ts?)`);
        }
        pack.client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": MAX_MESSAGE,
            "grpc.max_send_message_length": MAX_MESSAGE,
        });
        return pack;
    }

    private fail(what: string, err: unknown): never {
        throw packFailure(this.info?.name ?? this.dir, this.dir, what, err);
    }

    async getInfo(): Promise<PackInfo> {
        const resp: any = await unary(this.client, "getAnalyzerInfo", new Empty()).catch((e) => this.fail("GetAnalyzerInfo", e));
        this.info = readAnalyzerInfo(PROTO, resp);
        await this.expectHost();
        return this.info;
    }

    /**
     * The host installed the plain requests; the pack's PolicyPack must then have gone through the patched
     * serve() ("ready", sent before the server listens). If not, the pack runs another copy of
     * @pulumi/policy and every request would silently take gRPC.
     */
    private async expectHost(): Promise<void> {
        const plain = this.fastPaths?.paths["plain-requests"];
        if (!plain?.active || this.hostReady) return;
        await new Promise<void>((resolve) => {
            this.onReady = resolve;
            setTimeout(resolve, 2000).unref();
        });
        if (this.hostReady) return;
        const sdk = this.fastPaths!.sdks.find((s) => s.name === "@pulumi/policy");
        plain.active = false;
        plain.detail = "the pack's PolicyPack did not call the patched serve()";
        throw new EngineError(
            `policy pack ${this.info?.name ?? this.dir}: the plain-requests fast path installed on @pulumi/policy ${sdk?.found} at ${sdk?.dir}, ` +
                `but the pack's PolicyPack never called its serve(): the pack loads another copy of @pulumi/policy (the engine is pinned to ${sdk?.pinned})`,
        );
    }

    async configure(config: Map<string, PolicyConfig>, stack: PackStack): Promise<void> {
        await unary(this.client, "configure", configureRequest(PROTO, config)).catch((e) => this.fail("Configure", e));
        await unary(this.client, "configureStack", stackConfigureRequest(PROTO, stack)).catch((e) => this.fail("ConfigureStack", e));
    }

    private violations(diagnostics: Diagnostic[], fallbackUrn: string | null): Violation[] {
        return toViolations(this.info!.name, diagnostics, fallbackUrn);
    }

    /** One batch through the pack host's IPC channel (see child/pack-host.ts). */
    private bulk<T>(kind: "analyze" | "remediate" | "analyzeStack", items: AnalyzeItem[]): Promise<T> {
        const id = this.nextId++;
        return new Promise<T>((resolve, reject) => {
            this.pending.set(id, { resolve, reject });
            this.child.send({ id, kind, items });
        });
    }

    private async analyzeBatch(items: AnalyzeItem[]): Promise<Diagnostic[][]> {
        if (this.hostReady) return this.bulk("analyze", items);
        return Promise.all(
            items.map(async (item) =>
                readDiagnostics(PROTO, await unary(this.client, "analyze", analyzeRequest(PROTO, item)).catch((e) => this.fail(`Analyze of ${item.urn}`, e))),
            ),
        );
    }

    private async remediateBatch(items: AnalyzeItem[]): Promise<{ props?: Record<string, unknown>; diagnostics: Diagnostic[] }[]> {
        if (this.hostReady) return this.bulk("remediate", items);
        return Promise.all(
            items.map(async (item) =>
                readRemediations(await unary(this.client, "remediate", analyzeRequest(PROTO, item)).catch((e) => this.fail(`Remediate of ${item.urn}`, e))),
            ),
        );
    }

    /**
     * Analyze for managed resources (their inputs, after Remediate when a policy is at level remediate).
     * Called per batch while the program still runs, so policy work overlaps the plan.
     */
    async analyzeResources(resources: PlannedResource[], withRemediation: boolean, providers: ProviderLookup): Promise<Violation[]> {
        const violations: Violation[] = [];
        await inBatches(resources, providers, async (batch, items) => {
            if (withRemediation) {
                const remediated = await this.remediateBatch(items).catch((e) => this.fail("Remediate", e));
                items = items.map((item, i) => (remediated[i].props ? { ...item, props: remediated[i].props! } : item));
                remediated.forEach((r, i) => violations.push(...this.violations(r.diagnostics, batch[i].urn)));
            }
            const results = await this.analyzeBatch(items).catch((e) => this.fail("Analyze", e));
            results.forEach((diagnostics, i) => violations.push(...this.violations(diagnostics, batch[i].urn)));
        });
        return violations;
    }

    /** AnalyzeStack over every managed resource, inputs overlaid with outputs, after the program finished. */
    async analyzeStack(resources: PlannedResource[], providers: ProviderLookup): Promise<Violation[]> {
        const stackItems = stackItemsOf(resources, providers);
        const stackDiagnostics: Diagnostic[] = this.hostReady
            ? await this.bulk<Diagnostic[]>("analyzeStack", stackItems).catch((e) => this.fail("AnalyzeStack", e))
            : readDiagnostics(PROTO, await unary(this.client, "analyzeStack", stackRequest(PROTO, stackItems)).catch((e) => this.fail("AnalyzeStack", e)));
        return this.violations(stackDiagnostics, null);
    }

    /** SDK versions that differ from the engine's pins (the fast paths installed anyway). */
    warnings(): string[] {
        return versionWarnings(this.fastPaths?.sdks ?? []);
    }

    /** Peak RSS of the pack process (Linux /proc), read before it is stopped; undefined elsewhere. */
    peakRssKb?: number;

    private stopped = false;

    stop(): void {
        if (this.stopped) return;
        this.stopped = true;
        try {
            const status = fs.readFileSync(`/proc/${this.child.pid}/status`, "utf8");
            this.peakRssKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) || undefined;
        } catch {
            // Not Linux, or already gone: no figure.
        }
        this.client?.close();
        if (this.child.exitCode === null) this.child.kill();
    }
}

/** A policy pack's failure in `what` (a call), as the engine reports it: the message and the pack's own first frame. */
export function packFailure(pack: string, dir: string, what: string, err: unknown): EngineError {
    if (err instanceof EngineError) return err;
    const detail: string = (err as any)?.details ?? (err as Error)?.message ?? String(err);
    // Policy errors carry the pack's stack: keep the message and the first frame in the pack itself.
    return new EngineError(`policy pack ${pack}: ${what} failed: ${ownFrameOnly(detail, dir)}`, 2, detail);
}

export function toViolations(pack: string, diagnostics: Diagnostic[], fallbackUrn: string | null): Violation[] {
    return diagnostics.map((d) => {
        const v: Violation = {
            pack: d.policyPackName || pack,
            policy: d.policyName,
            level: d.level as Violation["level"],
            message: d.message,
            urn: d.urn || fallbackUrn,
            description: d.description,
        };
        if (d.severity) v.severity = d.severity;
        return v;
    });
}

/**
 * Analyze work over managed resources in batches of BATCH, IN_FLIGHT batches at a time; `run` gets each batch
 * and its items (inputs as props) and records what it found in the batch's order.
 */
export async function inBatches(resources: PlannedResource[], providers: ProviderLookup, run: (batch: PlannedResource[], items: AnalyzeItem[]) => Promise<void>): Promise<void> {
    const managed = resources.filter((r) => !r.external);
    const batches: PlannedResource[][] = [];
    for (let i = 0; i < managed.length; i += BATCH) batches.push(managed.slice(i, i + BATCH));
    let next = 0;
    const worker = async () => {
        while (next < batches.length) {
            const batch = batches[next++];
            await run(batch, batch.map((r) => toItem(r, r.inputs, providers)));
        }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, batches.length) }, worker));
}

/** AnalyzeStack items: every managed resource, inputs overlaid with outputs, with parent and dependencies. */
export function stackItemsOf(resources: PlannedResource[], providers: ProviderLookup): AnalyzeItem[] {
    return resources
        .filter((r) => !r.external)
        .map((r) => ({ ...toItem(r, { ...r.inputs, ...r.outputs }, providers), parent: r.parent ?? "", dependencies: r.dependencies }));
}

/** Provider a resource is bound to: its explicit provider resource, else the package's default provider. */
export type ProviderLookup = (resource: PlannedResource) => { type: string; name: string; urn: string; props: Record<string, unknown> } | undefined;

function toItem(resource: PlannedResource, props: Record<string, unknown>, providers: ProviderLookup): AnalyzeItem {
    const item: AnalyzeItem = {
        type: resource.type,
        urn: resource.urn,
        name: resource.name,
        props,
        options: {
            protect: resource.protect,
            ignoreChanges: resource.ignoreChanges ?? [],
            additionalSecretOutputs: resource.additionalSecretOutputs ?? [],
            aliases: resource.aliases ?? [],
            parent: resource.parent ?? "",
        },
    };
    if (resource.deleteBeforeReplace !== undefined) item.options.deleteBeforeReplace = resource.deleteBeforeReplace;
    const provider = providers(resource);
    if (provider) item.provider = provider;
    return item;
}

/**
 * Maps resources to providers: explicit `provider` references (looked up in `known`, which the caller
 * fills as resources arrive), else a default provider per package, as the engine would create it: its inputs are
 * the stack's `<package>:*` config (e.g. `aws:defaultTags`, which the required-tags policy counts).
 */
export function providerLookup(
    known: Map<string, PlannedResource>,
    stack: string,
    project: string,
    region: string,
    config: Record<string, string> = {},
    /** Where the program resolves provider packages (its dir, then NODE_PATH). @default the engine's own location */
    resolveFrom: string[] = [],
): ProviderLookup {
    const versions: Record<string, string> = {};
    const configOf = (pkg: string): Record<string, string> =>
        Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith(`${pkg}:`)).map(([k, v]) => [k.slice(pkg.length + 1), v]));
    return (resource) => {
        if (!resource.custom || resource.type.startsWith("pulumi:providers:")) return undefined;
        if (resource.provider) {
            const urn = resource.provider.split("::").slice(0, -1).join("::");
            const p = known.get(urn);
            if (p) return { type: p.type, name: p.name, urn: p.urn, props: p.inputs };
        }
        const pkg = resource.type.split(":")[0];
        versions[pkg] ??= packageVersion(pkg, resolveFrom);
        const name = `default_${versions[pkg].replace(/\./g, "_")}`;
        return {
            type: `pulumi:providers:${pkg}`,
            name,
            urn: `urn:pulumi:${stack}::${project}::pulumi:providers:${pkg}::${name}`,
            props: { ...(pkg === "aws" ? { region } : {}), ...configOf(pkg), version: versions[pkg] },
        };
    };
}

function packageVersion(pkg: string, resolveFrom: string[]): string {
    try {
        const file = require.resolve(`@pulumi/${pkg}/package.json`, resolveFrom.length ? { paths: resolveFrom } : undefined);
        return String(require(file).version).replace(/^v/, "");
    } catch {
        return "0.0.0";
    }
}
