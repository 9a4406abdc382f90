import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { createLakeContext } from "../../components/shared/context";
import { SOURCE_TABLE_PREFIX } from "../../components/catalog/dataset";
import { principalId } from "../../components/shared/principals";
import { MARKERS } from "../../contract";
import { Capture, capture } from "../helpers/mocks";
import {
    allDatasets, build, catalogArgs, catalogSet, keyUsers, customerJdbc, DEV_ACCOUNT, KMS_KEY_ARN, ordersIceberg, policyOf, PROD_ACCOUNT, rawTripsCsv, T, tripsFact, venueDim,
} from "./fixtures";

const PARQUET = {
    inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    serde: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
};
const role = (name: string, account = DEV_ACCOUNT) => `arn:aws:iam::${account}:role/${name}`;

describe("LakeCatalog", function () {
    let dev: Capture;
    let prod: Capture;
    let iamMode: Capture;
    before(async () => {
        dev = await build();
        prod = await build({ env: "prod" });
        iamMode = await build({ lakeFormation: false });
    });

    describe("databases", () => {
        it("creates one database per (layer, domain) present, named and marked for the policies", () => {
            const dbs = dev.ofType(T.database);
            expect(dbs.map((d) => d.inputs.name).sort()).to.deep.equal([
                "acme_lake_dev_bronze_crm", "acme_lake_dev_bronze_mobility", "acme_lake_dev_gold_mobility", "acme_lake_dev_silver_sales", "acme_lake_dev_silver_shop",
            ]);
            const gold = dev.named("catalog-db-gold-mobility");
            expect(gold.inputs.parameters).to.deep.equal({ [MARKERS.layer]: "gold", [MARKERS.domain]: "mobility" });
            expect(gold.inputs.locationUri).to.equal(`s3://acme-lake-dev-gold-${DEV_ACCOUNT}/mobility/`);
            expect(gold.inputs.catalogId).to.equal(DEV_ACCOUNT);
        });
        it("waits for the Lake Formation settings (no IAMAllowedPrincipals default on new databases)", () => {
            const settings = dev.named("catalog-lf-settings");
            for (const db of dev.ofType(T.database)) expect(db.dependencies).to.include(settings.urn);
        });
        it("protects and retains databases, tables and secrets in prod only", () => {
            for (const type of [T.database, T.table, T.secret]) {
                expect(prod.ofType(type).length).to.be.greaterThan(0);
                for (const r of prod.ofType(type)) expect([r.name, r.protect, r.retainOnDelete]).to.deep.equal([r.name, true, true]);
                for (const r of dev.ofType(type)) expect([r.name, r.protect, r.retainOnDelete]).to.deep.equal([r.name, false, false]);
            }
        });
    });

    describe("protection of what protects the data", () => {
        it("protects and retains catalog encryption, the security configuration, LF settings and registrations in prod only", () => {
            const names = ["catalog-encryption", "catalog-security", "catalog-lf-settings", "catalog-lf-location-bronze", "catalog-lf-location-silver", "catalog-lf-location-gold"];
            for (const n of names) {
                expect([prod.named(n).protect, prod.named(n).retainOnDelete], n).to.deep.equal([true, true]);
                expect([dev.named(n).protect, dev.named(n).retainOnDelete], n).to.deep.equal([false, false]);
            }
        });
        it("asks the key's owner for direct key use by the crawler role (CSE-KMS), by its ARN", async () => {
            await build();
            const arns = await Promise.all(keyUsers.map((a) => new Promise((resolve) => pulumi.output(a).apply(resolve))));
            expect(arns).to.deep.equal([`arn:aws:iam::${DEV_ACCOUNT}:role/acme-lake-dev-crawler`]);
        });
    });

    describe("encryption", () => {
        it("encrypts the catalog and connection passwords with the lake key", () => {
            const s = dev.named("catalog-encryption").inputs;
            expect(s.catalogId).to.equal(DEV_ACCOUNT);
            expect(s.dataCatalogEncryptionSettings).to.deep.equal({
                encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: KMS_KEY_ARN },
                connectionPasswordEncryption: { awsKmsKeyId: KMS_KEY_ARN, returnConnectionPasswordEncrypted: true },
            });
        });
        it("has a security configuration: S3 SSE-KMS, CloudWatch SSE-KMS, bookmarks CSE-KMS", () => {
            const s = dev.named("catalog-security").inputs;
            expect(s.name).to.equal("acme-lake-dev-glue-security");
            expect(s.encryptionConfiguration).to.deep.equal({
                s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: KMS_KEY_ARN },
                cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: KMS_KEY_ARN },
                jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: KMS_KEY_ARN },
            });
        });
    });

    describe("tables", () => {
        it("partitioned Parquet fact: Hive classes, columns, partition keys, projection and markers", () => {
            const t = dev.named("catalog-taxi_trips-table").inputs;
            const location = `s3://acme-lake-dev-gold-${DEV_ACCOUNT}/mobility/taxi_trips/`;
            expect(t).to.include({ name: "taxi_trips", databaseName: "acme_lake_dev_gold_mobility", tableType: "EXTERNAL_TABLE", owner: "data-team@acme.example" });
            expect(t.storageDescriptor).to.deep.equal({
                location,
                inputFormat: PARQUET.inputFormat,
                outputFormat: PARQUET.outputFormat,
                compressed: false,
                storedAsSubDirectories: false,
                serDeInfo: { name: "taxi_trips", serializationLibrary: PARQUET.serde, parameters: { "serialization.format": "1" } },
                columns: [
                    { name: "vendor_id", type: "int" },
                    { name: "pickup_at", type: "timestamp", comment: "tpep_pickup_datetime" },
                    { name: "fare_amount", type: "decimal(10,2)" },
                    { name: "tags", type: "array<string>" },
                ],
            });
            expect(t.partitionKeys).to.deep.equal([{ name: "dt", type: "string" }]);
            expect(t.parameters).to.deep.equal({
                EXTERNAL: "TRUE",
                classification: "parquet",
                "projection.enabled": "true",
                "projection.dt.type": "date",
                "projection.dt.range": "2020-01-01,NOW",
                "projection.dt.format": "yyyy-MM-dd",
                "storage.location.template": `${location}dt=\${dt}/`,
                [MARKERS.layer]: "gold",
                [MARKERS.dataset]: "taxi_trips",
                [MARKERS.domain]: "mobility",
                [MARKERS.classification]: "internal",
            });
        });
        it("unpartitioned dimension: no partition keys, the exemption reason as a parameter", () => {
            const t = dev.named("catalog-venue-table").inputs;
            expect(t.partitionKeys ?? []).to.deep.equal([]);
            expect(t.parameters[MARKERS.unpartitionedReason]).to.equal("dimension table, about 200 rows, replaced nightly");
            expect(t.parameters).to.not.have.property("projection.enabled");
            expect(t.storageDescriptor.serDeInfo.serializationLibrary).to.equal(PARQUET.serde);
        });
        it("Iceberg: openTableFormatInput with the Iceberg schema and identity partition spec, no reserved parameters", () => {
            const t = dev.named("catalog-orders-table").inputs;
            const location = `s3://acme-lake-dev-silver-${DEV_ACCOUNT}/shop/orders/`;
            const input = t.openTableFormatInput.icebergInput;
            expect(input.metadataOperation).to.equal("CREATE");
            expect(input.version).to.equal("2");
            expect(input.icebergTableInput.location).to.equal(location);
            expect(input.icebergTableInput.properties).to.deep.equal({ "write.format.default": "parquet", "write.parquet.compression-codec": "zstd" });
            const fields = input.icebergTableInput.schema.fields;
            expect(fields.map((f: any) => [f.id, f.name, JSON.parse(f.type)])).to.deep.equal([
                [1, "order_id", "long"],
                [2, "total", "decimal(12,2)"],
                [3, "lines", { type: "list", "element-id": 6, element: { type: "struct", fields: [
                    { id: 7, name: "sku", required: false, type: "string" },
                    { id: 8, name: "qty", required: false, type: "int" },
                ] }, "element-required": false }],
                [4, "attributes", { type: "map", "key-id": 9, key: "string", "value-id": 10, value: "string", "value-required": false }],
                [5, "order_date", "date"],
            ]);
            expect(input.icebergTableInput.partitionSpec).to.deep.equal({
                specId: 0,
                fields: [{ name: "order_date", sourceId: 5, fieldId: 1000, transform: "identity" }],
            });
            expect(t.partitionKeys ?? []).to.deep.equal([]);
            expect(t.parameters).to.not.have.any.keys("table_type", "metadata_location", "EXTERNAL");
            expect(t.parameters[MARKERS.layer]).to.equal("silver");
            expect(t.storageDescriptor.location).to.equal(location);
            expect(t.storageDescriptor.columns.map((c: any) => c.name)).to.deep.equal(["order_id", "total", "lines", "attributes", "order_date"]);
        });
        it("Iceberg: ignores what Glue and Iceberg own after creation; Hive tables ignore nothing; tables are outputs", async () => {
            const ignored: Record<string, string[] | undefined> = {};
            let tables: Record<string, unknown> = {};
            await capture(() => {
                const c = catalogSet("catalog", catalogArgs(), {
                    transformations: [(a) => {
                        if (a.type === T.table) ignored[a.name] = a.opts.ignoreChanges;
                        return undefined;
                    }],
                });
                tables = c.tables;
            });
            expect(Object.keys(tables).sort()).to.deep.equal(["customer", "orders", "raw_taxi_trips", "taxi_trips", "venue"]);
            expect(ignored["catalog-orders-table"]).to.deep.equal([
                "openTableFormatInput", "storageDescriptor", 'parameters["table_type"]', 'parameters["metadata_location"]', 'parameters["previous_metadata_location"]',
            ]);
            expect(ignored["catalog-taxi_trips-table"]).to.equal(undefined);
        });
        it("raw CSV: OpenCSVSerde over text files, header skipped", () => {
            const t = dev.named("catalog-raw_taxi_trips-table").inputs;
            expect(t.storageDescriptor.inputFormat).to.equal("org.apache.hadoop.mapred.TextInputFormat");
            expect(t.storageDescriptor.outputFormat).to.equal("org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat");
            expect(t.storageDescriptor.serDeInfo.serializationLibrary).to.equal("org.apache.hadoop.hive.serde2.OpenCSVSerde");
            expect(t.parameters).to.include({ classification: "csv", "skip.header.line.count": "1", [MARKERS.layer]: "bronze" });
        });
    });

    describe("crawlers", () => {
        it("crawls only S3 datasets that ask for it and JDBC datasets", () => {
            expect(dev.ofType(T.crawler).map((c) => c.name).sort()).to.deep.equal(["catalog-customer-crawler", "catalog-raw_taxi_trips-crawler"]);
        });
        it("S3 crawler updates our table through a catalog target and never rewrites its schema", () => {
            const c = dev.named("catalog-raw_taxi_trips-crawler").inputs;
            expect(c.name).to.equal("acme-lake-dev-crawl-raw-taxi-trips");
            expect(c.databaseName).to.equal("acme_lake_dev_bronze_mobility");
            expect(c.catalogTargets).to.deep.equal([{ databaseName: "acme_lake_dev_bronze_mobility", tables: ["raw_taxi_trips"] }]);
            expect(c.s3Targets).to.equal(undefined);
            expect(c.schemaChangePolicy).to.deep.equal({ updateBehavior: "LOG", deleteBehavior: "LOG" });
            expect(c.recrawlPolicy).to.deep.equal({ recrawlBehavior: "CRAWL_EVERYTHING" });
            expect(JSON.parse(c.configuration)).to.deep.equal({
                Version: 1,
                CrawlerOutput: { Partitions: { AddOrUpdateBehavior: "InheritFromTable" } },
                Grouping: { TableGroupingPolicy: "CombineCompatibleSchemas" },
            });
            expect(c.schedule).to.equal("cron(15 2 * * ? *)");
            expect(c.securityConfiguration).to.equal("acme-lake-dev-glue-security");
            expect(c.tags).to.deep.equal({ "lake:owner": "data-team@acme.example", "lake:dataset": "raw_taxi_trips", "lake:domain": "mobility", "lake:classification": "internal" });
        });
        it("JDBC crawler mirrors the source path through the Glue connection; dev deprecates, prod only logs", () => {
            const c = dev.named("catalog-customer-crawler").inputs;
            expect(c.jdbcTargets).to.deep.equal([{ connectionName: "acme-lake-dev-jdbc-crm-sqlserver", path: "crm/dbo/Customer", enableAdditionalMetadatas: ["COMMENTS"] }]);
            expect(c.tablePrefix).to.equal(SOURCE_TABLE_PREFIX);
            expect(c.schemaChangePolicy).to.deep.equal({ updateBehavior: "UPDATE_IN_DATABASE", deleteBehavior: "DEPRECATE_IN_DATABASE" });
            expect(c.schedule).to.equal("cron(0 1 * * ? *)");
            expect(prod.named("catalog-customer-crawler").inputs.schemaChangePolicy).to.deep.equal({ updateBehavior: "UPDATE_IN_DATABASE", deleteBehavior: "LOG" });
            for (const crawler of prod.ofType(T.crawler)) expect(crawler.inputs.schemaChangePolicy.deleteBehavior).to.equal("LOG");
        });
        it("crawlers wait for their role's policy", () => {
            const policy = dev.named("catalog-crawler-policy");
            for (const c of dev.ofType(T.crawler)) expect(c.dependencies).to.include(policy.urn);
        });
        it("refuses a prod catalog whose crawlers would deprecate tables", () => {
            expect(() => catalogSet("bad", catalogArgs({ env: "prod", overrides: { schemaChangeDeleteBehavior: "DEPRECATE_IN_DATABASE" } }))).to.throw(/prod crawlers never touch vanished tables/);
        });
    });

    describe("crawler role", () => {
        it("is assumable by Glue for this account's Glue resources only", () => {
            const trust = policyOf(dev.named("catalog-crawler-role").inputs.assumeRolePolicy);
            expect(trust.Statement).to.deep.equal([
                {
                    Sid: "AssumedByService", Effect: "Allow", Principal: { Service: "glue.amazonaws.com" }, Action: ["sts:AssumeRole"],
                    Condition: { StringEquals: { "aws:SourceAccount": DEV_ACCOUNT }, ArnLikeIfExists: { "aws:SourceArn": `arn:aws:glue:eu-west-1:${DEV_ACCOUNT}:*` } },
                },
            ]);
        });
        it("reads exactly the crawled prefixes, updates exactly their tables, and reads only the connection secrets", () => {
            const doc = policyOf(dev.named("catalog-crawler-policy").inputs.policy);
            const sid = (s: string) => doc.Statement.find((x) => x.Sid === s)!;
            const bronze = `acme-lake-dev-bronze-${DEV_ACCOUNT}`;
            expect(sid("ReadCrawledDataObjects").Resource).to.deep.equal([`arn:aws:s3:::${bronze}/mobility/raw_taxi_trips/*`]);
            expect(sid("ReadCrawledDataList0").Condition).to.deep.equal({ StringLike: { "s3:prefix": ["mobility/raw_taxi_trips/", "mobility/raw_taxi_trips/*"] } });
            expect(sid("UpdateDefinedTables").Resource).to.deep.equal([
                `arn:aws:glue:eu-west-1:${DEV_ACCOUNT}:catalog`,
                `arn:aws:glue:eu-west-1:${DEV_ACCOUNT}:database/acme_lake_dev_bronze_mobility`,
                `arn:aws:glue:eu-west-1:${DEV_ACCOUNT}:table/acme_lake_dev_bronze_mobility/raw_taxi_trips`,
            ]);
            expect(sid("WriteSourceTables").Resource).to.include(`arn:aws:glue:eu-west-1:${DEV_ACCOUNT}:table/acme_lake_dev_bronze_crm/src_*`);
            expect(sid("WriteSourceTables").Action).to.not.include("glue:DeleteTable");
            expect(sid("ConnectionSecrets").Resource).to.have.length(1);
            expect(String(sid("ConnectionSecrets").Resource[0])).to.match(/^arn:aws:secretsmanager:.*acme-lake-dev-jdbc-crm-sqlserver/);
            expect(sid("CrawlerLogs").Resource).to.include(`arn:aws:logs:eu-west-1:${DEV_ACCOUNT}:log-group:/aws-glue/crawlers*`);
            expect(sid("LakeKey").Resource).to.deep.equal([KMS_KEY_ARN]);
            expect(sid("LakeFormationData").Action).to.deep.equal(["lakeformation:GetDataAccess"]);
            const wildcard = doc.Statement.filter((s) => s.Resource === "*").map((s) => s.Sid).sort();
            expect(wildcard).to.deep.equal(["DescribeNetworks", "LakeFormationData", "SecurityConfiguration"]);
            expect(sid("DescribeNetworks").Action.every((a) => a.startsWith("ec2:Describe"))).to.equal(true);
            // Network interfaces only in the connections' subnets, with their security groups.
            const ec2 = `arn:aws:ec2:eu-west-1:${DEV_ACCOUNT}`;
            expect(sid("CreateNetworkInterfacesInConnectionSubnets").Resource).to.deep.equal([`${ec2}:network-interface/*`, `${ec2}:subnet/subnet-0a1b2c3d4e5f60711`, `${ec2}:security-group/sg-0d1e2f3a4b5c60711`]);
            expect(sid("DeleteNetworkInterfacesInConnectionSubnets").Condition).to.deep.equal({ ArnEquals: { "ec2:Subnet": [`${ec2}:subnet/subnet-0a1b2c3d4e5f60711`] } });
            expect(JSON.stringify(doc)).to.not.match(/aws-glue-\*|s3:::\*/);
        });
        it("has no Lake Formation statement in IAM mode and no role at all when nothing is crawled", async () => {
            const doc = policyOf(iamMode.named("catalog-crawler-policy").inputs.policy);
            expect(doc.Statement.map((s) => s.Sid)).to.not.include("LakeFormationData");
            const none = await build({ datasets: [tripsFact(), venueDim()] });
            expect(none.resources.filter((r) => r.name.startsWith("catalog-crawler"))).to.deep.equal([]);
        });
    });

    describe("JDBC connections", () => {
        it("puts each engine's URL shape, the secret and TLS in the connection properties", () => {
            // The provider marks connectionProperties secret: the captured input is Pulumi's secret envelope.
            const props = (n: string) => dev.named(`catalog-connection-${n}`).inputs.connectionProperties.value;
            expect(props("crm_sqlserver")).to.deep.equal({
                JDBC_CONNECTION_URL: "jdbc:sqlserver://crm.example.internal:1433;databaseName=crm",
                SECRET_ID: "acme-lake-dev-jdbc-crm-sqlserver",
                JDBC_ENFORCE_SSL: "true",
            });
            expect(props("shop_mysql").JDBC_CONNECTION_URL).to.equal("jdbc:mysql://shop.example.internal:3306/shop");
            expect(props("saas_postgres")).to.include({ JDBC_CONNECTION_URL: "jdbc:postgresql://saas.example.internal:5432/saas", JDBC_ENFORCE_SSL: "false" });
            const c = dev.named("catalog-connection-crm_sqlserver").inputs;
            expect(c).to.include({ connectionType: "JDBC", name: "acme-lake-dev-jdbc-crm-sqlserver", catalogId: DEV_ACCOUNT });
            expect(c.physicalConnectionRequirements).to.deep.equal({ subnetId: "subnet-0a1b2c3d4e5f60711", securityGroupIdLists: ["sg-0d1e2f3a4b5c60711"], availabilityZone: "eu-west-1a" });
        });
        it("creates each secret empty, encrypted with the lake key, saying who fills it in", () => {
            const s = dev.named("catalog-secret-crm_sqlserver").inputs;
            expect(s).to.include({ name: "acme-lake-dev-jdbc-crm-sqlserver", kmsKeyId: KMS_KEY_ARN, recoveryWindowInDays: 7 });
            expect(s.description).to.match(/database owner stores \{"username":"\.\.\.","password":"\.\.\."\}/);
            expect(dev.resources.filter((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion")).to.deep.equal([]);
            expect(prod.named("catalog-secret-crm_sqlserver").inputs.recoveryWindowInDays).to.equal(30);
        });
        it("rejects a JDBC dataset whose connection isn't declared, naming the file and field", () => {
            const ds = { ...customerJdbc(), source: { type: "jdbc" as const, connection: "erp_oracle", path: "erp/%" } };
            expect(() => catalogSet("bad", catalogArgs({ datasets: [ds] }))).to.throw(
                "stacks/datasets/crm/customer.yaml: source.connection: 'erp_oracle' is not a declared connection (declared: crm_sqlserver, shop_mysql, saas_postgres)",
            );
        });
    });

    describe("Lake Formation", () => {
        it("sets the admins from config and clears the IAMAllowedPrincipals defaults", () => {
            expect(dev.named("catalog-lf-settings").inputs).to.deep.equal({
                catalogId: DEV_ACCOUNT,
                admins: [role("lake-platform-admin")],
                createDatabaseDefaultPermissions: [],
                createTableDefaultPermissions: [],
            });
        });
        it("registers each layer bucket with a dedicated role scoped to the three buckets and the key", () => {
            const regs = dev.ofType(T.lfResource);
            expect(regs.map((r) => r.inputs.arn)).to.deep.equal(["bronze", "silver", "gold"].map((l) => `arn:aws:s3:::acme-lake-dev-${l}-${DEV_ACCOUNT}`));
            for (const r of regs) expect(r.inputs).to.include({ useServiceLinkedRole: false, hybridAccessEnabled: false });
            const trust = policyOf(dev.named("catalog-lf-registration-role").inputs.assumeRolePolicy);
            expect(trust.Statement[0].Principal).to.deep.equal({ Service: "lakeformation.amazonaws.com" });
            const doc = policyOf(dev.named("catalog-lf-registration-policy").inputs.policy);
            expect(doc.Statement[0].Resource).to.deep.equal(["bronze", "silver", "gold"].map((l) => `arn:aws:s3:::acme-lake-dev-${l}-${DEV_ACCOUNT}/*`));
        });
        it("grants consumers SELECT+DESCRIBE, a column subset as SELECT on those columns, producers write and the location", () => {
            const grant = (who: string) => dev.named(`catalog-taxi_trips-grant-${principalId(role(who))}`).inputs;
            const table = { databaseName: "acme_lake_dev_gold_mobility", name: "taxi_trips" };
            expect(grant("mobility-analyst")).to.deep.equal({ principal: role("mobility-analyst"), permissions: ["SELECT", "DESCRIBE"], table });
            expect(grant("finance-analyst")).to.deep.equal({
                principal: role("finance-analyst"),
                permissions: ["SELECT"],
                tableWithColumns: { ...table, columnNames: ["vendor_id", "fare_amount", "dt"] },
            });
            expect(grant("acme-lake-etl")).to.deep.equal({ principal: role("acme-lake-etl"), permissions: ["DESCRIBE", "INSERT", "ALTER", "DELETE"], table });
            expect(dev.named(`catalog-taxi_trips-location-${principalId(role("acme-lake-etl"))}`).inputs).to.deep.equal({
                principal: role("acme-lake-etl"),
                permissions: ["DATA_LOCATION_ACCESS"],
                dataLocation: { arn: `arn:aws:s3:::acme-lake-dev-gold-${DEV_ACCOUNT}/mobility/taxi_trips` },
            });
        });
        it("grants DESCRIBE on a database once per principal, however many of its tables they use", () => {
            const describes = dev.ofType(T.permissions).filter((p) => p.inputs.database && p.inputs.permissions.join() === "DESCRIBE");
            const pairs = describes.map((p) => `${p.inputs.database.name} ${p.inputs.principal}`);
            expect(new Set(pairs).size).to.equal(pairs.length);
            expect(pairs).to.include(`acme_lake_dev_gold_mobility ${role("mobility-analyst")}`);
            expect(pairs).to.include(`acme_lake_dev_silver_sales ${role("mobility-analyst")}`);
        });
        it("lets the crawler alter the crawled table and create source tables where JDBC crawlers write", () => {
            expect(dev.named("catalog-raw_taxi_trips-crawler-grant").inputs.permissions).to.deep.equal(["ALTER", "DESCRIBE", "SELECT"]);
            expect(dev.named("catalog-crawler-db-bronze-crm").inputs.permissions).to.deep.equal(["CREATE_TABLE", "DESCRIBE"]);
        });
        it("makes every grant wait for the settings and the location registrations", () => {
            const waits = [dev.named("catalog-lf-settings").urn, ...dev.ofType(T.lfResource).map((r) => r.urn)];
            for (const p of dev.ofType(T.permissions)) expect(p.dependencies).to.include.members(waits);
        });
    });

    describe("IAM mode (Lake Formation disabled)", () => {
        it("creates no Lake Formation resources", () => {
            expect(iamMode.resources.filter((r) => r.type.startsWith("aws:lakeformation"))).to.deep.equal([]);
        });
        it("gives each dataset a reader and a writer policy scoped to its prefix and table", () => {
            const read = iamMode.named("catalog-taxi_trips-readers").inputs;
            expect(read.name).to.equal("acme-lake-dev-read-taxi-trips");
            const doc = policyOf(read.policy);
            expect(doc.Statement.find((s) => s.Sid === "ReadDataObjects")!.Resource).to.deep.equal([`arn:aws:s3:::acme-lake-dev-gold-${DEV_ACCOUNT}/mobility/taxi_trips/*`]);
            expect(doc.Statement.find((s) => s.Sid === "ReadCatalog")!.Resource).to.include(`arn:aws:glue:eu-west-1:${DEV_ACCOUNT}:table/acme_lake_dev_gold_mobility/taxi_trips`);
            expect(doc.Statement.find((s) => s.Sid === "LakeKey")!.Action).to.deep.equal(["kms:Decrypt"]);
            const write = policyOf(iamMode.named("catalog-taxi_trips-writers").inputs.policy);
            expect(write.Statement.find((s) => s.Sid === "WriteDataObjects")!.Action).to.include("s3:PutObject");
            expect(read.tags).to.include({ "lake:dataset": "taxi_trips", "lake:classification": "internal" });
        });
        it("attaches them to this account's roles and users, by name, and skips other accounts", () => {
            const att = iamMode.ofType(T.roleAttachment).filter((a) => a.name.startsWith("catalog-taxi_trips-"));
            expect(att.map((a) => a.inputs.role).sort()).to.deep.equal(["acme-lake-etl", "finance-analyst", "mobility-analyst"]);
            expect(iamMode.ofType(T.userAttachment).map((a) => a.inputs.user)).to.deep.equal(["uploader"]);
            expect(iamMode.resources.filter((r) => r.name.startsWith("catalog-customer-read-"))).to.deep.equal([]);
        });
    });

    describe("Athena", () => {
        it("has an enforced, KMS-encrypted analysts workgroup with the scan cutoff", () => {
            const wg = dev.named("catalog-workgroup").inputs;
            expect(wg.name).to.equal("acme-lake-dev-analysts");
            expect(wg.configuration).to.deep.equal({
                enforceWorkgroupConfiguration: true,
                publishCloudwatchMetricsEnabled: true,
                bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
                // Pinned, not AUTO: an engine upgrade changes SQL semantics.
                engineVersion: { selectedEngineVersion: "Athena engine version 3" },
                resultConfiguration: {
                    outputLocation: `s3://acme-lake-dev-query-results-${DEV_ACCOUNT}/analysts/`,
                    encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: KMS_KEY_ARN },
                },
            });
            expect(wg.forceDestroy).to.equal(true);
            expect(prod.named("catalog-workgroup").inputs.forceDestroy).to.equal(false);
        });
        it("saves a preview and a per-partition count for each dataset in the workgroup", () => {
            const preview = dev.named("catalog-taxi_trips-preview").inputs;
            expect(preview).to.include({ name: "taxi_trips preview", database: "acme_lake_dev_gold_mobility", workgroup: "acme-lake-dev-analysts" });
            expect(preview.query).to.match(/FROM "acme_lake_dev_gold_mobility"\."taxi_trips"/);
            const counts = dev.named("catalog-taxi_trips-partition-counts").inputs;
            expect(counts.query).to.match(/GROUP BY "dt"/);
            expect(dev.named("catalog-venue-partition-counts").inputs.query).to.match(/^SELECT count\(\*\)/);
            expect(dev.ofType(T.namedQuery)).to.have.length(2 * allDatasets().length);
        });
        it("attaches the workgroup policy once to each consumer role of this account", () => {
            const att = dev.ofType(T.roleAttachment).filter((a) => a.name.startsWith("catalog-workgroup-user-"));
            expect(att.map((a) => a.inputs.role).sort()).to.deep.equal(["finance-analyst", "mobility-analyst"]);
        });
    });

    describe("prod", () => {
        it("names everything in the prod account", () => {
            expect(prod.named("catalog-db-gold-mobility").inputs.locationUri).to.equal(`s3://acme-lake-prod-gold-${PROD_ACCOUNT}/mobility/`);
            expect(prod.named("catalog-encryption").inputs.catalogId).to.equal(PROD_ACCOUNT);
        });
    });

    describe("LakeCatalogArgs and LakeContext defaults", () => {
        it("protectData: protected and retained in prod, not elsewhere; protected data is never force-destroyable", async () => {
            const c = await capture(() => catalogSet("catalog", catalogArgs({ env: "prod" })), { stack: "prod" });
            for (const type of [T.database, T.table, T.secret]) for (const r of c.ofType(type)) expect([r.protect, r.retainOnDelete]).to.deep.equal([true, true]);
            const off = await capture(() => catalogSet("catalog", catalogArgs({ env: "prod", protectData: false })), { stack: "prod" });
            for (const type of [T.database, T.table, T.secret]) for (const r of off.ofType(type)) expect([r.protect, r.retainOnDelete]).to.deep.equal([false, false]);
            expect(() => createLakeContext({ prefix: "p", environment: "prod", accountId: PROD_ACCOUNT, region: "eu-west-1", allowDataDestroy: true })).to.throw(
                /allowDataDestroy = true with protected data \(environment prod\)/,
            );
        });
        it("schemaChangeDeleteBehavior: LOG in prod, DEPRECATE_IN_DATABASE elsewhere (JDBC crawlers)", () => {
            expect(catalogArgs().schemaChangeDeleteBehavior).to.equal(undefined);
            expect(dev.named("catalog-customer-crawler").inputs.schemaChangePolicy.deleteBehavior).to.equal("DEPRECATE_IN_DATABASE");
            expect(prod.named("catalog-customer-crawler").inputs.schemaChangePolicy.deleteBehavior).to.equal("LOG");
        });
    });

    describe("adding a dataset", () => {
        it("adds exactly its component, table, two named queries and its grants (LF mode)", async () => {
            const before = await build({ datasets: [tripsFact(), venueDim()] });
            const extra = { ...venueDim(), file: "stacks/datasets/sales/event.yaml", name: "event", description: "Events." };
            const after = await build({ datasets: [tripsFact(), venueDim(), extra] });
            const names = (c: Capture) => new Set(c.resources.map((r) => `${r.type} ${r.name}`));
            const added = [...names(after)].filter((n) => !names(before).has(n)).sort();
            expect(added).to.deep.equal([
                "aws:athena/namedQuery:NamedQuery catalog-event-partition-counts",
                "aws:athena/namedQuery:NamedQuery catalog-event-preview",
                "aws:glue/catalogTable:CatalogTable catalog-event-table",
                `aws:lakeformation/permissions:Permissions catalog-event-grant-${principalId(role("mobility-analyst"))}`,
                "lake:catalog:Dataset catalog-event",
            ]);
            expect([...names(before)].filter((n) => !names(after).has(n))).to.deep.equal([]);
        });
        it("adds a crawler and a new database when the dataset is crawled in a new domain", async () => {
            const before = await build({ datasets: [tripsFact(), rawTripsCsv()] });
            const extra = { ...rawTripsCsv(), file: "stacks/datasets/web/clicks.yaml", name: "clicks", domain: "web", producers: [] };
            const after = await build({ datasets: [tripsFact(), rawTripsCsv(), extra] });
            const names = (c: Capture) => new Set(c.resources.map((r) => r.name));
            const added = [...names(after)].filter((n) => !names(before).has(n)).sort();
            expect(added).to.deep.equal([
                "catalog-clicks", "catalog-clicks-crawler", "catalog-clicks-crawler-grant", "catalog-clicks-crawler-location",
                "catalog-clicks-partition-counts", "catalog-clicks-preview", "catalog-clicks-table", "catalog-crawler-db-bronze-web", "catalog-db-bronze-web",
            ]);
        });
    });

    it("the Iceberg and CSV fixtures keep their own format (sanity of the fixtures)", () => {
        expect([ordersIceberg().format, rawTripsCsv().format]).to.deep.equal(["iceberg", "csv"]);
    });
});
