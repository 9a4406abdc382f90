/**
 * Preloaded before tsx (`node --require preload.cjs --require tsx/cjs ...`) in the engine's child
 * processes: requires the SDK modules named in OFFLINE_ENGINE_PRELOAD (JSON list of ids, resolved from
 * the process's working directory, i.e. the pack or program) with Node's own loader. tsx's hook
 * looks at every .js file it loads; for @pulumi/pulumi and @pulumi/policy (hundreds of plain .js
 * files) that doubled start-up time. Later requires of the same files hit the module cache, so the
 * pack or program gets the very same module instances. Plain JS on purpose: it runs before tsx.
 *
 * What it did is left in a global (see PreloadReport in fast-paths.ts): the runner and the pack host
 * check it, so a preload or deferral that stops working is an error, not a silent slowdown.
 */
"use strict";
const Module = require("module");

const report = { requested: [], modules: {}, typescript: { deferred: false }, codePaths: { deferred: false }, outputWalk: { installed: false } };
globalThis[Symbol.for("@acme-lake/offline-engine:preload")] = report;

/**
 * Puts a stand-in for SDK module `id` (resolved from `from`) in the module cache: `makeExports(load)` builds its
 * exports, and `load()` requires the real module on first use. What happened goes to `slot` of the report.
 */
function deferModule(id, from, slot, makeExports) {
    let file;
    try {
        file = require.resolve(id, { paths: [from] });
    } catch (err) {
        slot.detail = String(err && err.message).split("\n")[0];
        return undefined;
    }
    if (require.cache[file]) {
        slot.detail = "already loaded";
        return undefined;
    }
    let real;
    const load = () => {
        if (!real) {
            slot.loaded = true;
            delete require.cache[file];
            real = require(file);
        }
        return real;
    };
    const lazy = new Module(file, module);
    lazy.filename = file;
    lazy.loaded = true;
    lazy.exports = makeExports(load);
    require.cache[file] = lazy;
    slot.deferred = true;
    return file;
}

/**
 * @pulumi/pulumi loads the TypeScript compiler (9 MB of JS, ~0.3 s per process) at start-up for
 * closure serialisation only (`serializeFunction`, e.g. lambda CallbackFunction). Its shim module is
 * replaced by one that loads the real compiler on first use.
 */
function deferTypeScript(from) {
    const shim = deferModule("@pulumi/pulumi/typescript-shim", from, report.typescript, (load) =>
        new Proxy(
            {},
            {
                get: (_t, key) => load()[key],
                has: (_t, key) => key in load(),
                ownKeys: () => Reflect.ownKeys(load()),
                getOwnPropertyDescriptor: (_t, key) => {
                    const d = Object.getOwnPropertyDescriptor(load(), key);
                    return d && { ...d, configurable: true };
                },
            },
        ),
    );
    if (shim) report.typescript.shim = shim;
}

/**
 * @pulumi/pulumi's runtime/index.js loads runtime/closure/codePaths at start-up, and with it @npmcli/arborist
 * (about 450 modules, most of a program's start-up). Only closure serialisation (e.g. a lambda CallbackFunction)
 * calls it: its exports become forwarders that load the real module on first call.
 */
function deferCodePaths(from) {
    const file = deferModule("@pulumi/pulumi/runtime/closure/codePaths", from, report.codePaths, (load) => {
        // Read at load time by runtime/index.js (exports.computeCodePaths = codePaths_1.computeCodePaths).
        const forwarders = {
            __esModule: true,
            computeCodePaths: (...args) => load().computeCodePaths(...args),
            findWorkspaceRoot: (...args) => load().findWorkspaceRoot(...args),
        };
        return new Proxy(forwarders, {
            get: (target, key) => (key in target ? target[key] : load()[key]),
            has: (target, key) => key in target || key in load(),
        });
    });
    if (file) report.codePaths.file = file;
}

/**
 * output.js's containsUnknowns walks everything reachable from an Output's value, and a value holding a resource
 * (an alias `{ parent: resource }`, a component's registerOutputs) reaches the whole resource graph through
 * parents and providers: a walk over every resource for each such Output, quadratic in the stack's size (most
 * of a 10k-resource plan). A resource in a value is a reference: whether its outputs are known is carried by
 * those Outputs, never by the resource object's own fields, so the walk treats it as a leaf. The rewrite keeps
 * line numbers; if the text it replaces is not there, nothing is changed and the runner fails with the versions.
 */
const OUTPUT_WALK_FROM = "        else if (seen.has(val)) {";
const OUTPUT_WALK_TO = "        else if (val.__pulumiResource === true || seen.has(val)) {";
function resourcesAsLeaves(from) {
    let file;
    try {
        file = require.resolve("@pulumi/pulumi/output", { paths: [from] });
    } catch (err) {
        report.outputWalk.detail = String(err && err.message).split("\n")[0];
        return () => undefined;
    }
    if (require.cache[file]) {
        report.outputWalk.detail = "output.js was loaded before the preload";
        return () => undefined;
    }
    const js = Module._extensions[".js"];
    const restore = () => {
        if (Module._extensions[".js"] === patched) Module._extensions[".js"] = js;
    };
    const patched = function (mod, filename) {
        if (filename !== file) return js(mod, filename);
        restore();
        const source = require("fs").readFileSync(filename, "utf8");
        const start = source.indexOf("function containsUnknowns(");
        const at = start < 0 ? -1 : source.indexOf(OUTPUT_WALK_FROM, start);
        if (at < 0 || at - start > 600) {
            report.outputWalk.detail = `containsUnknowns in ${filename} is not the walk this fast path rewrites`;
            return js(mod, filename);
        }
        mod._compile(source.slice(0, at) + OUTPUT_WALK_TO + source.slice(at + OUTPUT_WALK_FROM.length), filename);
        report.outputWalk.installed = true;
        report.outputWalk.file = filename;
    };
    Module._extensions[".js"] = patched;
    // Only while the preload runs: tsx must find Node's own .js loader once it installs its hook.
    return () => {
        restore();
        if (!report.outputWalk.installed && !report.outputWalk.detail) report.outputWalk.detail = "@pulumi/pulumi was not preloaded";
    };
}

const ids = process.env.OFFLINE_ENGINE_PRELOAD;
delete process.env.OFFLINE_ENGINE_PRELOAD;
deferTypeScript(process.cwd());
report.requested = ids ? JSON.parse(ids) : [];
// Packs load @pulumi/pulumi's runtime too (through @pulumi/policy): codePaths is deferred in every process; the
// output walk matters only where a program builds outputs.
deferCodePaths(process.cwd());
const doneWalk = report.requested.includes("@pulumi/pulumi") ? resourcesAsLeaves(process.cwd()) : () => undefined;
for (const id of report.requested) {
    try {
        const file = require.resolve(id, { paths: [process.cwd()] });
        require(file);
        report.modules[id] = { file };
    } catch (err) {
        // Not installed here (e.g. a pack without @pulumi/policy): it loads normally, if at all. The
        // runner and pack host decide whether that is an error.
        report.modules[id] = { error: String(err && err.message).split("\n")[0] };
    }
}
doneWalk();
