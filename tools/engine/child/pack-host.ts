/**
 * Preloaded into a policy pack process (`node --require tsx/cjs --require pack-host.ts <pack entry>`).
 *
 * The pack still serves the analyzer gRPC service exactly as under the Pulumi CLI; the engine uses it
 * for GetAnalyzerInfo, Configure and ConfigureStack. For the per-resource calls, which are thousands,
 * this host also takes batches over the IPC channel and hands each request to the pack's own gRPC
 * handlers (`makeAnalyzeRpcFun` & co. from @pulumi/policy/server), so verdicts come from the same code
 * and the same configuration, without a gRPC round trip per resource.
 */
import * as path from "path";
import { AnalyzeItem, readDiagnostics, readRemediations } from "../analyzer-proto";
import { checkDeferredCodePaths, checkDeferredTypeScript, checkPreload, FastPathInstaller, FastPathReport, sdkAt } from "./fast-paths";
import { plainAnalyzeRequest, plainRequestStats, plainStackRequest } from "./plain-request";

type Handler = (call: { request: unknown }, callback: (err: Error | null, resp?: any) => void) => void;

/** The first message to the engine (../analyzer.ts): what installed; `error` means the pack must not be used. */
export interface PackHostHello {
    kind: "fast-paths";
    report: FastPathReport;
    error?: string;
}

function call(handler: Handler, request: unknown): Promise<any> {
    return new Promise((resolve, reject) => handler({ request }, (err, resp) => (err ? reject(err) : resolve(resp))));
}

function hello(report: FastPathReport, error?: string): void {
    const msg: PackHostHello = { kind: "fast-paths", report };
    if (error) msg.error = error;
    process.send!(msg);
}

function install(): void {
    if (!process.send) return;
    let policyDir: string;
    try {
        policyDir = path.dirname(require.resolve("@pulumi/policy/package.json", { paths: [process.cwd()] }));
    } catch {
        // Not an @pulumi/policy pack: nothing to patch, the engine stays on gRPC.
        return hello({ sdks: [], paths: { "plain-requests": { active: false, detail: "not an @pulumi/policy pack: Analyze over gRPC" } } });
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
    checkPreload(fp, policySdk, process.cwd(), ["@pulumi/policy", "@pulumi/policy/server"]);
    checkDeferredTypeScript(fp, pulumiSdk);
    checkDeferredCodePaths(fp, pulumiSdk);

    // Every internal the plain requests depend on: the pack's own handlers and the generated messages.
    const server = fp.need<Record<string, any>>("plain-requests", policySdk, "server.js", () => require(path.join(policyDir, "server.js")), "object");
    const handlerMakers = ["serve", "makeAnalyzeRpcFun", "makeAnalyzeStackRpcFun", "makeRemediateRpcFun"];
    if (server) for (const name of handlerMakers) fp.need("plain-requests", policySdk, `server.${name}`, () => server[name]);
    const analyzerPb = fp.need<Record<string, any>>("plain-requests", pulumiSdk, "proto/analyzer_pb", () => policyRequire("@pulumi/pulumi/proto/analyzer_pb"), "object");
    const messages = ["AnalyzeRequest", "AnalyzeStackRequest", "AnalyzerResource", "AnalyzerResourceOptions", "AnalyzerProviderResource", "EnforcementLevel"];
    if (analyzerPb) for (const name of messages) fp.need("plain-requests", pulumiSdk, `proto/analyzer_pb.${name}`, () => analyzerPb[name], name === "EnforcementLevel" ? "object" : "function");
    const Struct = fp.need<any>("plain-requests", policySdk, "google-protobuf Struct (a dependency of @pulumi/policy)", () => policyRequire("google-protobuf/google/protobuf/struct_pb").Struct);
    const error = fp.error();
    if (error || !server || !analyzerPb || !Struct) return hello(fp.report(), error);

    const m = { analyzerPb, Struct };
    const serve = server.serve;
    const plain = fp.ok("plain-requests", "Analyze, Remediate and AnalyzeStack in batches over IPC, as plain request objects");
    let handlers: { analyze: Handler; analyzeStack: Handler; remediate: Handler } | undefined;
    server.serve = (name: string, version: string, level: string, args: { policies?: unknown[] }, initial: unknown) => {
        const policies = args.policies ?? [];
        handlers = {
            analyze: server.makeAnalyzeRpcFun(name, version, level, policies),
            analyzeStack: server.makeAnalyzeStackRpcFun(name, version, level, policies),
            remediate: server.makeRemediateRpcFun(name, version, level, policies),
        };
        process.send!({ kind: "ready" });
        return serve(name, version, level, args, initial);
    };
    process.on("message", async (msg: { id: number; kind: "analyze" | "remediate" | "analyzeStack"; items: AnalyzeItem[] }) => {
        try {
            if (!handlers) throw new Error("policy pack is not serving yet");
            let results: unknown;
            if (msg.kind === "analyzeStack") {
                plain.hits!++;
                results = readDiagnostics(m, await call(handlers.analyzeStack, plainStackRequest(m, msg.items)));
            } else {
                const out = [];
                for (const item of msg.items) {
                    plain.hits!++;
                    const resp = await call(handlers[msg.kind], plainAnalyzeRequest(m, item));
                    out.push(msg.kind === "analyze" ? readDiagnostics(m, resp) : readRemediations(resp));
                }
                results = out;
            }
            process.send!({ id: msg.id, results, stats: { hits: plain.hits, fallbacks: plainRequestStats.fallbacks } });
        } catch (err) {
            process.send!({ id: msg.id, error: (err as Error)?.message ?? String(err) });
        }
    });
    // The IPC channel must not keep a pack alive on its own; the gRPC server does that.
    (process as any).channel?.unref?.();
    hello(fp.report());
}

// Profiling flags write their files on a normal exit only; the engine stops packs with SIGTERM.
if (process.execArgv.some((f) => /^--(cpu|heap)-prof/.test(f))) process.on("SIGTERM", () => process.exit(0));

install();
