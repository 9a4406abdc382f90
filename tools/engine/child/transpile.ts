/**
 * The program's TypeScript is compiled by the ts-node that `pulumi preview` would use, with the same
 * options (child/typescript.ts), instead of by tsx (esbuild): esbuild's `import * as x` of a CommonJS
 * module is a copy of its exports, ts-node's (TypeScript's esModuleInterop) is the module itself when it
 * is marked __esModule, and @pulumi/pulumi's closure serialiser recognises captured modules by identity.
 * Type checking is left to the type-check process (as ts-node's transpileOnly), so this is transpilation
 * only. Output is cached on disk by content, so a warm run loads neither ts-node nor TypeScript.
 *
 * Files in node_modules, the engine's own files and ES module programs stay with tsx.
 */
import * as fs from "fs";
import * as path from "path";
import { cacheDir, pulumiTsNodeSetup, setupKey, sha256, TsNodeSetup, writeAtomic } from "./typescript";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require("module") as { _extensions: Record<string, (module: any, filename: string) => void> };

export interface TranspileReport {
    /** false: tsx compiles the program (why in `detail`). */
    active: boolean;
    detail: string;
    /** Program files compiled this way (absolute), in load order. */
    files: string[];
    fromCache: number;
}

const ENGINE_DIR = path.dirname(__dirname) + path.sep;
const ENGINE_TESTS = path.join(ENGINE_DIR, "test") + path.sep;
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

/** ts-node compiles every .ts file outside node_modules (its default `ignore`); the engine's own stay with tsx. */
function isProgramFile(file: string): boolean {
    return !file.includes(NODE_MODULES) && !(file.startsWith(ENGINE_DIR) && !file.startsWith(ENGINE_TESTS));
}

export function installProgramTranspiler(programDir: string, sdkDir: string): { setup?: TsNodeSetup; report(): TranspileReport } {
    let setup: TsNodeSetup;
    try {
        setup = pulumiTsNodeSetup(programDir, sdkDir);
    } catch (err) {
        const detail = `could not resolve ts-node as @pulumi/pulumi does (${(err as Error).message.split("\n")[0]}); tsx compiles the program`;
        return { report: () => ({ active: false, detail, files: [], fromCache: 0 }) };
    }
    if (setup.esm) {
        const detail = "an ES module program (package.json type: module): tsx compiles it (pulumi preview would use ts-node/esm)";
        return { setup, report: () => ({ active: false, detail, files: [], fromCache: 0 }) };
    }
    const files: string[] = [];
    let fromCache = 0;
    let unusable: string | undefined;
    const salt = setupKey(setup);
    const dir = salt ? cacheDir("ts-node") : undefined;
    let service: { compile(code: string, fileName: string): string } | undefined;
    const compiler = () => {
        if (service) return service;
        const tsnode = require(setup.tsnode.file) as { create?: (opts: Record<string, unknown>) => typeof service };
        if (typeof tsnode.create !== "function") {
            unusable = `ts-node ${setup.tsnode.version} at ${setup.tsnode.file} has no create() API (ts-node 8 or later has)`;
            return undefined;
        }
        // Type errors are the type-check process's; here ts-node only transpiles, as with transpileOnly.
        service = tsnode.create({ ...setup.options, transpileOnly: true })!;
        return service;
    };
    process.setSourceMapsEnabled?.(true);
    for (const ext of [".ts", ".cts"]) {
        const previous = Module._extensions[ext] ?? Module._extensions[".js"];
        Module._extensions[ext] = function (module: any, filename: string) {
            if (unusable || !isProgramFile(filename)) return previous(module, filename);
            const source = fs.readFileSync(filename, "utf8");
            const entry = dir && salt ? path.join(dir, `${sha256(salt, filename, source)}.js`) : undefined;
            let output: string | undefined;
            if (entry && fs.existsSync(entry)) {
                output = fs.readFileSync(entry, "utf8");
                fromCache++;
            } else {
                const ts = compiler();
                if (!ts) return previous(module, filename);
                output = ts.compile(source, filename);
                if (entry) writeAtomic(entry, output);
            }
            files.push(filename);
            module._compile(output, filename);
        };
    }
    return {
        setup,
        report: () => ({
            active: !unusable,
            detail: unusable
                ? `${unusable}: tsx compiles the program, whose CommonJS interop differs from ts-node's`
                : `program TypeScript compiled by ts-node ${setup.tsnode.version} (TypeScript ${setup.typescript.version}) with the options pulumi preview uses: ` +
                  `${files.length} file(s), ${fromCache} from the cache${salt ? "" : " (off: tsconfig extends another file)"}`,
            files,
            fromCache,
        }),
    };
}
