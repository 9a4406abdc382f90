/**
 * How `pulumi preview` runs a TypeScript program, restated for the engine: the Pulumi CLI's nodejs
 * runtime (@pulumi/pulumi cmd/run/run.js) registers ts-node with the program's tsconfig.json over its
 * own defaults, using the ts-node and TypeScript it resolves from the SDK (tsutils.typeScriptRequireStrings:
 * the program's node_modules, else the SDK's vendored copies). The program process compiles the program's
 * files with that very ts-node (child/runner.ts), so CommonJS interop (`import * as x`, esModuleInterop)
 * is ts-node's, and the type checker (child/type-check.ts) checks with the options ts-node would use.
 *
 * Shared by the program process and the type-check process; loads neither ts-node nor TypeScript itself.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import { createRequire } from "module";
import * as os from "os";
import * as path from "path";

export interface TsNodeSetup {
    /** ts-node and TypeScript as the SDK resolves them. */
    tsnode: { file: string; version: string; vendored: boolean };
    typescript: { file: string; version: string; vendored: boolean };
    /** The options @pulumi/pulumi's run.js passes to ts-node (transpileOnly aside). */
    options: {
        compiler: string;
        project: string;
        skipProject: boolean;
        cwd: string;
        compilerOptions: Record<string, unknown>;
    };
    /** run.js would type-check (ts-node's default), unless PULUMI_NODEJS_TRANSPILE_ONLY or tsconfig's noCheck say not. */
    typeCheck: boolean;
    /** Why not, when typeCheck is false. */
    typeCheckOff?: string;
    /** An ES module program (package.json "type": "module"): run.js uses ts-node/esm; the engine leaves it to tsx. */
    esm: boolean;
    /** The tsconfig file's text (when it exists), for cache keys. */
    tsconfigText?: string;
}

function versionOf(file: string): string {
    // Walk up from the entry file to its package.json.
    for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
        const pkg = path.join(dir, "package.json");
        if (fs.existsSync(pkg)) {
            try {
                const json = JSON.parse(fs.readFileSync(pkg, "utf8"));
                if (json.name === "typescript" || json.name === "ts-node") return String(json.version);
            } catch {
                // keep walking
            }
        }
    }
    // The SDK's vendored copies are directories named <name>@<version>.
    return /@(\d+\.\d+\.\d+)/.exec(file)?.[1] ?? "unknown";
}

function compare(a: string, b: string): number {
    const pa = a.split(/[.-]/).map(Number);
    const pb = b.split(/[.-]/).map(Number);
    for (let i = 0; i < 3; i++) if ((pa[i] || 0) !== (pb[i] || 0)) return (pa[i] || 0) - (pb[i] || 0);
    return 0;
}

/** tsconfig's `compilerOptions` as run.js reads them (the raw JSON, without `extends`), parsed leniently like TypeScript. */
function rawCompilerOptions(text: string, loadTs: () => any): Record<string, unknown> {
    try {
        return JSON.parse(text).compilerOptions ?? {};
    } catch {
        // Comments or trailing commas: TypeScript's own reader, as run.js uses.
        try {
            return loadTs().parseConfigFileTextToJson("tsconfig.json", text).config?.compilerOptions ?? {};
        } catch {
            return {};
        }
    }
}

/**
 * The setup run.js would use for the program in `programDir`, whose @pulumi/pulumi is in `sdkDir`.
 * `loadTs` is called only when tsconfig.json is not plain JSON.
 */
export function pulumiTsNodeSetup(programDir: string, sdkDir: string, loadTs?: (file: string) => any): TsNodeSetup {
    // tsutils.js requires "typescript" and "ts-node" from its own location, with the SDK's vendored fallbacks.
    const fromSdk = createRequire(path.join(sdkDir, "tsutils.js"));
    const resolve = (id: string, vendored: string) => {
        try {
            return { file: fromSdk.resolve(id), vendored: false };
        } catch {
            return { file: path.join(sdkDir, "vendor", vendored), vendored: true };
        }
    };
    const ts = resolve("typescript", path.join("typescript@3.8.3", "typescript.js"));
    const tsnode = resolve("ts-node", "ts-node@7.0.1");
    const typescript = { ...ts, version: versionOf(ts.file) };
    const tsnodeInfo = { ...tsnode, version: tsnode.vendored ? "7.0.1" : versionOf(tsnode.file) };

    const tsConfigPath = path.resolve(programDir, process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? "tsconfig.json");
    const skipProject = !fs.existsSync(tsConfigPath);
    const tsconfigText = skipProject ? undefined : fs.readFileSync(tsConfigPath, "utf8");
    const compilerOptions = tsconfigText === undefined ? {} : rawCompilerOptions(tsconfigText, () => (loadTs ?? require)(typescript.file));

    let transpileOnly: boolean | undefined;
    let typeCheckOff: string | undefined;
    const env = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
    if (env) {
        transpileOnly = env === "true";
        if (transpileOnly) typeCheckOff = "PULUMI_NODEJS_TRANSPILE_ONLY=true";
    } else if (compilerOptions.noCheck === true) {
        transpileOnly = true;
        typeCheckOff = `${path.relative(programDir, tsConfigPath) || "tsconfig.json"} sets compilerOptions.noCheck`;
    }
    const useNodeNext = compare(typescript.version, "4.7.0") >= 0;
    const pkg = nearestPackageJson(programDir);
    const esm = pkg?.type === "module" && compare(typescript.version, "4.7.0") > 0 && !tsnodeInfo.vendored;
    return {
        tsnode: tsnodeInfo,
        typescript,
        options: {
            compiler: typescript.file,
            project: tsConfigPath,
            skipProject,
            cwd: programDir,
            compilerOptions: {
                target: esm ? "ES2022" : "ES2020",
                module: useNodeNext ? "nodenext" : "commonjs",
                moduleResolution: useNodeNext ? "nodenext" : "node",
                sourceMap: "true",
                ...compilerOptions,
            },
        },
        typeCheck: transpileOnly !== true,
        typeCheckOff,
        esm,
        tsconfigText,
    };
}

function nearestPackageJson(dir: string): { type?: string } | undefined {
    for (let d = path.resolve(dir); ; d = path.dirname(d)) {
        const file = path.join(d, "package.json");
        if (fs.existsSync(file)) {
            try {
                return JSON.parse(fs.readFileSync(file, "utf8"));
            } catch {
                return undefined;
            }
        }
        if (d === path.dirname(d)) return undefined;
    }
}

/** Where the engine keeps compiled program files and type-check results between runs. */
export function cacheDir(kind: "ts-node" | "type-check"): string {
    const base = process.env.OFFLINE_ENGINE_CACHE_DIR ?? path.join(os.tmpdir(), `offline-engine-${os.userInfo().uid}`);
    const dir = path.join(base, kind);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
}

export function sha256(...parts: string[]): string {
    const h = crypto.createHash("sha256");
    for (const p of parts) h.update(p).update("\0");
    return h.digest("hex");
}

/**
 * What the compiled output of a file depends on besides its own text: the compiler versions, run.js's
 * options, the tsconfig text and ts-node's environment variables. undefined when it can't be told
 * cheaply (a tsconfig that `extends` another file): then nothing is cached.
 */
export function setupKey(setup: TsNodeSetup): string | undefined {
    if (setup.tsconfigText !== undefined && /"extends"\s*:/.test(setup.tsconfigText)) return undefined;
    const env = Object.entries(process.env)
        .filter(([k]) => k.startsWith("TS_NODE_") || k.startsWith("PULUMI_NODEJS_T"))
        .sort(([a], [b]) => a.localeCompare(b));
    // The program's own location is left out: callers add the paths that matter to them.
    const { cwd, project, ...options } = setup.options;
    return sha256(JSON.stringify([setup.tsnode, setup.typescript, { ...options, project: path.relative(cwd, project) }, env]), setup.tsconfigText ?? "");
}

/** Writes `text` to `file` atomically (parallel runs may write the same entry). */
export function writeAtomic(file: string, text: string): void {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
}
