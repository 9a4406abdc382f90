/**
 * Dataset files -> validated, defaulted Dataset objects for one stack.
 *
 * Layout: `stacks/datasets/<domain>/<name>.yaml` (one file per dataset, shared by every stack so the schema is
 * identical in dev and prod; `stacks:` limits where it deploys, `overrides.<stack>` changes who reads/writes, the
 * retention, the crawl schedule or the location) and `stacks/<stack>/connections.yaml` (JDBC sources differ by
 * account). Every problem in every file is collected and thrown together as one DatasetError: nothing is returned
 * until all files are valid.
 */
import * as fs from "fs";
import * as path from "path";
import Ajv, { ErrorObject } from "ajv";
import addFormats from "ajv-formats";
import { isScalar, LineCounter, parseDocument, visit } from "yaml";
import connectionsSchema from "../../stacks/schema/connections.schema.json";
import datasetSchema from "../../stacks/schema/dataset.schema.json";
import { MIN_EXEMPTION_REASON_LENGTH } from "../../contract";
import { cronProblems } from "./cron";
import { HiveTypeError, isPrimitive, parseHiveType, formatHiveType } from "./hive-types";
import { Column, Consumer, Dataset, DatasetSource, JdbcConnection, PartitionProjection, Projection, ROW_FORMATS } from "./model";
import { PRINCIPAL_HELP, resolvePrincipal } from "./principals";
import { DatasetError, DatasetProblem, FieldPath, SourceFile } from "./problems";
import { isReserved } from "./reserved";

/** Where dataset files live, relative to the repo root. */
export const DATASETS_DIR = "stacks/datasets";
export const connectionsFile = (stack: string) => `stacks/${stack}/connections.yaml`;

export interface SourceText {
    /** Path relative to the repo root (used in messages and for the file-name check). */
    file: string;
    text: string;
}

export interface LoadedDatasets {
    datasets: Dataset[];
    connections: JdbcConnection[];
}

export interface LoadSourcesOptions {
    stack: string;
    /** 12-digit account the stack deploys to: `role/x` becomes `arn:aws:iam::<accountId>:role/x`. */
    accountId: string;
    datasets: SourceText[];
    /** This stack's connection files (usually one). */
    connections: SourceText[];
    /** Stacks that exist; `stacks:` and `overrides:` naming another one is an error. Empty: not checked. */
    knownStacks?: string[];
}

const ajv = new Ajv({ allErrors: true, verbose: true, strictTypes: false });
addFormats(ajv, ["date", "email"]);
const validateDatasetSchema = ajv.compile(datasetSchema);
const validateConnectionsSchema = ajv.compile(connectionsSchema);

const DEFAULT_PORTS: Record<JdbcConnection["engine"], number> = { postgresql: 5432, mysql: 3306, sqlserver: 1433 };
/** JDBC include path depth: database/schema/table where the engine has schemas. */
const JDBC_PATH_DEPTH: Record<JdbcConnection["engine"], number> = { postgresql: 3, mysql: 2, sqlserver: 3 };
/** Column types Athena's OpenCSVSerde parses from text (Athena docs, "Open CSV SerDe", non-string data). */
const CSV_TYPES = ["string", "boolean", "int", "bigint", "double"];
/** Plain-words messages for the schema's patterns. */
const PATTERN_HELP: Record<string, string> = {
    "^[a-z][a-z0-9_]*$": "must be lowercase letters, digits and underscores, starting with a letter",
    "^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$": "must be an S3 URI, s3://<bucket>/<prefix>/",
    "^[a-z][a-z0-9-]*$": "must be a stack name: lowercase letters, digits and hyphens",
    "^subnet-[0-9a-f]{8,17}$": "must be a subnet id like subnet-0a1b2c3d4e5f60711",
    "^sg-[0-9a-f]{8,17}$": "must be a security group id like sg-0d1e2f3a4b5c60711",
    "^[a-z]{2}-[a-z]+-\\d[a-z]$": "must be an availability zone like eu-west-1a",
};
const IDENT = /^[a-z][a-z0-9_]*$/;
const MAX_IDENT = 255;

/** Read every dataset file and the stack's connections from disk, then validate (see loadDatasetSources). */
export function loadStackDatasets(opts: { root?: string; stack: string; accountId: string }): LoadedDatasets {
    const root = opts.root ?? process.cwd();
    const read = (file: string): SourceText => ({ file, text: fs.readFileSync(path.join(root, file), "utf8") });
    const connFile = connectionsFile(opts.stack);
    return loadDatasetSources({
        stack: opts.stack,
        accountId: opts.accountId,
        datasets: findDatasetFiles(root).map(read),
        connections: fs.existsSync(path.join(root, connFile)) ? [read(connFile)] : [],
        knownStacks: discoverStacks(root),
    });
}

/** Dataset files under stacks/datasets, sorted, as repo-relative paths with forward slashes. */
export function findDatasetFiles(root: string): string[] {
    const out: string[] = [];
    const walk = (rel: string) => {
        const abs = path.join(root, rel);
        if (!fs.existsSync(abs)) return;
        for (const entry of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const child = `${rel}/${entry.name}`;
            if (entry.isDirectory()) walk(child);
            else if (/\.ya?ml$/.test(entry.name)) out.push(child);
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
    const connections = loadConnections(opts.connections, problems);
    const loaded: { ds: Dataset; src: SourceFile; at: (f: string) => FieldPath }[] = [];
    for (const text of opts.datasets) {
        const result = loadDatasetFile(text, opts, problems);
        if (result) loaded.push(result);
    }
    const seen = new Map<string, Dataset>();
    for (const { ds, src, at } of loaded) {
        const first = seen.get(ds.name);
        if (first) problems.push(src.problem(["name"], `duplicate dataset name in stack '${opts.stack}': ${first.file} already defines it; table names are unique per stack`, ds.name));
        else seen.set(ds.name, ds);
        if (ds.source.type === "jdbc") problems.push(...jdbcSourceProblems(ds.source, connections, opts.stack, src, at("source")));
    }
    if (problems.length) throw new DatasetError(sortProblems(problems));
    return { datasets: loaded.map((l) => l.ds), connections };
}

function sortProblems(problems: DatasetProblem[]): DatasetProblem[] {
    const key = (p: DatasetProblem) => `${p.file}\u0000${String(p.line).padStart(8, "0")}\u0000${String(p.column).padStart(8, "0")}`;
    return [...problems].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Parse YAML with positions; syntax errors become problems. */
function parseSource(text: SourceText, problems: DatasetProblem[]): { src: SourceFile; raw: unknown } | undefined {
    const lines = new LineCounter();
    const doc = parseDocument(text.text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length) {
        for (const e of doc.errors) {
            const pos = lines.linePos(e.pos[0]);
            problems.push({ file: text.file, line: pos.line, column: pos.col, field: "", value: undefined, message: `YAML syntax: ${e.message.split("\n")[0]}` });
        }
        return undefined;
    }
    const src = new SourceFile(text.file, doc, lines);
    let complexKey: number | undefined;
    visit(doc, {
        Pair(_, pair) {
            if (pair.key !== null && !isScalar(pair.key)) {
                complexKey = (pair.key as { range?: [number] }).range?.[0] ?? 0;
                return visit.BREAK;
            }
            return undefined;
        },
    });
    if (complexKey !== undefined) {
        const pos = lines.linePos(complexKey);
        problems.push({ file: text.file, line: pos.line, column: pos.col, field: "", value: undefined, message: "a mapping key must be a plain name, not a list or mapping" });
        return undefined;
    }
    let raw: unknown;
    try {
        raw = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
        problems.push(src.problem([], `YAML could not be read: ${(e as Error).message}`));
        return undefined;
    }
    if (!isObject(raw)) {
        problems.push(src.problem([], "expected a mapping of fields (name: ..., domain: ...) at the top of the file", raw === null ? undefined : raw));
        return undefined;
    }
    return { src, raw };
}

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function schemaProblems(errors: ErrorObject[] | null | undefined, src: SourceFile, raw: unknown): DatasetProblem[] {
    const out: DatasetProblem[] = [];
    const seen = new Set<string>();
    for (const e of errors ?? []) {
        if (e.keyword === "if") continue;
        const at: FieldPath = e.instancePath
            .split("/")
            .slice(1)
            .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
            .map((s) => (/^\d+$/.test(s) && Array.isArray(valueAt(raw, [])) ? Number(s) : s));
        const fixed = numericIndices(raw, at);
        let p: DatasetProblem;
        switch (e.keyword) {
            case "required": {
                const missing = (e.params as { missingProperty: string }).missingProperty;
                p = src.problem([...fixed, missing], `missing required field '${missing}'`);
                break;
            }
            case "additionalProperties": {
                const extra = (e.params as { additionalProperty: string }).additionalProperty;
                const known = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
                const hint = suggest(extra, known);
                p = src.problem([...fixed, extra], `unknown field '${extra}'${hint ? `; did you mean '${hint}'?` : known.length ? `; known fields: ${known.join(", ")}` : ""}`, undefined, true);
                break;
            }
            case "false schema":
                p = src.problem(fixed, `not allowed here (${contextOf(raw, fixed)})`, valueAt(raw, fixed), true);
                break;
            case "enum":
                p = src.problem(fixed, `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`, e.data);
                break;
            case "pattern": {
                const pattern = (e.params as { pattern: string }).pattern;
                p = src.problem(fixed, PATTERN_HELP[pattern] ?? `must match ${pattern}`, e.data);
                break;
            }
            case "format":
                p = src.problem(fixed, (e.params as { format: string }).format === "date" ? "must be an ISO date like 2026-01-31" : "must be an email address", e.data);
                break;
            case "type":
                p = src.problem(fixed, `must be ${(e.params as { type: string }).type === "object" ? "a mapping of fields" : (e.params as { type: string }).type === "array" ? "a list" : `a${/^[aeiou]/.test(String((e.params as { type: string }).type)) ? "n" : ""} ${(e.params as { type: string }).type}`}`, e.data);
                break;
            case "minimum":
                p = src.problem(fixed, `must be >= ${(e.params as { limit: number }).limit}`, e.data);
                break;
            default:
                p = src.problem(fixed, e.message ?? e.keyword, typeof e.data === "object" ? undefined : e.data);
        }
        const k = `${p.line}:${p.column}:${p.field}:${p.message}`;
        if (!seen.has(k)) out.push(p);
        seen.add(k);
    }
    return out;
}

/** Turn "2" segments into numbers where the container is an array (for field names like columns[2]). */
function numericIndices(raw: unknown, at: FieldPath): FieldPath {
    const out: FieldPath = [];
    let cur: unknown = raw;
    for (const seg of at) {
        const s = Array.isArray(cur) && /^\d+$/.test(String(seg)) ? Number(seg) : seg;
        out.push(s);
        cur = valueAt(cur, [s]);
    }
    return out;
}

function valueAt(raw: unknown, at: FieldPath): unknown {
    let cur = raw;
    for (const seg of at) {
        if (Array.isArray(cur) && typeof seg === "number") cur = cur[seg];
        else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, seg)) cur = cur[seg as string];
        else return undefined;
    }
    return cur;
}

function contextOf(raw: unknown, at: FieldPath): string {
    const parent = valueAt(raw, at.slice(0, -1));
    const type = isObject(parent) ? parent.type : undefined;
    return typeof type === "string" ? `'${at[at.length - 1]}' does not apply to type '${type}'` : `'${at[at.length - 1]}' does not apply here`;
}

/** Closest known name within edit distance 3 (or a case/underscore variant). */
export function suggest(word: string, known: string[]): string | undefined {
    const squash = (s: string) => s.toLowerCase().replace(/[_-]/g, "");
    const exact = known.find((k) => squash(k) === squash(word));
    if (exact) return exact;
    let best: string | undefined;
    let bestD = 4;
    for (const k of known) {
        const d = editDistance(word.toLowerCase(), k.toLowerCase());
        if (d < bestD) [best, bestD] = [k, d];
    }
    return best;
}

function editDistance(a: string, b: string): number {
    if (Math.abs(a.length - b.length) > 3) return 99;
    let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++) cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
        prev = cur;
    }
    return prev[b.length]!;
}

/**
 * Case-normalise values whose meaning is unambiguous (`Parquet`, `GOLD`, `raw` for bronze, column names, which
 * Glue lowercases anyway) before the schema sees them. Types are normalised later, by the type parser.
 */
function normalise(raw: Record<string, unknown>): void {
    const lower = (o: Record<string, unknown>, key: string, aliases: Record<string, string> = {}) => {
        const v = o[key];
        if (typeof v === "string") o[key] = aliases[v.trim().toLowerCase()] ?? v.trim().toLowerCase();
    };
    lower(raw, "format");
    lower(raw, "layer", { raw: "bronze" });
    lower(raw, "classification");
    if (isObject(raw.source)) lower(raw.source, "type");
    for (const key of ["columns", "partitionKeys"]) {
        const cols = raw[key];
        if (Array.isArray(cols)) for (const c of cols) if (isObject(c)) lower(c, "name");
    }
    const consumerLists = [raw.consumers, ...(isObject(raw.overrides) ? Object.values(raw.overrides).map((o) => (isObject(o) ? o.consumers : undefined)) : [])];
    for (const list of consumerLists) {
        if (!Array.isArray(list)) continue;
        for (const c of list) if (isObject(c) && Array.isArray(c.columns)) c.columns = c.columns.map((x) => (typeof x === "string" ? x.toLowerCase() : x));
    }
    if (isObject(raw.projection) && isObject(raw.projection.keys)) {
        for (const p of Object.values(raw.projection.keys)) {
            if (!isObject(p)) continue;
            lower(p, "type");
            if (typeof p.unit === "string") p.unit = p.unit.toUpperCase();
        }
    }
}

/** Fields `overrides.<stack>` may set: what may differ between environments (never the schema). */
const OVERRIDABLE = ["owner", "producers", "consumers", "retentionDays", "crawlSchedule", "location"] as const;

/** The raw shape once the schema accepted it. */
interface RawDataset {
    name: string;
    domain: string;
    owner: string;
    description: string;
    registeredOn: string;
    layer: Dataset["layer"];
    format?: Dataset["format"];
    classification: Dataset["classification"];
    columns: { name: string; type: string; comment?: string }[];
    partitionKeys?: { name: string; type: string; comment?: string }[];
    projection?: { keys: Record<string, Projection & { unit?: string }>; locationTemplate?: string };
    producers?: string[];
    consumers?: { principal: string; columns?: string[] }[];
    retentionDays?: number;
    crawlSchedule?: string;
    location?: string;
    source?: { type: DatasetSource["type"]; crawl?: boolean; connection?: string; path?: string; job?: string };
    unpartitionedReason?: string;
    stacks?: string[];
    overrides?: Record<string, Partial<Pick<RawDataset, (typeof OVERRIDABLE)[number]>>>;
}

function loadDatasetFile(
    text: SourceText,
    opts: LoadSourcesOptions,
    problems: DatasetProblem[],
): { ds: Dataset; src: SourceFile; at: (f: string) => FieldPath } | undefined {
    const parsed = parseSource(text, problems);
    if (!parsed) return undefined;
    const { src } = parsed;
    const raw = parsed.raw as Record<string, unknown>;
    normalise(raw);
    if (!validateDatasetSchema(raw)) {
        problems.push(...schemaProblems(validateDatasetSchema.errors, src, raw));
        return undefined;
    }
    const base = raw as unknown as RawDataset;
    const before = problems.length;
    const known = opts.knownStacks ?? [];
    if (known.length) {
        (base.stacks ?? []).forEach((s, i) => {
            if (!known.includes(s)) problems.push(src.problem(["stacks", i], `unknown stack '${s}' (stacks: ${known.join(", ")})`, s));
        });
        for (const s of Object.keys(base.overrides ?? {})) {
            if (!known.includes(s)) problems.push(src.problem(["overrides", s], `unknown stack '${s}' (stacks: ${known.join(", ")})${suggest(s, known) ? `; did you mean '${suggest(s, known)}'?` : ""}`, s, true));
        }
    }
    const expected = path.posix.basename(text.file).replace(/\.ya?ml$/, "");
    if (expected !== base.name) problems.push(src.problem(["name"], `the file is named '${expected}.yaml' but the dataset is '${base.name}': rename one so they match`, base.name));
    const dir = text.file.split("/");
    if (dir.length === 4 && `${dir[0]}/${dir[1]}` === DATASETS_DIR && dir[2] !== base.domain) {
        problems.push(src.problem(["domain"], `the file is under ${DATASETS_DIR}/${dir[2]}/ but its domain is '${base.domain}': keep each domain's datasets in its own folder`, base.domain));
    }
    if (base.stacks && !base.stacks.includes(opts.stack)) return undefined;
    const override = (base.overrides && Object.prototype.hasOwnProperty.call(base.overrides, opts.stack) ? base.overrides[opts.stack] : undefined) ?? {};
    const at = (field: string): FieldPath => (field in override ? ["overrides", opts.stack, field] : [field]);
    const merged: RawDataset = { ...base, ...override };
    const ds = buildDataset(merged, src, at, opts, problems);
    return problems.length === before ? { ds, src, at } : undefined;
}

function identProblems(name: string, where: FieldPath, what: string, src: SourceFile): DatasetProblem[] {
    if (name.length > MAX_IDENT || !IDENT.test(name)) {
        return [src.problem(where, `${what} must be 1-${MAX_IDENT} lowercase letters, digits and underscores, starting with a letter (Glue/Athena names)`, name)];
    }
    if (isReserved(name)) return [src.problem(where, `'${name}' is an Athena reserved word; every query would have to quote it. Rename it, e.g. '${name}_value' or a more specific name`, name)];
    return [];
}

function buildDataset(r: RawDataset, src: SourceFile, at: (f: string) => FieldPath, opts: LoadSourcesOptions, problems: DatasetProblem[]): Dataset {
    const format = r.format ?? "parquet";
    const push = (...p: DatasetProblem[]) => problems.push(...p);
    push(...identProblems(r.name, ["name"], "dataset name", src), ...identProblems(r.domain, ["domain"], "domain", src));

    const columns = checkColumns(r.columns ?? [], "columns", src, push, false);
    const partitionKeys = checkColumns(r.partitionKeys ?? [], "partitionKeys", src, push, true);
    const columnNames = new Set(columns.map((c) => c.name));
    partitionKeys.forEach((k, i) => {
        if (columnNames.has(k.name)) push(src.problem(["partitionKeys", i, "name"], `partition key '${k.name}' is also listed in columns; list it only under partitionKeys (Hive stores partition values in the path, not the files)`, k.name));
    });

    if ((ROW_FORMATS as readonly string[]).includes(format) && r.layer !== "bronze") {
        push(src.problem(["format"], `${format} is a row format, allowed only in bronze; ${r.layer} must be parquet, orc or iceberg (convert it in the bronze-to-${r.layer} job)`, format));
    }
    if (format === "csv" && r.layer === "bronze") {
        columns.forEach((c, i) => {
            if (!CSV_TYPES.includes(c.type)) push(src.problem(["columns", i, "type"], `csv tables are read with OpenCSVSerde, which parses only ${CSV_TYPES.join(", ")} (timestamp only as epoch millis, date only as days since 1970): declare '${c.name}' as string here and cast it in the silver job`, c.type));
        });
    }
    if (r.layer !== "bronze" && !partitionKeys.length && !r.unpartitionedReason) {
        push(src.problem(["partitionKeys"], `a ${r.layer} dataset needs partitionKeys, or an unpartitionedReason (at least ${MIN_EXEMPTION_REASON_LENGTH} characters) saying why a full scan is fine, e.g. a small dimension`));
    }
    if (partitionKeys.length && r.unpartitionedReason) {
        push(src.problem(["unpartitionedReason"], "the dataset has partitionKeys, so it is partitioned: remove unpartitionedReason", r.unpartitionedReason));
    }

    const projection = r.projection ? checkProjection(r, partitionKeys, format, src, push) : undefined;

    const allColumns = new Set([...columnNames, ...partitionKeys.map((k) => k.name)]);
    const resolve = (p: string, where: FieldPath): string => {
        const arn = resolvePrincipal(p, opts.accountId);
        if (!arn) push(src.problem(where, `not a principal Lake Formation can grant to: ${PRINCIPAL_HELP}`, p));
        return arn ?? p;
    };
    const producers = (r.producers ?? []).map((p, i) => resolve(p, [...at("producers"), i]));
    const consumers: Consumer[] = (r.consumers ?? []).map((c, i) => {
        const where = [...at("consumers"), i];
        const consumer: Consumer = { principal: resolve(c.principal, [...where, "principal"]) };
        if (c.columns) {
            c.columns.forEach((col, j) => {
                if (!allColumns.has(col)) push(src.problem([...where, "columns", j], `no column '${col}' in this dataset${suggest(col, [...allColumns]) ? `; did you mean '${suggest(col, [...allColumns])}'?` : ""}`, col));
            });
            consumer.columns = c.columns;
        }
        return consumer;
    });
    const seenPrincipals = new Map<string, number>();
    consumers.forEach((c, i) => {
        if (seenPrincipals.has(c.principal)) push(src.problem([...at("consumers"), i, "principal"], `principal is already a consumer (consumers[${seenPrincipals.get(c.principal)}]); merge the two entries`, c.principal));
        else seenPrincipals.set(c.principal, i);
    });

    const source = toSource(r.source);
    const crawls = (source.type === "s3" && source.crawl) || source.type === "jdbc";
    if (r.crawlSchedule !== undefined) {
        if (!crawls) push(src.problem(at("crawlSchedule"), `there is no crawler to schedule: set source.crawl: true (s3) or use a jdbc source`, r.crawlSchedule));
        for (const m of cronProblems(r.crawlSchedule)) push(src.problem(at("crawlSchedule"), m, r.crawlSchedule));
    }
    if (format === "iceberg" && source.type === "s3" && source.crawl) {
        push(src.problem(["source", "crawl"], "Iceberg tables keep their own metadata; a crawler would register the data files as a second table. Remove crawl", true));
    }

    return {
        file: src.file,
        name: r.name,
        domain: r.domain,
        owner: r.owner,
        description: r.description,
        registeredOn: r.registeredOn,
        layer: r.layer,
        format,
        columns,
        partitionKeys,
        ...(projection ? { projection } : {}),
        ...(r.location ? { location: r.location } : {}),
        classification: r.classification,
        producers,
        consumers,
        ...(r.retentionDays !== undefined ? { retentionDays: r.retentionDays } : {}),
        source,
        ...(r.crawlSchedule !== undefined ? { crawlSchedule: r.crawlSchedule.trim() } : {}),
        ...(r.unpartitionedReason ? { unpartitionedReason: r.unpartitionedReason } : {}),
    };
}

function toSource(s: RawDataset["source"]): DatasetSource {
    switch (s?.type) {
        case undefined:
            return { type: "s3", crawl: false };
        case "s3":
            return { type: "s3", crawl: s.crawl ?? false };
        case "jdbc":
            return { type: "jdbc", connection: s.connection!, path: s.path! };
        case "firehose":
            return { type: "firehose" };
        case "job":
            return { type: "job", job: s.job! };
    }
}

function checkColumns(
    cols: { name: string; type: string; comment?: string }[],
    field: "columns" | "partitionKeys",
    src: SourceFile,
    push: (...p: DatasetProblem[]) => void,
    partition: boolean,
): Column[] {
    const seen = new Map<string, number>();
    return cols.map((c, i) => {
        push(...identProblems(c.name, [field, i, "name"], partition ? "partition key" : "column name", src));
        if (seen.has(c.name)) push(src.problem([field, i, "name"], `duplicate ${partition ? "partition key" : "column"} '${c.name}' (also ${field}[${seen.get(c.name)}])`, c.name));
        else seen.set(c.name, i);
        let type = c.type;
        try {
            const parsed = parseHiveType(c.type);
            type = formatHiveType(parsed);
            if (partition && !isPrimitive(parsed)) push(src.problem([field, i, "type"], `a partition key must have a primitive type (string, int, date...), not ${type}`, c.type));
        } catch (e) {
            if (!(e instanceof HiveTypeError)) throw e;
            push(src.problem([field, i, "type"], e.message, c.type));
        }
        return { name: c.name, type, ...(c.comment ? { comment: c.comment } : {}) };
    });
}

const NOW_RELATIVE = /^NOW(?:\s*[+-]\s*\d+\s*(?:YEARS?|MONTHS?|WEEKS?|DAYS?|HOURS?|MINUTES?|SECONDS?))?$/i;

/** Regex for the dates a Java DateTimeFormatter pattern produces (the letters Athena projection formats use). */
export function dateFormatRegex(format: string): RegExp | undefined {
    const tokens: Record<string, string> = { yyyy: "\\d{4}", uuuu: "\\d{4}", yy: "\\d{2}", MM: "\\d{2}", M: "\\d{1,2}", dd: "\\d{2}", d: "\\d{1,2}", HH: "\\d{2}", H: "\\d{1,2}", mm: "\\d{2}", ss: "\\d{2}", SSS: "\\d{3}" };
    let out = "";
    let i = 0;
    while (i < format.length) {
        const ch = format[i]!;
        if (ch === "'") {
            const end = format.indexOf("'", i + 1);
            if (end < 0) return undefined;
            out += format.slice(i + 1, end).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
            i = end + 1;
        } else if (/[A-Za-z]/.test(ch)) {
            let j = i;
            while (format[j] === ch) j++;
            const re = tokens[format.slice(i, j)];
            if (!re) return undefined;
            out += re;
            i = j;
        } else {
            out += ch.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
            i++;
        }
    }
    return new RegExp(`^${out}$`);
}

function checkProjection(r: RawDataset, partitionKeys: Column[], format: string, src: SourceFile, push: (...p: DatasetProblem[]) => void): PartitionProjection {
    const raw = r.projection!;
    if (format === "iceberg") push(src.problem(["projection"], "Athena partition projection does not apply to Iceberg tables (Iceberg tracks its own partitions): remove projection"));
    const keyNames = partitionKeys.map((k) => k.name);
    const keys: Record<string, Projection> = {};
    for (const [key, p] of Object.entries(raw.keys)) {
        const where: FieldPath = ["projection", "keys", key];
        if (!keyNames.includes(key)) {
            const hint = suggest(key, keyNames);
            push(src.problem(where, `'${key}' is not a partition key (partitionKeys: ${keyNames.join(", ") || "none"})${hint ? `; did you mean '${hint}'?` : ""}`, key, true));
            continue;
        }
        const type = partitionKeys.find((k) => k.name === key)!.type;
        const [lo, hi, ...more] = (p.type === "date" || p.type === "integer" ? p.range : "").split(",").map((s) => s.trim());
        if (p.type === "date") {
            const re = dateFormatRegex(p.format);
            if (!re) push(src.problem([...where, "format"], "not a date format Athena projection understands: use Java DateTimeFormatter letters like yyyy-MM-dd or yyyy/MM/dd/HH", p.format));
            const okEnd = (s: string | undefined) => !!s && (NOW_RELATIVE.test(s) || (re ? re.test(s) : true));
            if (more.length || !okEnd(lo) || !okEnd(hi)) {
                push(src.problem([...where, "range"], `a date range is 'start,end', each a date in the format ${p.format} or NOW-relative (e.g. NOW-3YEARS,NOW)`, p.range));
            } else if (re && re.test(lo!) && re.test(hi!) && /^[yu]{4}/.test(p.format) && lo! > hi!) {
                push(src.problem([...where, "range"], `start ${lo} is after end ${hi}`, p.range));
            }
            if (/[Hms]/.test(p.format.replace(/'[^']*'/g, "")) && !p.unit) {
                push(src.problem([...where], `format ${p.format} is finer than a day: set interval and unit (e.g. interval: 1, unit: HOURS)`, undefined, true));
            }
            if (!["string", "date"].includes(type)) push(src.problem([...where, "type"], `date projection needs a string or date partition key; '${key}' is ${type}`, p.type));
            keys[key] = { type: "date", range: p.range.replace(/\s+/g, ""), format: p.format, ...(p.interval ? { interval: p.interval } : {}), ...(p.unit ? { unit: p.unit as never } : {}) };
        } else if (p.type === "integer") {
            if (more.length || !/^-?\d+$/.test(lo ?? "") || !/^-?\d+$/.test(hi ?? "")) push(src.problem([...where, "range"], "an integer range is 'min,max', e.g. 1,31", p.range));
            else if (Number(lo) > Number(hi)) push(src.problem([...where, "range"], `min ${lo} is greater than max ${hi}`, p.range));
            keys[key] = { type: "integer", range: p.range.replace(/\s+/g, ""), ...(p.interval ? { interval: p.interval } : {}), ...(p.digits ? { digits: p.digits } : {}) };
        } else if (p.type === "enum") {
            p.values.forEach((v, i) => {
                if (v.includes(",")) push(src.problem([...where, "values", i], "an enum value cannot contain ',' (Athena joins values with commas)", v));
            });
            keys[key] = { type: "enum", values: p.values };
        } else keys[key] = { type: "injected" };
    }
    for (const k of keyNames) if (!(k in raw.keys)) push(src.problem(["projection", "keys"], `partition key '${k}' has no projection; with projection on, Athena needs one for every partition key`));
    if (raw.locationTemplate !== undefined) {
        const placeholders = [...raw.locationTemplate.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]!);
        const missing = keyNames.filter((k) => !placeholders.includes(k));
        const extra = placeholders.filter((p) => !keyNames.includes(p));
        if (missing.length || extra.length || placeholders.length !== new Set(placeholders).size) {
            push(src.problem(["projection", "locationTemplate"], `must contain each partition key once as \${key} (${keyNames.map((k) => `\${${k}}`).join(", ")})${extra.length ? `; unknown: ${extra.join(", ")}` : ""}`, raw.locationTemplate));
        }
    }
    return { keys, ...(raw.locationTemplate ? { locationTemplate: raw.locationTemplate } : {}) };
}

function jdbcSourceProblems(source: Extract<DatasetSource, { type: "jdbc" }>, connections: JdbcConnection[], stack: string, src: SourceFile, at: FieldPath): DatasetProblem[] {
    const conn = connections.find((c) => c.name === source.connection);
    if (!conn) {
        const hint = suggest(source.connection, connections.map((c) => c.name));
        return [src.problem([...at, "connection"], `no connection '${source.connection}' in ${connectionsFile(stack)}${hint ? `; did you mean '${hint}'?` : connections.length ? ` (declared: ${connections.map((c) => c.name).join(", ")})` : ""}`, source.connection)];
    }
    const parts = source.path.split("/");
    const depth = JDBC_PATH_DEPTH[conn.engine];
    const shape = depth === 3 ? "database/schema/table" : "database/table";
    if (parts.length !== depth || parts.some((p) => !p)) return [src.problem([...at, "path"], `a ${conn.engine} include path is ${shape} (% matches any table), e.g. ${conn.database}/${depth === 3 ? (conn.engine === "sqlserver" ? "dbo" : "public") + "/" : ""}orders`, source.path)];
    if (parts[0] !== conn.database && parts[0] !== "%") return [src.problem([...at, "path"], `starts with database '${parts[0]}' but connection '${conn.name}' is to database '${conn.database}'`, source.path)];
    return [];
}

function loadConnections(files: SourceText[], problems: DatasetProblem[]): JdbcConnection[] {
    const out: JdbcConnection[] = [];
    for (const text of files) {
        const parsed = parseSource(text, problems);
        if (!parsed) continue;
        if (!validateConnectionsSchema(parsed.raw)) {
            problems.push(...schemaProblems(validateConnectionsSchema.errors, parsed.src, parsed.raw));
            continue;
        }
        const list = (parsed.raw as { connections: Omit<JdbcConnection, "file">[] }).connections;
        list.forEach((c, i) => {
            if (out.some((o) => o.name === c.name)) problems.push(parsed.src.problem(["connections", i, "name"], `duplicate connection name '${c.name}'`, c.name));
            out.push({ file: text.file, ...c, port: c.port ?? DEFAULT_PORTS[c.engine], enforceSsl: c.enforceSsl ?? true });
        });
    }
    return out;
}
