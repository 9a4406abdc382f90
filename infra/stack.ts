/**
 * The composition root: builds the whole lake from a validated config. The program entry (index.ts) and the tests
 * call this same function, so what the tests assert is what `pulumi up` deploys. Capabilities are built in
 * dependency order; access is committed last, once every capability has asked for its grants.
 */
import * as path from "path";
import { LakeAccess } from "../components/access";
import { LakeCatalog } from "../components/catalog";
import { JdbcConnections } from "../components/connections";
import { Dataset, defaultLocation, loadStackDatasets } from "../components/datasets";
import { AthenaWorkgroup } from "../components/query";
import { createLakeContext } from "../components/shared/context";
import { DatasetRetention, LakeStorage } from "../components/storage";
import type { Layer } from "../contract";
import type { LakeConfig } from "./config";
import { createAwsProvider } from "./providers";

/** The repository root: dataset files live under `<root>/stacks/`. */
export const REPO_ROOT = path.resolve(__dirname, "..");

/** Each dataset with `retentionDays` inside its layer bucket: the prefix its lifecycle rule expires. */
export function datasetRetention(datasets: readonly Dataset[], bucketOf: (layer: Layer) => string): Partial<Record<Layer, DatasetRetention[]>> {
    const out: Partial<Record<Layer, DatasetRetention[]>> = {};
    for (const ds of datasets) {
        if (ds.retentionDays === undefined) continue;
        const bucket = bucketOf(ds.layer);
        const location = defaultLocation(ds, bucket);
        // Validation refuses retentionDays on a location outside the dataset's layer bucket.
        if (!location.startsWith(`s3://${bucket}/`)) continue;
        (out[ds.layer] ??= []).push({ dataset: ds.name, prefix: location.slice(`s3://${bucket}/`.length), days: ds.retentionDays });
    }
    return out;
}

export function buildLake(config: LakeConfig, opts: { root?: string } = {}) {
    // Dataset files are validated before anything is registered: a bad file registers no resource.
    const { datasets, connections } = loadStackDatasets({
        root: opts.root ?? REPO_ROOT,
        stack: config.stack,
        accountId: config.accountId,
        region: config.region,
        // The Namer's arguments: locations are checked against the stack's real bucket names, derived names against AWS limits.
        naming: { prefix: config.namePrefix, environment: config.environment, accountId: config.accountId },
    });
    // Validation guarantees allowDataDestroy is false in prod; the context refuses protected + force-destroyable.
    const context = createLakeContext({
        prefix: config.namePrefix,
        environment: config.environment,
        accountId: config.accountId,
        region: config.region,
        protectData: config.isProd,
        allowDataDestroy: config.allowDataDestroy,
    });
    const provider = createAwsProvider(config);
    const options = { provider };

    const storage = new LakeStorage(
        "lake",
        {
            context,
            layers: config.storage,
            noncurrentVersionExpireDays: config.storage.noncurrentVersionExpireDays,
            abortIncompleteUploadDays: config.storage.abortIncompleteUploadDays,
            queryResultsExpireDays: config.storage.queryResultsExpireDays,
            accessLogsExpireDays: config.storage.accessLogsExpireDays,
            kmsKeyDeletionWindowDays: config.kmsKeyDeletionWindowDays,
            keyAdministrators: config.lakeFormation.admins,
            datasetRetention: datasetRetention(datasets, (layer) => context.namer.bucket(layer)),
        },
        options,
    );
    const access = new LakeAccess("lake", { context, lakeFormation: config.lakeFormation, kmsKeyArn: storage.kmsKeyArn, layerBuckets: storage.layers }, options);
    const jdbc = new JdbcConnections("lake", { context, kmsKeyArn: storage.kmsKeyArn, connections }, options);
    const workgroup = new AthenaWorkgroup(
        "lake",
        {
            context,
            purpose: "analysts",
            description: "Lake analysts' workgroup: KMS-encrypted results, enforced settings, per-query scan cutoff; holds each dataset's named queries.",
            resultsBucket: storage.queryResults.name,
            kmsKeyArn: storage.kmsKeyArn,
            bytesScannedCutoffPerQuery: config.athena.bytesScannedCutoffPerQuery,
        },
        options,
    );
    const catalog = new LakeCatalog(
        "lake",
        { context, kmsKeyArn: storage.kmsKeyArn, keyUsers: storage, layerBuckets: storage.layers, datasets, connections: jdbc, access, workgroup },
        options,
    );
    // Last: every capability has asked for its grants and its direct key use.
    access.commitGrants();
    storage.commitKeyPolicy();

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
        athenaWorkgroup: workgroup.workgroupName,
        crawlerNames: catalog.crawlerNames,
    };
}
