/**
 * The composition root: builds the whole lake from a validated config. The program entry (index.ts) and the tests
 * call this same function, so what the tests assert is what `pulumi up` deploys. Capabilities are built in
 * dependency order; access is committed last, once every capability has asked for its grants.
 */
import * as path from "path";
import { LakeAccess } from "../components/access";
import { LakeCatalog } from "../components/catalog";
import { JdbcConnections } from "../components/connections";
import { etlTempRetention, LakeEtl } from "../components/etl";
import { DatasetStream, isStreamed } from "../components/ingestion";
import { Dataset, datasetErrorPrefix, defaultLocation, loadStackDatasets } from "../components/datasets";
import { LakeBi } from "../components/bi";
import { LakeQuery } from "../components/query";
import { createLakeContext } from "../components/shared/context";
import { LakeWarehouse } from "../components/warehouse";
import { DatasetRetention, LakeStorage } from "../components/storage";
import type { Layer } from "../contract";
import { capabilityOn, type LakeConfig } from "./config";
import { createAwsProvider } from "./providers";

/** The repository root: dataset files live under `<root>/stacks/`. */
export const REPO_ROOT = path.resolve(__dirname, "..");

/**
 * Each dataset with `retentionDays` inside its layer bucket: the prefixes its lifecycle rules expire, its data and
 * its rejected records (a stream's error output, a job's cast rejects), which hold the same values.
 */
export function datasetRetention(datasets: readonly Dataset[], bucketOf: (layer: Layer) => string): Partial<Record<Layer, DatasetRetention[]>> {
    const out: Partial<Record<Layer, DatasetRetention[]>> = {};
    for (const ds of datasets) {
        if (ds.retentionDays === undefined) continue;
        const bucket = bucketOf(ds.layer);
        const location = defaultLocation(ds, bucket);
        // Validation refuses retentionDays on a location outside the dataset's layer bucket.
        if (!location.startsWith(`s3://${bucket}/`)) continue;
        (out[ds.layer] ??= []).push(
            { dataset: ds.name, prefix: location.slice(`s3://${bucket}/`.length), days: ds.retentionDays },
            { dataset: `${ds.name}-errors`, prefix: datasetErrorPrefix(ds), days: ds.retentionDays },
        );
    }
    return out;
}

/** Glue's temporary files (the jobs' --TempDir, in the gold bucket) expire like a dataset's prefix. */
function withEtlTemp(retention: Partial<Record<Layer, DatasetRetention[]>>): Partial<Record<Layer, DatasetRetention[]>> {
    return { ...retention, gold: [...(retention.gold ?? []), etlTempRetention()] };
}

export function buildLake(config: LakeConfig, opts: { root?: string; etlRoot?: string } = {}) {
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
            datasetRetention: withEtlTemp(datasetRetention(datasets, (layer) => context.namer.bucket(layer))),
        },
        options,
    );
    const access = new LakeAccess("lake", { context, lakeFormation: config.lakeFormation, kmsKeyArn: storage.kmsKeyArn, layerBuckets: storage.layers }, options);
    const jdbc = new JdbcConnections("lake", { context, kmsKeyArn: storage.kmsKeyArn, connections }, options);
    // One Athena workgroup per team, plus admin and BI; the analysts' one keeps the lake's first workgroup's URNs.
    const query = new LakeQuery(
        "lake",
        {
            context,
            resultsBucket: storage.queryResults.name,
            kmsKeyArn: storage.kmsKeyArn,
            bytesScannedCutoffPerQuery: config.athena.bytesScannedCutoffPerQuery,
            teams: config.athena.teams,
            admin: config.athena.admin,
            bi: config.athena.bi,
        },
        options,
    );
    const catalog = new LakeCatalog(
        "lake",
        { context, kmsKeyArn: storage.kmsKeyArn, keyUsers: storage, layerBuckets: storage.layers, datasets, connections: jdbc, access, workgroup: query },
        options,
    );
    // The Glue jobs the dataset files derive, their workflows and failure alerts; their roles ask for grants and key use here.
    const etl = new LakeEtl(
        "lake",
        { context, datasets, catalog, layerBuckets: storage.layers, kmsKeyArn: storage.kmsKeyArn, keyUsers: storage, lakeFormation: access.lakeFormation, settings: config.etl, root: opts.etlRoot ?? REPO_ROOT },
        options,
    );
    // Streaming datasets: a delivery stream each, into the table's location; their roles ask for grants here.
    const streams = datasets.filter(isStreamed).map(
        (ds) => [ds.name, new DatasetStream(`lake-${ds.name}-stream`, { context, dataset: ds, table: catalog.datasets[ds.name]!, kmsKeyArn: storage.kmsKeyArn, logRetentionDays: config.streaming.logRetentionDays }, options)] as const,
    );
    // Redshift Serverless with Spectrum over silver and gold: on in prod, off elsewhere unless lake:warehouse.enabled.
    const warehouse = capabilityOn(config.warehouse, config)
        ? new LakeWarehouse(
              "lake-warehouse",
              {
                  context,
                  kmsKeyArn: storage.kmsKeyArn,
                  databases: Object.entries(catalog.databaseNames).map(([key, name]) => {
                      const [layer, domain] = key.split("/") as [Layer, string];
                      return { layer, domain, name };
                  }),
                  tables: Object.values(catalog.datasets),
                  lakeFormation: access.lakeFormation,
                  baseCapacity: config.warehouse.baseCapacity,
                  ...(config.warehouse.maxCapacity !== undefined ? { maxCapacity: config.warehouse.maxCapacity } : {}),
                  ...(config.warehouse.usageLimit ? { usageLimit: config.warehouse.usageLimit } : {}),
                  vpcCidr: config.warehouse.vpcCidr,
                  ...(config.warehouse.natGateways ? { natGateways: config.warehouse.natGateways } : {}),
                  clientCidrs: config.warehouse.clientCidrs,
                  adminUsername: config.warehouse.adminUsername,
              },
              options,
          )
        : undefined;
    // QuickSight over the published gold datasets: on in prod, elsewhere when lake:bi.enabled. Its data source runs in
    // the BI workgroup; the QuickSight datasets wait for the access component's grants to its role.
    const bi = capabilityOn(config.bi, config)
        ? new LakeBi(
              "lake-quicksight",
              {
                  context,
                  workgroup: { name: query.workgroups.bi.name, resultsBucket: query.workgroups.bi.resultsBucket, resultsPrefix: query.workgroups.bi.resultsPrefix },
                  kmsKeyArn: storage.kmsKeyArn,
                  tables: Object.values(catalog.datasets),
                  lakeFormation: access.lakeFormation,
                  settings: config.bi,
                  grantsFrom: access,
              },
              options,
          )
        : undefined;
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
        athenaWorkgroup: query.workgroups.analysts?.name,
        athenaWorkgroups: Object.fromEntries(Object.entries(query.workgroups).map(([k, w]) => [k, w.name])),
        warehouse: warehouse ? { namespace: warehouse.namespaceName, workgroup: warehouse.workgroupName, endpoint: warehouse.endpoint, externalSchemas: warehouse.externalSchemas } : undefined,
        crawlerNames: catalog.crawlerNames,
        etlJobs: Object.fromEntries(Object.entries(etl.jobs).map(([ds, j]) => [ds, j.name])),
        etlWorkflows: etl.workflows,
        bi: bi ? { dataSource: bi.dataSourceArn, dataSets: bi.dataSetArns, dashboards: bi.dashboardIds, templates: bi.templateArns } : undefined,
        deliveryStreams: Object.fromEntries(streams.map(([ds, s]) => [ds, s.deliveryStreamName])),
    };
}
