/**
 * What a pack process needs from its @pulumi/policy before it can take requests without gRPC: the SDK
 * found where the pack resolves it, every internal the plain requests call checked (fast-paths.ts), and
 * the generated messages. Shared by the one-pack host (pack-host.ts) and the pack group (pack-group.ts).
 */
import * as path from "path";
import { AnalyzeItem, Diagnostic, ProtoModules, readDiagnostics, readRemediations } from "../analyzer-proto";
import { checkDeferredCodePaths, checkDeferredTypeScript, checkPreload, FastPath, FastPathInstaller, FastPathReport, sdkAt } from "./fast-paths";
import { plainAnalyzeRequest, plainRequestStats, plainStackRequest } from "./plain-request";

export type Handler = (call: { request: unknown }, callback: (err: Error | null, resp?: any) => void) => void;

/** The pack's own per-resource handlers (`make*RpcFun` of its @pulumi/policy/server). */
export interface PackHandlers {
    analyze: Handler;
    analyzeStack: Handler;
    remediate: Handler;
}

/** The first message to the engine (../analyzer.ts): what installed; `error` means the pack must not be used. */
export interface PackHostHello {
    kind: "fast-paths";
    report: FastPathReport;
    error?: string;
}

export interface PackSdk {
    /** The @pulumi/policy directory the packs resolve. */
    policyDir: string;
    /** The generated messages and Struct, from that copy's @pulumi/pulumi and google-protobuf. */
    m: ProtoModules;
    fp: FastPathInstaller;
    plain: FastPath;
}

export function call(handler: Handler, request: unknown): Promise<any> {
    return new Promise((resolve, reject) => handler({ request }, (err, resp) => (err ? reject(err) : resolve(resp))));
}

export function hello(report: FastPathReport, error?: string): void {
    const msg: PackHostHello = { kind: "fast-paths", report };
    if (error) msg.error = error;
    process.send!(msg);
}

/** The server.js module of the @pulumi/policy at `policyDir` (whichever instance the module cache holds). */
export function serverModule(policyDir: string): Record<string, any> {
    return require(path.join(policyDir, "server.js"));
}

/**
 * Finds and checks the @pulumi/policy a pack in `from` resolves. Sends the hello itself and returns undefined
 * when the pack is not an @pulumi/policy pack (it stays on gRPC) or a fast path cannot install (an error).
 */
export function preparePackSdk(from: string): PackSdk | undefined {
    let policyDir: string;
    try {
        policyDir = path.dirname(require.resolve("@pulumi/policy/package.json", { paths: [from] }));
    } catch {
        // Not an @pulumi/policy pack: nothing to patch, the engine stays on gRPC.
        hello({ sdks: [], paths: { "plain-requests": { active: false, detail: "not an @pulumi/policy pack: Analyze over gRPC" } } });
        return undefined;
    }
    const policySdk = sdkAt("@pulumi/policy", policyDir);
    const policyRequire = (id: string) => require(require.resolve(id, { paths: [policyDir] }));
    let pulumiDir = policyDir;
    try {
        pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [policyDir] }));
    } catch {
        // Reported below: analyzer_pb is missing.
    }
    const pulumiSdk = sdkAt("@pulumi/pulumi", pulumiDir);
    const fp = new FastPathInstaller("pack", [policySdk, pulumiSdk]);
    checkPreload(fp, policySdk, from, ["@pulumi/policy", "@pulumi/policy/server"]);
    checkDeferredTypeScript(fp, pulumiSdk);
    checkDeferredCodePaths(fp, pulumiSdk);

    // Every internal the plain requests depend on: the pack's own handlers and the generated messages.
    const server = fp.need<Record<string, any>>("plain-requests", policySdk, "server.js", () => serverModule(policyDir), "object");
    const handlerMakers = ["serve", "makeAnalyzeRpcFun", "makeAnalyzeStackRpcFun", "makeRemediateRpcFun"];
    if (server) for (const name of handlerMakers) fp.need("plain-requests", policySdk, `server.${name}`, () => server[name]);
    const analyzerPb = fp.need<Record<string, any>>("plain-requests", pulumiSdk, "proto/analyzer_pb", () => policyRequire("@pulumi/pulumi/proto/analyzer_pb"), "object");
    const messages = ["AnalyzeRequest", "AnalyzeStackRequest", "AnalyzerResource", "AnalyzerResourceOptions", "AnalyzerProviderResource", "EnforcementLevel"];
    if (analyzerPb) for (const name of messages) fp.need("plain-requests", pulumiSdk, `proto/analyzer_pb.${name}`, () => analyzerPb[name], name === "EnforcementLevel" ? "object" : "function");
    const Struct = fp.need<any>("plain-requests", policySdk, "google-protobuf Struct (a dependency of @pulumi/policy)", () => policyRequire("google-protobuf/google/protobuf/struct_pb").Struct);
    const error = fp.error();
    if (error || !server || !analyzerPb || !Struct) {
        hello(fp.report(), error);
        return undefined;
    }
    const plain = fp.ok("plain-requests", "Analyze, Remediate and AnalyzeStack in batches over IPC, as plain request objects");
    return { policyDir, m: { analyzerPb, Struct }, fp, plain };
}

/** The handlers a policy pack's serve() would give its gRPC server, made from the same server module. */
export function makeHandlers(server: Record<string, any>, name: string, version: string, level: string, policies: unknown[]): PackHandlers {
    return {
        analyze: server.makeAnalyzeRpcFun(name, version, level, policies),
        analyzeStack: server.makeAnalyzeStackRpcFun(name, version, level, policies),
        remediate: server.makeRemediateRpcFun(name, version, level, policies),
    };
}

/** Analyze or Remediate of each request, in order, through one pack's handlers; `counter` counts them. */
export async function analyzeEach(m: ProtoModules, handlers: PackHandlers, kind: "analyze" | "remediate", requests: unknown[], counter: FastPath): Promise<unknown[]> {
    const out = [];
    for (const request of requests) {
        counter.hits!++;
        const resp = await call(handlers[kind], request);
        out.push(kind === "analyze" ? readDiagnostics(m, resp) : readRemediations(resp));
    }
    return out;
}

/** AnalyzeStack through one pack's handlers. */
export async function analyzeStack(m: ProtoModules, handlers: PackHandlers, request: unknown, counter: FastPath): Promise<Diagnostic[]> {
    counter.hits!++;
    return readDiagnostics(m, await call(handlers.analyzeStack, request));
}

/** Plain requests (plain-request.ts): one per item for Analyze and Remediate, one for AnalyzeStack. */
export const plainRequests = (m: ProtoModules, items: AnalyzeItem[]) => items.map((item) => plainAnalyzeRequest(m, item));
export const plainStack = (m: ProtoModules, items: AnalyzeItem[]) => plainStackRequest(m, items);

export { plainRequestStats };

// Profiling flags write their files on a normal exit only; the engine stops packs with SIGTERM.
export function exitOnSigtermWhenProfiling(): void {
    if (process.execArgv.some((f) => /^--(cpu|heap)-prof/.test(f))) process.on("SIGTERM", () => process.exit(0));
}
