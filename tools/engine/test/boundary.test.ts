/**
 * The engine is its own package: it imports nothing outside its directory (no lake code: a host passes
 * its specifics in, see host.ts), and every package it imports is one it declares. Reads the sources,
 * runs nothing.
 */
import { expect } from "chai";
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";

const ENGINE = path.resolve(__dirname, "..");
const REPO = path.resolve(ENGINE, "..", "..");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require("../package.json") as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
/** The lake's own code, which the engine must never reach into. */
const LAKE_DIRS = ["contract", "components", "infra", "policies", "stacks", "tools/dataset", "tools/lake", "tools/packs", "tools/bench"];

function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
        const full = path.join(dir, d.name);
        if (d.isDirectory()) return d.name === "node_modules" ? [] : sources(full);
        return /\.(ts|cjs|js|mjs)$/.test(d.name) ? [full] : [];
    });
}

interface Import {
    file: string;
    specifier: string;
    /** `import type ...` / `export type ...`: erased, may be satisfied by @types. */
    typeOnly: boolean;
}

/** Static imports, exports from, require(), require.resolve() and import() with a string literal (not `config.require("x")`). */
function importsOf(file: string): Import[] {
    const text = fs.readFileSync(file, "utf8");
    const out: Import[] = [];
    const re = /(\bimport\s+type\b[^;]*?\bfrom\s*|\bexport\s+type\b[^;]*?\bfrom\s*|\bfrom\s*|\bimport\s*\(\s*|(?<![.\w$])require(?:\.resolve)?\s*\(\s*|^\s*import\s+)(["'])([^"'\n]+)\2/gm;
    for (const m of text.matchAll(re)) out.push({ file, specifier: m[3], typeOnly: /^\s*(import|export)\s+type\b/.test(m[1]) });
    return out;
}

const packageName = (specifier: string) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");
const isBuiltin = (specifier: string) => specifier.startsWith("node:") || builtinModules.includes(packageName(specifier));
const isTest = (file: string) => file.startsWith(path.join(ENGINE, "test") + path.sep);

describe("engine package boundary", () => {
    const all = sources(ENGINE).flatMap(importsOf);

    it("finds the engine's imports (the scan works)", () => {
        const from = (name: string) => all.filter((i) => path.basename(i.file) === name).map((i) => i.specifier);
        expect(from("check.ts")).to.include.members(["./analyzer", "./host", "fs"]);
        expect(from("analyzer.ts")).to.include.members(["@grpc/grpc-js", "@pulumi/pulumi/proto/analyzer_pb", "yaml"]);
        expect(from("runner.ts")).to.include.members(["./fast-paths", "./monitor"]);
        expect(from("plan.ts")).to.include("child_process");
    });

    it("imports nothing outside tools/engine, in particular nothing of the lake", () => {
        const outside = all
            .filter((i) => i.specifier.startsWith("."))
            .map((i) => ({ ...i, target: path.resolve(path.dirname(i.file), i.specifier) }))
            .filter((i) => path.relative(ENGINE, i.target).startsWith(".."))
            .map((i) => {
                const lake = LAKE_DIRS.find((d) => !path.relative(path.join(REPO, d), i.target).startsWith(".."));
                return `${path.relative(REPO, i.file)}: ${i.specifier}${lake ? ` (the lake's ${lake}/)` : ""}`;
            });
        expect(outside).to.deep.equal([]);
    });

    it("declares every package it imports (runtime code: in dependencies)", () => {
        const undeclared = all
            .filter((i) => !i.specifier.startsWith(".") && !path.isAbsolute(i.specifier) && !isBuiltin(i.specifier))
            .filter((i) => {
                const name = packageName(i.specifier);
                const types = `@types/${name.replace(/^@([^/]+)\//, "$1__")}`;
                const declared = isTest(i.file) ? { ...pkg.dependencies, ...pkg.devDependencies } : pkg.dependencies;
                return !(name in declared) && !(i.typeOnly && types in pkg.devDependencies);
            })
            .map((i) => `${path.relative(ENGINE, i.file)}: ${i.specifier}`);
        expect(undeclared).to.deep.equal([]);
    });

    it("pins the SDKs whose internals it patches exactly", () => {
        for (const sdk of ["@pulumi/pulumi", "@pulumi/policy"]) expect(pkg.dependencies[sdk], sdk).to.match(/^\d+\.\d+\.\d+$/);
    });
});
