/**
 * One dataset's catalog resources, grouped so `pulumi preview` and the stack graph show them under the dataset:
 * the Glue table and its crawler. Access goes through the grant API (`grantRead`, `grantWrite`), which the
 * dataset file's consumers and producers use and jobs, Spectrum, BI and streams will use too.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Grantee, LakeAccess, principalGrantee, ReadOptions, roleGrantee, TableRef } from "../access";
import type { Dataset } from "../datasets";
import type { DatasetQueries } from "../query";
import { datasetTags } from "../shared/names";
import { ICEBERG_MANAGED_PARAMETERS, TableInputs, tableInputs } from "./table";

export { OWNER_TAG, datasetTags } from "../shared/names";

/** How the dataset's crawler runs; absent when the dataset isn't crawled. */
export interface DatasetCrawlerArgs {
    /** Crawler name. */
    name: string;
    /** ARN of the crawler role (shared by the lake's crawlers). */
    roleArn: pulumi.Input<string>;
    /** Glue security configuration name (S3, CloudWatch and bookmark encryption with the lake key). */
    securityConfiguration: pulumi.Input<string>;
    /** For JDBC sources: the Glue connection name. */
    connectionName?: pulumi.Input<string>;
    /** What a JDBC crawler does with source tables that disappeared (LOG in prod). */
    deleteBehavior: "LOG" | "DEPRECATE_IN_DATABASE";
    /** What the crawler waits for (its role's policy). */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export interface LakeDatasetArgs {
    /** The validated dataset. */
    dataset: Dataset;
    /** The Glue database of the dataset's (layer, domain): its output name and the suffix grant names use. */
    database: { name: pulumi.Input<string>; suffix: string };
    /** S3 URI of the data, with a trailing slash. */
    location: pulumi.Input<string>;
    /** Whether the location is inside a bucket registered with Lake Formation (the layer buckets). */
    locationRegistered: boolean;
    /** Crawler settings; undefined: no crawler (data registered by projection, Firehose or a job). */
    crawler?: DatasetCrawlerArgs;
    /** Where grants go (Lake Formation or IAM mode). */
    access: LakeAccess;
    /** The workgroup that saves the dataset's named queries. */
    workgroup: DatasetQueries;
    /**
     * Protect the table and keep it in Glue when removed from the program.
     * @default { protect: false, retainOnDelete: false } (LakeCatalog passes the context's protection)
     */
    dataProtection?: { protect: boolean; retainOnDelete: boolean };
}

const GLUE_CRAWLER_CONFIG = JSON.stringify({
    Version: 1.0,
    // New partitions take the table's schema and SerDe: the crawler never rewrites what Pulumi defined.
    CrawlerOutput: { Partitions: { AddOrUpdateBehavior: "InheritFromTable" } },
    // Glue's default for catalog targets, stated so the provider sees no drift.
    Grouping: { TableGroupingPolicy: "CombineCompatibleSchemas" },
});

/** JDBC crawlers mirror source tables under this prefix in the dataset's database (e.g. `src_crm_dbo_customer`). */
export const SOURCE_TABLE_PREFIX = "src_";

export class LakeDataset extends pulumi.ComponentResource {
    public readonly table: aws.glue.CatalogTable;
    public readonly tableName: pulumi.Output<string>;
    public readonly tableArn: pulumi.Output<string>;
    public readonly crawlerName?: pulumi.Output<string>;
    /** The table as the access component names it in grants. */
    public readonly tableRef: TableRef;
    private readonly access: LakeAccess;

    constructor(name: string, args: LakeDatasetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lake:catalog:Dataset", name, {}, opts);
        const parts = createLakeDataset(name, args, this);
        this.access = args.access;
        this.table = parts.table;
        this.tableName = parts.table.name;
        this.tableArn = parts.table.arn;
        this.crawlerName = parts.crawler?.name;
        this.tableRef = parts.tableRef;
        this.registerOutputs({ tableName: this.tableName, tableArn: this.tableArn, crawlerName: this.crawlerName });
    }

    /** SELECT (only `columns`, when given) and DESCRIBE for `principal`, an ARN or a platform role. */
    grantRead(principal: string | Grantee, opts?: ReadOptions): void {
        this.access.grantRead(this.tableRef, toGrantee(principal), opts);
    }

    /** INSERT, ALTER, DELETE and the data location for `principal`. */
    grantWrite(principal: string | Grantee): void {
        this.access.grantWrite(this.tableRef, toGrantee(principal));
    }
}

const toGrantee = (p: string | Grantee): Grantee => (typeof p === "string" ? principalGrantee(p) : p);

/** The table, its crawler, its named queries, and the grants its dataset file declares. */
export function createLakeDataset(name: string, args: LakeDatasetArgs, self: LakeDataset): { table: aws.glue.CatalogTable; crawler?: aws.glue.Crawler; tableRef: TableRef } {
    const ds = args.dataset;
    const tags = datasetTags(ds);
    const protection = args.dataProtection ?? { protect: false, retainOnDelete: false };
    const location = pulumi.output(args.location);

    // Only the location is an output; the rest of the inputs follow from the dataset.
    const inputs = location.apply((l) => tableInputs(ds, l));
    const field = <K extends keyof TableInputs>(k: K) => inputs.apply((i) => i[k]);
    const table = new aws.glue.CatalogTable(
        `${name}-table`,
        {
            databaseName: args.database.name,
            name: ds.name,
            description: ds.description,
            owner: ds.owner,
            tableType: field("tableType"),
            retention: field("retention"),
            parameters: field("parameters"),
            partitionKeys: field("partitionKeys"),
            storageDescriptor: field("storageDescriptor"),
            openTableFormatInput: field("openTableFormatInput"),
        },
        {
            parent: self,
            protect: protection.protect,
            retainOnDelete: protection.retainOnDelete,
            // Iceberg: Glue owns the metadata pointer, and the schema evolves through Iceberg (ALTER TABLE in Athena).
            ...(ds.format === "iceberg"
                ? { ignoreChanges: ["openTableFormatInput", "storageDescriptor", ...ICEBERG_MANAGED_PARAMETERS.map((p) => `parameters["${p}"]`)] }
                : {}),
        },
    );
    const tableRef: TableRef = {
        key: name,
        dataset: ds,
        database: { name: args.database.name, suffix: args.database.suffix },
        databaseName: table.databaseName,
        tableName: table.name,
        location,
        locationRegistered: args.locationRegistered,
        formerParent: self,
    };
    args.access.addTable(tableRef);

    const crawler = args.crawler ? createCrawler(name, ds, args.database.name, table, args.crawler, tags, self) : undefined;
    args.workgroup.addDatasetQueries(name, ds, table.databaseName, self);

    // What the dataset file declares: consumers read (a column subset where given), producers write.
    for (const c of ds.consumers) args.access.grantRead(tableRef, principalGrantee(c.principal), c.columns ? { columns: c.columns } : {});
    for (const p of ds.producers) args.access.grantWrite(tableRef, principalGrantee(p));
    if (args.crawler) {
        const role = roleGrantee("crawler", args.crawler.roleArn);
        // S3 crawlers add partitions to our table; JDBC crawlers create source tables beside it.
        if (ds.source.type === "jdbc") args.access.grantDatabase(tableRef.database, role, { createTables: true });
        else args.access.grantMaintain(tableRef, role);
    }
    return { table, crawler, tableRef };
}

function createCrawler(
    name: string,
    ds: Dataset,
    databaseName: pulumi.Input<string>,
    table: aws.glue.CatalogTable,
    c: DatasetCrawlerArgs,
    tags: Record<string, string>,
    self: LakeDataset,
): aws.glue.Crawler {
    const common = {
        name: c.name,
        description: `Keeps ${ds.domain}.${ds.name} (${ds.layer}) up to date; declared in ${ds.file}.`,
        role: c.roleArn,
        databaseName,
        securityConfiguration: c.securityConfiguration,
        ...(ds.crawlSchedule ? { schedule: ds.crawlSchedule } : {}),
        // Incremental crawls (CRAWL_NEW_FOLDERS_ONLY) exist only for S3 targets; both kinds here recrawl fully.
        recrawlPolicy: { recrawlBehavior: "CRAWL_EVERYTHING" },
        tags,
    };
    if (ds.source.type === "jdbc") {
        if (!c.connectionName) throw new pulumi.ResourceError(`${ds.file}: source.connection: dataset '${ds.name}' has no Glue connection`, self);
        return new aws.glue.Crawler(
            `${name}-crawler`,
            {
                ...common,
                jdbcTargets: [{ connectionName: c.connectionName, path: ds.source.path, enableAdditionalMetadatas: ["COMMENTS"] }],
                tablePrefix: SOURCE_TABLE_PREFIX,
                schemaChangePolicy: { updateBehavior: "UPDATE_IN_DATABASE", deleteBehavior: c.deleteBehavior },
            },
            { parent: self, dependsOn: c.dependsOn },
        );
    }
    // The table exists (Pulumi defines it): a catalog target updates it in place instead of creating a twin.
    // Catalog targets accept only LOG/DELETE_FROM_DATABASE on delete; LOG/LOG keeps the schema ours while new
    // partitions are still added.
    return new aws.glue.Crawler(
        `${name}-crawler`,
        {
            ...common,
            catalogTargets: [{ databaseName, tables: [table.name] }],
            schemaChangePolicy: { updateBehavior: "LOG", deleteBehavior: "LOG" },
            configuration: GLUE_CRAWLER_CONFIG,
        },
        { parent: self, dependsOn: c.dependsOn },
    );
}

/** Consumers and producers, each once, in file order. */
export function datasetPrincipals(ds: Pick<Dataset, "consumers" | "producers">): string[] {
    return [...new Set([...ds.consumers.map((c) => c.principal), ...ds.producers])];
}
