/**
 * One dataset's resources, grouped so `pulumi preview` and the stack graph show them under the dataset:
 * the Glue table, its crawler, Athena named queries and its grants (Lake Formation, or IAM policies when the
 * stack runs without Lake Formation).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MARKERS } from "../../contract";
import { Dataset, partitionCountQuery, previewQuery } from "../datasets";
import { ArnContext, readerPolicy, writerPolicy } from "./iam";
import { parseIamPrincipal, parseS3Uri, principalId } from "./principals";
import { ICEBERG_MANAGED_PARAMETERS, TableInputs, tableInputs } from "./table";

/** Tag key for the dataset's owner contact (the stack-wide `owner` default tag names the platform team). */
export const OWNER_TAG = "lake:owner";

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
    /** Name of the Glue database for the dataset's (layer, domain); pass the database resource's output. */
    databaseName: pulumi.Input<string>;
    /** S3 URI of the data, with a trailing slash. */
    location: pulumi.Input<string>;
    /** Partition, region and account for ARNs. */
    arnContext: ArnContext;
    /** ARN of the lake's KMS key (IAM-mode policies grant decrypt/encrypt with it). */
    kmsKeyArn: pulumi.Input<string>;
    /** Athena workgroup that holds the named queries. */
    workgroup: pulumi.Input<string>;
    /** Crawler settings; undefined: no crawler (data registered by projection, Firehose or a job). */
    crawler?: DatasetCrawlerArgs;
    /**
     * Grant through Lake Formation (true) or attach IAM policies to the principals (false).
     * @default the stack's lakeFormation.enabled, as passed by LakeCatalog
     */
    lakeFormation: boolean;
    /**
     * Whether the location is inside a bucket registered with Lake Formation (the layer buckets). Outside one,
     * Lake Formation can't grant DATA_LOCATION_ACCESS, so those grants are skipped with a warning.
     * @default true
     */
    locationRegistered?: boolean;
    /** Names of the IAM policies created in IAM mode. */
    policyNames: { readers: string; writers: string };
    /** Resources every grant waits for (Lake Formation settings and location registration). */
    grantDependsOn: pulumi.Input<pulumi.Resource>[];
    /**
     * Protect the table and keep it in Glue when removed from the program.
     * @default { protect: false, retainOnDelete: false } (LakeCatalog passes true/true in prod)
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
    /** IAM mode only: the managed policies readers and writers get. */
    public readonly readerPolicyArn?: pulumi.Output<string>;
    public readonly writerPolicyArn?: pulumi.Output<string>;

    constructor(name: string, args: LakeDatasetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lake:catalog:Dataset", name, {}, opts);
        const ds = args.dataset;
        const tags = datasetTags(ds);
        const protection = args.dataProtection ?? { protect: false, retainOnDelete: false };
        const location = pulumi.output(args.location);

        // Only the location is an output; the rest of the inputs follow from the dataset.
        const inputs = location.apply((l) => tableInputs(ds, l));
        const field = <K extends keyof TableInputs>(k: K) => inputs.apply((i) => i[k]);
        this.table = new aws.glue.CatalogTable(
            `${name}-table`,
            {
                databaseName: args.databaseName,
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
                parent: this,
                protect: protection.protect,
                retainOnDelete: protection.retainOnDelete,
                // Iceberg: Glue owns the metadata pointer, and the schema evolves through Iceberg (ALTER TABLE in Athena).
                ...(ds.format === "iceberg"
                    ? { ignoreChanges: ["openTableFormatInput", "storageDescriptor", ...ICEBERG_MANAGED_PARAMETERS.map((p) => `parameters["${p}"]`)] }
                    : {}),
            },
        );
        this.tableName = this.table.name;
        this.tableArn = this.table.arn;

        if (args.crawler) this.crawlerName = this.crawler(name, args, args.crawler, tags).name;

        const database = this.table.databaseName;
        for (const [suffix, title, query] of [
            ["preview", "preview", previewQuery],
            ["partition-counts", "rows per partition", partitionCountQuery],
        ] as const) {
            new aws.athena.NamedQuery(
                `${name}-${suffix}`,
                {
                    name: `${ds.name} ${title}`,
                    description: `${title[0].toUpperCase()}${title.slice(1)} of ${ds.domain}.${ds.name} (${ds.layer}), owner ${ds.owner}.`,
                    database,
                    workgroup: args.workgroup,
                    query: database.apply((db) => query(ds, db)),
                },
                { parent: this },
            );
        }

        if (args.lakeFormation) {
            this.lakeFormationGrants(name, args, location);
        } else {
            [this.readerPolicyArn, this.writerPolicyArn] = this.iamGrants(name, args, location, tags);
        }
        this.registerOutputs({ tableName: this.tableName, tableArn: this.tableArn, crawlerName: this.crawlerName });
    }

    private crawler(name: string, args: LakeDatasetArgs, c: DatasetCrawlerArgs, tags: Record<string, string>): aws.glue.Crawler {
        const ds = args.dataset;
        const common = {
            name: c.name,
            description: `Keeps ${ds.domain}.${ds.name} (${ds.layer}) up to date; declared in ${ds.file}.`,
            role: c.roleArn,
            databaseName: args.databaseName,
            securityConfiguration: c.securityConfiguration,
            ...(ds.crawlSchedule ? { schedule: ds.crawlSchedule } : {}),
            // Incremental crawls (CRAWL_NEW_FOLDERS_ONLY) exist only for S3 targets; both kinds here recrawl fully.
            recrawlPolicy: { recrawlBehavior: "CRAWL_EVERYTHING" },
            tags,
        };
        if (ds.source.type === "jdbc") {
            if (!c.connectionName) throw new Error(`${ds.file}: source.connection: dataset '${ds.name}' has no Glue connection`);
            return new aws.glue.Crawler(
                `${name}-crawler`,
                {
                    ...common,
                    jdbcTargets: [{ connectionName: c.connectionName, path: ds.source.path, enableAdditionalMetadatas: ["COMMENTS"] }],
                    tablePrefix: SOURCE_TABLE_PREFIX,
                    schemaChangePolicy: { updateBehavior: "UPDATE_IN_DATABASE", deleteBehavior: c.deleteBehavior },
                },
                { parent: this, dependsOn: c.dependsOn },
            );
        }
        // The table exists (Pulumi defines it): a catalog target updates it in place instead of creating a twin.
        // Catalog targets accept only LOG/DELETE_FROM_DATABASE on delete; LOG/LOG keeps the schema ours while new
        // partitions are still added.
        return new aws.glue.Crawler(
            `${name}-crawler`,
            {
                ...common,
                catalogTargets: [{ databaseName: args.databaseName, tables: [this.table.name] }],
                schemaChangePolicy: { updateBehavior: "LOG", deleteBehavior: "LOG" },
                configuration: GLUE_CRAWLER_CONFIG,
            },
            { parent: this, dependsOn: c.dependsOn },
        );
    }

    /** One grant per principal (the union of its reader and writer rights: two grants on one table would fight). */
    private lakeFormationGrants(name: string, args: LakeDatasetArgs, location: pulumi.Output<string>): void {
        const ds = args.dataset;
        const table = { databaseName: this.table.databaseName, name: this.table.name };
        const opts = { parent: this, dependsOn: args.grantDependsOn };
        const registered = args.locationRegistered ?? true;
        if (!registered) {
            pulumi.log.warn(`${ds.file}: location ${ds.location} is outside the lake's registered buckets: no DATA_LOCATION_ACCESS grants; writers and crawlers use their IAM S3 permissions`, this);
        }
        const dataLocation = { arn: location.apply((l) => s3LocationArn(args.arnContext.partition, l)) };
        for (const principal of datasetPrincipals(ds)) {
            const consumer = ds.consumers.find((c) => c.principal === principal);
            const producer = ds.producers.includes(principal);
            const id = principalId(principal);
            if (consumer?.columns && !producer) {
                // Column-level grants take SELECT only; the principal then sees just those columns.
                new aws.lakeformation.Permissions(
                    `${name}-grant-${id}`,
                    { principal, permissions: ["SELECT"], tableWithColumns: { ...table, columnNames: consumer.columns } },
                    opts,
                );
                continue;
            }
            const permissions = [...(consumer ? ["SELECT", "DESCRIBE"] : ["DESCRIBE"]), ...(producer ? ["INSERT", "ALTER", "DELETE"] : [])];
            new aws.lakeformation.Permissions(`${name}-grant-${id}`, { principal, permissions, table }, opts);
            if (producer && registered) {
                new aws.lakeformation.Permissions(`${name}-location-${id}`, { principal, permissions: ["DATA_LOCATION_ACCESS"], dataLocation }, opts);
            }
        }
        if (args.crawler && ds.source.type !== "jdbc") {
            // The crawler adds partitions to our table: ALTER on it and access to its location.
            new aws.lakeformation.Permissions(`${name}-crawler-grant`, { principal: args.crawler.roleArn, permissions: ["ALTER", "DESCRIBE", "SELECT"], table }, opts);
            if (registered) {
                new aws.lakeformation.Permissions(`${name}-crawler-location`, { principal: args.crawler.roleArn, permissions: ["DATA_LOCATION_ACCESS"], dataLocation }, opts);
            }
        }
    }

    /** IAM mode: a reader and a writer policy, attached to the principals that are roles or users of this account. */
    private iamGrants(name: string, args: LakeDatasetArgs, location: pulumi.Output<string>, tags: Record<string, string>): [pulumi.Output<string>, pulumi.Output<string>] {
        const ds = args.dataset;
        const access = pulumi.all([location, args.kmsKeyArn, this.table.databaseName, this.table.name]).apply(([l, kmsKeyArn, database, table]) => ({
            ...args.arnContext,
            kmsKeyArn,
            location: parseS3Uri(l),
            database,
            table,
        }));
        const policies = (["readers", "writers"] as const).map(
            (kind) =>
                new aws.iam.Policy(
                    `${name}-${kind}`,
                    {
                        name: args.policyNames[kind],
                        description: `${kind === "readers" ? "Read" : "Write"} access to ${ds.domain}.${ds.name} (${ds.layer}); attached to the ${kind === "readers" ? "consumers" : "producers"} in ${ds.file}.`,
                        policy: access.apply((a) => JSON.stringify(kind === "readers" ? readerPolicy(a) : writerPolicy(a))),
                        tags,
                    },
                    { parent: this },
                ),
        );
        const attach = (kind: "read" | "write", principal: string, policyArn: pulumi.Output<string>) => {
            const iam = parseIamPrincipal(principal);
            if (!iam || iam.accountId !== args.arnContext.accountId) {
                pulumi.log.warn(`${ds.file}: ${kind === "read" ? "consumers" : "producers"}: ${principal} is not a role or user of account ${args.arnContext.accountId}; attach ${kind === "read" ? args.policyNames.readers : args.policyNames.writers} in its own account`, this);
                return;
            }
            const resName = `${name}-${kind}-${principalId(principal)}`;
            if (iam.kind === "role") new aws.iam.RolePolicyAttachment(resName, { role: iam.name, policyArn }, { parent: this });
            else new aws.iam.UserPolicyAttachment(resName, { user: iam.name, policyArn }, { parent: this });
        };
        for (const c of ds.consumers) {
            if (c.columns) {
                pulumi.log.warn(`${ds.file}: consumers: column subset for ${c.principal} needs Lake Formation; in IAM mode it reads every column`, this);
            }
            attach("read", c.principal, policies[0].arn);
        }
        for (const p of ds.producers) attach("write", p, policies[1].arn);
        return [policies[0].arn, policies[1].arn];
    }
}

/** Consumers and producers, each once, in file order. */
export function datasetPrincipals(ds: Pick<Dataset, "consumers" | "producers">): string[] {
    return [...new Set([...ds.consumers.map((c) => c.principal), ...ds.producers])];
}

/** Tags for a dataset's taggable resources (a Glue table takes none: its parameters carry the same markers). */
export function datasetTags(ds: Dataset): Record<string, string> {
    return { [OWNER_TAG]: ds.owner, [MARKERS.dataset]: ds.name, [MARKERS.domain]: ds.domain, [MARKERS.classification]: ds.classification };
}

/** Lake Formation data location ARN of an S3 URI (`arn:aws:s3:::bucket/prefix`, no trailing slash). */
export function s3LocationArn(partition: string, uri: string): string {
    const { bucket, prefix } = parseS3Uri(uri);
    return `arn:${partition}:s3:::${bucket}${prefix ? `/${prefix}` : ""}`;
}
