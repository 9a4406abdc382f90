/**
 * `LakeCatalog`: the Glue Data Catalog of the lake: catalog encryption, the Glue security configuration, databases
 * per (layer, domain), the crawlers' role, and one `LakeDataset` (table, crawler) per dataset file. Access, JDBC
 * connections and the Athena workgroup are capabilities of their own (components/access, connections, query);
 * the catalog asks them for what its datasets need.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Layer, LAYERS, MARKERS, PLATFORM_RESOURCES } from "../../contract";
import type { LakeAccess } from "../access";
import type { JdbcConnections } from "../connections";
import { Dataset, defaultLocation } from "../datasets";
import type { DatasetQueries } from "../query";
import { dataOptions, LakeContext } from "../shared/context";
import { serviceTrust, uniq } from "../shared/iam";
import { datasetName } from "../shared/names";
import { parseS3Uri } from "../shared/principals";
import type { BucketRef } from "../shared/refs";
import { LakeDataset, SOURCE_TABLE_PREFIX } from "./dataset";
import { crawlerPolicy } from "./iam";

export { LakeDataset, OWNER_TAG, SOURCE_TABLE_PREFIX, datasetPrincipals } from "./dataset";
export type { LakeDatasetArgs } from "./dataset";
export { datasetResourceName } from "../shared/names";
export type { BucketRef } from "../shared/refs";

export interface LakeCatalogArgs {
    /** Naming, ARN context, environment and protection (databases and tables are protected and retained in prod). */
    context: LakeContext;
    /** ARN of the lake's customer-managed KMS key: catalog, connection passwords, security configuration. */
    kmsKeyArn: pulumi.Input<string>;
    /** The key's owner (LakeStorage): the crawler role is granted direct use for client-side encryption (CSE-KMS). */
    keyUsers: { grantKeyUse(roleArn: pulumi.Input<string>): void };
    /** The bronze, silver and gold buckets. A dataset without `location` lives at `s3://<its layer's bucket>/<domain>/<name>/`. */
    layerBuckets: Record<Layer, BucketRef>;
    /** Validated datasets of this stack (from `loadStackDatasets`). */
    datasets: readonly Dataset[];
    /** The stack's JDBC connections; JDBC datasets are crawled through them. */
    connections: JdbcConnections;
    /** Where the datasets' grants go. Call `access.commitGrants()` once every capability has asked. */
    access: LakeAccess;
    /** The workgroup holding each dataset's named queries; consumers of this account may run queries there. */
    workgroup: DatasetQueries;
    /**
     * What a JDBC crawler does when a source table disappears.
     * @default "LOG" in prod (never delete), "DEPRECATE_IN_DATABASE" elsewhere
     */
    schemaChangeDeleteBehavior?: "LOG" | "DEPRECATE_IN_DATABASE";
}

/** Key of a database in `databaseNames`: `<layer>/<domain>`. */
export const databaseKey = (layer: Layer, domain: string) => `${layer}/${domain}`;

export class LakeCatalog extends pulumi.ComponentResource {
    /** Glue database names by `<layer>/<domain>`. */
    public readonly databaseNames: Record<string, pulumi.Output<string>>;
    /** Glue table name and ARN per dataset name. */
    public readonly tables: Record<string, { name: pulumi.Output<string>; arn: pulumi.Output<string> }>;
    /** Crawler names per dataset name (crawled datasets only). */
    public readonly crawlerNames: Record<string, pulumi.Output<string>>;
    public readonly securityConfigurationName: pulumi.Output<string>;
    /** ARN of the crawlers' role (undefined when nothing is crawled). */
    public readonly crawlerRoleArn?: pulumi.Output<string>;
    public readonly datasets: Record<string, LakeDataset>;

    constructor(name: string, args: LakeCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lake:catalog:LakeCatalog", name, {}, opts);
        const parts = createLakeCatalog(name, args.context, args, this);
        this.databaseNames = parts.databaseNames;
        this.datasets = parts.datasets;
        this.securityConfigurationName = parts.securityConfigurationName;
        this.crawlerRoleArn = parts.crawlerRoleArn;
        this.tables = Object.fromEntries(Object.entries(this.datasets).map(([k, d]) => [k, { name: d.tableName, arn: d.tableArn }]));
        this.crawlerNames = Object.fromEntries(Object.entries(this.datasets).flatMap(([k, d]) => (d.crawlerName ? [[k, d.crawlerName] as const] : [])));
        this.registerOutputs({
            databaseNames: this.databaseNames,
            tables: this.tables,
            crawlerNames: this.crawlerNames,
            securityConfigurationName: this.securityConfigurationName,
            crawlerRoleArn: this.crawlerRoleArn,
        });
    }
}

interface CatalogParts {
    databaseNames: Record<string, pulumi.Output<string>>;
    datasets: Record<string, LakeDataset>;
    securityConfigurationName: pulumi.Output<string>;
    crawlerRoleArn?: pulumi.Output<string>;
}

export function createLakeCatalog(name: string, ctx: LakeContext, args: LakeCatalogArgs, self: LakeCatalog): CatalogParts {
    checkReferences(args, self);
    const deleteBehavior = args.schemaChangeDeleteBehavior ?? (ctx.isProd ? "LOG" : "DEPRECATE_IN_DATABASE");
    if (ctx.isProd && deleteBehavior !== "LOG") {
        throw new pulumi.ResourceError(`LakeCatalog ${name}: schemaChangeDeleteBehavior is ${deleteBehavior} in prod; prod crawlers never touch vanished tables (use LOG)`, self);
    }

    new aws.glue.DataCatalogEncryptionSettings(
        `${name}-encryption`,
        {
            catalogId: ctx.arn.accountId,
            dataCatalogEncryptionSettings: {
                encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: args.kmsKeyArn },
                connectionPasswordEncryption: { awsKmsKeyId: args.kmsKeyArn, returnConnectionPasswordEncrypted: true },
            },
        },
        // What protects the data is protected like the data (prod: protect + retainOnDelete).
        dataOptions(ctx, self),
    );
    const security = new aws.glue.SecurityConfiguration(
        `${name}-security`,
        {
            name: ctx.namer.resource(PLATFORM_RESOURCES.glueSecurityConfiguration.purpose),
            encryptionConfiguration: {
                s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: args.kmsKeyArn },
                cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: args.kmsKeyArn },
                jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: args.kmsKeyArn },
            },
        },
        dataOptions(ctx, self),
    );

    // Databases per (layer, domain) present in the datasets, in a stable order; after the access settings, so
    // Lake Formation gives new databases no IAMAllowedPrincipals default.
    const databases = new Map<string, aws.glue.CatalogDatabase>();
    for (const key of uniq(args.datasets.map((d) => databaseKey(d.layer, d.domain))).sort()) {
        const [layer, domain] = key.split("/") as [Layer, string];
        databases.set(
            key,
            new aws.glue.CatalogDatabase(
                `${name}-db-${layer}-${domain}`,
                {
                    name: ctx.namer.glue(layer, domain),
                    catalogId: ctx.arn.accountId,
                    description: `${layer} layer of the ${domain} domain.`,
                    locationUri: pulumi.interpolate`s3://${args.layerBuckets[layer].name}/${domain}/`,
                    parameters: { [MARKERS.layer]: layer, [MARKERS.domain]: domain },
                },
                dataOptions(ctx, self, { dependsOn: args.access.databaseDependsOn }),
            ),
        );
    }

    // Where each dataset lives: its own location, or its layer's bucket + domain/name.
    const locations = new Map(
        args.datasets.map((d) => [d.name, pulumi.output(args.layerBuckets[d.layer].name).apply((b) => defaultLocation(d, b))] as const),
    );
    const crawled = args.datasets.filter(isCrawled);
    const crawlerRole = crawled.length > 0 ? createCrawlerRole(name, ctx, args, crawled, locations, databases, self) : undefined;
    const lakeBuckets = LAYERS.map((l) => args.layerBuckets[l].bucketName);

    const datasets: Record<string, LakeDataset> = {};
    for (const ds of args.datasets) {
        const database = databases.get(databaseKey(ds.layer, ds.domain))!;
        const crawler = crawlerRole && isCrawled(ds)
            ? {
                  name: datasetName(ctx.namer, ds, "crawler"),
                  roleArn: crawlerRole.role.arn,
                  securityConfiguration: security.name,
                  connectionName: ds.source.type === "jdbc" ? args.connections.get(ds.source.connection).name : undefined,
                  deleteBehavior,
                  // A crawler must not run before its role's policy is in place.
                  dependsOn: [crawlerRole.policy],
              }
            : undefined;
        datasets[ds.name] = new LakeDataset(
            `${name}-${ds.name}`,
            {
                dataset: ds,
                database: { name: database.name, suffix: `${ds.layer}-${ds.domain}` },
                location: locations.get(ds.name)!,
                locationRegistered: !ds.location || lakeBuckets.some((b) => ds.location!.startsWith(`s3://${b}/`)),
                crawler,
                access: args.access,
                workgroup: args.workgroup,
                dataProtection: ctx.protection,
            },
            { parent: self },
        );
        for (const c of ds.consumers) args.workgroup.grantRunQueries(c.principal);
    }
    return {
        databaseNames: Object.fromEntries([...databases].map(([k, db]) => [k, db.name])),
        datasets,
        securityConfigurationName: security.name,
        crawlerRoleArn: crawlerRole?.role.arn,
    };
}

/** The crawlers' role: Glue may assume it for this account only; an inline policy scoped to what is crawled. */
function createCrawlerRole(
    name: string,
    ctx: LakeContext,
    args: LakeCatalogArgs,
    crawled: Dataset[],
    locations: Map<string, pulumi.Output<string>>,
    databases: Map<string, aws.glue.CatalogDatabase>,
    self: LakeCatalog,
): { role: aws.iam.Role; policy: aws.iam.RolePolicy } {
    const role = new aws.iam.Role(
        `${name}-crawler-role`,
        {
            name: ctx.namer.resource(PLATFORM_RESOURCES.crawlerRole.purpose),
            description: "Assumed by the lake's Glue crawlers; reads only the crawled prefixes and updates only their tables.",
            assumeRolePolicy: JSON.stringify(serviceTrust("glue.amazonaws.com", ctx.arn)),
        },
        { parent: self },
    );
    args.keyUsers.grantKeyUse(role.arn);
    const s3Crawled = crawled.filter((d) => d.source.type !== "jdbc");
    const jdbc = crawled.filter((d) => d.source.type === "jdbc");
    const connections = uniq(jdbc.map((d) => (d.source as { connection: string }).connection)).map((c) => args.connections.get(c));
    const dbName = (d: Dataset) => databases.get(databaseKey(d.layer, d.domain))!.name;
    const policy = pulumi
        .all([
            args.kmsKeyArn,
            pulumi.all(s3Crawled.map((d) => locations.get(d.name)!)),
            pulumi.all(s3Crawled.map(dbName)),
            pulumi.all(jdbc.map(dbName)),
            pulumi.all(connections.map((c) => c.secretArn)),
            pulumi.all(connections.map((c) => c.name)),
        ])
        .apply(([kmsKeyArn, prefixes, crawledDbs, jdbcDbs, secretArns, glueConnections]) =>
            JSON.stringify(
                crawlerPolicy({
                    ...ctx.arn,
                    kmsKeyArn,
                    crawledPrefixes: prefixes.map(parseS3Uri),
                    crawledTables: s3Crawled.map((d, i) => ({ database: crawledDbs[i], table: d.name })),
                    jdbcTargets: uniq(jdbcDbs).map((database) => ({ database, tablePrefix: SOURCE_TABLE_PREFIX })),
                    connectionNames: glueConnections,
                    networks: connections.map((c) => ({ subnetIds: [c.subnetId], securityGroupIds: [...c.securityGroupIds] })),
                    secretArns,
                    lakeFormation: args.access.lakeFormation,
                }),
            ),
        );
    return { role, policy: new aws.iam.RolePolicy(`${name}-crawler-policy`, { role: role.name, name: "lake-crawler", policy }, { parent: self }) };
}

/** S3 datasets with `crawl: true` (Iceberg excepted: its partitions live in Iceberg metadata) and every JDBC dataset. */
export function isCrawled(ds: Dataset): boolean {
    return ds.source.type === "jdbc" || (ds.source.type === "s3" && ds.source.crawl && ds.format !== "iceberg");
}

/** Dataset names are unique per stack (the loader checks it too; a direct caller might not). */
function checkReferences(args: LakeCatalogArgs, self: LakeCatalog): void {
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const d of args.datasets) {
        if (seen.has(d.name)) problems.push(`${d.file}: name: dataset '${d.name}' is declared twice`);
        seen.add(d.name);
        if (d.source.type === "jdbc" && !(d.source.connection in args.connections.connections)) {
            const declared = Object.keys(args.connections.connections);
            problems.push(`${d.file}: source.connection: '${d.source.connection}' is not a declared connection (declared: ${declared.join(", ") || "none"})`);
        }
    }
    if (problems.length) throw new pulumi.ResourceError(`LakeCatalog: ${problems.join("; ")}`, self);
}
