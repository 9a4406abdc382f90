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
import { plainAnalyzeRequest, plainStackRequest } from "./plain-request";

type Handler = (call: { request: unknown }, callback: (err: Error | null, resp?: any) => void) => void;

function call(handler: Handler, request: unknown): Promise<any> {
    return new Promise((resolve, reject) => handler({ request }, (err, resp) => (err ? reject(err) : resolve(resp))));
}

function install(): void {
    if (!process.send) return;
    let policyDir: string;
    try {
        policyDir = path.dirname(require.resolve("@pulumi/policy/package.json", { paths: [process.cwd()] }));
    } catch {
        return; // Not an @pulumi/policy pack: the engine stays on gRPC.
    }
    const server = require(path.join(policyDir, "server.js"));
    const policyRequire = (id: string) => require(require.resolve(id, { paths: [policyDir] }));
    const m = {
        analyzerPb: policyRequire("@pulumi/pulumi/proto/analyzer_pb"),
        Struct: policyRequire("google-protobuf/google/protobuf/struct_pb").Struct,
    };
    if (typeof server.serve !== "function" || typeof server.makeAnalyzeRpcFun !== "function") return;
    const serve = server.serve;
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
                results = readDiagnostics(m, await call(handlers.analyzeStack, plainStackRequest(m, msg.items)));
            } else {
                const out = [];
                for (const item of msg.items) {
                    const resp = await call(handlers[msg.kind], plainAnalyzeRequest(m, item));
                    out.push(msg.kind === "analyze" ? readDiagnostics(m, resp) : readRemediations(resp));
                }
                results = out;
            }
            process.send!({ id: msg.id, results });
        } catch (err) {
            process.send!({ id: msg.id, error: (err as Error)?.message ?? String(err) });
        }
    });
    // The IPC channel must not keep a pack alive on its own; the gRPC server does that.
    (process as any).channel?.unref?.();
}

// Profiling flags write their files on a normal exit only; the engine stops packs with SIGTERM.
if (process.execArgv.some((f) => /^--(cpu|heap)-prof/.test(f))) process.on("SIGTERM", () => process.exit(0));

install();
