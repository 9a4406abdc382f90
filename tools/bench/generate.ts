/**
 * The benchmark's lake: a temporary copy of this repository's stacks (program, components, contract, packs and
 * their config) whose `stacks/datasets/` holds N generated dataset files in the realistic mix of issue 16:
 * 40% gold Parquet with date projection and column-level grants, 30% silver (a third of it Iceberg), 20% bronze
 * CSV/JSON landed in S3 with a crawler, 10% bronze JDBC snapshots over the stack's own connections; 5-40 columns;
 * 20 domains. Deterministic: the same N gives the same
 * bytes, so two runs (before/after a change to the engine) check the very same files.
 */
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";

/**
 * What the copy takes from the repo: the program and everything it and the packs import, and the dataset CLI, so
 * `validate` judges the files with the very code the copy's program loads them with.
 */
const COPIED = ["Pulumi.yaml", "tsconfig.json", "package.json", "infra", "components", "contract", "policies", "stacks", "etl/jobs", "etl/tools", "tools/dataset", "tools/engine"];

export const DOMAINS = [
    "sales", "billing", "crm", "shop", "mobility", "saas", "finance", "marketing", "support", "logistics",
    "inventory", "hr", "payments", "risk", "growth", "search", "ads", "media", "iot", "security",
] as const;

/** The mix, per ten datasets. */
const MIX = ["gold", "gold", "gold", "gold", "silver", "silver", "silver", "bronze", "bronze", "jdbc"] as const;
type Kind = (typeof MIX)[number];

/** The JDBC connections stacks/<stack>/connections.yaml declares in both stacks, with their source.path form. */
const JDBC = [
    { connection: "crm_sqlserver", path: (t: string) => `crm/dbo/${t}` },
    { connection: "shop_mysql", path: (t: string) => `shop/${t}` },
    { connection: "saas_postgres", path: (t: string) => `saas/public/${t}` },
];

const WORDS = [
    "account_id", "event_type", "amount", "currency", "status", "region_code", "created_at", "updated_at", "quantity",
    "unit_price", "score", "country", "channel", "device", "session_id", "product_id", "category", "discount", "tax",
    "latency_ms", "customer_id", "order_id", "campaign", "referrer", "plan", "seats", "balance", "rating", "duration_s",
    "tenant_id", "sku", "warehouse", "carrier", "weight_kg", "priority", "agent", "language", "browser", "version", "is_active",
];
const TYPES = ["bigint", "int", "string", "decimal(12,2)", "timestamp", "date", "boolean", "double", "varchar(100)", "array<string>", "map<string,string>", "struct<code:string,value:int>"];
const CLASSES = ["internal", "confidential", "pii", "public"] as const;

/** A small deterministic PRNG (mulberry32): realistic variety, identical files for the same N. */
function rng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

interface Planned {
    name: string;
    domain: string;
    kind: Kind;
    index: number;
}

function planDatasets(n: number): Planned[] {
    return Array.from({ length: n }, (_, i) => {
        const domain = DOMAINS[i % DOMAINS.length]!;
        // Every run of ten consecutive files has the exact mix; each domain cycles through every kind.
        const kind = MIX[(i + Math.floor(i / DOMAINS.length)) % MIX.length]!;
        return { name: `${domain}_${kind === "jdbc" ? "snap" : kind}_${String(i).padStart(5, "0")}`, domain, kind, index: i };
    });
}

/**
 * The silver dataset a gold one is refined from: the nearest earlier silver file of its domain (undefined for a
 * domain's first gold files). Gold datasets with one are written by a Glue job (silver_to_gold with a SQL file), so
 * the bench lake has the ETL's jobs, roles, triggers, script objects and workflows at the scale of its datasets.
 */
function goldInput(d: Planned, all: readonly Planned[]): Planned | undefined {
    if (d.kind !== "gold") return undefined;
    for (let i = d.index - 1; i >= 0; i--) if (all[i]!.domain === d.domain && all[i]!.kind === "silver") return all[i];
    return undefined;
}

/** One dataset file's YAML text. */
function datasetYaml(d: Planned, input?: Planned): string {
    const r = rng(d.index + 1);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
    const row = d.kind === "bronze" && d.index % 2 === 0 ? "csv" : d.kind === "bronze" ? "json" : undefined;
    const format = d.kind === "silver" && d.index % 3 === 0 ? "iceberg" : d.kind === "silver" && d.index % 5 === 1 ? "orc" : row ?? "parquet";
    const count = 5 + Math.floor(r() * 36);
    const columns = Array.from({ length: count }, (_, k) => ({
        name: k < WORDS.length ? WORDS[k]! : `attr_${k}`,
        // OpenCSVSerDe reads every column as a string: CSV files declare strings, as raw_taxi_trips does.
        type: format === "csv" ? "string" : k === 0 ? "string" : pick(TYPES),
    }));
    const classification = pick(CLASSES);
    const lines = [
        "# yaml-language-server: $schema=../../schema/dataset.schema.json",
        `name: ${d.name}`,
        `domain: ${d.domain}`,
        `owner: ${d.domain}-data@acme.example`,
        `description: Generated ${d.kind} dataset ${d.index} of the ${d.domain} domain, one row per ${columns[0]!.name}.`,
        `registeredOn: "2026-0${1 + (d.index % 9)}-1${d.index % 10}"`,
        `layer: ${d.kind === "jdbc" ? "bronze" : d.kind}`,
        `format: ${format}`,
        `classification: ${classification}`,
        "columns:",
        ...columns.flatMap((c, k) => [`  - name: ${c.name}`, `    type: ${c.type}`, ...(k % 4 === 0 ? [`    comment: ${c.name.replace(/_/g, " ")} as the producer sends it`] : [])]),
    ];
    const partition = d.kind === "gold" || d.kind === "jdbc" ? "snapshot_date" : "dt";
    if (format === "iceberg") {
        lines.push("partitionKeys:", `  - name: ${partition}`, "    type: date");
    } else {
        lines.push("partitionKeys:", `  - name: ${partition}`, "    type: string");
        if (d.kind !== "bronze") {
            lines.push("projection:", "  keys:", `    ${partition}:`, "      type: date", `      range: NOW-${1 + (d.index % 3)}YEARS,NOW`, "      format: yyyy-MM-dd", "      interval: 1", "      unit: DAYS");
        }
    }
    if (input) {
        lines.push("source:", "  type: job", `  job: ${d.name}_refine`, `  inputs: [${input.name}]`);
    } else if (d.kind === "gold" || d.kind === "silver") {
        // Silver (and a domain's first gold files) land from the domain's own pipeline into the location.
        lines.push("source:", "  type: s3");
    } else if (d.kind === "bronze") {
        lines.push("source:", "  type: s3", "  crawl: true", `crawlSchedule: cron(${d.index % 60} ${d.index % 24} * * ? *)`);
    } else {
        const jdbc = JDBC[d.index % JDBC.length]!;
        lines.push("source:", "  type: jdbc", `  connection: ${jdbc.connection}`, `  path: ${jdbc.path(d.name)}`, `crawlSchedule: cron(${d.index % 60} ${d.index % 24} * * ? *)`);
    }
    lines.push("producers:", "  - role/acme-lake-etl", "consumers:", `  - principal: role/${d.domain}-analyst`);
    if (d.kind === "gold") {
        // Column-level grants: a reporting role sees the first columns and the partition key only.
        const subset = [...columns.slice(0, Math.min(4, columns.length)).map((c) => c.name), partition];
        lines.push("  - principal: role/finance-reporting", `    columns: [${subset.join(", ")}]`);
    }
    if (classification === "pii" || classification === "confidential") lines.push(`retentionDays: ${365 + (d.index % 5) * 365}`);
    if (d.index % 7 === 0) lines.push("overrides:", "  dev:", "    consumers:", "      - principal: role/data-engineer", "    retentionDays: 30");
    return `${lines.join("\n")}\n`;
}

/** Writes the N dataset files under `<root>/stacks/datasets/<domain>/<name>.yaml` (replacing the repo's own). */
export function generateDatasets(root: string, n: number): { datasets: number } {
    const dir = path.join(root, "stacks", "datasets");
    fs.rmSync(dir, { recursive: true, force: true });
    const all = planDatasets(n);
    for (const d of all) {
        fs.mkdirSync(path.join(dir, d.domain), { recursive: true });
        const input = goldInput(d, all);
        fs.writeFileSync(path.join(dir, d.domain, `${d.name}.yaml`), datasetYaml(d, input));
        // The job's SQL: validation checks it reads its input; its result's columns are the Spark tests' concern.
        if (input) fs.writeFileSync(path.join(dir, d.domain, `${d.name}.sql`), `SELECT * FROM ${input.name}\n`);
    }
    return { datasets: n };
}

/**
 * A copy of the repo's stacks at `dir` (node_modules linked, never copied) with `n` generated dataset files: the
 * program reads its datasets relative to its own infra/ folder, so the copy is a lake of its own.
 */
export function generateLake(repo: string, dir: string, n: number): { datasets: number } {
    fs.mkdirSync(dir, { recursive: true });
    for (const entry of COPIED) {
        fs.cpSync(path.join(repo, entry), path.join(dir, entry), { recursive: true, filter: (src) => !src.split(path.sep).includes("node_modules") });
    }
    for (const f of fs.readdirSync(repo).filter((f) => /^Pulumi\.[\w-]+\.yaml$/.test(f))) {
        // The repo's own datasets are replaced: settings naming them (dashboards, per-pipeline schedules) go too.
        const doc = parseDocument(fs.readFileSync(path.join(repo, f), "utf8"));
        doc.deleteIn(["config", "lake:bi", "dashboards"]);
        doc.deleteIn(["config", "lake:etl", "schedules"]);
        fs.writeFileSync(path.join(dir, f), doc.toString());
    }
    fs.symlinkSync(path.join(repo, "node_modules"), path.join(dir, "node_modules"), "dir");
    return generateDatasets(dir, n);
}
