/**
 * Several policy packs in one process (`node --require preload.cjs --require tsx/cjs pack-group.ts <packs-json>`),
 * for packs that resolve the same @pulumi/policy: the SDKs load once, and each batch of resources arrives and
 * is turned into plain requests once for all of them, instead of once per pack process.
 *
 * @pulumi/policy allows one pack per process (module-level config, "Already serving"), so each pack gets
 * its own instance of @pulumi/policy and of its own code (every module outside node_modules, e.g. a shared
 * policy library), loaded from its own directory as the working directory; only packages from node_modules
 * (@pulumi/pulumi, protobuf, grpc) are shared. Its `new PolicyPack(...)` runs the real serve(), which
 * validates the pack and builds the analyzer service; the gRPC server it would bind is replaced by one that
 * only records that service, so GetAnalyzerInfo, Configure and ConfigureStack are the pack's own handlers,
 * called with the real protobuf messages, and Analyze, Remediate and AnalyzeStack get the plain requests
 * the one-pack host (pack-host.ts) hands its pack.
 */
import * as path from "path";
import { AnalyzeItem, configureRequest, Diagnostic, PackStack, readAnalyzerInfo, stackConfigureRequest } from "../analyzer-proto";
import { ownFrameOnly } from "../errors";
import type { PolicyConfig } from "../policy-config";
import type { FastPath } from "./fast-paths";
import { plainAnalyzeRequest } from "./plain-request";
import { analyzeEach, analyzeStack, call, exitOnSigtermWhenProfiling, Handler, hello, makeHandlers, PackHandlers, PackSdk, plainRequests, plainRequestStats, plainStack, preparePackSdk, serverModule } from "./pack-sdk";

/** One pack of the group: its directory and program. */
export interface GroupMember {
    dir: string;
    entry: string;
}

/** Messages from the group to the engine, besides the hello (pack-sdk.ts) and replies. */
export type GroupEvent =
    | { kind: "loading"; pack: number }
    | { kind: "pack"; pack: number; info: ReturnType<typeof readAnalyzerInfo> }
    | { kind: "pack"; pack: number; error: string };

/** Requests from the engine; every reply is `{ id, results }` or `{ id, error, pack, what }`. */
export type GroupRequest =
    | { id: number; kind: "configure"; pack: number; config: [string, PolicyConfig][]; stack: PackStack }
    | { id: number; kind: "analyze"; items: AnalyzeItem[]; packs: { pack: number; remediate: boolean }[] }
    | { id: number; kind: "analyzeStack"; items: AnalyzeItem[]; packs: number[] };

/** Per pack of an analyze request: remediations (when at level remediate) and the diagnostics of each item. */
export interface GroupAnalyzeResult {
    pack: number;
    remediations?: { props?: Record<string, unknown>; diagnostics: Diagnostic[] }[];
    diagnostics: Diagnostic[][];
}

interface Loaded {
    dir: string;
    handlers: PackHandlers;
    service: Record<string, Handler>;
    counter: FastPath;
}

const ENGINE_DIR = path.dirname(__dirname) + path.sep;

/** Drops the modules a pack must not share with the one loaded before it (see the file comment). */
function isolate(policyDir: string): void {
    const policy = policyDir + path.sep;
    for (const file of Object.keys(require.cache)) {
        const shared = file.includes(`${path.sep}node_modules${path.sep}`) && !file.startsWith(policy);
        if (!shared && !file.startsWith(ENGINE_DIR)) delete require.cache[file];
    }
}

/** Runs the pack's serve() with a gRPC server that records the analyzer service instead of listening. */
function recordService(grpc: Record<string, any>, run: () => void): Record<string, Handler> | undefined {
    let service: Record<string, Handler> | undefined;
    class RecordingServer {
        addService(_definition: unknown, implementation: Record<string, Handler>) {
            service = implementation;
        }
        bindAsync() {
            // Nothing listens: the engine calls the recorded handlers over IPC.
        }
    }
    const real = Object.getOwnPropertyDescriptor(grpc, "Server")!;
    Object.defineProperty(grpc, "Server", { value: RecordingServer, configurable: true, enumerable: true });
    try {
        run();
    } finally {
        Object.defineProperty(grpc, "Server", real);
    }
    return service;
}

async function load(sdk: PackSdk, member: GroupMember, index: number): Promise<Loaded | string> {
    if (index > 0) isolate(sdk.policyDir);
    process.chdir(member.dir);
    const server = serverModule(sdk.policyDir);
    const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdk.policyDir] }));
    const serve = server.serve;
    let handlers: PackHandlers | undefined;
    let service: Record<string, Handler> | undefined;
    server.serve = (name: string, version: string, level: string, args: { policies?: unknown[] }, initial: unknown) => {
        handlers = makeHandlers(server, name, version, level, args.policies ?? []);
        service = recordService(grpc, () => serve(name, version, level, args, initial));
    };
    require(member.entry);
    if (!handlers || !service) return "the pack's PolicyPack never called the serve() of the @pulumi/policy it resolves (the pack loads another copy of @pulumi/policy)";
    return { dir: member.dir, handlers, service, counter: { active: true, detail: sdk.plain.detail, hits: 0 } };
}

/** The pack's error as a one-pack process would print it on stderr: the message and the pack's own frame. */
function loadError(err: unknown, dir: string): string {
    return ownFrameOnly(err instanceof Error ? err.stack ?? err.message : String(err), dir);
}

async function main(): Promise<void> {
    if (!process.send) throw new Error("pack-group.ts runs under the engine (an IPC channel)");
    const members: GroupMember[] = JSON.parse(process.argv[2]!);
    const sdk = preparePackSdk(members[0]!.dir);
    if (!sdk) return;
    const { Empty } = require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [sdk.policyDir] }));
    hello(sdk.fp.report());
    const packs: (Loaded | undefined)[] = [];
    for (const [i, member] of members.entries()) {
        process.send({ kind: "loading", pack: i } satisfies GroupEvent);
        let loaded: Loaded | string;
        try {
            loaded = await load(sdk, member, i);
        } catch (err) {
            loaded = loadError(err, member.dir);
        }
        if (typeof loaded === "string") {
            packs.push(undefined);
            process.send({ kind: "pack", pack: i, error: loaded } satisfies GroupEvent);
            continue;
        }
        packs.push(loaded);
        try {
            const info = readAnalyzerInfo(sdk.m, await call(loaded.service.getAnalyzerInfo!, new Empty()));
            process.send({ kind: "pack", pack: i, info } satisfies GroupEvent);
        } catch (err) {
            process.send({ kind: "pack", pack: i, error: `GetAnalyzerInfo failed: ${(err as any)?.details ?? (err as Error)?.message ?? String(err)}` } satisfies GroupEvent);
        }
    }
    const pack = (i: number): Loaded => {
        const p = packs[i];
        if (!p) throw new Error(`pack ${i} did not load`);
        // A pack runs in its own directory, as in a process of its own.
        if (process.cwd() !== p.dir) process.chdir(p.dir);
        return p;
    };
    const stats = () => ({ hits: Object.fromEntries(packs.map((p, i) => [i, p?.counter.hits ?? 0])), fallbacks: plainRequestStats.fallbacks });
    process.on("message", async (msg: GroupRequest) => {
        let current = -1;
        let what = "";
        try {
            let results: unknown;
            if (msg.kind === "configure") {
                current = msg.pack;
                const p = pack(msg.pack);
                what = "Configure";
                await call(p.service.configure!, configureRequest(sdk.m, msg.config));
                what = "ConfigureStack";
                await call(p.service.configureStack!, stackConfigureRequest(sdk.m, msg.stack));
            } else if (msg.kind === "analyze") {
                const base = plainRequests(sdk.m, msg.items);
                const out: GroupAnalyzeResult[] = [];
                for (const { pack: i, remediate } of msg.packs) {
                    current = i;
                    const p = pack(i);
                    const result: GroupAnalyzeResult = { pack: i, diagnostics: [] };
                    let requests = base;
                    if (remediate) {
                        what = "Remediate";
                        result.remediations = (await analyzeEach(sdk.m, p.handlers, "remediate", base, p.counter)) as GroupAnalyzeResult["remediations"];
                        requests = result.remediations!.map((r, k) => (r.props ? plainAnalyzeRequest(sdk.m, { ...msg.items[k]!, props: r.props }) : base[k]));
                    }
                    what = "Analyze";
                    result.diagnostics = (await analyzeEach(sdk.m, p.handlers, "analyze", requests, p.counter)) as Diagnostic[][];
                    out.push(result);
                }
                results = out;
            } else {
                what = "AnalyzeStack";
                const request = plainStack(sdk.m, msg.items);
                const out: Diagnostic[][] = [];
                for (const i of msg.packs) {
                    current = i;
                    out.push(await analyzeStack(sdk.m, pack(i).handlers, request, pack(i).counter));
                }
                results = out;
            }
            process.send!({ id: msg.id, results, stats: stats() });
        } catch (err) {
            process.send!({ id: msg.id, pack: current, what, error: (err as Error)?.message ?? String(err) });
        }
    });
}

exitOnSigtermWhenProfiling();
main().catch((err) => {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
});
