/**
 * Dataset files -> validated, defaulted Dataset objects for one stack.
 *
 * Layout: `stacks/datasets/<domain>/<name>.yaml` (one file per dataset, shared by every stack so the schema is
 * identical in dev and prod; `stacks:` limits where it deploys, `overrides.<stack>` changes who reads/writes, the
 * retention, the crawl schedule or the location) and `stacks/<stack>/connections.yaml` (JDBC sources differ by
 * account). Every problem in every file is collected and thrown together as one DatasetError: nothing is returned
 * until all files are valid.
 *
 * Per file: yaml-source (YAML with positions) -> normalise (case) -> schema-problems (the JSON Schema of shape.ts)
 * -> file/stack checks and overrides here -> build (columns, projection, principals, sources). Across files:
 * duplicate names, JDBC connections, job inputs (sources.ts, lineage.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { NamerArgs, partitionOf } from "../../contract";
import { buildDataset, FileContext, StackContext } from "./build";
import { connectionsFile, loadConnections } from "./connections";
import { checkLocation, effectiveLocation, ExternalLocation, externalLocationsFile, LakeBuckets, lakeBuckets, loadExternalLocations, overlapProblems, staleExternalLocations } from "./locations";
import { Dataset, JdbcConnection } from "./model";
import { derivedNameProblems, pipelineNameProblems } from "./names";
import { normalise } from "./normalise";
import { DatasetError, DatasetProblem, didYouMean, FieldPath, sortProblems } from "./problems";
import { schemaCheck } from "./schema-problems";
import { DatasetFile, datasetJsonSchema, OVERRIDABLE, OverridableField } from "./shape";
import { jobProblems } from "./lineage";
import { DeclaredDatasets, jdbcSourceProblems, lineageProblems } from "./sources";
import { decodeSource, ParseCache, parseSource, SourceFile, SourceText } from "./yaml-source";

export { connectionsFile } from "./connections";
export { externalLocationsFile } from "./locations";
export type { SourceText } from "./yaml-source";

/** Where dataset files live, relative to the repo root. */
export const DATASETS_DIR = "stacks/datasets";

export interface LoadedDatasets {
    datasets: Dataset[];
    connections: JdbcConnection[];
}

export interface LoadSourcesOptions {
    stack: string;
    /** 12-digit account the stack deploys to: `role/x` becomes `arn:<partition>:iam::<accountId>:role/x`. */
    accountId: string;
    /**
     * The stack's region (`aws:region`): selects the partition of `role/x` shorthands (`cn-*`: aws-cn, `us-gov-*`:
     * aws-us-gov) and full ARNs must be in that partition. Undefined: partition `aws`, full ARNs not checked.
     */
    region?: string;
    datasets: SourceText[];
    /** This stack's connection files (usually one). */
    connections: SourceText[];
    /** Stacks that exist; `stacks:` and `overrides:` naming another one is an error. Empty: not checked. */
    knownStacks?: string[];
    /**
     * The stack's naming (config's prefix, environment, account: the contract Namer's arguments): gives the layer
     * buckets a location must be inside and the names every dataset derives, all checked here. The program and the
     * CLI always pass it; undefined (unit tests of other capabilities) skips the checks that need bucket names.
     */
    naming?: NamerArgs;
    /** This stack's `stacks/<stack>/external-locations.yaml` (usually one, or none). */
    externalLocations?: SourceText[];
    /** Every `stacks/datasets/<domain>/<name>.sql` (a job's SQL). Undefined: SQL files are not checked (see jobProblems). */
    sqlFiles?: SourceText[];
    /** Shared by the loads of one run (e.g. every stack `dataset validate` loads): each dataset file is parsed once. @default none: every file is parsed */
    parseCache?: ParseCache;
}

/** What `loadStackDatasets` reads from disk besides the files: the stack and what the stack config says of it. */
export interface StackDatasetsOptions {
    root?: string;
    stack: string;
    accountId: string;
    region?: string;
    /** See LoadSourcesOptions.naming. */
    naming?: NamerArgs;
    /** See LoadSourcesOptions.parseCache. */
    parseCache?: ParseCache;
}

const checkDatasetSchema = schemaCheck(datasetJsonSchema());

/** Read every dataset file and the stack's connections from disk, then validate (see loadDatasetSources). */
export function loadStackDatasets(opts: StackDatasetsOptions): LoadedDatasets {
    const root = opts.root ?? process.cwd();
    // A wrong root must not read as a lake without datasets: deploying that would drop every table.
    if (!fs.existsSync(path.join(root, DATASETS_DIR))) {
        throw new DatasetError([{ file: DATASETS_DIR, line: 0, column: 0, field: "", value: path.join(root, DATASETS_DIR), message: `no such folder: dataset files live in ${DATASETS_DIR}/<domain>/<name>.yaml under the repository root` }]);
    }
    const read = (file: string): SourceText => readSource(root, file);
    const optional = (file: string): SourceText[] => (fs.existsSync(path.join(root, file)) ? [read(file)] : []);
    return loadDatasetSources({
        stack: opts.stack,
        accountId: opts.accountId,
        ...(opts.region !== undefined ? { region: opts.region } : {}),
        ...(opts.naming ? { naming: opts.naming } : {}),
        datasets: findDatasetFiles(root).map(read),
        connections: optional(connectionsFile(opts.stack)),
        externalLocations: optional(externalLocationsFile(opts.stack)),
        sqlFiles: findDatasetFiles(root, /\.sql$/).map(read),
        knownStacks: discoverStacks(root),
        ...(opts.parseCache ? { parseCache: opts.parseCache } : {}),
    });
}

/** A repo-relative file as bytes decoded strictly: invalid UTF-8 becomes a problem, not U+FFFD (see decodeSource). */
export function readSource(root: string, file: string): SourceText {
    return decodeSource(file, fs.readFileSync(path.join(root, file)));
}

/** Dataset files (or, with `pattern`, other files) under stacks/datasets, sorted, as repo-relative paths with forward slashes. */
export function findDatasetFiles(root: string, pattern = /\.ya?ml$/): string[] {
    const out: string[] = [];
    const walk = (rel: string) => {
        const abs = path.join(root, rel);
        if (!fs.existsSync(abs)) return;
        for (const entry of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const child = `${rel}/${entry.name}`;
            if (entry.isDirectory()) walk(child);
            else if (pattern.test(entry.name)) out.push(child);
        }
    };
    walk(DATASETS_DIR);
    return out;
}

/** Stacks of the project: one per `Pulumi.<stack>.yaml` at the root. */
export function discoverStacks(root: string): string[] {
    if (!fs.existsSync(root)) return [];
    return fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.([\w-]+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => !!s)
        .sort();
}

/** Validate already-read files for one stack. Pure (no I/O): tests and the fuzzer call it directly. */
export function loadDatasetSources(opts: LoadSourcesOptions): LoadedDatasets {
    const problems: DatasetProblem[] = [];
    const stack: StackContext = { stack: opts.stack, accountId: opts.accountId, partition: partitionOf(opts.region ?? ""), ...(opts.region ? { region: opts.region } : {}) };
    const { connections, broken } = loadConnections(opts.connections, problems, opts.naming);
    const external = loadExternalLocations(opts.externalLocations ?? [], problems);
    const buckets = opts.naming ? lakeBuckets(opts.naming) : undefined;
    const used = new Set<string>();
    const env: FileEnv = { opts, stack, buckets, external, used };
    const loaded: LoadedFile[] = [];
    // Names of this stack's datasets, valid or not: a bad input file must not also make its readers' inputs "unknown".
    const stackNames = new Set<string>();
    const declared: DeclaredDatasets = new Map();
    for (const text of opts.datasets) {
        const result = loadDatasetFile(text, env, problems);
        if (result.name !== undefined) {
            if (result.inStack) stackNames.add(result.name);
            if (result.declared) declared.set(result.name, result.declared);
        }
        if (result.loaded) loaded.push(result.loaded);
    }
    const seen = new Map<string, Dataset>();
    const unique: LoadedFile[] = [];
    for (const l of loaded) {
        const { ds, src } = l;
        const first = seen.get(ds.name);
        if (first) problems.push(src.problem(["name"], `duplicate dataset name in stack '${opts.stack}': ${first.file} already defines it; table names are unique per stack`, ds.name));
        else {
            seen.set(ds.name, ds);
            unique.push(l);
        }
        if (ds.source.type === "jdbc") problems.push(...jdbcSourceProblems(ds.source, connections, opts.stack, src, broken));
    }
    problems.push(...lineageProblems(loaded, stackNames, declared, opts.stack));
    problems.push(...jobProblems(loaded, opts.sqlFiles, opts.datasets.map((t) => t.file)));
    // Pipelines exist only on a sound lineage; their names are checked up front like every other derived name.
    if (!problems.length && opts.naming) problems.push(...pipelineNameProblems(unique, opts.naming, opts.stack));
    problems.push(...staleExternalLocations(external, used, loaded, stackNames, opts.stack, buckets));
    // A duplicate name is its own problem: its (same) default location is not also reported as an overlap.
    const located = unique.flatMap((l) => {
        const location = effectiveLocation(l.ds, buckets);
        return location ? [{ ...l, location }] : [];
    });
    problems.push(...overlapProblems(located));
    if (problems.length) throw new DatasetError(sortProblems(problems));
    return { datasets: loaded.map((l) => l.ds), connections };
}

/** A dataset that loaded, with where its location is written (its `location` field, or its name for the default). */
interface LoadedFile {
    ds: Dataset;
    src: SourceFile;
    at: FieldPath;
}

/** What every file of one load shares. */
interface FileEnv {
    opts: LoadSourcesOptions;
    stack: StackContext;
    buckets: LakeBuckets | undefined;
    external: Map<string, ExternalLocation>;
    /** External-location entries some dataset needed. */
    used: Set<string>;
}

interface FileResult {
    /** The dataset's name when the file says one (even if invalid). */
    name?: string;
    inStack: boolean;
    declared?: { stacks?: string[] };
    loaded?: LoadedFile;
}

/** `stacks/datasets/<domain>/<name>.yaml`: exactly one folder (the domain) between DATASETS_DIR and the file. */
function layoutProblem(file: string): DatasetProblem | undefined {
    if (!file.startsWith(`${DATASETS_DIR}/`)) return undefined;
    const depth = file.split("/").length - DATASETS_DIR.split("/").length;
    if (depth === 2) return undefined;
    const where = depth < 2 ? "directly in " + DATASETS_DIR + "/, not in a domain folder" : `${depth - 1} folders deep`;
    return { file, line: 1, column: 1, field: "", value: file, message: `a dataset file is ${DATASETS_DIR}/<domain>/<name>.yaml; this one is ${where}: move it to ${DATASETS_DIR}/<its domain>/${path.posix.basename(file)}` };
}

function loadDatasetFile(text: SourceText, env: FileEnv, problems: DatasetProblem[]): FileResult {
    const { opts, stack } = env;
    const misplaced = layoutProblem(text.file);
    if (misplaced) problems.push(misplaced);
    const parsed = opts.parseCache ? opts.parseCache.parse(text, problems) : parseSource(text, problems);
    if (!parsed) return { inStack: false };
    const { src, raw } = parsed;
    normalise(raw);
    const stacks = Array.isArray(raw.stacks) ? raw.stacks : undefined;
    const name = typeof raw.name === "string" ? raw.name : undefined;
    const inStack = !stacks || stacks.includes(opts.stack);
    const schemaProblems = checkDatasetSchema(raw, src);
    if (schemaProblems.length) {
        problems.push(...schemaProblems);
        return { ...(name !== undefined ? { name } : {}), inStack };
    }
    const base = raw as unknown as DatasetFile;
    const result: FileResult = { name: base.name, inStack, declared: base.stacks ? { stacks: base.stacks } : {} };
    const before = problems.length;
    const known = opts.knownStacks ?? [];
    if (known.length) {
        (base.stacks ?? []).forEach((s, i) => {
            if (!known.includes(s)) problems.push(src.problem(["stacks", i], `unknown stack '${s}' (stacks: ${known.join(", ")})`, s));
        });
        for (const s of Object.keys(base.overrides ?? {})) {
            if (!known.includes(s)) problems.push(src.problem(["overrides", s], `unknown stack '${s}' (stacks: ${known.join(", ")})${didYouMean(s, known)}`, s, true));
        }
    }
    const expected = path.posix.basename(text.file).replace(/\.ya?ml$/, "");
    if (expected !== base.name) problems.push(src.problem(["name"], `the file is named '${expected}.yaml' but the dataset is '${base.name}': rename one so they match`, base.name));
    const dir = text.file.split("/");
    if (dir.length === 4 && `${dir[0]}/${dir[1]}` === DATASETS_DIR && dir[2] !== base.domain) {
        problems.push(src.problem(["domain"], `the file is under ${DATASETS_DIR}/${dir[2]}/ but its domain is '${base.domain}': keep each domain's datasets in its own folder`, base.domain));
    }
    if (!inStack) return result;
    const override = (base.overrides && Object.prototype.hasOwnProperty.call(base.overrides, opts.stack) ? base.overrides[opts.stack] : undefined) ?? {};
    const ctx: FileContext = {
        src,
        at: (field) => (field in override ? ["overrides", opts.stack, field] : [field]),
        push: (...p) => problems.push(...p),
    };
    const ds = buildDataset(merge(base, override), ctx, stack);
    if (opts.naming) problems.push(...derivedNameProblems(ds, opts.naming, opts.stack, src));
    checkLocation(ds, ctx, opts.stack, env.buckets, env.external.get(ds.name), env.used);
    return problems.length === before ? { ...result, loaded: { ds, src, at: ds.location ? ctx.at("location") : ["name"] } } : result;
}

/** The base file with this stack's overrides applied: the OVERRIDABLE fields (the only ones the schema lets `overrides` have). */
function merge(base: DatasetFile, override: Partial<Pick<DatasetFile, OverridableField>>): DatasetFile {
    const merged: Record<string, unknown> = { ...base };
    for (const field of OVERRIDABLE) if (field in override) merged[field] = override[field];
    return merged as DatasetFile;
}
