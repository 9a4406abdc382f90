/**
 * Builds the whole lake from a validated config. The program entry (index.ts) and the tests call this same
 * function, so what the tests assert is what `pulumi up` deploys.
 */
import * as path from "path";
import { LakeCatalog } from "../components/catalog";
import { loadStackDatasets } from "../components/datasets";
import { LakeStorage } from "../components/storage";
import type { LakeConfig } from "./config";
import { Namer } from "../contract";
import { createAwsProvider } from "./providers";

/** The repository root: dataset files live under `<root>/stacks/`. */
export const REPO_ROOT = path.resolve(__dirname, "..");

export function buildLake(config: LakeConfig, opts: { root?: string } = {}) {
    // Dataset files are validated before anything is registered: a bad file registers no resource.
    const { datasets, connections } = loadStackDatasets({ root: opts.root ?? REPO_ROOT, stack: config.stack, accountId: config.accountId });
    const namer = new Namer({ prefix: config.namePrefix, environment: config.environment, accountId: config.accountId });
    const provider = createAwsProvider(config);

    const storage = new LakeStorage(
        "lake",
        {
            namer,
            accountId: config.accountId,
            region: config.region,
            layers: config.storage,
            noncurrentVersionExpireDays: config.storage.noncurrentVersionExpireDays,
            abortIncompleteUploadDays: config.storage.abortIncompleteUploadDays,
            queryResultsExpireDays: config.storage.queryResultsExpireDays,
            accessLogsExpireDays: config.storage.accessLogsExpireDays,
            kmsKeyDeletionWindowDays: config.kmsKeyDeletionWindowDays,
            // Validation guarantees allowDataDestroy is false in prod.
            forceDestroy: config.allowDataDestroy,
            protectData: config.isProd,
        },
        { provider },
    );

    const catalog = new LakeCatalog(
        "lake",
        {
            namer,
            environment: config.environment,
            region: config.region,
            accountId: config.accountId,
            kmsKeyArn: storage.kmsKeyArn,
            layerBuckets: storage.layers,
            queryResultsBucket: storage.queryResults,
            datasets,
            connections,
            lakeFormation: config.lakeFormation,
            athena: config.athena,
            dataProtection: { protect: config.isProd, retainOnDelete: config.isProd },
        },
        { provider },
    );

    return {
        kmsKeyArn: storage.kmsKeyArn,
        bucketNames: {
            bronze: storage.layers.bronze.name,
            silver: storage.layers.silver.name,
            gold: storage.layers.gold.name,
            queryResults: storage.queryResults.name,
            accessLogs: storage.accessLogs.name,
        },
        databaseNames: catalog.databaseNames,
        tables: catalog.tables,
        athenaWorkgroup: catalog.workgroupName,
        crawlerNames: catalog.crawlerNames,
    };
}
