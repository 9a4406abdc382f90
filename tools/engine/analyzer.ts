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
import { EngineError } from "./errors";
import { FastPathReport, versionWarnings } from "./child/fast-paths";
import type { PackHostHello } from "./child/pack-host";
import { analyzeRequest, AnalyzeItem, Diagnostic, readDiagnostics, readRemediations, SEVERITY, stackRequest } from "./analyzer-proto";
import type { PolicyConfig, PolicyMeta } from "./policy-config";
import type { EnforcementLevel, PlannedResource, Violation } from "./types";

// One copy of grpc-js and the generated stubs: the ones @pulumi/pulumi ships with.
const grpc = require("@grpc/grpc-js");
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");

const LEVEL_TO_PB: Record<EnforcementLevel, number> = {
    advisory: analyzerPb.EnforcementLevel.ADVISORY,
    mandatory: analyzerPb.EnforcementLevel.MANDATORY,
    disabled: analyzerPb.EnforcementLevel.DISABLED,
    remediate: analyzerPb.EnforcementLevel.REMEDIATE,
};
const PB_TO_LEVEL = Object.fromEntries(Object.entries(LEVEL_TO_PB).map(([k, v]) => [v, k])) as Record<number, EnforcementLevel>;
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

export interface PackInfo {
    name: string;
    version: string;
    policies: PolicyMeta[];
    initialConfig: Record<string, PolicyConfig>;
}

/** A pack directory holds PulumiPolicy.yaml; its program is package.json's main or index.ts/index.js. */
function packEntry(dir: string): string {
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

function toStruct(value: Record<string, unknown>): unknown {
    // Struct.fromJavaScript rejects undefined; JSON round-trip is the cheapest exact clean-up.
    return Struct.fromJavaScript(JSON.parse(JSON.stringify(value)));
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
                const text = (pack.stderr.trim() || out.trim()).split("\n");
                // Node's crash report: keep the message and the pack's own frame, not the loader's.
                const own = text.find((l) => /^\s+at /.test(l) && l.includes(dir) && !l.includes("node_modules"));
                const kept = text.filter((l) => !/^\s+at /.test(l) && !/^Node\.js v/.test(l)).concat(own ? [own] : []);
                reject(new EngineError(`policy pack ${dir} failed to start (exit ${code}):\n${kept.join("\n").trim()}`, 2, pack.stderr));
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
        if (err instanceof EngineError) throw err;
        const detail: string = (err as any)?.details ?? (err as Error)?.message ?? String(err);
        // Policy errors carry the pack's stack: keep the message and the first frame in the pack itself.
        const lines = detail.split("\n");
        const frames = lines.filter((l) => /^\s+at /.test(l));
        const own = frames.find((l) => l.includes(this.dir) && !l.includes("node_modules"));
        const message = [...lines.filter((l) => !/^\s+at /.test(l)), ...(own ? [own] : [])].join("\n").trim();
        throw new EngineError(`policy pack ${this.info?.name ?? this.dir}: ${what} failed: ${message}`, 2, detail);
    }

    async getInfo(): Promise<PackInfo> {
        const resp: any = await unary(this.client, "getAnalyzerInfo", new Empty()).catch((e) => this.fail("GetAnalyzerInfo", e));
        const policies: PolicyMeta[] = resp.getPoliciesList().map((p: any) => {
            const schema = p.getConfigschema();
            const meta: PolicyMeta = {
                name: p.getName(),
                description: p.getDescription(),
                enforcementLevel: PB_TO_LEVEL[p.getEnforcementlevel()],
                type: p.getPolicyType() === 1 ? "resource" : p.getPolicyType() === 2 ? "stack" : "unknown",
            };
            if (schema) {
                meta.configSchema = {
                    properties: schema.getProperties()?.toJavaScript() ?? {},
                    required: schema.getRequiredList(),
                };
            }
            if (p.getSeverity()) meta.severity = SEVERITY[p.getSeverity()];
            if (p.getRemediationSteps()) meta.remediationSteps = p.getRemediationSteps();
            if (p.getUrl()) meta.url = p.getUrl();
            return meta;
        });
        const initialConfig: Record<string, PolicyConfig> = {};
        resp.getInitialconfigMap().forEach((c: any, key: string) => {
            initialConfig[key] = {
                enforcementLevel: PB_TO_LEVEL[c.getEnforcementlevel()],
                properties: c.getProperties()?.toJavaScript(),
            };
        });
        this.info = { name: resp.getName(), version: resp.getVersion(), policies, initialConfig };
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

    async configure(config: Map<string, PolicyConfig>, stack: { stack: string; project: string; organization: string }): Promise<void> {
        const req = new analyzerPb.ConfigureAnalyzerRequest();
        const map = req.getPolicyconfigMap();
        for (const [name, c] of config) {
            const pc = new analyzerPb.PolicyConfig();
            pc.setEnforcementlevel(LEVEL_TO_PB[c.enforcementLevel ?? "advisory"]);
            pc.setProperties(toStruct(c.properties ?? {}));
            map.set(name, pc);
        }
        await unary(this.client, "configure", req).catch((e) => this.fail("Configure", e));
        const stackReq = new analyzerPb.AnalyzerStackConfigureRequest();
        stackReq.setStack(stack.stack);
        stackReq.setProject(stack.project);
        stackReq.setOrganization(stack.organization);
        stackReq.setDryRun(true);
        await unary(this.client, "configureStack", stackReq).catch((e) => this.fail("ConfigureStack", e));
    }

    private violations(diagnostics: Diagnostic[], fallbackUrn: string | null): Violation[] {
        return diagnostics.map((d) => {
            const v: Violation = {
                pack: d.policyPackName || this.info!.name,
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
        const managed = resources.filter((r) => !r.external);
        const batches: PlannedResource[][] = [];
        for (let i = 0; i < managed.length; i += BATCH) batches.push(managed.slice(i, i + BATCH));
        let next = 0;
        const worker = async () => {
            while (next < batches.length) {
                const batch = batches[next++];
                let items = batch.map((r) => toItem(r, r.inputs, providers));
                if (withRemediation) {
                    const remediated = await this.remediateBatch(items).catch((e) => this.fail("Remediate", e));
                    items = items.map((item, i) => (remediated[i].props ? { ...item, props: remediated[i].props! } : item));
                    remediated.forEach((r, i) => violations.push(...this.violations(r.diagnostics, batch[i].urn)));
                }
                const results = await this.analyzeBatch(items).catch((e) => this.fail("Analyze", e));
                results.forEach((diagnostics, i) => violations.push(...this.violations(diagnostics, batch[i].urn)));
            }
        };
        await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, batches.length) }, worker));
        return violations;
    }

    /** AnalyzeStack over every managed resource, inputs overlaid with outputs, after the program finished. */
    async analyzeStack(resources: PlannedResource[], providers: ProviderLookup): Promise<Violation[]> {
        const stackItems = resources
            .filter((r) => !r.external)
            .map((r) => ({ ...toItem(r, { ...r.inputs, ...r.outputs }, providers), parent: r.parent ?? "", dependencies: r.dependencies }));
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
