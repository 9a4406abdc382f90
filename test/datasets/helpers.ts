/** Shared fixtures for the dataset tests: a passing dataset to flip one field of, and loaders over text. */
import { expect } from "chai";
import { stringify } from "yaml";
import { DatasetError, DatasetProblem, formatProblem, LoadedDatasets, loadDatasetSources, SourceText } from "../../components/datasets";
import type { NamerArgs } from "../../contract";

export const ACCOUNT = "111111111111";
export const DEV_CONNECTIONS: SourceText = {
    file: "stacks/dev/connections.yaml",
    text: `connections:
  - name: crm_sqlserver
    engine: sqlserver
    host: crm.example.internal
    database: crm
    subnetId: subnet-0a1b2c3d4e5f60711
    securityGroupIds: [sg-0d1e2f3a4b5c60711]
    availabilityZone: eu-west-1a
  - name: shop_mysql
    engine: mysql
    host: shop.example.internal
    database: shop
    subnetId: subnet-0a1b2c3d4e5f60711
    securityGroupIds: [sg-0d1e2f3a4b5c60712]
    availabilityZone: eu-west-1a
`,
};

/** A valid gold fact table; tests deep-copy it and change one thing. */
export function validDataset(): Record<string, any> {
    return {
        name: "trips",
        domain: "mobility",
        owner: "mobility@acme.example",
        description: "One row per taxi trip, cleaned.",
        registeredOn: "2026-01-15",
        layer: "gold",
        format: "parquet",
        classification: "internal",
        columns: [
            { name: "trip_id", type: "string", comment: "Trip hash" },
            { name: "fare", type: "decimal(10,2)" },
            { name: "pickup_at", type: "timestamp" },
        ],
        partitionKeys: [{ name: "dt", type: "string" }],
        projection: { keys: { dt: { type: "date", range: "NOW-3YEARS,NOW", format: "yyyy-MM-dd" } } },
        producers: ["role/etl"],
        consumers: [{ principal: "role/analyst" }],
        source: { type: "job", job: "trips_job" },
    };
}

export const fileFor = (ds: { domain?: unknown; name?: unknown }) => `stacks/datasets/${String(ds.domain)}/${String(ds.name)}.yaml`;
export const toYaml = (o: unknown) => stringify(o, { lineWidth: 0 });

export interface LoadOptions {
    stack?: string;
    connections?: SourceText[];
    /** The stack's region; undefined as in the loader (partition aws, ARN partitions unchecked). */
    region?: string;
    /** The stack's naming; default: the acme-lake prefix in the stack's environment, as the program passes it. null: none. */
    naming?: NamerArgs | null;
    externalLocations?: SourceText[];
}

/** The Namer arguments the program passes for a stack (prefix acme-lake, environment = stack name). */
export const namingFor = (stack: string): NamerArgs => ({ prefix: "acme-lake", environment: stack, accountId: ACCOUNT });

/** `s3://acme-lake-<stack>-<layer>-111111111111`: a layer bucket of the test stacks. */
export const bucketOf = (layer: string, stack = "dev") => `acme-lake-${stack}-${layer}-${ACCOUNT}`;

export function loadTexts(datasets: SourceText[], opts: LoadOptions = {}): LoadedDatasets {
    const stack = opts.stack ?? "dev";
    const naming = opts.naming === undefined ? namingFor(stack) : opts.naming;
    return loadDatasetSources({
        stack,
        accountId: ACCOUNT,
        ...(opts.region ? { region: opts.region } : {}),
        ...(naming ? { naming } : {}),
        datasets,
        connections: opts.connections ?? [DEV_CONNECTIONS],
        ...(opts.externalLocations ? { externalLocations: opts.externalLocations } : {}),
        knownStacks: ["dev", "prod"],
    });
}

/** A stack's external-locations file allowing `entries` (dataset -> location), with a long enough reason. */
export function externalLocations(entries: Record<string, string>, stack = "dev"): SourceText {
    const locations = Object.entries(entries).map(([dataset, location]) => ({ dataset, location, reason: "Written by another system into its own bucket; read in place." }));
    return { file: `stacks/${stack}/external-locations.yaml`, text: toYaml({ locations }) };
}

export function loadObjects(objs: Record<string, any>[], opts: LoadOptions = {}): LoadedDatasets {
    return loadTexts(objs.map((o) => ({ file: fileFor(o), text: toYaml(o) })), opts);
}

/**
 * A small valid lake of three datasets: raw landing files (bronze, crawled), a silver table refined from them by a
 * job, and a gold aggregate of the silver one. Tests deep-copy it and change one thing.
 */
export function validLake(): Record<string, any>[] {
    const raw: Record<string, any> = {
        ...validDataset(),
        name: "raw_trips",
        layer: "bronze",
        format: "json",
        columns: [{ name: "trip_id", type: "string" }, { name: "fare", type: "string" }],
        source: { type: "s3", crawl: true },
    };
    delete raw.projection;
    const clean = { ...validDataset(), name: "trips_clean", layer: "silver", source: { type: "job", job: "trips_bronze_to_silver", inputs: ["raw_trips"] } };
    const daily = {
        ...validDataset(),
        name: "trips_daily",
        columns: [{ name: "trips", type: "bigint" }, { name: "revenue", type: "decimal(12,2)" }],
        source: { type: "job", job: "trips_silver_to_gold", inputs: ["trips_clean"] },
    };
    return [raw, clean, daily];
}

/** A problem expected at a file, on the line with `line` (its `nth` occurrence), with field, message and value. */
export interface Expected {
    file: string;
    field: string;
    line: string | [string, number];
    message: RegExp;
    value?: unknown;
}

/** Asserts the problem is among `problems`, at its file, line and field, with the value; returns it. */
export function expectProblem(problems: DatasetProblem[], texts: SourceText[], e: Expected): DatasetProblem {
    const p = problems.find((x) => x.file === e.file && x.field === e.field && e.message.test(x.message));
    expect(p, `no problem in ${e.file} on ${e.field} matching ${e.message}; got:\n${problems.map(formatProblem).join("\n")}`).to.not.equal(undefined);
    const text = texts.find((t) => t.file === e.file)!.text;
    const [needle, nth] = typeof e.line === "string" ? [e.line, 1] : e.line;
    let line = 0;
    for (let i = 0; i < nth; i++) line = lineOf(text, needle, line);
    expect(p!.line, `line of ${formatProblem(p!)} in\n${text}`).to.equal(line);
    expect(p!.column).to.be.greaterThan(0);
    if ("value" in e) expect(p!.value).to.deep.equal(e.value);
    return p!;
}

export const textsOf = (objs: Record<string, any>[]): SourceText[] => objs.map((o) => ({ file: fileFor(o), text: toYaml(o) }));

/** The problems a load throws; fails the test when it doesn't throw a DatasetError. */
export function problemsOf(load: () => unknown): DatasetProblem[] {
    try {
        load();
    } catch (e) {
        if (e instanceof DatasetError) return e.problems;
        throw e;
    }
    expect.fail("expected a DatasetError");
}

/** 1-based line of the first line containing `needle` (after line `after`). */
export function lineOf(text: string, needle: string, after = 0): number {
    const lines = text.split("\n");
    for (let i = after; i < lines.length; i++) if (lines[i]!.includes(needle)) return i + 1;
    throw new Error(`'${needle}' not in:\n${text}`);
}
