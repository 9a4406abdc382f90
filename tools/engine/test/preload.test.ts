/**
 * child/preload.cjs on a minimal fake @pulumi/pulumi: the output walk's rewrite and the deferred closure code paths,
 * and what the report says when the text a rewrite expects is not there (the runner then fails, see fast-paths.ts).
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

describe("preload: output walk and deferred code paths", function () {
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
        const out = run(dir, `${REPORT} require("@pulumi/pulumi"); console.log(JSON.stringify({ report }));`);
        expect(out.report.outputWalk.installed).to.equal(false);
        expect(out.report.outputWalk.detail).to.match(/containsUnknowns in .*output\.js is not the walk this fast path rewrites/);
    });
});
