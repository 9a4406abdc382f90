/**
 * Child-process entry of `plan`: runs one Pulumi program under an in-process resource monitor and
 * writes what it registered to a result file. Started by ../plan.ts as
 * `node --require tsx/cjs runner.ts <options-json>`, with PULUMI_CONFIG and NODE_PATH already set.
 *
 * Why a child: the Pulumi runtime keeps global state (one stack per process), programs may call
 * process.exit, and the parent needs a clean RSS figure per run.
 */
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import { pathToFileURL } from "url";
import { checkDeferredCodePaths, checkDeferredTypeScript, checkLazyAliases, checkOutputWalk, checkPreload, FastPath, FastPathInstaller, lazyAliasCounts, loadedCopies, sdkAt } from "./fast-paths";
import { FastMonitor } from "./monitor";
import { PendingWork } from "./pending";
import { installProgramTranspiler, TranspileReport } from "./transpile";
import type { PlannedResource } from "../types";
import type { RunnerOptions, RunnerResult, StreamMessage } from "./protocol";

const options: RunnerOptions = JSON.parse(process.argv[2]);
const ENGINE_DIR = path.dirname(__dirname) + path.sep;
// The engine's own test fixtures live inside it; their frames are program frames.
const ENGINE_TESTS = path.join(ENGINE_DIR, "test") + path.sep;
const started = Date.now();
// The runtime preallocates an Error per resource: bounded stacks keep that cheap and still locate errors.
Error.stackTraceLimit = options.verbose ? 50 : 12;

// Resolve the Pulumi SDK the way the program will (its own node_modules first, then NODE_PATH).
const programRequire = createRequire(path.join(options.programDir, "__pulumi_program__.js"));
const sdkPackage = programRequire.resolve("@pulumi/pulumi/package.json");
const sdkRequire = createRequire(sdkPackage);
const sdk = sdkAt("@pulumi/pulumi", path.dirname(sdkPackage));
// The program's own node_modules: its SDK is the user's to change, or to drop in favour of the host's.
const ownSdk = sdk.dir.startsWith(path.join(options.programDir, "node_modules") + path.sep);
const fastPaths = new FastPathInstaller(
    "program",
    [sdk],
    ownSdk
        ? `The program's own node_modules supplies @pulumi/pulumi ${sdk.found}: install ${sdk.pinned} there (npm install @pulumi/pulumi@${sdk.pinned} in ${options.programDir}), ` +
              `or remove ${sdk.dir} so that the host's copy is used (docs/engine.md, "Upgrading the SDKs").`
        : undefined,
);

let written = false;
function write(result: RunnerResult): void {
    written = true;
    fs.writeFileSync(options.resultFile, JSON.stringify(result));
}

const pending = new PendingWork();

function firstProgramFrame(stack: string | undefined): string | undefined {
    for (const line of (stack ?? "").split("\n").slice(1)) {
        const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?$/.exec(line.trim());
        if (!m) continue;
        const file = m[1].replace("file://", "");
        // The engine may live inside the program dir: its frames are never the declaration.
        const engine = file.startsWith(ENGINE_DIR) && !file.startsWith(ENGINE_TESTS);
        if (file.startsWith(options.programDir) && !engine && !file.includes("/node_modules/")) {
            return `${path.relative(options.programDir, file)}:${m[2]}:${m[3]}`;
        }
    }
    return undefined;
}

let failure: (RunnerResult & { ok: false }) | undefined;
let monitor: FastMonitor | undefined;

/** One clean message per failure, like the Pulumi CLI's uncaught handler: no stack unless --verbose. */
function describe(err: unknown): { message: string; detail?: string } {
    if (!(err instanceof Error)) return { message: `Running program '${options.main}' failed: ${String(err)}` };
    const runError = (err as any).__pulumiRunError || err.name === "RunError" || err.name === "ConfigMissingError";
    if (runError || (err as any).__pulumiResourceError) {
        // The runtime's second line tells to run `pulumi config set`; offline the fix is the stack file.
        const missing = /^Missing required configuration variable '([^']+)'/.exec(err.message);
        const hint = missing ? `\n  fix: set ${missing[1]} under config: in Pulumi.${options.stack}.yaml` : "";
        return { message: err.message.split("\n")[0] + hint, detail: options.verbose ? err.stack : undefined };
    }
    const where = firstProgramFrame(err.stack);
    return {
        message:
            `Running program '${path.relative(options.programDir, options.main) || options.main}' failed with an ` +
            `unhandled exception:\n${err.name}: ${err.message}${where ? `\n    at ${where}` : ""}`,
        detail: options.verbose ? err.stack : undefined,
    };
}

function fail(err: unknown): void {
    if (failure) return;
    // A duplicate URN surfaces as a rejected registration; the monitor's own message is the real cause.
    const duplicate = monitor?.errors[0];
    failure = {
        ok: false,
        error: duplicate ? { kind: "engine", message: duplicate } : { kind: "program", ...describe(err) },
        maxRssKb: process.resourceUsage().maxRSS,
    };
}

/**
 * Patches the SDK for an offline run. Every internal is checked before it is touched (fastPaths.need):
 * a fast path whose internal is missing is recorded as a problem and main() stops with one error that
 * names the pinned and the found @pulumi/pulumi, instead of running on the slow path.
 */
function installFastPaths(): void {
    const need = <T>(fastPath: string, name: string, get: () => unknown, kind?: "function" | "object") => fastPaths.need<T>(fastPath, sdk, name, get, kind);

    // debuggablePromise wraps every runtime promise twice and captures a stack for leak reports;
    // the offline run has no use for either.
    const debuggable = need<Record<string, unknown>>("identity-debuggable", "runtime/debuggable", () => sdkRequire("./runtime/debuggable"), "object");
    if (debuggable && need("identity-debuggable", "runtime/debuggable.debuggablePromise", () => debuggable.debuggablePromise)) {
        const counter = fastPaths.ok("identity-debuggable");
        debuggable.debuggablePromise = (p: Promise<unknown>) => (counter.hits!++, p);
    }

    // Everything stays in-process, so Struct conversion can hand the JS object straight through.
    const Struct = need<any>("struct-passthrough", "google-protobuf Struct (google/protobuf/struct_pb)", () => sdkRequire("google-protobuf/google/protobuf/struct_pb").Struct);
    if (Struct && need("struct-passthrough", "google-protobuf Struct.fromJavaScript", () => Struct.fromJavaScript)) {
        const counter = fastPaths.ok("struct-passthrough");
        Struct.fromJavaScript = (value: Record<string, unknown>) => {
            counter.hits!++;
            const s = new Struct();
            s.toJavaScript = () => value;
            return s;
        };
    }

    const rpc = need<Record<string, any>>("lazy-outputs", "runtime/rpc", () => sdkRequire("./runtime/rpc"), "object");
    installLazyOutputs(rpc);

    // Resource args carry every output property as undefined (30+ on a bucket); serialising each costs
    // an async round of its own only to be dropped ("undefined values are treated as absent").
    const serializeResourceProperties = rpc && need<Function>("drop-undefined-args", "runtime/rpc.serializeResourceProperties", () => rpc.serializeResourceProperties);
    if (rpc && serializeResourceProperties) {
        const counter = fastPaths.ok("drop-undefined-args");
        rpc.serializeResourceProperties = (label: string, props: Record<string, unknown>, opts: unknown) => {
            counter.hits!++;
            const defined: Record<string, unknown> = {};
            for (const k of Object.keys(props)) if (props[k] !== undefined) defined[k] = props[k];
            return serializeResourceProperties(label, defined, opts);
        };
    }

    installPendingWork();

    // Source positions: only when asked (SARIF), and only the first frame inside the program.
    const Resource = need<any>("bounded-callsites", "resource.Resource", () => sdkRequire("./resource").Resource);
    if (Resource && need("bounded-callsites", "resource.Resource.stackTrace", () => Resource.stackTrace)) {
        const counter = fastPaths.ok("bounded-callsites", options.sourcePositions ? "first program frame, at most 30 deep" : "skipped (no source positions asked for)");
        Resource.stackTrace = () => {
            counter.hits!++;
            if (!options.sourcePositions) return [];
            const saved = Error.stackTraceLimit;
            Error.stackTraceLimit = 30;
            const stack = new Error().stack;
            Error.stackTraceLimit = saved;
            const where = firstProgramFrame(stack);
            if (!where) return [];
            const [file, line, column] = where.split(/:(?=\d+(?::\d+)?$)/);
            return [{ uri: pathToFileURL(path.join(options.programDir, file)).toString(), line: Number(line), column: Number(column) }];
        };
    }
}

/**
 * Registrations and invokes are noted when the program starts them, so that a program that stops with
 * work outstanding (a closure that failed to serialise, an invoke result it waits on forever) is reported
 * with what it waited on. The SDK calls these through the module objects, so wrapping the exports is seen.
 */
function installPendingWork(): void {
    const need = <T>(name: string, get: () => unknown, kind?: "function" | "object") => fastPaths.need<T>("pending-work", sdk, name, get, kind);
    const resource = need<Record<string, any>>("runtime/resource", () => sdkRequire("./runtime/resource"), "object");
    const runtime = need<Record<string, any>>("runtime (index)", () => sdkRequire("./runtime"), "object");
    const registerResource = resource && need<Function>("runtime/resource.registerResource", () => resource.registerResource);
    const readResource = resource && need<Function>("runtime/resource.readResource", () => resource.readResource);
    const invokes = ["invoke", "invokeOutput", "invokeSingle", "invokeSingleOutput"] as const;
    const originals = runtime ? invokes.map((name) => need<Function>(`runtime.${name}`, () => runtime[name])) : [];
    if (!resource || !runtime || !registerResource || !readResource || originals.some((f) => !f)) return;
    const counter = fastPaths.ok("pending-work", "registrations and invokes in flight, named when a program stops early");
    resource.registerResource = function (this: unknown, res: unknown, parent: unknown, type: string, name: string, ...rest: unknown[]) {
        counter.hits!++;
        pending.startRegistration("register", type, name);
        return registerResource.call(this, res, parent, type, name, ...rest);
    };
    resource.readResource = function (this: unknown, res: unknown, parent: unknown, type: string, name: string, ...rest: unknown[]) {
        counter.hits!++;
        pending.startRegistration("read", type, name);
        return readResource.call(this, res, parent, type, name, ...rest);
    };
    invokes.forEach((name, i) => {
        const original = originals[i]!;
        runtime[name] = function (this: unknown, token: string, ...rest: unknown[]) {
            counter.hits!++;
            const done = pending.startInvoke(token);
            const result = original.call(this, token, ...rest);
            // A Promise (invoke) or an Output (invokeOutput): either settles once the invoke returned or failed.
            const settled: Promise<unknown> | undefined = result instanceof Promise ? result : result?.promise?.();
            settled?.then(done, done);
            return result;
        };
    });
}

type Settled = { v?: unknown; isKnown?: boolean; isSecret?: boolean; deps?: unknown[]; err?: unknown };

/** Per resource: what each lazy property resolved to, and who waits for one not resolved yet. */
interface LazyState {
    settled: Map<string, Settled>;
    waiters?: Map<string, ((s: Settled) => void)[]>;
}

/**
 * The runtime gives every declared property of every resource (30+ for an S3 bucket) an Output built
 * from four promises and eight resolver closures, before the program has even finished; at 10k
 * resources that is most of the heap. Programs read a handful of them (id, arn, name), so the Output
 * is built on first access instead, already settled when the registration has come back. What is kept
 * per resource until then is one state record; the accessors are shared per property name and the
 * resolvers the runtime calls are made when it calls them.
 */
function installLazyOutputs(rpc: Record<string, any> | undefined): void {
    const need = <T>(name: string, get: () => unknown) => fastPaths.need<T>("lazy-outputs", sdk, name, get);
    const transfer = rpc && need("runtime/rpc.transferProperties", () => rpc.transferProperties);
    const Output = need<any>("output.Output", () => sdkRequire("./output").Output);
    const isGrpcError = need<(err: unknown) => boolean>("errors.isGrpcError", () => sdkRequire("./errors").isGrpcError);
    if (!rpc || !transfer || !Output || !isGrpcError) return;
    const counter: FastPath = fastPaths.ok("lazy-outputs");
    const states = new WeakMap<object, LazyState>();
    const define = (onto: object, k: string, value: unknown) =>
        Object.defineProperty(onto, k, { value, writable: true, enumerable: true, configurable: true });
    const make = (onto: object, state: LazyState, k: string) => {
        const settled = state.settled.get(k);
        const all: Promise<Settled> = settled
            ? Promise.resolve(settled)
            : new Promise((resolve) => {
                  const waiters = (state.waiters ??= new Map());
                  const list = waiters.get(k);
                  if (list) list.push(resolve);
                  else waiters.set(k, [resolve]);
              });
        const pick = (f: (s: Settled) => unknown) => all.then((s) => (s.err !== undefined ? Promise.reject(s.err) : f(s)));
        return new Output(onto, pick((s) => s.v), pick((s) => s.isKnown), pick((s) => s.isSecret), pick((s) => s.deps));
    };
    // The resource the accessor was found on (the receiver, or a prototype of it when read through an heir).
    const owner = (receiver: object): object => {
        for (let o: object | null = receiver; o; o = Object.getPrototypeOf(o)) if (states.has(o)) return o;
        return receiver;
    };
    // One accessor pair per property name, shared by every resource that declares it.
    const accessors = new Map<string, PropertyDescriptor>();
    const accessor = (k: string): PropertyDescriptor => {
        let d = accessors.get(k);
        if (!d) {
            d = {
                enumerable: true,
                configurable: true,
                get(this: object) {
                    const onto = owner(this);
                    const out = make(onto, states.get(onto)!, k);
                    define(onto, k, out);
                    return out;
                },
                set(this: object, value: unknown) {
                    define(owner(this), k, value);
                },
            };
            accessors.set(k, d);
        }
        return d;
    };
    const settle = (state: LazyState, k: string, v: unknown, isKnown: boolean, isSecret: boolean, deps: unknown[] = [], err?: unknown) => {
        if (err && isGrpcError(err)) return;
        const settled: Settled = err ? { err } : { v, isKnown, isSecret, deps };
        state.settled.set(k, settled);
        const waiting = state.waiters?.get(k);
        if (waiting) {
            state.waiters!.delete(k);
            for (const w of waiting) w(settled);
        }
    };
    // The runtime reads a resolver once, as `resolvers[k]`, after listing `Object.keys(resolvers)`: each key is an
    // accessor, shared per name, that binds the resolver when read (13 bound functions per resource up front were
    // ~56 MB at 13k resources, with the name and property storage V8 gave each).
    const STATE = Symbol("lazy-outputs state");
    const resolverAccessors = new Map<string, PropertyDescriptor>();
    const resolverAccessor = (k: string): PropertyDescriptor => {
        let d = resolverAccessors.get(k);
        if (!d) {
            d = { enumerable: true, configurable: true, get: function (this: { [STATE]: LazyState }) { return settle.bind(undefined, this[STATE], k); } };
            resolverAccessors.set(k, d);
        }
        return d;
    };
    rpc.transferProperties = (onto: any, label: string, props: Record<string, unknown>) => {
        counter.hits!++;
        const state: LazyState = { settled: new Map() };
        states.set(onto, state);
        const resolvers = { [STATE]: state } as Record<string, Function> & { [STATE]: LazyState };
        for (const k of Object.keys(props)) {
            if (k === "id" || k === "urn") continue;
            if (Object.prototype.hasOwnProperty.call(onto, k)) {
                throw new Error(`Property '${k}' is already initialized on target '${label}`);
            }
            Object.defineProperty(resolvers, k, resolverAccessor(k));
            Object.defineProperty(onto, k, accessor(k));
        }
        return resolvers;
    };
}

const STREAM_BATCH = 250;

/**
 * Batches registered resources to the parent (plan.ts `onResources`), so that the result file repeats none of them.
 * One batch is in flight at a time: the next is serialised only once the last was written. While the program's
 * registrations run as one stretch of promise jobs the event loop cannot write, and batches serialised meanwhile only
 * waited in the process as buffers (~26 MB at 13k resources, at the program's peak). The records themselves are the
 * monitor's, kept anyway; the buffer holds references.
 */
function streamResources(target: FastMonitor): () => Promise<void> {
    let buffer: PlannedResource[] = [];
    let outputs = new Map<string, PlannedResource>();
    let sending: Promise<void> | undefined;
    const flush = () => {
        if (sending || (buffer.length === 0 && outputs.size === 0)) return;
        const items = buffer.length > STREAM_BATCH ? buffer.splice(0, STREAM_BATCH) : buffer.splice(0);
        const msg: StreamMessage = { kind: "resources", items };
        // Updates of resources not sent yet are dropped by the parent: their records carry the new outputs.
        if (outputs.size) msg.outputs = [...outputs.values()].map(({ urn, outputs: o, secretOutputs }) => (secretOutputs ? { urn, outputs: o, secretOutputs } : { urn, outputs: o }));
        outputs = new Map();
        sending = new Promise((resolve) =>
            process.send!(msg, undefined, {}, () => {
                sending = undefined;
                resolve();
                if (buffer.length >= STREAM_BATCH) flush();
            }),
        );
    };
    const timer = setInterval(flush, 50);
    timer.unref();
    target.onRecord = (resource) => {
        buffer.push(resource);
        if (buffer.length >= STREAM_BATCH) flush();
    };
    // A resource still in the buffer goes out with its new outputs anyway; one already sent gets them again.
    target.onOutputs = (resource) => void outputs.set(resource.urn, resource);
    return async () => {
        clearInterval(timer);
        for (;;) {
            flush();
            if (!sending) return;
            await sending;
        }
    };
}

/** What the in-process monitor (and the runner around it) calls in the runtime. */
function monitorInternals() {
    const need = <T>(name: string, get: () => unknown, kind?: "function" | "object") => fastPaths.need<T>("in-process-monitor", sdk, name, get, kind);
    const settings = need<any>("runtime/settings", () => sdkRequire("./runtime/settings"), "object");
    const state = need<any>("runtime/state", () => sdkRequire("./runtime/state"), "object");
    const stackModule = need<any>("runtime/stack", () => sdkRequire("./runtime/stack"), "object");
    const errors = need<any>("errors", () => sdkRequire("./errors"), "object");
    // Functions of a module that is missing altogether are not listed one by one.
    const functions: [module: unknown, name: string, get: () => unknown][] = [
        [settings, "runtime/settings.setMockOptions", () => settings.setMockOptions],
        [settings, "runtime/settings.getStack", () => settings.getStack],
        [settings, "runtime/settings.getProject", () => settings.getProject],
        [settings, "runtime/settings.waitForRPCs", () => settings.waitForRPCs],
        [state, "runtime/state.getStore", () => state.getStore],
        [stackModule, "runtime/stack.runInPulumiStack", () => stackModule.runInPulumiStack],
        [errors, "errors.RunError.isInstance", () => errors.RunError?.isInstance],
        [errors, "errors.ResourceError.isInstance", () => errors.ResourceError?.isInstance],
    ];
    for (const [module, name, get] of functions) if (module) need(name, get);
    return { settings, state, stackModule, errors };
}

/** The result of a program that stopped with work outstanding: its first error, if any, and what it waited on. */
function stoppedEarly(exited?: string): RunnerResult & { ok: false } {
    const waiting = pending.describe();
    const program = path.relative(options.programDir, options.main) || options.main;
    const what = pending.empty()
        ? [`  no resource registration or invoke was outstanding${exited ? "" : ": the program awaits a promise of its own that never settles"}`, ...waiting]
        : waiting;
    const head = failure
        ? `${failure.error.message}\nThe program then stopped before finishing; it was still waiting on:`
        : exited
          ? `${exited}; it was still waiting on:`
          : `Running program '${program}' stopped before finishing, with nothing left to run while it still waited on:`;
    return {
        ok: false,
        error: { kind: failure?.error.kind ?? "program", message: [head, ...what].join("\n"), detail: failure?.error.detail },
        maxRssKb: process.resourceUsage().maxRSS,
    };
}

let transpiler: { report(): TranspileReport } | undefined;
let lazyAliases: FastPath | undefined;

/** ts-node could not be used although the program is TypeScript (tsx compiled it): say so. */
function transpileWarnings(): string[] {
    const r = transpiler?.report();
    return r && !r.active && r.detail.includes("no create() API") ? [r.detail] : [];
}

function report(): NonNullable<RunnerResult["fastPaths"]> {
    const out = fastPaths.report();
    const registered = out.paths["in-process-monitor"];
    if (registered?.active && monitor) registered.hits = monitor.resources().length;
    if (lazyAliases?.active) {
        const { lazy, eager } = lazyAliasCounts();
        Object.assign(lazyAliases, { hits: lazy, fallbacks: eager });
    }
    const compiled = transpiler?.report();
    // Not a speed-up but the program's semantics: reported with the fast paths so --stats and tests see it.
    if (compiled) out.paths["ts-node-transpile"] = { active: compiled.active, detail: compiled.detail, hits: compiled.fromCache };
    return out;
}

/**
 * More than one @pulumi/pulumi in the process: e.g. the program's node_modules has its own SDK but not
 * @pulumi/aws, which then comes from the host's node_modules with the host's SDK. Each copy is a runtime
 * of its own and the fast paths patch only the program's, so this is an error naming both and the fix.
 */
function twoSdkCopies(): string | undefined {
    const copies = loadedCopies("@pulumi/pulumi");
    if (copies.length < 2) return undefined;
    const own = path.join(options.programDir, "node_modules") + path.sep;
    const lines = copies.map((c) => {
        const who = c.dir === sdk.dir ? `the program's (it resolves @pulumi/pulumi from ${path.dirname(path.dirname(c.dir))})` : "";
        const by = c.requiredBy.filter((b) => b !== "the program" || !who);
        return `  - @pulumi/pulumi ${c.version} at ${c.dir}: ${[who, by.length ? `required by ${by.join(", ")}` : ""].filter(Boolean).join("; ") || "loaded"}`;
    });
    const missing = [...new Set(copies.filter((c) => c.dir !== sdk.dir && !c.dir.startsWith(own)).flatMap((c) => c.requiredBy))].filter((b) => b !== "the program");
    const fix =
        sdk.dir.startsWith(own) && missing.length
            ? `The program's node_modules has its own @pulumi/pulumi but not ${missing.join(", ")}: ` +
              `install ${missing.length === 1 ? "it" : "them"} there too (npm install in ${options.programDir}), or remove ${sdk.dir} so that one copy serves the program.`
            : `Make every package resolve the same @pulumi/pulumi: npm ls @pulumi/pulumi in ${options.programDir} shows the copies (npm dedupe, or align the versions).`;
    return [`the program loads ${copies.length} copies of @pulumi/pulumi, so its resources would be split between separate runtimes:`, ...lines, fix].join("\n");
}

async function main(): Promise<void> {
    const split = twoSdkCopies();
    if (split) {
        write({ ok: false, error: { kind: "engine", message: split }, maxRssKb: process.resourceUsage().maxRSS });
        process.exit(2);
    }
    checkPreload(fastPaths, sdk, options.programDir, ["@pulumi/pulumi"], ["@pulumi/aws"]);
    checkDeferredTypeScript(fastPaths, sdk);
    checkDeferredCodePaths(fastPaths, sdk);
    checkOutputWalk(fastPaths, sdk);
    lazyAliases = checkLazyAliases(fastPaths, sdk);
    installFastPaths();
    const { settings, state, stackModule, errors } = monitorInternals();
    const problem = fastPaths.error();
    if (problem) {
        write({ ok: false, error: { kind: "engine", message: problem }, maxRssKb: process.resourceUsage().maxRSS, fastPaths: report() });
        process.exit(2);
    }
    fastPaths.ok("in-process-monitor", "resources registered without gRPC or protobuf");
    monitor = new FastMonitor(options, () => settings.getStack(), () => settings.getProject(), pending);
    settings.setMockOptions(monitor, options.project, options.stack, true, options.organization);
    const finishStream = options.stream && process.send ? streamResources(monitor) : async () => undefined;
    process.on("uncaughtException", fail);
    process.on("unhandledRejection", fail);
    // Nothing left to run while the program still awaits something: say what, instead of exiting silently.
    process.on("beforeExit", () => {
        if (written) return;
        write({ ...stoppedEarly(), fastPaths: report() });
        process.exit(2);
    });
    // The program itself called process.exit(): the engine's own exits come after a result is written.
    process.on("exit", (code) => {
        if (written) return;
        const early = stoppedEarly(`Running program '${path.relative(options.programDir, options.main) || options.main}' called process.exit(${code}) before finishing`);
        write({ ...early, fastPaths: report() });
    });
    const markError = (err: unknown) => {
        if (errors.RunError.isInstance(err)) (err as any).__pulumiRunError = true;
        if (errors.ResourceError.isInstance(err)) (err as any).__pulumiResourceError = true;
        return err;
    };
    process.chdir(options.programDir);
    // After chdir: run.js reads tsconfig.json (or PULUMI_NODEJS_TSCONFIG_PATH) relative to the program dir.
    transpiler = installProgramTranspiler(options.programDir, sdk.dir);
    const loadStarted = Date.now();
    let loadMs = 0;
    let outputs: Record<string, unknown> = {};
    try {
        outputs = await stackModule.runInPulumiStack(async () => {
            const exported = programRequire(options.main);
            loadMs = Date.now() - loadStarted;
            return exported instanceof Function ? await exported() : exported;
        });
        await settings.waitForRPCs();
    } catch (err) {
        fail(markError(err));
    }
    if (!failure && monitor.errors.length > 0) fail(new Error(monitor.errors[0]));
    // A package the program loaded late may have brought its own copy of the SDK.
    const lateSplit = failure ? undefined : twoSdkCopies();
    if (lateSplit) failure = { ok: false, error: { kind: "engine", message: lateSplit }, maxRssKb: process.resourceUsage().maxRSS };
    // Let late rejections from apply callbacks arrive before deciding.
    await new Promise((resolve) => setImmediate(resolve));
    state.getStore().terminated = true;
    await finishStream();
    if (failure) {
        write({ ...failure, fastPaths: report() });
        process.exit(2);
    }
    write({
        ok: true,
        fastPaths: report(),
        plan: {
            project: options.project,
            stack: options.stack,
            // Streamed: the parent has every resource already (and their later outputs); not sent twice.
            resources: options.stream && process.send ? [] : monitor.resources(),
            outputs: (JSON.parse(JSON.stringify(outputs ?? {}, (_k, v) => (typeof v === "bigint" ? String(v) : v))) ??
                {}) as Record<string, unknown>,
            durationMs: Date.now() - started,
        },
        loadMs,
        warnings: [...fastPaths.warnings(), ...monitor.warnings, ...transpileWarnings()],
        programFiles: transpiler?.report().files ?? [],
        maxRssKb: process.resourceUsage().maxRSS,
    });
    process.exit(0);
}

main().catch((err) => {
    fail(err);
    write(failure!);
    process.exit(2);
});
