/**
 * child/preload.cjs on a minimal fake @pulumi/pulumi: the output walk's rewrite and the deferred closure code paths,
 * and what the report says when the text a rewrite expects is not there (the runner then fails, see fast-paths.ts).
 * The lazy aliases run on the real, pinned @pulumi/pulumi under its mocks.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const PRELOAD = path.join(__dirname, "..", "child", "preload.cjs");

/** The real output.js's containsUnknowns, as 3.248.0 writes it. */
const OUTPUT = (seenLine: string) => `"use strict";
function containsUnknowns(value) {
    return impl(value, new Set());
    function impl(val, seen) {
        if (val === null || typeof val !== "object") {
            return false;
        }
        else if (val.__pulumiUnknown === true) {
            return true;
        }
${seenLine}
            return false;
        }
        seen.add(val);
        if (val instanceof Array) {
            return val.some((e) => impl(e, seen));
        }
        else {
            return Object.keys(val).some((k) => impl(val[k], seen));
        }
    }
}
exports.containsUnknowns = containsUnknowns;
exports.line = () => new Error().stack.split("\\n")[1];
`;

function fakeSdk(dir: string, seenLine: string): void {
    const sdk = path.join(dir, "node_modules", "@pulumi", "pulumi");
    fs.mkdirSync(path.join(sdk, "runtime", "closure"), { recursive: true });
    fs.writeFileSync(path.join(sdk, "package.json"), JSON.stringify({ name: "@pulumi/pulumi", version: "3.248.0", main: "index.js" }));
    fs.writeFileSync(path.join(sdk, "index.js"), `exports.output = require("./output"); exports.codePaths = require("./runtime/closure/codePaths");\n`);
    fs.writeFileSync(path.join(sdk, "output.js"), OUTPUT(seenLine));
    fs.writeFileSync(path.join(sdk, "typescript-shim.js"), "module.exports = {};\n");
    fs.writeFileSync(path.join(sdk, "runtime", "closure", "codePaths.js"), `globalThis.codePathsLoaded = true;\nexports.computeCodePaths = async (x) => ["computed", x];\nexports.findWorkspaceRoot = async () => "/";\n`);
}

function run(dir: string, script: string): Record<string, any> {
    const r = spawnSync(process.execPath, ["--require", PRELOAD, "-e", script], {
        cwd: dir,
        env: { ...process.env, OFFLINE_ENGINE_PRELOAD: JSON.stringify(["@pulumi/pulumi"]) },
        encoding: "utf8",
    });
    expect(r.status, r.stderr).to.equal(0);
    return JSON.parse(r.stdout);
}

const REPORT = `const report = globalThis[Symbol.for("@acme-lake/offline-engine:preload")];`;

describe("preload: SDK rewrites and deferred code paths", function () {
    this.timeout(60_000);
    let tmp: string;
    before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "engine-preload-"))));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("stops the unknowns walk at resources, keeps line numbers, and loads codePaths on first call only", () => {
        const dir = path.join(tmp, "ok");
        fakeSdk(dir, "        else if (seen.has(val)) {");
        const out = run(
            dir,
            `${REPORT}
            const sdk = require("@pulumi/pulumi");
            const { containsUnknowns, line } = sdk.output;
            const resource = { __pulumiResource: true, hidden: { __pulumiUnknown: true } };
            const before = Boolean(globalThis.codePathsLoaded);
            sdk.codePaths.computeCodePaths("x").then((computed) => console.log(JSON.stringify({
                report, before, after: Boolean(globalThis.codePathsLoaded), computed,
                plain: containsUnknowns({ a: [{ __pulumiUnknown: true }] }),
                throughResource: containsUnknowns({ parent: resource }),
                line: line(),
            })));`,
        );
        expect(out.report.outputWalk).to.include({ installed: true });
        expect(out.report.codePaths).to.include({ deferred: true, loaded: true });
        expect([out.before, out.after, out.computed]).to.deep.equal([false, true, ["computed", "x"]]);
        // Unknowns in the value are still found; a resource's own fields are not walked.
        expect([out.plain, out.throughResource]).to.deep.equal([true, false]);
        expect(out.line).to.match(/output\.js:24:/);
    });

    it("changes nothing and says why when containsUnknowns is not the walk it rewrites", () => {
        const dir = path.join(tmp, "changed");
        fakeSdk(dir, "        else if (seen.has(val) || isSpecial(val)) {");
        // A release that collapses aliases some other way: resource.js is loaded as it is.
        const resource = path.join(dir, "node_modules", "@pulumi", "pulumi", "resource.js");
        fs.writeFileSync(resource, `const output_1 = require("./output");\nexports.collapse = (opts) => (opts.aliases || []).map(String);\n`);
        fs.appendFileSync(path.join(path.dirname(resource), "index.js"), `exports.resource = require("./resource");\n`);
        const out = run(dir, `${REPORT} require("@pulumi/pulumi"); const r = require("@pulumi/pulumi/resource"); console.log(JSON.stringify({ report, r: r.collapse({ aliases: [1] }) }));`);
        expect(out.report.outputWalk.installed).to.equal(false);
        expect(out.report.outputWalk.detail).to.match(/containsUnknowns in .*output\.js is not the walk this fast path rewrites/);
        expect(out.report.lazyAliases.installed).to.equal(false);
        expect(out.report.lazyAliases.detail).to.match(/the Resource constructor in .*resource\.js does not collapse aliases the way this fast path rewrites/);
        expect(out.r).to.deep.equal(["1"]);
    });

    it("collapses a resource's aliases on first read only, to the URNs the eager collapse gives, and keeps unsafe ones eager", () => {
        // The real SDK, resolved from the repository root; mocks take alias specs, as the engine's monitor does.
        const out = run(
            path.resolve(__dirname, "..", "..", ".."),
            `${REPORT}
            const pulumi = require("@pulumi/pulumi");
            pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name + "-id", state: a.inputs }), call: () => ({}) }, "proj", "stack");
            class Thing extends pulumi.CustomResource { constructor(name, opts) { super("test:index:Thing", name, {}, opts); } }
            class Group extends pulumi.ComponentResource { constructor(name, opts) { super("test:index:Group", name, {}, opts); } }
            const oldParent = new Group("old");
            const group = new Group("group");
            const moved = new Thing("moved", { parent: group, aliases: [{ parent: oldParent }, { name: "former" }, "urn:pulumi:stack::proj::test:index:Thing::literal"] });
            const lazyBefore = typeof Object.getOwnPropertyDescriptor(moved, "__aliases").get;
            const unsafe = new Thing("unsafe", { aliases: [{ name: pulumi.output("named-later") }] });
            const eager = Array.isArray(Object.getOwnPropertyDescriptor(unsafe, "__aliases").value);
            const counts = { ...report.lazyAliases };
            Promise.all([...moved.__aliases, ...unsafe.__aliases].map((o) => o.promise())).then((urns) => console.log(JSON.stringify({
                report, lazyBefore, eager, counts, urns, settled: "value" in Object.getOwnPropertyDescriptor(moved, "__aliases"),
            })));`,
        );
        expect(out.report.lazyAliases).to.include({ installed: true });
        expect(out.lazyBefore, "an accessor until read").to.equal("function");
        expect(out.settled, "a plain value once read").to.equal(true);
        expect(out.eager, "an Output-valued name is collapsed at construction, as before").to.equal(true);
        // old and group register no aliases; moved is lazy; unsafe is eager.
        expect(out.counts).to.deep.include({ lazy: 1, eager: 1 });
        expect(out.urns).to.deep.equal([
            "urn:pulumi:stack::proj::test:index:Group$test:index:Thing::moved",
            "urn:pulumi:stack::proj::test:index:Group$test:index:Thing::former",
            "urn:pulumi:stack::proj::test:index:Thing::literal",
            "urn:pulumi:stack::proj::test:index:Thing::named-later",
        ]);
    });
});
