/**
 * The fast paths patch internals of @pulumi/pulumi and @pulumi/policy, which is why the engine pins both
 * exactly (package.json). Each child process checks every internal before it patches or calls it and
 * reports which fast paths it installed and how often each was taken. One that cannot install is an
 * error naming the pinned and the found version, never a silent fall back to the slow path.
 * Shared by runner.ts (program process) and pack-host.ts (pack processes).
 */
import * as fs from "fs";
import * as path from "path";

export type PinnedSdk = "@pulumi/pulumi" | "@pulumi/policy";

export interface FastPath {
    active: boolean;
    /** Calls that took the fast path, where counted. */
    hits?: number;
    /** plain-requests: getters the plain objects did not know, answered by the real protobuf message. */
    fallbacks?: number;
    /** What it covers, or why it is off. */
    detail?: string;
}

export interface SdkFound {
    name: PinnedSdk;
    /** The exact version in the engine's package.json. */
    pinned: string;
    /** The version of the copy this process patches ("unknown" when its package.json is unreadable). */
    found: string;
    dir: string;
}

/** Per child process: the SDK copies it patched and each fast path by name. */
export interface FastPathReport {
    sdks: SdkFound[];
    paths: Record<string, FastPath>;
}

/** What preload.cjs leaves behind (it runs before tsx, so it writes a global instead of importing this). */
export interface PreloadReport {
    requested: string[];
    modules: Record<string, { file?: string; error?: string }>;
    typescript: { deferred: boolean; shim?: string; detail?: string; loaded?: boolean };
    /** runtime/closure/codePaths (and @npmcli/arborist with it) replaced by forwarders that load it on first call. */
    codePaths: { deferred: boolean; file?: string; detail?: string; loaded?: boolean };
    /** output.js's containsUnknowns rewritten to stop at resources (program processes only). */
    outputWalk: { installed: boolean; file?: string; detail?: string };
    /** resource.js's Resource constructor builds `__aliases` on first read (program processes only); resources each way. */
    lazyAliases: { installed: boolean; lazy: number; eager: number; file?: string; detail?: string };
}

const PRELOAD_REPORT = Symbol.for("@acme-lake/offline-engine:preload");

export function preloadReport(): PreloadReport | undefined {
    return (globalThis as Record<symbol, PreloadReport | undefined>)[PRELOAD_REPORT];
}

const ENGINE_PACKAGE = path.join(__dirname, "..", "package.json");
const ENGINE_DIR = path.dirname(__dirname) + path.sep;
const ENGINE_TESTS = path.join(ENGINE_DIR, "test") + path.sep;

export function pinnedVersion(name: PinnedSdk): string {
    const pkg = JSON.parse(fs.readFileSync(ENGINE_PACKAGE, "utf8")) as { dependencies?: Record<string, string> };
    return pkg.dependencies?.[name] ?? "unpinned";
}

/** The SDK copy in `dir` (its package directory); @pulumi/policy writes its version with a leading "v". */
export function sdkAt(name: PinnedSdk, dir: string): SdkFound {
    let found = "unknown";
    try {
        found = String(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version).replace(/^v/, "");
    } catch {
        // Reported as "unknown": the checks below name what is actually missing.
    }
    return { name, pinned: pinnedVersion(name), found, dir };
}

function firstLine(err: unknown): string {
    return String((err as Error)?.message ?? err).split("\n")[0];
}

/** Collects the fast paths of one process: installed, off (nothing to patch) or failed (a problem). */
export class FastPathInstaller {
    private readonly paths: Record<string, FastPath> = {};
    private readonly problems: { fastPath: string; sdk?: SdkFound; message: string }[] = [];

    constructor(
        /** "program" or "pack": who resolves the SDK, for the hint in the error. */
        private readonly who: string,
        private readonly sdks: SdkFound[],
        /** Replaces the generic "Install ... where the <who> resolves it" when the caller knows better. */
        private readonly fix?: string,
    ) {}

    /** An internal of `sdk` that `fastPath` patches or calls; undefined, and a problem recorded, when it is missing. */
    need<T>(fastPath: string, sdk: SdkFound, name: string, get: () => unknown, kind: "function" | "object" = "function"): T | undefined {
        let value: unknown;
        try {
            value = get();
        } catch (err) {
            this.fail(fastPath, `${name} is missing (${firstLine(err)})`, sdk);
            return undefined;
        }
        const fits = kind === "function" ? typeof value === "function" : (typeof value === "object" || typeof value === "function") && value !== null;
        if (!fits) {
            this.fail(fastPath, `${name} is ${value === undefined ? "missing" : `a ${typeof value}, not ${kind === "function" ? "a function" : "an object"}`}`, sdk);
            return undefined;
        }
        return value as T;
    }

    fail(fastPath: string, message: string, sdk?: SdkFound): void {
        this.problems.push({ fastPath, sdk, message });
        this.paths[fastPath] = { active: false, detail: message };
    }

    failed(fastPath: string): boolean {
        return this.problems.some((p) => p.fastPath === fastPath);
    }

    /** Marks `fastPath` installed; the returned record's `hits` is the patch's counter (when `counted`). */
    ok(fastPath: string, detail?: string, counted = true): FastPath {
        const record: FastPath = counted ? { active: true, hits: 0 } : { active: true };
        if (detail) record.detail = detail;
        if (!this.failed(fastPath)) this.paths[fastPath] = record;
        return record;
    }

    /** Not applicable here (e.g. a pack not built on @pulumi/policy): off, but not a problem. */
    off(fastPath: string, detail: string): void {
        this.paths[fastPath] = { active: false, detail };
    }

    report(): FastPathReport {
        return { sdks: this.sdks, paths: this.paths };
    }

    /** One message for every problem, naming the pinned and the found versions; undefined when all installed. */
    error(): string | undefined {
        if (this.problems.length === 0) return undefined;
        const involved = this.sdks.filter((s) => this.problems.some((p) => p.sdk === s));
        const sdks = involved.length ? involved : this.sdks;
        const versions = sdks.map((s) => `expected ${s.name} ${s.pinned} (the engine's exact pin), found ${s.name} ${s.found} at ${s.dir}`).join("; ");
        return [
            `the engine's fast paths cannot install: ${versions}:`,
            ...this.problems.map((p) => `  - ${p.fastPath}: ${p.sdk ? `${p.sdk.name} ` : ""}${p.message}`),
            this.fix ??
                `Install ${sdks.map((s) => `${s.name} ${s.pinned}`).join(" and ")} where the ${this.who} resolves it, or move the engine's pins ` +
                    `together with its fast paths (docs/engine.md, "Upgrading the SDKs").`,
        ].join("\n");
    }

    warnings(): string[] {
        return versionWarnings(this.sdks);
    }
}

/** SDK copies whose version differs from the pin although every fast path installed: only the pins are tested. */
export function versionWarnings(sdks: readonly SdkFound[]): string[] {
    return sdks
        .filter((s) => s.found !== s.pinned)
        .map((s) => `${s.name} ${s.found} at ${s.dir} is not the engine's pinned ${s.pinned}; its fast paths installed, but only ${s.pinned} is tested`);
}

function resolves(id: string, from: string): string | undefined {
    try {
        return require.resolve(id, { paths: [from] });
    } catch {
        return undefined;
    }
}

/**
 * `preload:<id>`: the module was loaded by preload.cjs with Node's own loader, before tsx, and a
 * require of it from `from` hits that very module instance. Optional ids are reported, never a problem
 * (the program or pack reports a module it can't load itself).
 */
export function checkPreload(fp: FastPathInstaller, sdk: SdkFound, from: string, required: string[], optional: string[] = []): void {
    const report = preloadReport();
    const ids = report ? [...new Set([...required, ...optional.filter((id) => report.requested.includes(id))])] : required;
    for (const id of ids) {
        const name = `preload:${id}`;
        if (!report) {
            fp.fail(name, "the process was started without preload.cjs (node --require <engine>/child/preload.cjs)");
            continue;
        }
        const file = resolves(id, from);
        if (file && require.cache[file]) {
            fp.ok(name, "loaded with Node's own loader before tsx", false);
        } else {
            const why = report.modules[id]?.error ?? (report.requested.includes(id) ? "not in the module cache" : "not requested by the engine");
            if (required.includes(id)) fp.fail(name, `${id} was not loaded before tsx: ${why}`, sdk);
            else fp.off(name, why);
        }
    }
}

/** Any copy of the TypeScript compiler in the module cache (the shim's first choice, or the SDK's vendored one). */
function loadedTypeScript(): string | undefined {
    return Object.keys(require.cache).find((k) => /[\\/]typescript[\\/]lib[\\/]typescript\.js$|[\\/]typescript@[^\\/]+[\\/]typescript\.js$/.test(k));
}

/** `deferred-typescript`: @pulumi/pulumi's TypeScript shim is lazy and nothing loaded the compiler at start-up. */
export function checkDeferredTypeScript(fp: FastPathInstaller, sdk: SdkFound): void {
    const ts = preloadReport()?.typescript;
    if (!ts) return fp.fail("deferred-typescript", "the process was started without preload.cjs");
    if (!ts.deferred) return fp.fail("deferred-typescript", `typescript-shim could not be deferred: ${ts.detail ?? "unknown reason"}`, sdk);
    const eager = ts.loaded ? "the shim" : loadedTypeScript();
    if (eager) return fp.fail("deferred-typescript", `the TypeScript compiler was loaded at start-up anyway (${eager})`, sdk);
    fp.ok("deferred-typescript", "TypeScript compiler loads on first use only", false);
}

/** `deferred-code-paths`: closure code-path discovery (@npmcli/arborist) loads on first use only. */
export function checkDeferredCodePaths(fp: FastPathInstaller, sdk: SdkFound): void {
    const cp = preloadReport()?.codePaths;
    if (!cp) return fp.fail("deferred-code-paths", "the process was started without preload.cjs");
    if (!cp.deferred) return fp.fail("deferred-code-paths", `runtime/closure/codePaths could not be deferred: ${cp.detail ?? "unknown reason"}`, sdk);
    const eager = Object.keys(require.cache).find((k) => /[\\/]@npmcli[\\/]arborist[\\/]lib[\\/]index\.js$/.test(k));
    if (eager && !cp.loaded) return fp.fail("deferred-code-paths", `@npmcli/arborist was loaded at start-up anyway (${eager})`, sdk);
    fp.ok("deferred-code-paths", "closure code paths (@npmcli/arborist) load on first use only", false);
}

/** `resource-leaf-unknowns`: containsUnknowns does not walk into resources (see preload.cjs). */
export function checkOutputWalk(fp: FastPathInstaller, sdk: SdkFound): void {
    const w = preloadReport()?.outputWalk;
    if (!w) return fp.fail("resource-leaf-unknowns", "the process was started without preload.cjs");
    if (!w.installed) return fp.fail("resource-leaf-unknowns", `output.js could not be rewritten: ${w.detail ?? "unknown reason"}`, sdk);
    fp.ok("resource-leaf-unknowns", "containsUnknowns treats a resource in a value as a leaf (no walk of the resource graph per Output)", false);
}

/**
 * `lazy-aliases`: a resource's aliases are collapsed to URN Outputs on first read only (see preload.cjs). Read at
 * the end of a run: hits are the resources that took it, fallbacks those whose aliases were collapsed eagerly.
 */
export function checkLazyAliases(fp: FastPathInstaller, sdk: SdkFound): FastPath | undefined {
    const a = preloadReport()?.lazyAliases;
    if (!a) return void fp.fail("lazy-aliases", "the process was started without preload.cjs");
    if (!a.installed) return void fp.fail("lazy-aliases", `resource.js could not be rewritten: ${a.detail ?? "unknown reason"}`, sdk);
    return fp.ok("lazy-aliases", "a resource's aliases become URN Outputs on first read (the monitor takes alias specs)");
}

/** The counts of `lazy-aliases` so far, for the fast path's record. */
export function lazyAliasCounts(): { lazy: number; eager: number } {
    const a = preloadReport()?.lazyAliases;
    return { lazy: a?.lazy ?? 0, eager: a?.eager ?? 0 };
}

/** One copy of an SDK package in this process's module cache, and the packages that required it. */
export interface LoadedCopy {
    dir: string;
    version: string;
    requiredBy: string[];
}

/** The package a module file belongs to (`@pulumi/aws` for .../node_modules/@pulumi/aws/s3/bucket.js), or "the program". */
function packageOf(file: string): string {
    const m = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/](?!.*[\\/]node_modules[\\/])/.exec(file);
    return m ? m[1].replace(/\\/g, "/") : "the program";
}

/**
 * Every copy of `name` loaded so far (by its index.js in the module cache). Two copies of @pulumi/pulumi
 * in one program mean two runtimes: the engine serves one, and the other's resources run on the slow path.
 */
export function loadedCopies(name: PinnedSdk): LoadedCopy[] {
    const suffix = `${path.sep}${name.split("/").join(path.sep)}${path.sep}index.js`;
    const copies = new Map<string, LoadedCopy>();
    for (const file of Object.keys(require.cache)) {
        if (!file.endsWith(suffix) || !file.includes(`node_modules${path.sep}`)) continue;
        const dir = file.slice(0, -"index.js".length - 1);
        copies.set(dir, { dir, version: sdkAt(name, dir).found, requiredBy: [] });
    }
    if (copies.size > 1) {
        for (const mod of Object.values(require.cache)) {
            for (const child of mod?.children ?? []) {
                const copy = [...copies.values()].find((c) => child.filename === path.join(c.dir, "index.js"));
                // The engine's own preload requires the program's copy; it is nobody's dependency.
                if (!copy || !mod || (mod.filename.startsWith(ENGINE_DIR) && !mod.filename.startsWith(ENGINE_TESTS))) continue;
                const by = packageOf(mod.filename);
                if (by !== name && !copy.requiredBy.includes(by)) copy.requiredBy.push(by);
            }
        }
    }
    return [...copies.values()];
}
