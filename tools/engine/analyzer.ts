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
const SEVERITY = ["", "low", "medium", "high", "critical"];
const MAX_MESSAGE = 400 * 1024 * 1024;
/** Analyze calls in flight per pack: enough to keep the pack's event loop busy, few enough to bound memory. */
const CONCURRENCY = 64;
const STARTUP_TIMEOUT_MS = 60_000;

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

    private constructor(
        readonly dir: string,
        private readonly child: ChildProcess,
    ) {}

    /** Spawns the pack and waits for the port it prints. */
    static async start(dir: string, env: NodeJS.ProcessEnv, tsxHook: string): Promise<PolicyPackProcess> {
        const entry = packEntry(dir);
        const child = spawn(process.execPath, ["--require", tsxHook, entry], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
        const pack = new PolicyPackProcess(dir, child);
        child.stderr!.on("data", (chunk) => (pack.stderr += chunk));
        const port = await new Promise<number>((resolve, reject) => {
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
                reject(new EngineError(`policy pack ${dir} failed to start (exit ${code}):\n${pack.stderr.trim() || out.trim()}`));
            });
        });
        pack.client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": MAX_MESSAGE,
            "grpc.max_send_message_length": MAX_MESSAGE,
        });
        return pack;
    }

    private fail(what: string, err: unknown): never {
        const detail = (err as any)?.details ?? (err as Error)?.message ?? String(err);
        throw new EngineError(`policy pack ${this.info?.name ?? this.dir}: ${what} failed: ${detail}`);
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
        return this.info;
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

    private diagnostics(resp: any, fallbackUrn: string | null): Violation[] {
        return resp.getDiagnosticsList().map((d: any) => {
            const v: Violation = {
                pack: d.getPolicypackname() || this.info!.name,
                policy: d.getPolicyname(),
                level: PB_TO_LEVEL[d.getEnforcementlevel()] as Violation["level"],
                message: d.getMessage(),
                urn: d.getUrn() || fallbackUrn,
                description: d.getDescription(),
            };
            if (d.getSeverity()) v.severity = SEVERITY[d.getSeverity()];
            return v;
        });
    }

    /** Analyze for every resource (bounded concurrency), then AnalyzeStack over all of them. */
    async analyze(resources: PlannedResource[], withRemediation: boolean, providers: ProviderLookup): Promise<Violation[]> {
        const violations: Violation[] = [];
        const managed = resources.filter((r) => !r.external);
        let next = 0;
        const worker = async () => {
            while (next < managed.length) {
                const resource = managed[next++];
                let props = resource.inputs;
                if (withRemediation) {
                    const remediated = await this.remediate(resource, props, providers);
                    props = remediated.props;
                    violations.push(...remediated.violations);
                }
                const req = new analyzerPb.AnalyzeRequest();
                fillResource(req, resource, props, providers);
                const resp = await unary(this.client, "analyze", req).catch((e) => this.fail(`Analyze of ${resource.urn}`, e));
                violations.push(...this.diagnostics(resp, resource.urn));
            }
        };
        await Promise.all(Array.from({ length: Math.min(CONCURRENCY, managed.length) }, worker));

        const stackReq = new analyzerPb.AnalyzeStackRequest();
        stackReq.setResourcesList(
            managed.map((resource) => {
                const r = new analyzerPb.AnalyzerResource();
                fillResource(r, resource, { ...resource.inputs, ...resource.outputs }, providers);
                r.setParent(resource.parent ?? "");
                r.setDependenciesList(resource.dependencies);
                return r;
            }),
        );
        const resp = await unary(this.client, "analyzeStack", stackReq).catch((e) => this.fail("AnalyzeStack", e));
        violations.push(...this.diagnostics(resp, null));
        return violations;
    }

    /** Remediate RPC: policies at level remediate rewrite the inputs; each change is reported at level remediate. */
    private async remediate(
        resource: PlannedResource,
        props: Record<string, unknown>,
        providers: ProviderLookup,
    ): Promise<{ props: Record<string, unknown>; violations: Violation[] }> {
        const req = new analyzerPb.AnalyzeRequest();
        fillResource(req, resource, props, providers);
        const resp: any = await unary(this.client, "remediate", req).catch((e) => this.fail(`Remediate of ${resource.urn}`, e));
        const violations: Violation[] = [];
        let current = props;
        for (const r of resp.getRemediationsList()) {
            if (r.getProperties()) current = r.getProperties().toJavaScript();
            violations.push({
                pack: r.getPolicypackname() || this.info!.name,
                policy: r.getPolicyname(),
                level: "remediate",
                message: r.getDiagnostic() || `${r.getDescription()} (remediated automatically)`,
                urn: resource.urn,
                description: r.getDescription(),
            });
        }
        return { props: current, violations };
    }

    stop(): void {
        this.client?.close();
        if (this.child.exitCode === null) this.child.kill();
    }
}

/** Provider a resource is bound to: its explicit provider resource, else the package's default provider. */
export type ProviderLookup = (resource: PlannedResource) => { type: string; name: string; urn: string; props: Record<string, unknown> } | undefined;

function fillResource(req: any, resource: PlannedResource, props: Record<string, unknown>, providers: ProviderLookup): void {
    req.setType(resource.type);
    req.setProperties(toStruct(props));
    req.setUrn(resource.urn);
    req.setName(resource.name);
    const opts = new analyzerPb.AnalyzerResourceOptions();
    opts.setProtect(resource.protect);
    opts.setIgnorechangesList(resource.ignoreChanges ?? []);
    opts.setDeletebeforereplace(resource.deleteBeforeReplace ?? false);
    opts.setDeletebeforereplacedefined(resource.deleteBeforeReplace !== undefined);
    opts.setAdditionalsecretoutputsList(resource.additionalSecretOutputs ?? []);
    opts.setAliasesList(resource.aliases ?? []);
    opts.setParent(resource.parent ?? "");
    req.setOptions(opts);
    const provider = providers(resource);
    if (provider) {
        const p = new analyzerPb.AnalyzerProviderResource();
        p.setType(provider.type);
        p.setName(provider.name);
        p.setUrn(provider.urn);
        p.setProperties(toStruct(provider.props));
        req.setProvider(p);
    }
}

/** Maps resources to providers: explicit `provider` references, else a default provider per package. */
export function providerLookup(resources: PlannedResource[], stack: string, project: string, region: string): ProviderLookup {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const versions: Record<string, string> = {};
    return (resource) => {
        if (!resource.custom || resource.type.startsWith("pulumi:providers:")) return undefined;
        if (resource.provider) {
            const urn = resource.provider.split("::").slice(0, -1).join("::");
            const p = byUrn.get(urn);
            if (p) return { type: p.type, name: p.name, urn: p.urn, props: p.inputs };
        }
        const pkg = resource.type.split(":")[0];
        versions[pkg] ??= packageVersion(pkg);
        const name = `default_${versions[pkg].replace(/\./g, "_")}`;
        return {
            type: `pulumi:providers:${pkg}`,
            name,
            urn: `urn:pulumi:${stack}::${project}::pulumi:providers:${pkg}::${name}`,
            props: pkg === "aws" ? { region, version: versions[pkg] } : { version: versions[pkg] },
        };
    };
}

function packageVersion(pkg: string): string {
    try {
        return String(require(`@pulumi/${pkg}/package.json`).version).replace(/^v/, "");
    } catch {
        return "0.0.0";
    }
}
