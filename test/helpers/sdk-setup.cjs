/**
 * Loaded by mocha before tsx (.mocharc.json): the suites run components under the SDK's mocks in this process, and
 * get the same start-up as the engine's program processes (tools/engine/child/preload.cjs: @pulumi/pulumi through
 * Node's own loader, closure code paths and the TypeScript compiler loaded on first use, resources as leaves in the
 * walk for unknowns, aliases collapsed on first read). And, as there, no debug record per promise: the runtime's
 * debuggablePromise formats a stack trace for every promise it wraps (through tsx's source maps here), most of the
 * suite's in-process time, for a leak report no test reads. Registrations and their inputs are the SDK's own either way.
 */
"use strict";
process.env.OFFLINE_ENGINE_PRELOAD = JSON.stringify(["@pulumi/pulumi"]);
require("../../tools/engine/child/preload.cjs");
const debuggable = require("@pulumi/pulumi/runtime/debuggable");
if (typeof debuggable.debuggablePromise !== "function") throw new Error("@pulumi/pulumi/runtime/debuggable.debuggablePromise is missing: see docs/engine.md, \"Upgrading the SDKs\"");
debuggable.debuggablePromise = (p) => p;
