/**
 * Builds each CrossGuard pack under policies/ into a self-contained, publishable directory:
 *
 *   npx tsx tools/packs/build.ts [--out DIR] [pack...]      (default out: dist/policy-packs/)
 *
 * `pulumi policy publish` ships the pack directory only (it runs `npm pack` there), but the packs import
 * policies/lib and contract/ from outside it. esbuild bundles index.ts with everything of ours into one
 * CommonJS index.js; @pulumi/policy and @pulumi/pulumi stay external and become the package's only
 * dependencies, pinned to the versions installed here, which the whole test suite runs against. The
 * result is plain JS, so Pulumi Cloud and the CLI run it without ts-node and without this repository.
 */
import * as esbuild from "esbuild";
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";
import { parseArgs } from "util";

export const ROOT = path.resolve(__dirname, "../..");
export const POLICIES = path.join(ROOT, "policies");
export const DEFAULT_OUT = path.join(ROOT, "dist/policy-packs");

/** What a pack may load at run time: these two, installed next to it by `npm install` (the CLI does that). */
export const RUNTIME_PACKAGES = ["@pulumi/policy", "@pulumi/pulumi"] as const;

export class PackBuildError extends Error {}

export interface BuiltPack {
    name: string;
    version: string;
    /** The publishable directory: index.js, package.json, PulumiPolicy.yaml, README.md. */
    dir: string;
    /** The sources bundled into index.js, relative to the repository root. */
    sources: string[];
}

interface SourceManifest {
    name?: unknown;
    version?: unknown;
    description?: unknown;
    license?: unknown;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
}

/** Every directory under policies/ with a PulumiPolicy.yaml, sorted. */
export function listPacks(): string[] {
    return fs
        .readdirSync(POLICIES, { withFileTypes: true })
        .filter((e) => e.isDirectory() && fs.existsSync(path.join(POLICIES, e.name, "PulumiPolicy.yaml")))
        .map((e) => e.name)
        .sort();
}

/** The exact version in the repository's node_modules; npm may record it as "v1.21.0", the registry as "1.21.0". */
export function installedVersion(pkg: string): string {
    const file = path.join(ROOT, "node_modules", pkg, "package.json");
    if (!fs.existsSync(file)) throw new PackBuildError(`${pkg} is not installed in ${path.join(ROOT, "node_modules")} (run npm ci)`);
    const raw = JSON.parse(fs.readFileSync(file, "utf8")).version;
    const m = typeof raw === "string" ? /^[v=]?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(raw.trim()) : null;
    if (!m) throw new PackBuildError(`${file}: version ${JSON.stringify(raw)} is not an exact semver version`);
    return m[1];
}

const isRuntime = (id: string) => RUNTIME_PACKAGES.some((p) => id === p || id.startsWith(`${p}/`));
const isBuiltin = (id: string) => id.startsWith("node:") || builtinModules.includes(id.split("/")[0]);

/** Module ids a CommonJS file requires with a literal string (what esbuild emits for externals). */
export function requiredIds(js: string): string[] {
    return [...js.matchAll(/\brequire\(\s*(["'`])([^"'`]+)\1\s*\)/g)].map((m) => m[2]);
}

function readManifest(srcDir: string): SourceManifest {
    const file = path.join(srcDir, "package.json");
    if (!fs.existsSync(file)) throw new PackBuildError(`${file}: missing (PolicyPack reads the version from it)`);
    const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as SourceManifest;
    for (const key of ["name", "version"] as const) {
        if (typeof pkg[key] !== "string" || pkg[key] === "") throw new PackBuildError(`${file}: "${key}" must be a non-empty string`);
    }
    // A dependency we'd silently drop would fail only after publishing; the packs may use the SDKs alone.
    const extra = [pkg.dependencies, pkg.peerDependencies, pkg.optionalDependencies]
        .flatMap((deps) => Object.keys(deps ?? {}))
        .filter((d) => !(RUNTIME_PACKAGES as readonly string[]).includes(d));
    if (extra.length) {
        throw new PackBuildError(`${file}: depends on ${extra.join(", ")}; a built pack provides only ${RUNTIME_PACKAGES.join(" and ")}`);
    }
    return pkg;
}

const within = (child: string, parent: string) => child === parent || child.startsWith(parent + path.sep);

function readme(pack: string, version: string, sources: string[]): string {
    return [
        `# ${pack} ${version} (built)`,
        "",
        `Generated from \`policies/${pack}/\` of the serverless-lake-platform repository by \`tools/packs/build.ts\``,
        "(`npm run packs`). Do not edit: change the source and rebuild.",
        "",
        `\`index.js\` is one CommonJS file (esbuild ${esbuild.version}, platform node, target node20, not minified) holding`,
        "the pack and the shared code it imports (`policies/lib`, `contract/`). Only `@pulumi/policy` and",
        "`@pulumi/pulumi` load from `node_modules`; `package.json` pins them to the versions the repository tests with.",
        "",
        "- Publish: `pulumi policy publish <org-name>` in this directory.",
        "- Run locally: `pulumi preview --policy-pack <this directory> --policy-pack-config policies/config/<stack>.json`.",
        "- Outside the repository, run `npm install` here first (the Pulumi CLI does that for packs it downloads).",
        "",
        "Bundled sources:",
        "",
        ...sources.map((s) => `- \`${s}\``),
        "",
    ].join("\n");
}

async function buildPack(pack: string, out: string): Promise<BuiltPack> {
    const srcDir = path.join(POLICIES, pack);
    const dir = path.join(out, pack);
    // The output directory is wiped first; never let that be a source directory.
    if (within(dir, srcDir) || within(srcDir, dir)) throw new PackBuildError(`--out ${out}: would overwrite the pack source ${srcDir}`);
    const entry = ["index.ts", "index.js"].map((f) => path.join(srcDir, f)).find((f) => fs.existsSync(f));
    if (!entry) throw new PackBuildError(`${srcDir}: no index.ts`);
    const pkg = readManifest(srcDir);
    const name = pkg.name as string;
    const version = pkg.version as string;

    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    let result: esbuild.BuildResult<{ metafile: true }>;
    try {
        result = await esbuild.build({
            absWorkingDir: ROOT,
            entryPoints: [entry],
            outfile: path.join(dir, "index.js"),
            bundle: true,
            platform: "node",
            format: "cjs",
            target: "node20",
            external: RUNTIME_PACKAGES.flatMap((p) => [p, `${p}/*`]),
            minify: false,
            // Bundling renames clashing top-level identifiers; keep Function.name as written.
            keepNames: true,
            metafile: true,
            logLevel: "silent",
            banner: { js: `// ${name}@${version}: built from policies/${pack} by tools/packs/build.ts; do not edit.` },
        });
    } catch (err) {
        const errors = (err as esbuild.BuildFailure).errors;
        const text = errors ? esbuild.formatMessagesSync(errors, { kind: "error" }).join("\n") : String(err);
        throw new PackBuildError(`${pack}: bundling failed:\n${text}`);
    }

    const sources = Object.keys(result.metafile.inputs).sort();
    // Third-party code would ship unpinned and unreviewed inside index.js; only our sources are bundled.
    const foreign = sources.filter((s) => s.split(/[\\/]/).includes("node_modules"));
    if (foreign.length) {
        throw new PackBuildError(`${pack}: bundles code from node_modules (${foreign.join(", ")}); import only ${RUNTIME_PACKAGES.join(" and ")}`);
    }
    const js = fs.readFileSync(path.join(dir, "index.js"), "utf8");
    const stray = requiredIds(js).filter((id) => !isRuntime(id) && !isBuiltin(id));
    if (stray.length) throw new PackBuildError(`${pack}: index.js still requires ${[...new Set(stray)].join(", ")}`);

    const manifest = {
        name,
        version,
        ...(typeof pkg.description === "string" ? { description: pkg.description } : {}),
        ...(typeof pkg.license === "string" ? { license: pkg.license } : {}),
        // Published to Pulumi Cloud, never to the npm registry.
        private: true,
        main: "index.js",
        dependencies: Object.fromEntries(RUNTIME_PACKAGES.map((p) => [p, installedVersion(p)])),
    };
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
    fs.copyFileSync(path.join(srcDir, "PulumiPolicy.yaml"), path.join(dir, "PulumiPolicy.yaml"));
    fs.writeFileSync(path.join(dir, "README.md"), readme(name, version, sources));
    return { name, version, dir, sources };
}

/** Builds the named packs (default: all) into `out` (default: dist/policy-packs), one directory each. */
export async function buildPacks(opts: { out?: string; packs?: string[] } = {}): Promise<BuiltPack[]> {
    const out = path.resolve(opts.out ?? DEFAULT_OUT);
    const available = listPacks();
    const packs = opts.packs?.length ? opts.packs : available;
    const unknown = packs.filter((p) => !available.includes(p));
    if (unknown.length) throw new PackBuildError(`no such pack: ${unknown.join(", ")} (packs: ${available.join(", ")})`);
    const built: BuiltPack[] = [];
    // One at a time: three small bundles take well under a second, and errors stay in order.
    for (const pack of packs) built.push(await buildPack(pack, out));
    return built;
}

async function main(): Promise<void> {
    const { values, positionals } = parseArgs({ options: { out: { type: "string" }, help: { type: "boolean", short: "h" } }, allowPositionals: true });
    if (values.help) {
        console.log("usage: npx tsx tools/packs/build.ts [--out DIR] [pack...]   (default out: dist/policy-packs)");
        return;
    }
    for (const p of await buildPacks({ out: values.out, packs: positionals })) {
        const size = fs.statSync(path.join(p.dir, "index.js")).size;
        console.log(`${p.name}@${p.version}  ${path.relative(process.cwd(), p.dir) || "."}  (index.js ${(size / 1024).toFixed(0)} KiB, ${p.sources.length} sources)`);
    }
}

if (require.main === module) {
    main().catch((err: unknown) => {
        console.error(err instanceof PackBuildError ? `error: ${err.message}` : err);
        process.exit(err instanceof PackBuildError ? 1 : 2);
    });
}
