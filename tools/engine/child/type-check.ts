/**
 * Type-check process of `plan`/`check`: checks the program the way `pulumi preview` does before running
 * it, i.e. as ts-node without transpileOnly: TypeScript resolved from the SDK, the options ts-node
 * derives from the program's tsconfig.json and run.js's defaults (child/typescript.ts), the entry and
 * everything it imports. Runs beside the program process (../plan.ts) so the plan does not wait for it,
 * and writes a TypeCheckResult to the file named in its options. Results are cached by the content of
 * every file the check read, so an unchanged program is not checked twice.
 *
 * Started as `node --require tsx/cjs type-check.ts <options-json>` with the program's NODE_PATH.
 */
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import { cacheDir, pulumiTsNodeSetup, setupKey, sha256, writeAtomic } from "./typescript";

export interface TypeCheckOptions {
    programDir: string;
    /** Absolute entry file (a .ts file). */
    main: string;
    resultFile: string;
}

export interface TypeDiagnostic {
    /** Relative to the program dir ("/" separated); undefined for option/global diagnostics. */
    file?: string;
    line?: number;
    column?: number;
    code: number;
    category: "error" | "warning";
    message: string;
}

export type TypeCheckResult =
    | { ok: true; diagnostics: TypeDiagnostic[]; skipped?: string; tool: string; cached: boolean; ms: number }
    | { ok: false; error: string };

/** ts-node never reports these (its default ignoreDiagnostics). */
const TS_NODE_IGNORED = [6059, 18002, 18003];
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

interface CacheEntry {
    key: string;
    /** Every file the program read outside node_modules, and every package.json of a package it read, by hash. */
    inputs: Record<string, string>;
    diagnostics: TypeDiagnostic[];
}

function hashFile(file: string): string {
    try {
        return sha256(fs.readFileSync(file, "utf8"));
    } catch {
        return "missing";
    }
}

/** The package root of a file in node_modules (its package.json), or undefined. */
function packageJsonOf(file: string): string | undefined {
    const i = file.lastIndexOf(NODE_MODULES);
    if (i < 0) return undefined;
    const rest = file.slice(i + NODE_MODULES.length).split(path.sep);
    const name = rest[0].startsWith("@") ? rest.slice(0, 2) : rest.slice(0, 1);
    return path.join(file.slice(0, i + NODE_MODULES.length), ...name, "package.json");
}

/** Inputs under the program dir are stored relative to it ("./..."), others absolute. */
function storedPath(file: string, programDir: string): string {
    const rel = path.relative(programDir, file);
    return rel.startsWith("..") || path.isAbsolute(rel) ? file : `./${rel}`;
}

function cached(file: string, key: string, programDir: string): CacheEntry | undefined {
    try {
        const entry = JSON.parse(fs.readFileSync(file, "utf8")) as CacheEntry;
        if (entry.key !== key) return undefined;
        for (const [input, hash] of Object.entries(entry.inputs)) if (hashFile(path.resolve(programDir, input)) !== hash) return undefined;
        return entry;
    } catch {
        return undefined;
    }
}

function run(opts: TypeCheckOptions): TypeCheckResult {
    const started = Date.now();
    const programRequire = createRequire(path.join(opts.programDir, "__pulumi_program__.js"));
    const sdkDir = path.dirname(programRequire.resolve("@pulumi/pulumi/package.json"));
    const setup = pulumiTsNodeSetup(opts.programDir, sdkDir);
    const tool = `TypeScript ${setup.typescript.version} via ts-node ${setup.tsnode.version}`;
    if (!setup.typeCheck) return { ok: true, diagnostics: [], skipped: `${setup.typeCheckOff}: pulumi preview does not type-check it either`, tool, cached: false, ms: 0 };
    if (setup.esm) return { ok: true, diagnostics: [], skipped: "an ES module program: not type-checked offline", tool, cached: false, ms: 0 };

    // Keyed by content, not by place: the same program in another directory (a fresh clone, the bench's temp
    // dirs) reuses the result; every input is re-hashed before a result is reused.
    const salt = setupKey(setup);
    const key = salt ? sha256(salt, path.relative(opts.programDir, opts.main), process.env.NODE_PATH ?? "") : "";
    const entryFile = salt ? path.join(cacheDir("type-check"), `${sha256(key, hashFile(opts.main))}.json`) : undefined;
    const hit = entryFile ? cached(entryFile, key, opts.programDir) : undefined;
    if (hit) return { ok: true, diagnostics: hit.diagnostics, tool, cached: true, ms: Date.now() - started };

    const ts = require(setup.typescript.file);
    const tsnode = require(setup.tsnode.file);
    if (typeof tsnode.create !== "function") {
        return { ok: true, diagnostics: [], skipped: `ts-node ${setup.tsnode.version} has no create() API: its options cannot be read offline`, tool, cached: false, ms: 0 };
    }
    // ts-node's parsed config (its defaults, the tsconfig, run.js's options and its own fixed options).
    const service = tsnode.create({ ...setup.options, transpileOnly: true });
    const options = { ...service.config.options, noEmit: true };
    for (const k of ["outDir", "sourceMap", "inlineSourceMap", "inlineSources", "declaration", "declarationMap", "incremental", "composite", "tsBuildInfoFile"]) delete options[k];
    const ignored = new Set([...TS_NODE_IGNORED, ...((service.options.ignoreDiagnostics ?? []) as (string | number)[]).map(Number)]);

    // Programs without node_modules resolve packages through NODE_PATH at run time; give the checker the same.
    const nodePath = (process.env.NODE_PATH ?? "").split(path.delimiter).filter(Boolean);
    const host = ts.createCompilerHost(options, true);
    const lookups = nodePath.map((dir: string) => path.join(path.dirname(dir), "__offline_engine__.ts"));
    if (lookups.length && ts.createModuleResolutionCache) {
        const resolutionCache = ts.createModuleResolutionCache(host.getCurrentDirectory(), host.getCanonicalFileName, options);
        host.resolveModuleNameLiterals = (literals: { text: string }[], containingFile: string, redirected: unknown, compilerOptions: unknown, sourceFile: any) =>
            literals.map((literal) => {
                const mode = ts.getModeForUsageLocation?.(sourceFile, literal, compilerOptions);
                let found = ts.resolveModuleName(literal.text, containingFile, compilerOptions, host, resolutionCache, redirected, mode);
                for (const from of lookups) {
                    if (found.resolvedModule || literal.text.startsWith(".")) break;
                    found = ts.resolveModuleName(literal.text, from, compilerOptions, host, resolutionCache, redirected, mode);
                }
                return found;
            });
    }
    if (options.typeRoots === undefined && !fs.existsSync(path.join(opts.programDir, "node_modules"))) {
        const roots = nodePath.map((dir: string) => path.join(dir, "@types")).filter((dir: string) => fs.existsSync(dir));
        if (roots.length) options.typeRoots = roots;
    }
    const program = ts.createProgram({ rootNames: [opts.main], options, host });

    const relative = (file: string) => path.relative(opts.programDir, file).split(path.sep).join("/");
    const diagnostics: TypeDiagnostic[] = [];
    const add = (d: any) => {
        if (ignored.has(d.code) || d.category === ts.DiagnosticCategory.Message || d.category === ts.DiagnosticCategory.Suggestion) return;
        const out: TypeDiagnostic = {
            code: d.code,
            category: d.category === ts.DiagnosticCategory.Error ? "error" : "warning",
            message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
        };
        if (d.file && d.start !== undefined) {
            const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
            Object.assign(out, { file: relative(d.file.fileName), line: line + 1, column: character + 1 });
        }
        diagnostics.push(out);
    };
    program.getOptionsDiagnostics().forEach(add);
    program.getGlobalDiagnostics().forEach(add);
    const inputs: Record<string, string> = {};
    const input = (file: string, hash: () => string) => (inputs[storedPath(file, opts.programDir)] ??= hash());
    if (setup.options.skipProject === false) input(setup.options.project, () => hashFile(setup.options.project));
    for (const sf of program.getSourceFiles()) {
        const file = path.resolve(sf.fileName);
        const pkg = packageJsonOf(file);
        if (pkg) {
            input(pkg, () => hashFile(pkg));
            continue;
        }
        if (!file.startsWith(path.dirname(setup.typescript.file))) input(file, () => hashFile(file));
        // ts-node compiles (and so checks) program files only, never declaration files.
        if (sf.isDeclarationFile) continue;
        program.getSyntacticDiagnostics(sf).forEach(add);
        program.getSemanticDiagnostics(sf).forEach(add);
    }
    if (entryFile) writeAtomic(entryFile, JSON.stringify({ key, inputs, diagnostics } satisfies CacheEntry));
    return { ok: true, diagnostics, tool, cached: false, ms: Date.now() - started };
}

const opts = JSON.parse(process.argv[2]) as TypeCheckOptions;
let result: TypeCheckResult;
try {
    result = run(opts);
} catch (err) {
    result = { ok: false, error: (err as Error)?.stack ?? String(err) };
}
fs.writeFileSync(opts.resultFile, JSON.stringify(result));
