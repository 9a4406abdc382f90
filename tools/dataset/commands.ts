/**
 * The data teams' CLI, as plain functions returning text and an exit code (cli.ts wires them to commander; tests
 * call them through the real binary). Every command reads the stacks' own config, so accounts and bucket names
 * are the ones the Pulumi program will use.
 */
import * as fs from "fs";
import * as path from "path";
import { Document } from "yaml";
import {
    connectionsFile,
    DATASETS_DIR,
    Dataset,
    datasetLineage,
    DatasetError,
    DatasetProblem,
    defaultLocation,
    externalLocationsFile,
    readSource,
    discoverStacks,
    formatProblem,
    JdbcConnection,
    loadDatasetSources,
    loadStackDatasets,
    normaliseHiveType,
    partitionCountQuery,
    previewQuery,
    projectionParameters,
    renderDdl,
    findDatasetFiles,
    publishedSchemas,
    ParseCache,
} from "../../components/datasets";
import { LakeConfig, parseLakeConfig } from "../../infra/config";
import { Namer } from "../../contract";
import { loadProject } from "../engine/project";

export interface CommandResult {
    code: number;
    out: string;
    /** Printed on stderr (warnings that don't change the exit code). */
    err?: string;
}

/** The stack's typed config (from Pulumi.yaml + Pulumi.<stack>.yaml), as the program would read it. */
export function stackConfig(root: string, stack: string): LakeConfig {
    const project = loadProject(root, stack);
    // The stack file of this root (not of the working directory): its lines, and whether a number was quoted.
    const file = `Pulumi.${stack}.yaml`;
    const abs = path.join(root, file);
    const stackFile = fs.existsSync(abs) ? { file, text: fs.readFileSync(abs, "utf8") } : null;
    return parseLakeConfig(project.config, { project: project.name, stack, stackFile });
}

function stacksOf(root: string, only?: string): string[] {
    // A wrong --root must not look like a valid, empty lake ("OK 0 dataset files").
    if (!fs.existsSync(root)) throw new UsageError(`--root ${root}: no such directory`);
    if (!fs.existsSync(path.join(root, "Pulumi.yaml"))) throw new UsageError(`${root} is not the lake's project: it has no Pulumi.yaml (pass --root <repository root>)`);
    const all = discoverStacks(root);
    if (!all.length) throw new UsageError(`no stacks: there is no Pulumi.<stack>.yaml in ${root}`);
    if (only && !all.includes(only)) throw new UsageError(`unknown stack '${only}': there is no Pulumi.${only}.yaml in ${root} (stacks: ${all.join(", ") || "none"})`);
    return only ? [only] : all;
}

export class UsageError extends Error {}

interface StackLoad {
    stack: string;
    config: LakeConfig;
    datasets: Dataset[];
    connections: JdbcConnection[];
}

/**
 * What the loader needs of a stack's config: the account, the region (it selects the ARN partition) and the Namer's
 * arguments (bucket names for locations, the names each dataset derives), exactly as infra/stack.ts passes them.
 */
const target = (config: LakeConfig) => ({
    accountId: config.accountId,
    region: config.region,
    naming: { prefix: config.namePrefix, environment: config.environment, accountId: config.accountId },
});

/**
 * Load every requested stack; problems of all stacks are merged: a shared file's problem that every stack has is
 * listed once, as is; one only some stacks have (connections, overrides, inputs, `stacks:`) says which.
 */
function loadStacks(root: string, only?: string): StackLoad[] {
    const loads: StackLoad[] = [];
    const stacks = stacksOf(root, only);
    if (!fs.existsSync(path.join(root, DATASETS_DIR))) throw new UsageError(`${root} has no ${DATASETS_DIR}/ folder: dataset files live in ${DATASETS_DIR}/<domain>/<name>.yaml`);

    const found = new Map<string, { problem: DatasetProblem; stacks: string[] }>();
    // Every stack reads the same dataset files: each is parsed once for all of them.
    const parseCache = new ParseCache();
    for (const stack of stacks) {
        const config = stackConfig(root, stack);
        try {
            loads.push({ stack, config, ...loadStackDatasets({ root, stack, ...target(config), parseCache }) });
        } catch (e) {
            if (!(e instanceof DatasetError)) throw e;
            for (const p of e.problems) {
                const entry = found.get(formatProblem(p)) ?? { problem: p, stacks: [] };
                entry.stacks.push(stack);
                found.set(formatProblem(p), entry);
            }
        }
    }
    if (found.size) {
        const several = stacksOf(root).length > 1;
        throw new DatasetError(
            [...found.values()].map(({ problem: p, stacks: where }) => {
                // With one stack requested there is nothing to compare with: the field says whether it depends on the stack.
                const specific = stacks.length > 1 ? where.length < stacks.length : several && isStackSpecific(p);
                return specific && p.file.includes("/datasets/") ? { ...p, message: `${p.message} [stack ${where.join(", ")}]` } : p;
            }),
        );
    }
    return loads;
}

/** Problems that can arise for one stack only (connections, overrides, inputs, duplicates). */
function isStackSpecific(p: DatasetProblem): boolean {
    return p.field.startsWith("overrides") || p.field.startsWith("source.") || p.message.includes("in stack");
}

export function validate(root: string, stack?: string): CommandResult {
    const loads = loadStacks(root, stack);
    const parts = loads.map((l) => `${l.stack}: ${l.datasets.length} dataset${l.datasets.length === 1 ? "" : "s"}, ${l.connections.length} connection${l.connections.length === 1 ? "" : "s"}`);
    // Not an error yet (files written before inputs existed stay valid), but lineage can't see these jobs.
    const undeclared = new Map<string, string>();
    for (const l of loads) for (const name of datasetLineage(l.datasets).undeclared) undeclared.set(name, l.datasets.find((d) => d.name === name)!.file);
    const warnings = [...undeclared].map(([name, file]) => `warning: ${file} source.inputs: job dataset '${name}' doesn't say which datasets it reads; add inputs: [...] (it will become required, see docs/datasets.md#24-sources)\n`);
    return { code: 0, out: `OK ${findDatasetFiles(root).length} dataset files valid (${parts.join("; ")})\n`, ...(warnings.length ? { err: warnings.join("") } : {}) };
}

export function list(root: string, stack?: string): CommandResult {
    const rows: string[][] = [["STACK", "NAME", "DOMAIN", "LAYER", "FORMAT", "PARTITIONS", "CLASSIFICATION", "CONSUMERS"]];
    for (const l of loadStacks(root, stack)) {
        for (const d of l.datasets) {
            const parts = d.partitionKeys.map((k) => (d.projection ? `${k.name} (projected)` : k.name)).join(", ") || "-";
            rows.push([l.stack, d.name, d.domain, d.layer, d.format, parts, d.classification, String(d.consumers.length)]);
        }
    }
    return { code: 0, out: table(rows) };
}

function table(rows: string[][]): string {
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")).join("\n") + "\n";
}

export function describe(root: string, name: string, stack?: string): CommandResult {
    const chosen = stack ?? stacksOf(root)[0];
    if (!chosen) throw new UsageError(`no stacks: there is no Pulumi.<stack>.yaml in ${root}`);
    const [l] = loadStacks(root, chosen);
    const ds = l!.datasets.find((d) => d.name === name);
    if (!ds) {
        return { code: 1, out: `no dataset '${name}' in stack '${chosen}' (datasets: ${l!.datasets.map((d) => d.name).join(", ")})\n` };
    }
    const namer = new Namer({ prefix: l!.config.namePrefix, environment: l!.config.environment, accountId: l!.config.accountId });
    const bucket = namer.bucket(ds.layer);
    const location = defaultLocation(ds, bucket);
    const database = namer.glue(ds.layer, ds.domain);
    const out: string[] = [];
    out.push(`${database}.${ds.name}  (stack ${chosen}, ${ds.file})`, `  ${ds.description}`, "");
    out.push(`owner:          ${ds.owner}`, `registered on:  ${ds.registeredOn}`, `layer/format:   ${ds.layer} / ${ds.format}`, `classification: ${ds.classification}`);
    out.push(`location:       ${location}`, `retention:      ${ds.retentionDays ? `${ds.retentionDays} days` : "the layer's lifecycle (stack config)"}`);
    out.push(`source:         ${describeSource(ds)}${ds.crawlSchedule ? `, crawler ${ds.crawlSchedule}` : ""}`);
    const lineage = datasetLineage(l!.datasets);
    const readBy = [...new Set(lineage.edges.filter((e) => e.from.type === "dataset" && e.from.name === ds.name).map((e) => e.to))];
    out.push(`read by:        ${readBy.length ? readBy.join(", ") : "no dataset of this stack"}`, "");
    out.push("columns:", ...ds.columns.map((c) => `  ${c.name.padEnd(24)} ${c.type}${c.comment ? `  -- ${c.comment}` : ""}`));
    out.push("partitions:", ...(ds.partitionKeys.length ? ds.partitionKeys.map((c) => `  ${c.name.padEnd(24)} ${c.type}`) : [`  none: ${ds.unpartitionedReason ?? "(bronze)"}`]));
    const projection = projectionParameters(ds, location);
    if (Object.keys(projection).length) out.push("projection:", ...Object.entries(projection).map(([k, v]) => `  ${k} = ${v}`));
    out.push("", "grants:");
    // As the catalog grants them (docs/catalog.md#grants): Lake Formation allows only SELECT on a column subset.
    for (const c of ds.consumers) out.push(c.columns ? `  SELECT (columns: ${c.columns.join(", ")})  ${c.principal}` : `  SELECT, DESCRIBE  ${c.principal}`);
    for (const p of ds.producers) out.push(`  DESCRIBE, INSERT, ALTER, DELETE + data location access  ${p}`);
    if (!ds.consumers.length && !ds.producers.length) out.push("  none (only the lake admins)");
    out.push("", "DDL:", renderDdl(ds, location, database), "", "named queries:", `-- preview`, previewQuery(ds, database) + ";", `-- rows per partition`, partitionCountQuery(ds, database) + ";", "");
    return { code: 0, out: out.join("\n") };
}

function describeSource(ds: Dataset): string {
    switch (ds.source.type) {
        case "s3":
            return ds.source.crawl ? "files in S3, Glue crawler" : "files in S3";
        case "jdbc":
            return `JDBC connection ${ds.source.connection}, path ${ds.source.path}`;
        case "firehose": {
            const { input, buffering } = ds.source;
            const from = input.type === "direct-put" ? "direct PUT" : "arn" in input ? `Kinesis stream ${input.arn}` : "a Kinesis stream the platform creates";
            return `Firehose delivery stream from ${from}, buffering ${buffering.sizeMiB} MiB / ${buffering.intervalSeconds} s`;
        }
        case "job":
            return `Glue job ${ds.source.job}, reads ${ds.source.inputs ? ds.source.inputs.join(", ") || "no dataset of the lake" : "(inputs not declared)"}`;
    }
}

export interface NewOptions {
    name: string;
    domain: string;
    layer: string;
    format?: string;
    owner: string;
    description: string;
    classification: string;
    column: string[];
    partition: string[];
    dateProjection?: string;
    producer: string[];
    consumer: string[];
    reason?: string;
    stack: string[];
    source?: string;
    dryRun?: boolean;
}

/** Split `name:type`, where the type itself may contain ':' (struct<a:int>). */
function nameType(spec: string, flag: string): { name: string; type: string } {
    const i = spec.indexOf(":");
    if (i <= 0 || i === spec.length - 1) throw new UsageError(`--${flag} '${spec}': write name:type, e.g. --${flag} amount:decimal(10,2)`);
    const type = spec.slice(i + 1);
    let normalised = type;
    try {
        normalised = normaliseHiveType(type);
    } catch {
        // Left as written: validation below reports it with the file, line and field.
    }
    return { name: spec.slice(0, i).toLowerCase(), type: normalised };
}

function parseSource(spec: string | undefined): Record<string, unknown> | undefined {
    if (!spec) return undefined;
    const [type, a, b] = spec.split(":");
    switch (type) {
        case "s3":
            return { type, crawl: a === "crawl" };
        case "jdbc":
            return { type, connection: a, path: b };
        case "firehose":
            return { type };
        case "job":
            return { type, job: a, ...(b !== undefined ? { inputs: b.split(",").filter((x) => x) } : {}) };
        default:
            throw new UsageError(`--source '${spec}': use s3, s3:crawl, jdbc:<connection>:<path>, firehose or job:<job name>[:<input>,<input>...]`);
    }
}

/**
 * Scaffold `stacks/datasets/<domain>/<name>.yaml` from flags. The text is validated with every existing file
 * for every stack before it is written: what `new` writes, `validate` accepts.
 */
export function scaffold(root: string, o: NewOptions, today = new Date().toISOString().slice(0, 10)): CommandResult {
    const file = `${DATASETS_DIR}/${o.domain}/${o.name}.yaml`;
    if (fs.existsSync(path.join(root, file))) throw new UsageError(`${file} already exists: edit it instead`);
    if (!o.column.length) throw new UsageError("at least one --column name:type is required");
    const partitionKeys = o.partition.map((p) => nameType(p, "partition"));
    const data: Record<string, unknown> = {
        name: o.name,
        domain: o.domain,
        owner: o.owner,
        description: o.description,
        registeredOn: today,
        layer: o.layer,
        format: o.format ?? "parquet",
        classification: o.classification,
        columns: o.column.map((c) => nameType(c, "column")),
    };
    if (partitionKeys.length) data.partitionKeys = partitionKeys;
    if (o.dateProjection) data.projection = { keys: { [o.dateProjection]: { type: "date", range: "NOW-3YEARS,NOW", format: "yyyy-MM-dd" } } };
    if (o.reason) data.unpartitionedReason = o.reason;
    const source = parseSource(o.source);
    if (source) data.source = source;
    if (o.producer.length) data.producers = o.producer;
    if (o.consumer.length) data.consumers = o.consumer.map((principal) => ({ principal }));
    if (o.stack.length) data.stacks = o.stack;
    const doc = new Document(data);
    doc.commentBefore = ` yaml-language-server: $schema=../../schema/dataset.schema.json\n See docs/datasets.md for every field.`;
    const text = doc.toString({ lineWidth: 0 });

    const problems: DatasetProblem[] = [];
    for (const stack of stacksOf(root)) {
        const config = stackConfig(root, stack);
        const existing = findDatasetFiles(root).map((f) => readSource(root, f));
        const optional = (f: string) => (fs.existsSync(path.join(root, f)) ? [readSource(root, f)] : []);
        try {
            loadDatasetSources({
                stack,
                ...target(config),
                datasets: [...existing, { file, text }],
                connections: optional(connectionsFile(stack)),
                externalLocations: optional(externalLocationsFile(stack)),
                knownStacks: stacksOf(root),
            });
        } catch (e) {
            if (!(e instanceof DatasetError)) throw e;
            for (const p of e.problems) if (!problems.some((q) => formatProblem(q) === formatProblem(p))) problems.push(p);
        }
    }
    if (problems.length) throw new DatasetError(problems);
    if (o.dryRun) return { code: 0, out: text };
    fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
    return { code: 0, out: `created ${file}: edit the descriptions and column comments, then run npm run dataset -- validate\n` };
}

/**
 * `schema`: write the published JSON Schemas from their declaration (components/datasets/shape.ts); `--check`
 * writes nothing and exits 1 when a committed file differs from what the declaration generates.
 */
export function writeSchemas(root: string, check = false): CommandResult {
    const stale: string[] = [];
    for (const { file, text } of publishedSchemas()) {
        const abs = path.join(root, file);
        if ((fs.existsSync(abs) ? fs.readFileSync(abs, "utf8") : undefined) === text) continue;
        stale.push(file);
        if (!check) {
            fs.mkdirSync(path.dirname(abs), { recursive: true });
            fs.writeFileSync(abs, text);
        }
    }
    if (check) return stale.length ? { code: 1, out: "", err: `${stale.map((f) => `${f}: differs from components/datasets/shape.ts; run npm run dataset -- schema`).join("\n")}\n` } : { code: 0, out: "OK the published schemas match their declaration\n" };
    return { code: 0, out: stale.length ? stale.map((f) => `wrote ${f}\n`).join("") : "the published schemas are up to date\n" };
}
