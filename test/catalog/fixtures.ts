/**
 * Hand-built, already-validated datasets (one per kind the issue names) and the catalog built around them
 * under mocks, so each test reads the exact inputs of the children.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Dataset, JdbcConnection } from "../../components/datasets";
import { LakeAccess } from "../../components/access";
import { BucketRef, LakeCatalog, LakeCatalogArgs } from "../../components/catalog";
import { JdbcConnections } from "../../components/connections";
import { AthenaWorkgroup } from "../../components/query";
import { createLakeContext, LakeContext } from "../../components/shared/context";
import { capture, Capture } from "../helpers/mocks";

export const DEV_ACCOUNT = "111111111111";
export const PROD_ACCOUNT = "222222222222";
export const KMS_KEY_ARN = `arn:aws:kms:eu-west-1:${DEV_ACCOUNT}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;
const role = (name: string, account = DEV_ACCOUNT) => `arn:aws:iam::${account}:role/${name}`;

const base = {
    owner: "data-team@acme.example",
    registeredOn: "2026-01-15",
    classification: "internal" as const,
    producers: [] as string[],
    consumers: [] as Dataset["consumers"],
};

/** Gold Parquet fact, partitioned by dt with date projection; a full reader, a column-subset reader, a writer. */
export const tripsFact = (account = DEV_ACCOUNT): Dataset => ({
    ...base,
    file: "stacks/datasets/mobility/taxi_trips.yaml",
    name: "taxi_trips",
    domain: "mobility",
    description: "Yellow taxi trips, cleaned and typed.",
    layer: "gold",
    format: "parquet",
    columns: [
        { name: "vendor_id", type: "int" },
        { name: "pickup_at", type: "timestamp", comment: "tpep_pickup_datetime" },
        { name: "fare_amount", type: "decimal(10,2)" },
        { name: "tags", type: "array<string>" },
    ],
    partitionKeys: [{ name: "dt", type: "string" }],
    projection: { keys: { dt: { type: "date", range: "2020-01-01,NOW", format: "yyyy-MM-dd" } }, locationTemplate: "" },
    producers: [role("acme-lake-etl", account)],
    consumers: [
        { principal: role("mobility-analyst", account) },
        { principal: role("finance-analyst", account), columns: ["vendor_id", "fare_amount", "dt"] },
    ],
    source: { type: "job", job: "trips_to_gold" },
});

/** Silver dimension without partitions and its written exemption; crawled without a schedule. */
export const venueDim = (account = DEV_ACCOUNT): Dataset => ({
    ...base,
    file: "stacks/datasets/sales/venue.yaml",
    name: "venue",
    domain: "sales",
    description: "Venues (TICKIT), about 200 rows.",
    layer: "silver",
    format: "parquet",
    columns: [
        { name: "venue_id", type: "smallint" },
        { name: "venue_name", type: "varchar(100)" },
    ],
    partitionKeys: [],
    unpartitionedReason: "dimension table, about 200 rows, replaced nightly",
    consumers: [{ principal: role("mobility-analyst", account) }],
    source: { type: "s3", crawl: false },
});

/** Silver Iceberg table, identity-partitioned by order_date. */
export const ordersIceberg = (account = DEV_ACCOUNT): Dataset => ({
    ...base,
    file: "stacks/datasets/shop/orders.yaml",
    name: "orders",
    domain: "shop",
    description: "Shop orders, upserted by the CDC job.",
    layer: "silver",
    format: "iceberg",
    classification: "confidential",
    columns: [
        { name: "order_id", type: "bigint" },
        { name: "total", type: "decimal(12,2)" },
        { name: "lines", type: "array<struct<sku:string,qty:int>>" },
        { name: "attributes", type: "map<string,string>" },
    ],
    partitionKeys: [{ name: "order_date", type: "date" }],
    producers: [role("acme-lake-etl", account)],
    source: { type: "job", job: "orders_cdc" },
});

/** Bronze Parquet landing of a SQL Server table, crawled through its JDBC connection. */
export const customerJdbc = (): Dataset => ({
    ...base,
    file: "stacks/datasets/crm/customer.yaml",
    name: "customer",
    domain: "crm",
    description: "Customers from the CRM.",
    layer: "bronze",
    format: "parquet",
    classification: "pii",
    columns: [{ name: "customer_id", type: "int" }, { name: "email", type: "varchar(254)" }],
    partitionKeys: [],
    consumers: [{ principal: `arn:aws:iam::999999999999:role/partner-reader` }],
    source: { type: "jdbc", connection: "crm_sqlserver", path: "crm/dbo/Customer" },
    crawlSchedule: "cron(0 1 * * ? *)",
});

/** Raw CSV with a scheduled crawler, partitioned by dt. */
export const rawTripsCsv = (account = DEV_ACCOUNT): Dataset => ({
    ...base,
    file: "stacks/datasets/mobility/raw_taxi_trips.yaml",
    name: "raw_taxi_trips",
    domain: "mobility",
    description: "Taxi trip CSV files as delivered.",
    layer: "bronze",
    format: "csv",
    columns: [{ name: "vendorid", type: "string" }, { name: "fare_amount", type: "string" }],
    partitionKeys: [{ name: "dt", type: "string" }],
    producers: [`arn:aws:iam::${account}:user/uploader`],
    source: { type: "s3", crawl: true },
    crawlSchedule: "cron(15 2 * * ? *)",
});

export const connections = (): JdbcConnection[] => [
    { file: "stacks/dev/connections.yaml", name: "crm_sqlserver", engine: "sqlserver", host: "crm.example.internal", port: 1433, database: "crm",
        subnetId: "subnet-0a1b2c3d4e5f60711", securityGroupIds: ["sg-0d1e2f3a4b5c60711"], availabilityZone: "eu-west-1a", enforceSsl: true },
    { file: "stacks/dev/connections.yaml", name: "shop_mysql", engine: "mysql", host: "shop.example.internal", port: 3306, database: "shop",
        subnetId: "subnet-0a1b2c3d4e5f60711", securityGroupIds: ["sg-0d1e2f3a4b5c60712"], availabilityZone: "eu-west-1a", enforceSsl: true },
    { file: "stacks/dev/connections.yaml", name: "saas_postgres", engine: "postgresql", host: "saas.example.internal", port: 5432, database: "saas",
        subnetId: "subnet-0a1b2c3d4e5f60711", securityGroupIds: ["sg-0d1e2f3a4b5c60713"], availabilityZone: "eu-west-1a", enforceSsl: false },
];

export const allDatasets = (account = DEV_ACCOUNT) => [tripsFact(account), venueDim(account), ordersIceberg(account), customerJdbc(), rawTripsCsv(account)];

export interface BuildOptions {
    env?: "dev" | "prod";
    lakeFormation?: boolean;
    datasets?: Dataset[];
    connections?: JdbcConnection[];
    /** @default the context's default: protected in prod */
    protectData?: boolean;
    overrides?: Partial<CatalogSetArgs>;
}

/** Everything the catalog and the capabilities it uses are built from, as infra/ wires them. */
export interface CatalogSetArgs {
    context: LakeContext;
    kmsKeyArn: string;
    layerBuckets: Record<"bronze" | "silver" | "gold", BucketRef>;
    queryResultsBucket: BucketRef;
    datasets: Dataset[];
    connections: JdbcConnection[];
    lakeFormation: { enabled: boolean; admins: string[] };
    athena: { bytesScannedCutoffPerQuery: number };
    schemaChangeDeleteBehavior?: LakeCatalogArgs["schemaChangeDeleteBehavior"];
}

/** Args as infra/ wires them (bucket names as the storage component makes them). */
export function catalogArgs(o: BuildOptions = {}): CatalogSetArgs {
    const env = o.env ?? "dev";
    const accountId = env === "prod" ? PROD_ACCOUNT : DEV_ACCOUNT;
    const context = createLakeContext({ prefix: "acme-lake", environment: env, accountId, region: "eu-west-1", protectData: o.protectData });
    const bucket = (purpose: string): BucketRef => ({ name: context.namer.bucket(purpose), arn: `arn:aws:s3:::${context.namer.bucket(purpose)}`, bucketName: context.namer.bucket(purpose) });
    return {
        context,
        kmsKeyArn: KMS_KEY_ARN,
        layerBuckets: { bronze: bucket("bronze"), silver: bucket("silver"), gold: bucket("gold") },
        queryResultsBucket: bucket("query-results"),
        datasets: o.datasets ?? allDatasets(accountId),
        connections: o.connections ?? connections(),
        lakeFormation: { enabled: o.lakeFormation ?? true, admins: [`arn:aws:iam::${accountId}:role/lake-platform-admin`] },
        athena: { bytesScannedCutoffPerQuery: 10 * 1024 ** 3 },
        ...o.overrides,
    };
}

/** The catalog with the access, connections and query components it uses, committed as infra/stack.ts does. */
/** Roles the catalog granted direct use of the lake key (the last catalogSet's). */
export const keyUsers: pulumi.Input<string>[] = [];

export function catalogSet(name: string, a: CatalogSetArgs, catalogOpts?: pulumi.ComponentResourceOptions): LakeCatalog {
    const { context, kmsKeyArn } = a;
    keyUsers.length = 0;
    const access = new LakeAccess(name, { context, lakeFormation: a.lakeFormation, kmsKeyArn, layerBuckets: a.layerBuckets });
    const jdbc = new JdbcConnections(name, { context, kmsKeyArn, connections: a.connections });
    const workgroup = new AthenaWorkgroup(name, {
        context,
        purpose: "analysts",
        description: "Lake analysts' workgroup",
        resultsBucket: a.queryResultsBucket.name,
        kmsKeyArn,
        bytesScannedCutoffPerQuery: a.athena.bytesScannedCutoffPerQuery,
    });
    const catalog = new LakeCatalog(name, {
        context, kmsKeyArn, keyUsers: { grantKeyUse: (arn) => void keyUsers.push(arn) }, layerBuckets: a.layerBuckets, datasets: a.datasets, connections: jdbc, access, workgroup,
        schemaChangeDeleteBehavior: a.schemaChangeDeleteBehavior,
    }, catalogOpts);
    access.commitGrants();
    return catalog;
}

export async function build(o: BuildOptions = {}): Promise<Capture> {
    return capture(() => catalogSet("catalog", catalogArgs(o)), {
        stack: o.env ?? "dev",
        mockEnv: { region: "eu-west-1", account: o.env === "prod" ? PROD_ACCOUNT : DEV_ACCOUNT },
    });
}

/** Parse an IAM policy input (JSON text). */
export const policyOf = (json: unknown) => JSON.parse(String(json)) as { Statement: { Sid: string; Action: string[]; Resource: string | string[]; Condition?: any; Principal?: any }[] };

export const T = {
    table: "aws:glue/catalogTable:CatalogTable",
    crawler: "aws:glue/crawler:Crawler",
    database: "aws:glue/catalogDatabase:CatalogDatabase",
    permissions: "aws:lakeformation/permissions:Permissions",
    secret: "aws:secretsmanager/secret:Secret",
    connection: "aws:glue/connection:Connection",
    namedQuery: "aws:athena/namedQuery:NamedQuery",
    iamPolicy: "aws:iam/policy:Policy",
    roleAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    userAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    lfResource: "aws:lakeformation/resource:Resource",
    lfSettings: "aws:lakeformation/dataLakeSettings:DataLakeSettings",
};
