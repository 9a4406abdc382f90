/**
 * The lake's catalog: Glue databases per (layer, domain), catalog encryption, the Glue security configuration,
 * crawlers and JDBC connections, Lake Formation settings and location registration, the analysts' Athena
 * workgroup, and one LakeDataset (table, crawler, named queries, grants) per dataset file.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Layer, LAYERS, MARKERS, Namer, partitionOf } from "../../contract";
import { Dataset, defaultLocation, JdbcConnection } from "../datasets";
import { datasetPrincipals, LakeDataset, SOURCE_TABLE_PREFIX } from "./dataset";
import { ArnContext, crawlerPolicy, registrationPolicy, S3Prefix, serviceTrust, workgroupUserPolicy } from "./iam";
import { jdbcConnectionProperties, secretDescription } from "./jdbc";
import { parseIamPrincipal, parseS3Uri, principalId } from "./principals";

export { LakeDataset, OWNER_TAG, SOURCE_TABLE_PREFIX } from "./dataset";
export type { LakeDatasetArgs } from "./dataset";

/** A bucket as the storage component outputs it. */
export interface BucketRef {
    name: pulumi.Input<string>;
    arn: pulumi.Input<string>;
}

export interface LakeCatalogArgs {
    /** Names every child: Glue names via `namer.glue`, other AWS names via `namer.resource`. */
    namer: Namer;
    /** dev | staging | prod. Decides what crawlers do with vanished source tables (prod: LOG, never delete). */
    environment: string;
    /** AWS region of the stack (Glue, logs and Athena ARNs). */
    region: string;
    /** 12-digit account id (catalog id, ARNs, which principals IAM mode can attach to). */
    accountId: string;
    /** ARN of the lake's customer-managed KMS key: catalog, connection passwords, secrets, logs, query results. */
    kmsKeyArn: pulumi.Input<string>;
    /** The bronze, silver and gold buckets. A dataset without `location` lives at `s3://<its layer's bucket>/<domain>/<name>/`. */
    layerBuckets: Record<Layer, BucketRef>;
    /** Bucket for Athena query results (the workgroup writes under `analysts/`). */
    queryResultsBucket: BucketRef;
    /** Validated datasets of this stack (from `loadStackDatasets`). */
    datasets: readonly Dataset[];
    /** JDBC connections declared for this stack; each gets a secret and a Glue connection. */
    connections: readonly JdbcConnection[];
    /**
     * Lake Formation: when enabled, data lake settings (these admins, no IAMAllowedPrincipals defaults), layer
     * buckets registered, grants as LF permissions. When disabled, per-dataset IAM policies instead.
     */
    lakeFormation: { enabled: boolean; admins: readonly string[] };
    /** Athena workgroup settings. */
    athena: { bytesScannedCutoffPerQuery: number };
    /**
     * Glue databases, tables and connection secrets get `protect` and `retainOnDelete`.
     * @default { protect: false, retainOnDelete: false } (pass true/true in prod)
     */
    dataProtection?: { protect: boolean; retainOnDelete: boolean };
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
    /** Glue connection names per connection name. */
    public readonly connectionNames: Record<string, pulumi.Output<string>>;
    public readonly workgroupName: pulumi.Output<string>;
    public readonly securityConfigurationName: pulumi.Output<string>;
    /** Managed policy that lets a principal run queries in the workgroup (attached to this account's consumers). */
    public readonly workgroupUserPolicyArn: pulumi.Output<string>;
    public readonly datasets: Record<string, LakeDataset>;

    constructor(name: string, args: LakeCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lake:catalog:LakeCatalog", name, {}, opts);
        checkReferences(args);
        const { namer } = args;
        const arn: ArnContext = { partition: partitionOf(args.region), region: args.region, accountId: args.accountId };
        const protection = args.dataProtection ?? { protect: false, retainOnDelete: false };
        const dataOpts = { parent: this, protect: protection.protect, retainOnDelete: protection.retainOnDelete };
        const isProd = args.environment === "prod";
        const deleteBehavior = args.schemaChangeDeleteBehavior ?? (isProd ? "LOG" : "DEPRECATE_IN_DATABASE");
        if (isProd && deleteBehavior !== "LOG") {
            throw new Error(`LakeCatalog ${name}: schemaChangeDeleteBehavior is ${deleteBehavior} in prod; prod crawlers never touch vanished tables (use LOG)`);
        }

        // Lake Formation settings come first: databases created after them get no IAMAllowedPrincipals default.
        const lfSettings = args.lakeFormation.enabled
            ? new aws.lakeformation.DataLakeSettings(
                  `${name}-lf-settings`,
                  { catalogId: args.accountId, admins: [...args.lakeFormation.admins], createDatabaseDefaultPermissions: [], createTableDefaultPermissions: [] },
                  { parent: this },
              )
            : undefined;

        new aws.glue.DataCatalogEncryptionSettings(
            `${name}-encryption`,
            {
                catalogId: args.accountId,
                dataCatalogEncryptionSettings: {
                    encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: args.kmsKeyArn },
                    connectionPasswordEncryption: { awsKmsKeyId: args.kmsKeyArn, returnConnectionPasswordEncrypted: true },
                },
            },
            { parent: this },
        );
        const security = new aws.glue.SecurityConfiguration(
            `${name}-security`,
            {
                name: namer.resource("glue-security"),
                encryptionConfiguration: {
                    s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: args.kmsKeyArn },
                    cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: args.kmsKeyArn },
                    jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: args.kmsKeyArn },
                },
            },
            { parent: this },
        );
        this.securityConfigurationName = security.name;

        // Databases per (layer, domain) present in the datasets, in a stable order.
        const databases = new Map<string, aws.glue.CatalogDatabase>();
        for (const [layer, domain] of uniquePairs(args.datasets.map((d) => [d.layer, d.domain] as const))) {
            databases.set(
                databaseKey(layer, domain),
                new aws.glue.CatalogDatabase(
                    `${name}-db-${layer}-${domain}`,
                    {
                        name: namer.glue(layer, domain),
                        catalogId: args.accountId,
                        description: `${layer} layer of the ${domain} domain.`,
                        locationUri: pulumi.interpolate`s3://${args.layerBuckets[layer].name}/${domain}/`,
                        parameters: { [MARKERS.layer]: layer, [MARKERS.domain]: domain },
                    },
                    { ...dataOpts, dependsOn: lfSettings ? [lfSettings] : [] },
                ),
            );
        }
        this.databaseNames = Object.fromEntries([...databases].map(([k, db]) => [k, db.name]));

        // JDBC: an empty KMS-encrypted secret per connection (the database owner fills it in) and the Glue connection.
        const secrets = new Map<string, aws.secretsmanager.Secret>();
        const connections = new Map<string, aws.glue.Connection>();
        for (const c of args.connections) {
            const resourceName = namer.resource("jdbc", c.name.replace(/_/g, "-"));
            const secret = new aws.secretsmanager.Secret(
                `${name}-secret-${c.name}`,
                {
                    name: resourceName,
                    description: secretDescription(c),
                    kmsKeyId: args.kmsKeyArn,
                    recoveryWindowInDays: protection.protect ? 30 : 7,
                    tags: { "lake:connection": c.name },
                },
                dataOpts,
            );
            secrets.set(c.name, secret);
            connections.set(
                c.name,
                new aws.glue.Connection(
                    `${name}-connection-${c.name}`,
                    {
                        name: resourceName,
                        catalogId: args.accountId,
                        description: `${c.engine} ${c.database} at ${c.host}:${c.port} (declared in ${c.file}).`,
                        connectionType: "JDBC",
                        connectionProperties: secret.name.apply((s) => jdbcConnectionProperties(c, s)),
                        physicalConnectionRequirements: {
                            subnetId: c.subnetId,
                            securityGroupIdLists: [...c.securityGroupIds],
                            availabilityZone: c.availabilityZone,
                        },
                        tags: { "lake:connection": c.name },
                    },
                    { parent: this },
                ),
            );
        }
        this.connectionNames = Object.fromEntries([...connections].map(([k, c]) => [k, c.name]));

        // Where each dataset lives: its own location, or its layer's bucket + domain/name.
        const locations = new Map(
            args.datasets.map((d) => [d.name, pulumi.output(args.layerBuckets[d.layer].name).apply((b) => defaultLocation(d, b))] as const),
        );
        const crawled = args.datasets.filter(isCrawled);

        const crawlerRole = crawled.length > 0 ? this.crawlerRole(name, args, arn, crawled, locations, databases, secrets, connections) : undefined;

        const workgroup = new aws.athena.Workgroup(
            `${name}-workgroup`,
            {
                name: namer.resource("analysts"),
                description: "Lake analysts' workgroup: KMS-encrypted results, enforced settings, per-query scan cutoff; holds each dataset's named queries.",
                state: "ENABLED",
                forceDestroy: !protection.protect,
                configuration: {
                    enforceWorkgroupConfiguration: true,
                    publishCloudwatchMetricsEnabled: true,
                    bytesScannedCutoffPerQuery: args.athena.bytesScannedCutoffPerQuery,
                    engineVersion: { selectedEngineVersion: "AUTO" },
                    resultConfiguration: {
                        outputLocation: pulumi.interpolate`s3://${args.queryResultsBucket.name}/analysts/`,
                        encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: args.kmsKeyArn },
                    },
                },
            },
            { parent: this },
        );
        this.workgroupName = workgroup.name;

        const registrations = args.lakeFormation.enabled ? this.registerLocations(name, args, arn) : [];
        const grantDependsOn = [...(lfSettings ? [lfSettings] : []), ...registrations];

        this.datasets = {};
        for (const ds of args.datasets) {
            const database = databases.get(databaseKey(ds.layer, ds.domain))!;
            const crawler = crawlerRole && isCrawled(ds)
                ? {
                      name: datasetResourceName(namer, "crawl", ds.name, 255),
                      roleArn: crawlerRole.role.arn,
                      securityConfiguration: security.name,
                      connectionName: ds.source.type === "jdbc" ? connections.get(ds.source.connection)!.name : undefined,
                      deleteBehavior,
                      // A crawler must not run before its role's policy is in place.
                      dependsOn: [crawlerRole.policy],
                  }
                : undefined;
            this.datasets[ds.name] = new LakeDataset(
                `${name}-${ds.name}`,
                {
                    dataset: ds,
                    databaseName: database.name,
                    location: locations.get(ds.name)!,
                    arnContext: arn,
                    kmsKeyArn: args.kmsKeyArn,
                    workgroup: workgroup.name,
                    crawler,
                    lakeFormation: args.lakeFormation.enabled,
                    locationRegistered: !ds.location || LAYERS.some((l) => ds.location!.startsWith(`s3://${namer.bucket(l)}/`)),
                    policyNames: { readers: datasetResourceName(namer, "read", ds.name, 128), writers: datasetResourceName(namer, "write", ds.name, 128) },
                    grantDependsOn,
                    dataProtection: protection,
                },
                { parent: this },
            );
        }
        this.tables = Object.fromEntries(Object.entries(this.datasets).map(([k, d]) => [k, { name: d.tableName, arn: d.tableArn }]));
        this.crawlerNames = Object.fromEntries(
            Object.entries(this.datasets).flatMap(([k, d]) => (d.crawlerName ? [[k, d.crawlerName] as const] : [])),
        );

        if (args.lakeFormation.enabled) this.databaseGrants(name, args, databases, crawlerRole?.role, grantDependsOn);
        this.workgroupUserPolicyArn = this.workgroupUsers(name, args, arn, workgroup);

        this.registerOutputs({
            databaseNames: this.databaseNames,
            tables: this.tables,
            crawlerNames: this.crawlerNames,
            connectionNames: this.connectionNames,
            workgroupName: this.workgroupName,
            securityConfigurationName: this.securityConfigurationName,
            workgroupUserPolicyArn: this.workgroupUserPolicyArn,
        });
    }

    /** The crawlers' role: Glue may assume it for this account only; an inline policy scoped to what is crawled. */
    private crawlerRole(
        name: string,
        args: LakeCatalogArgs,
        arn: ArnContext,
        crawled: Dataset[],
        locations: Map<string, pulumi.Output<string>>,
        databases: Map<string, aws.glue.CatalogDatabase>,
        secrets: Map<string, aws.secretsmanager.Secret>,
        connections: Map<string, aws.glue.Connection>,
    ): { role: aws.iam.Role; policy: aws.iam.RolePolicy } {
        const role = new aws.iam.Role(
            `${name}-crawler-role`,
            {
                name: args.namer.resource("crawler"),
                description: "Assumed by the lake's Glue crawlers; reads only the crawled prefixes and updates only their tables.",
                assumeRolePolicy: JSON.stringify(serviceTrust("glue.amazonaws.com", args.accountId)),
            },
            { parent: this },
        );
        const s3Crawled = crawled.filter((d) => d.source.type !== "jdbc");
        const jdbc = crawled.filter((d) => d.source.type === "jdbc");
        const connectionNames = uniq(jdbc.map((d) => (d.source as { connection: string }).connection));
        const dbName = (d: Dataset) => databases.get(databaseKey(d.layer, d.domain))!.name;
        const policy = pulumi
            .all([
                args.kmsKeyArn,
                pulumi.all(s3Crawled.map((d) => locations.get(d.name)!)),
                pulumi.all(s3Crawled.map(dbName)),
                pulumi.all(jdbc.map(dbName)),
                pulumi.all(connectionNames.map((c) => secrets.get(c)!.arn)),
                pulumi.all(connectionNames.map((c) => connections.get(c)!.name)),
            ])
            .apply(([kmsKeyArn, prefixes, crawledDbs, jdbcDbs, secretArns, glueConnections]) =>
                JSON.stringify(
                    crawlerPolicy({
                        ...arn,
                        kmsKeyArn,
                        crawledPrefixes: prefixes.map(parseS3Uri),
                        crawledTables: s3Crawled.map((d, i) => ({ database: crawledDbs[i], table: d.name })),
                        jdbcTargets: uniq(jdbcDbs).map((database) => ({ database, tablePrefix: SOURCE_TABLE_PREFIX })),
                        connectionNames: glueConnections,
                        secretArns,
                        lakeFormation: args.lakeFormation.enabled,
                    }),
                ),
            );
        return { role, policy: new aws.iam.RolePolicy(`${name}-crawler-policy`, { role: role.name, name: "lake-crawler", policy }, { parent: this }) };
    }

    /**
     * Registers each layer bucket with Lake Formation through a dedicated role rather than the service-linked
     * role: its policy names exactly the three buckets and the lake key (the service-linked role's policy
     * can't be scoped, and a customer-managed key policy can name this role explicitly).
     */
    private registerLocations(name: string, args: LakeCatalogArgs, arn: ArnContext): pulumi.Resource[] {
        const role = new aws.iam.Role(
            `${name}-lf-registration-role`,
            {
                name: args.namer.resource("lf-registration"),
                description: "Lake Formation vends data access to the registered lake buckets through this role.",
                assumeRolePolicy: JSON.stringify(serviceTrust("lakeformation.amazonaws.com", args.accountId)),
            },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-lf-registration-policy`,
            {
                role: role.name,
                name: "lake-registered-locations",
                policy: pulumi
                    .all([args.kmsKeyArn, ...LAYERS.map((l) => args.layerBuckets[l].name)])
                    .apply(([kmsKeyArn, ...buckets]) => JSON.stringify(registrationPolicy({ ...arn, kmsKeyArn, buckets }))),
            },
            { parent: this },
        );
        return LAYERS.map(
            (layer) =>
                new aws.lakeformation.Resource(
                    `${name}-lf-location-${layer}`,
                    { arn: args.layerBuckets[layer].arn, roleArn: role.arn, useServiceLinkedRole: false, hybridAccessEnabled: false },
                    { parent: this, dependsOn: [policy] },
                ),
        );
    }

    /**
     * DESCRIBE on a database, once per (database, principal) for every reader/writer of a table in it (one grant
     * resource per pair: two resources holding the same grant would revoke it for both when one goes), and
     * CREATE_TABLE for the crawler role where JDBC crawlers write source tables.
     */
    private databaseGrants(
        name: string,
        args: LakeCatalogArgs,
        databases: Map<string, aws.glue.CatalogDatabase>,
        crawlerRole: aws.iam.Role | undefined,
        dependsOn: pulumi.Resource[],
    ): void {
        const opts = { parent: this, dependsOn };
        for (const [key, db] of databases) {
            const inDb = args.datasets.filter((d) => databaseKey(d.layer, d.domain) === key);
            const suffix = key.replace("/", "-");
            for (const principal of uniq(inDb.flatMap(datasetPrincipals))) {
                new aws.lakeformation.Permissions(`${name}-describe-${suffix}-${principalId(principal)}`, { principal, permissions: ["DESCRIBE"], database: { name: db.name } }, opts);
            }
            const crawledHere = inDb.filter(isCrawled);
            if (crawlerRole && crawledHere.length > 0) {
                const jdbc = crawledHere.some((d) => d.source.type === "jdbc");
                new aws.lakeformation.Permissions(
                    `${name}-crawler-db-${suffix}`,
                    { principal: crawlerRole.arn, permissions: jdbc ? ["CREATE_TABLE", "DESCRIBE"] : ["DESCRIBE"], database: { name: db.name } },
                    opts,
                );
            }
        }
    }

    /** The workgroup policy, attached once to each consumer that is a role or user of this account. */
    private workgroupUsers(name: string, args: LakeCatalogArgs, arn: ArnContext, workgroup: aws.athena.Workgroup): pulumi.Output<string> {
        const policy = new aws.iam.Policy(
            `${name}-workgroup-users`,
            {
                name: args.namer.resource("analysts-query"),
                description: "Run queries in the lake analysts' workgroup and read their KMS-encrypted results.",
                policy: pulumi
                    .all([workgroup.name, args.queryResultsBucket.name, args.kmsKeyArn])
                    .apply(([wg, bucket, kmsKeyArn]) => {
                        const results: S3Prefix = { bucket, prefix: "analysts" };
                        return JSON.stringify(workgroupUserPolicy({ ...arn, workgroup: wg, results, kmsKeyArn }));
                    }),
            },
            { parent: this },
        );
        for (const principal of uniq(args.datasets.flatMap((d) => d.consumers.map((c) => c.principal)))) {
            const iam = parseIamPrincipal(principal);
            if (!iam || iam.accountId !== args.accountId) continue;
            const resName = `${name}-workgroup-user-${principalId(principal)}`;
            if (iam.kind === "role") new aws.iam.RolePolicyAttachment(resName, { role: iam.name, policyArn: policy.arn }, { parent: this });
            else new aws.iam.UserPolicyAttachment(resName, { user: iam.name, policyArn: policy.arn }, { parent: this });
        }
        return policy.arn;
    }
}

/** S3 datasets with `crawl: true` (Iceberg excepted: its partitions live in Iceberg metadata) and every JDBC dataset. */
export function isCrawled(ds: Dataset): boolean {
    return ds.source.type === "jdbc" || (ds.source.type === "s3" && ds.source.crawl && ds.format !== "iceberg");
}

/** `<prefix>-<env>-<kind>-<dataset with hyphens>`, checked against the AWS limit for that resource. */
export function datasetResourceName(namer: Namer, kind: string, dataset: string, max: number): string {
    const name = `${namer.resource(kind)}-${dataset.replace(/_/g, "-")}`;
    if (name.length > max) {
        throw new Error(`dataset '${dataset}': derived ${kind} name '${name}' is ${name.length} chars, AWS allows ${max}; shorten the dataset name`);
    }
    return name;
}

/** Datasets must name declared connections (the loader checks it too; a direct caller might not). */
function checkReferences(args: LakeCatalogArgs): void {
    const declared = new Set(args.connections.map((c) => c.name));
    const problems = args.datasets.flatMap((d) =>
        d.source.type === "jdbc" && !declared.has(d.source.connection)
            ? [`${d.file}: source.connection: '${d.source.connection}' is not a declared connection (declared: ${[...declared].join(", ") || "none"})`]
            : [],
    );
    const seen = new Set<string>();
    for (const d of args.datasets) {
        if (seen.has(d.name)) problems.push(`${d.file}: name: dataset '${d.name}' is declared twice`);
        seen.add(d.name);
    }
    if (problems.length) throw new Error(`LakeCatalog: ${problems.join("; ")}`);
}

function uniquePairs(pairs: (readonly [Layer, string])[]): [Layer, string][] {
    const keys = uniq(pairs.map(([l, d]) => databaseKey(l, d))).sort();
    return keys.map((k) => k.split("/") as [Layer, string]);
}

function uniq<T>(xs: T[]): T[] {
    return [...new Set(xs)];
}
