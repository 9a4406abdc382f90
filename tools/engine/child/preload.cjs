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

const report = { requested: [], modules: {}, typescript: { deferred: false }, codePaths: { deferred: false }, outputWalk: { installed: false }, lazyAliases: { installed: false, lazy: 0, eager: 0 } };
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
 * those Outputs, never by the resource object's own fields, so the walk treats it as a leaf.
 */
const OUTPUT_WALK_FROM = "        else if (seen.has(val)) {";
const OUTPUT_WALK_TO = "        else if (val.__pulumiResource === true || seen.has(val)) {";
function outputWalk(source, filename) {
    const start = source.indexOf("function containsUnknowns(");
    const at = start < 0 ? -1 : source.indexOf(OUTPUT_WALK_FROM, start);
    if (at < 0 || at - start > 600) return { problem: `containsUnknowns in ${filename} is not the walk this fast path rewrites` };
    return { source: source.slice(0, at) + OUTPUT_WALK_TO + source.slice(at + OUTPUT_WALK_FROM.length) };
}

/**
 * The Resource constructor collapses each alias to an Output of its URN (`__aliases`: five Outputs and their
 * promise chains per alias, most of a plan's Outputs when every moved child has an alias). Only `allAliases`
 * reads `__aliases`, for a monitor without alias specs; the engine's monitor and the SDK's mocks both support
 * them, so the chains run for nothing, all at once, before the first registration. Here they are built on first
 * read instead. Dropping chains nobody waits on leaves the order of every other promise job, and so of the
 * registrations, as it was (checked: the 1,000-dataset check report is byte-identical). Aliases whose collapse
 * could fail (an Output or promise, a field that is not a string, a parent that is neither a resource nor a URN)
 * are collapsed eagerly as before, so that such a failure surfaces as it did.
 */
const ALIASES_FROM = [
    "        this.__aliases = [];",
    "        if (opts.aliases) {",
    "            for (const alias of opts.aliases) {",
    "                this.__aliases.push(collapseAliasToUrn(alias, name, t, parent));",
    "            }",
    "        }",
].join("\n");
// Only the `if` line changes: a lazy alias list skips the loop.
const ALIASES_IF = "        if (opts.aliases) {";
const ALIASES_LAZY = "        if (opts.aliases && __engineLazyAliases(this, opts.aliases, (alias) => collapseAliasToUrn(alias, name, t, parent))) {} else if (opts.aliases) {";
// Appended before the source map comment (no line above it moves): defines __aliases as a lazy accessor when
// every alias collapses without failing; counts both outcomes in the report.
const ALIASES_HELPER = `
const __engineOwn = (a, k) => Object.prototype.hasOwnProperty.call(a, k);
const __engineSafeAlias = (a) => typeof a === "string" || (a !== null && typeof a === "object" && !output_1.Output.isInstance(a) && typeof a.then !== "function" &&
    ["name", "type", "project", "stack"].every((k) => !__engineOwn(a, k) || typeof a[k] === "string") &&
    (!__engineOwn(a, "parent") || a.parent === undefined || typeof a.parent === "string" || Resource.isInstance(a.parent)));
const __engineAliasLists = new WeakMap();
const __engineSettleAliases = (self, value) => (Object.defineProperty(self, "__aliases", { value, writable: true, enumerable: true, configurable: true }), value);
const __engineAliasesAccessor = { enumerable: true, configurable: true,
    get() { const res = __engineAliasOwner(this); const [given, collapse] = __engineAliasLists.get(res); return __engineSettleAliases(res, given.map((alias) => collapse(alias))); },
    set(value) { __engineSettleAliases(__engineAliasOwner(this), value); } };
// The resource the accessor was found on: the receiver, or a prototype of it when read through an heir.
function __engineAliasOwner(receiver) {
    for (let o = receiver; o; o = Object.getPrototypeOf(o)) if (__engineAliasLists.has(o)) return o;
    return receiver;
}
function __engineLazyAliases(res, aliases, collapse) {
    const counts = globalThis[Symbol.for("@acme-lake/offline-engine:preload")].lazyAliases;
    if (!Array.isArray(aliases) || !aliases.every(__engineSafeAlias)) return (counts.eager++, false);
    counts.lazy++;
    __engineAliasLists.set(res, [aliases.slice(), collapse]);
    Object.defineProperty(res, "__aliases", __engineAliasesAccessor);
    return true;
}
`;
function lazyAliases(source, filename) {
    const at = source.indexOf(ALIASES_FROM);
    if (at < 0 || !/\nconst output_1 = /.test(source)) return { problem: `the Resource constructor in ${filename} does not collapse aliases the way this fast path rewrites` };
    const block = ALIASES_FROM.replace(ALIASES_IF, ALIASES_LAZY);
    const rewritten = source.slice(0, at) + block + source.slice(at + ALIASES_FROM.length);
    const map = rewritten.lastIndexOf("\n//# sourceMappingURL=");
    return { source: map < 0 ? rewritten + ALIASES_HELPER : rewritten.slice(0, map) + ALIASES_HELPER + rewritten.slice(map + 1) };
}

/**
 * Rewrites SDK modules as Node loads them (only while the preload runs: tsx must find Node's own .js loader once
 * it installs its hook). Each rewrite keeps line numbers; if the text it replaces is not there, that module is
 * loaded unchanged, its report slot says why, and the runner fails with the pinned and found versions.
 */
function rewriteOnLoad(from, rewrites) {
    const files = new Map();
    for (const r of rewrites) {
        try {
            const file = require.resolve(r.id, { paths: [from] });
            if (require.cache[file]) r.slot.detail = `${r.id.split("/").pop()}.js was loaded before the preload`;
            else files.set(file, r);
        } catch (err) {
            r.slot.detail = String(err && err.message).split("\n")[0];
        }
    }
    const js = Module._extensions[".js"];
    const patched = function (mod, filename) {
        const r = files.get(filename);
        if (!r) return js(mod, filename);
        files.delete(filename);
        const out = r.rewrite(require("fs").readFileSync(filename, "utf8"), filename);
        if (out.problem) {
            r.slot.detail = out.problem;
            return js(mod, filename);
        }
        mod._compile(out.source, filename);
        r.slot.installed = true;
        r.slot.file = filename;
    };
    if (files.size) Module._extensions[".js"] = patched;
    return () => {
        if (Module._extensions[".js"] === patched) Module._extensions[".js"] = js;
        for (const r of rewrites) if (!r.slot.installed && !r.slot.detail) r.slot.detail = "@pulumi/pulumi was not preloaded";
    };
}

const ids = process.env.OFFLINE_ENGINE_PRELOAD;
delete process.env.OFFLINE_ENGINE_PRELOAD;
deferTypeScript(process.cwd());
report.requested = ids ? JSON.parse(ids) : [];
// Packs load @pulumi/pulumi's runtime too (through @pulumi/policy): codePaths is deferred in every process; the
// rewrites of output.js and resource.js matter only where a program builds outputs and resources.
deferCodePaths(process.cwd());
const doneRewrites = report.requested.includes("@pulumi/pulumi")
    ? rewriteOnLoad(process.cwd(), [
          { id: "@pulumi/pulumi/output", slot: report.outputWalk, rewrite: outputWalk },
          { id: "@pulumi/pulumi/resource", slot: report.lazyAliases, rewrite: lazyAliases },
      ])
    : () => undefined;
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
doneRewrites();
