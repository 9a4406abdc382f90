/** Shared fixtures for the dataset tests: a passing dataset to flip one field of, and loaders over text. */
import { expect } from "chai";
import { stringify } from "yaml";
import { DatasetError, DatasetProblem, LoadedDatasets, loadDatasetSources, SourceText } from "../../components/datasets";

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

export function loadTexts(datasets: SourceText[], opts: { stack?: string; connections?: SourceText[] } = {}): LoadedDatasets {
    return loadDatasetSources({
        stack: opts.stack ?? "dev",
        accountId: ACCOUNT,
        datasets,
        connections: opts.connections ?? [DEV_CONNECTIONS],
        knownStacks: ["dev", "prod"],
    });
}

export function loadObjects(objs: Record<string, any>[], opts: { stack?: string } = {}): LoadedDatasets {
    return loadTexts(objs.map((o) => ({ file: fileFor(o), text: toYaml(o) })), opts);
}

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
