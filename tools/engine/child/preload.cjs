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

const report = { requested: [], modules: {}, typescript: { deferred: false } };
globalThis[Symbol.for("@acme-lake/offline-engine:preload")] = report;

/**
 * @pulumi/pulumi loads the TypeScript compiler (9 MB of JS, ~0.3 s per process) at start-up for
 * closure serialisation only (`serializeFunction`, e.g. lambda CallbackFunction). Its shim module is
 * replaced by one that loads the real compiler on first use.
 */
function deferTypeScript(from) {
    let shim;
    try {
        shim = require.resolve("@pulumi/pulumi/typescript-shim", { paths: [from] });
    } catch (err) {
        report.typescript.detail = String(err && err.message).split("\n")[0];
        return;
    }
    if (require.cache[shim]) {
        report.typescript.detail = "already loaded";
        return;
    }
    let real;
    const load = () => {
        if (!real) {
            report.typescript.loaded = true;
            delete require.cache[shim];
            real = require(shim);
        }
        return real;
    };
    const lazy = new Module(shim, module);
    lazy.filename = shim;
    lazy.loaded = true;
    lazy.exports = new Proxy(
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
    );
    require.cache[shim] = lazy;
    report.typescript.deferred = true;
    report.typescript.shim = shim;
}

const ids = process.env.OFFLINE_ENGINE_PRELOAD;
delete process.env.OFFLINE_ENGINE_PRELOAD;
deferTypeScript(process.cwd());
report.requested = ids ? JSON.parse(ids) : [];
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
