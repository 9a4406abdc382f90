/**
 * Preloaded before tsx (`node --require preload.cjs --require tsx/cjs ...`) in the engine's child
 * processes: requires the SDK modules named in LAKE_ENGINE_PRELOAD (JSON list of ids, resolved from
 * the process's working directory, i.e. the pack or program) with Node's own loader. tsx's hook
 * looks at every .js file it loads; for @pulumi/pulumi and @pulumi/policy (hundreds of plain .js
 * files) that doubled start-up time. Later requires of the same files hit the module cache, so the
 * pack or program gets the very same module instances. Plain JS on purpose: it runs before tsx.
 */
"use strict";
const ids = process.env.LAKE_ENGINE_PRELOAD;
delete process.env.LAKE_ENGINE_PRELOAD;
for (const id of ids ? JSON.parse(ids) : []) {
    try {
        require(require.resolve(id, { paths: [process.cwd()] }));
    } catch {
        // Not installed here (e.g. a pack without @pulumi/policy): it loads normally, if at all.
    }
}
