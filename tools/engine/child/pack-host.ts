/**
 * Preloaded into a policy pack process (`node --require tsx/cjs --require pack-host.ts <pack entry>`).
 *
 * The pack still serves the analyzer gRPC service exactly as under the Pulumi CLI; the engine uses it
 * for GetAnalyzerInfo, Configure and ConfigureStack. For the per-resource calls, which are thousands,
 * this host also takes batches over the IPC channel and hands each request to the pack's own gRPC
 * handlers (`makeAnalyzeRpcFun` & co. from @pulumi/policy/server), so verdicts come from the same code
 * and the same configuration, without a gRPC round trip per resource. (Several packs on one
 * @pulumi/policy share one process instead: pack-group.ts.)
 */
import type { AnalyzeItem } from "../analyzer-proto";
import { analyzeEach, analyzeStack, exitOnSigtermWhenProfiling, hello, makeHandlers, PackHandlers, plainRequests, plainRequestStats, plainStack, preparePackSdk, serverModule } from "./pack-sdk";

export type { PackHostHello } from "./pack-sdk";

function install(): void {
    if (!process.send) return;
    const sdk = preparePackSdk(process.cwd());
    if (!sdk) return;
    const server = serverModule(sdk.policyDir);
    const serve = server.serve;
    let handlers: PackHandlers | undefined;
    server.serve = (name: string, version: string, level: string, args: { policies?: unknown[] }, initial: unknown) => {
        handlers = makeHandlers(server, name, version, level, args.policies ?? []);
        process.send!({ kind: "ready" });
        return serve(name, version, level, args, initial);
    };
    process.on("message", async (msg: { id: number; kind: "analyze" | "remediate" | "analyzeStack"; items: AnalyzeItem[] }) => {
        try {
            if (!handlers) throw new Error("policy pack is not serving yet");
            const results =
                msg.kind === "analyzeStack"
                    ? await analyzeStack(sdk.m, handlers, plainStack(sdk.m, msg.items), sdk.plain)
                    : await analyzeEach(sdk.m, handlers, msg.kind, plainRequests(sdk.m, msg.items), sdk.plain);
            process.send!({ id: msg.id, results, stats: { hits: sdk.plain.hits, fallbacks: plainRequestStats.fallbacks } });
        } catch (err) {
            process.send!({ id: msg.id, error: (err as Error)?.message ?? String(err) });
        }
    });
    // The IPC channel must not keep a pack alive on its own; the gRPC server does that.
    (process as any).channel?.unref?.();
    hello(sdk.fp.report());
}

exitOnSigtermWhenProfiling();
install();
