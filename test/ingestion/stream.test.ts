/**
 * `lake:ingestion:DatasetStream` under mocks, through the composition root (what `pulumi up` deploys), in dev and
 * prod: every child's exact inputs and options for the three streaming datasets of the stacks (JSON delivered as
 * sent by arrival time, Parquet by event hour via Direct PUT, Parquet via a created Kinesis stream), and the
 * Iceberg destination and the bad inputs on a component built directly.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as path from "path";
import { Grantee } from "../../components/access";
import { Dataset } from "../../components/datasets";
import { DatasetStream, FirehoseDataset, StreamTable } from "../../components/ingestion";
import { createLakeContext } from "../../components/shared/context";
import { parseLakeConfig } from "../../infra/config";
import { buildLake } from "../../infra/stack";
import { loadProject } from "../../tools/engine/project";
import { capture, Capture, Registered } from "../helpers/mocks";
import { loadObjects } from "../datasets/helpers";

const REPO = path.resolve(__dirname, "..", "..");
const REGION = "eu-west-1";

async function stackCapture(stack: "dev" | "prod"): Promise<Capture> {
    const config = parseLakeConfig(loadProject(REPO, stack).config, { project: "lake-test", stack });
    return capture(() => buildLake(config), { stack, mockEnv: { region: config.region, account: config.accountId } });
}

const json = (r: Registered, k = "policy") => JSON.parse(r.inputs[k]);

for (const stack of ["dev", "prod"] as const) {
    const account = stack === "dev" ? "111111111111" : "222222222222";
    const retention = stack === "dev" ? 14 : 90;
    const bucket = (layer: string) => `acme-lake-${stack}-${layer}-${account}`;
    const roleArn = (ds: string) => `arn:aws:iam::${account}:role/acme-lake-${stack}-firehose-${ds}`;
    const logGroup = (ds: string) => `/aws/kinesisfirehose/acme-lake-${stack}-ingest-${ds}`;
    const logArn = (ds: string) => `arn:aws:logs:${REGION}:${account}:log-group:${logGroup(ds)}:log-stream:DestinationDelivery`;
    const tableArns = (db: string, t: string) => [`arn:aws:glue:${REGION}:${account}:catalog`, `arn:aws:glue:${REGION}:${account}:database/${db}`, `arn:aws:glue:${REGION}:${account}:table/${db}/${t}`];
    const s3Statements = (b: string, prefixes: string[]) => [
        { Sid: "DeliverObjects", Effect: "Allow", Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"], Resource: prefixes.map((p) => `arn:aws:s3:::${b}/${p}*`) },
        { Sid: "DeliverList0", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: `arn:aws:s3:::${b}`, Condition: { StringLike: { "s3:prefix": prefixes.flatMap((p) => [p, `${p}*`]) } } },
        { Sid: "DeliverMultipartUploads", Effect: "Allow", Action: ["s3:ListBucketMultipartUploads"], Resource: `arn:aws:s3:::${b}` },
    ];

    describe(`ingestion: DatasetStream in ${stack}`, () => {
        let c: Capture;
        let keyArn: string;
        before(async () => {
            c = await stackCapture(stack);
            keyArn = `arn:aws:kms:${REGION}:${account}:key/${c.named("lake-key-policy").inputs.keyId}`;
        });
        const children = (ds: string) => {
            const [component] = c.resources.filter((r) => r.type === "lake:ingestion:DatasetStream" && r.name === `lake-${ds}-stream`);
            expect(component, ds).to.not.equal(undefined);
            return c.resources.filter((r) => r.parent === component!.urn);
        };
        const tags = (ds: string, domain: string, layer: string, classification: string, owner: string) => ({
            "lake:owner": owner,
            "lake:dataset": ds,
            "lake:domain": domain,
            "lake:classification": classification,
            "lake:layer": layer,
        });

        it("one component per streaming dataset, with exactly its children", () => {
            const names = c.ofType("lake:ingestion:DatasetStream").map((r) => r.name).sort();
            expect(names).to.deep.equal(["lake-clickstream-stream", "lake-device_readings-stream", "lake-subscription_events-stream"]);
            const types = (ds: string) => children(ds).map((r) => `${r.type} ${r.name}`).sort();
            expect(types("clickstream")).to.deep.equal([
                "aws:cloudwatch/logGroup:LogGroup lake-clickstream-stream-logs",
                "aws:cloudwatch/logStream:LogStream lake-clickstream-stream-log-stream",
                "aws:iam/policy:Policy lake-clickstream-stream-producers",
                "aws:iam/role:Role lake-clickstream-stream-role",
                "aws:iam/rolePolicy:RolePolicy lake-clickstream-stream-policy",
                `aws:iam/rolePolicyAttachment:RolePolicyAttachment ${c.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").find((r) => r.name.startsWith("lake-clickstream-stream-put-"))!.name}`,
                "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream lake-clickstream-stream-firehose",
            ]);
            expect(types("device_readings")).to.include("aws:kinesis/stream:Stream lake-device_readings-stream-kinesis");
            // No producers declared: no producer policy.
            expect(types("subscription_events").filter((t) => t.includes("producers") || t.includes("kinesis/stream"))).to.deep.equal([]);
        });

        it("clickstream: Direct PUT, SSE with the lake key, Parquet (Snappy) from the table at LATEST, JQ partitions by event hour", () => {
            const fh = c.named("lake-clickstream-stream-firehose");
            expect(fh.inputs).to.deep.equal({
                name: `acme-lake-${stack}-ingest-clickstream`,
                destination: "extended_s3",
                tags: tags("clickstream", "web", "silver", "internal", "web-analytics@acme.example"),
                serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn },
                extendedS3Configuration: {
                    roleArn: roleArn("clickstream"),
                    bucketArn: `arn:aws:s3:::${bucket("silver")}`,
                    prefix: "web/clickstream/event_hour=!{partitionKeyFromQuery:event_hour}/",
                    errorOutputPrefix: "_errors/web/clickstream/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
                    bufferingSize: 64,
                    bufferingInterval: 60,
                    compressionFormat: "UNCOMPRESSED",
                    kmsKeyArn: keyArn,
                    cloudwatchLoggingOptions: { enabled: true, logGroupName: logGroup("clickstream"), logStreamName: "DestinationDelivery" },
                    dataFormatConversionConfiguration: {
                        enabled: true,
                        inputFormatConfiguration: { deserializer: { openXJsonSerDe: {} } },
                        outputFormatConfiguration: { serializer: { parquetSerDe: { compression: "SNAPPY" } } },
                        schemaConfiguration: { databaseName: `acme_lake_${stack}_silver_web`, tableName: "clickstream", roleArn: roleArn("clickstream"), versionId: "LATEST" },
                    },
                    dynamicPartitioningConfiguration: { enabled: true, retryDuration: 300 },
                    processingConfiguration: {
                        enabled: true,
                        processors: [
                            {
                                type: "MetadataExtraction",
                                parameters: [
                                    { parameterName: "MetadataExtractionQuery", parameterValue: '{event_hour: (.event_time | sub("\\\\.[0-9]+Z$"; "Z") | fromdateiso8601 | strftime("%Y-%m-%d-%H"))}' },
                                    { parameterName: "JsonParsingEngine", parameterValue: "JQ-1.6" },
                                ],
                            },
                        ],
                    },
                },
            });
            // The role's policy and the table exist first (Firehose checks both on create).
            expect(fh.dependencies).to.include.members([c.named("lake-clickstream-stream-policy").urn, c.named("lake-clickstream-table").urn]);
            expect(fh.protect).to.equal(false);
        });

        it("clickstream: the delivery role writes only its prefix and error prefix, reads only its table's schema, uses the key only through S3", () => {
            const role = c.named("lake-clickstream-stream-role");
            expect(role.inputs.name).to.equal(`acme-lake-${stack}-firehose-clickstream`);
            expect(json(role, "assumeRolePolicy").Statement).to.deep.equal([
                {
                    Sid: "AssumedByService",
                    Effect: "Allow",
                    Principal: { Service: "firehose.amazonaws.com" },
                    Action: ["sts:AssumeRole"],
                    Condition: { StringEquals: { "aws:SourceAccount": account }, ArnLikeIfExists: { "aws:SourceArn": `arn:aws:firehose:${REGION}:${account}:*` } },
                },
            ]);
            const policy = c.named("lake-clickstream-stream-policy");
            expect(policy.inputs.role).to.equal(`acme-lake-${stack}-firehose-clickstream`);
            expect(policy.inputs.name).to.equal("lake-firehose-delivery");
            expect(json(policy).Statement).to.deep.equal([
                ...s3Statements(bucket("silver"), ["web/clickstream/", "_errors/web/clickstream/"]),
                { Sid: "ConversionSchema", Effect: "Allow", Action: ["glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"], Resource: tableArns(`acme_lake_${stack}_silver_web`, "clickstream") },
                {
                    Sid: "LakeKeyThroughS3",
                    Effect: "Allow",
                    Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                    Resource: [keyArn],
                    Condition: { StringEquals: { "kms:ViaService": `s3.${REGION}.amazonaws.com`, "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${bucket("silver")}` } },
                },
                { Sid: "DeliveryErrorLog", Effect: "Allow", Action: ["logs:PutLogEvents"], Resource: [logArn("clickstream")] },
            ]);
        });

        it("clickstream: the error log is KMS-encrypted with the configured retention; its stream is Firehose's DestinationDelivery", () => {
            expect(c.named("lake-clickstream-stream-logs").inputs).to.deep.equal({
                name: logGroup("clickstream"),
                retentionInDays: retention,
                kmsKeyId: keyArn,
                tags: tags("clickstream", "web", "silver", "internal", "web-analytics@acme.example"),
            });
            expect(c.named("lake-clickstream-stream-log-stream").inputs).to.deep.equal({ name: "DestinationDelivery", logGroupName: logGroup("clickstream") });
        });

        it("clickstream: producers may PutRecord/PutRecordBatch on exactly this delivery stream", () => {
            const p = c.named("lake-clickstream-stream-producers");
            expect(p.inputs.name).to.equal(`acme-lake-${stack}-put-clickstream`);
            expect(json(p).Statement).to.deep.equal([
                { Sid: "PutRecords", Effect: "Allow", Action: ["firehose:PutRecord", "firehose:PutRecordBatch"], Resource: [`arn:aws:firehose:${REGION}:${account}:deliverystream/acme-lake-${stack}-ingest-clickstream`] },
            ]);
            const attachment = c.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").find((r) => r.name.startsWith("lake-clickstream-stream-put-"))!;
            expect(attachment.inputs).to.deep.equal({ role: "web-event-collector", policyArn: `arn:aws:iam::${account}:policy/acme-lake-${stack}-put-clickstream` });
        });

        it("device_readings: an on-demand Kinesis stream with the lake key (protected in prod), read by Firehose with its stream's encryption", () => {
            const k = c.named("lake-device_readings-stream-kinesis");
            expect(k.inputs).to.deep.equal({
                name: `acme-lake-${stack}-events-device-readings`,
                streamModeDetails: { streamMode: "ON_DEMAND" },
                encryptionType: "KMS",
                kmsKeyId: keyArn,
                retentionPeriod: 24,
                tags: tags("device_readings", "iot", "silver", "internal", "iot-platform@acme.example"),
            });
            expect([k.protect, k.retainOnDelete]).to.deep.equal(stack === "prod" ? [true, true] : [false, false]);
            const fh = c.named("lake-device_readings-stream-firehose");
            const streamArn = `arn:aws:kinesis:${REGION}:${account}:stream/acme-lake-${stack}-events-device-readings`;
            expect(fh.inputs.kinesisSourceConfiguration).to.deep.equal({ kinesisStreamArn: streamArn, roleArn: roleArn("device-readings") });
            expect(fh.inputs.serverSideEncryption).to.equal(undefined);
            const s3 = fh.inputs.extendedS3Configuration;
            expect(s3.prefix).to.equal("iot/device_readings/dt=!{partitionKeyFromQuery:dt}/device_type=!{partitionKeyFromQuery:device_type}/");
            expect([s3.bufferingSize, s3.bufferingInterval]).to.deep.equal([128, 300]);
            expect(s3.processingConfiguration.processors[0].parameters[0].parameterValue).to.equal(
                '{dt: (.reading_time | sub("\\\\.[0-9]+Z$"; "Z") | fromdateiso8601 | strftime("%Y-%m-%d")), device_type: .device_kind}',
            );
            const statements = json(c.named("lake-device_readings-stream-policy")).Statement;
            expect(statements.slice(-2)).to.deep.equal([
                { Sid: "ReadSourceStream", Effect: "Allow", Action: ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetShardIterator", "kinesis:GetRecords", "kinesis:ListShards"], Resource: [streamArn] },
                {
                    Sid: "LakeKeyThroughKinesis",
                    Effect: "Allow",
                    Action: ["kms:Decrypt"],
                    Resource: [keyArn],
                    Condition: { StringEquals: { "kms:ViaService": `kinesis.${REGION}.amazonaws.com`, "kms:EncryptionContext:aws:kinesis:arn": streamArn } },
                },
            ]);
            expect(json(c.named("lake-device_readings-stream-producers")).Statement).to.deep.equal([
                { Sid: "PutRecords", Effect: "Allow", Action: ["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStreamSummary", "kinesis:ListShards"], Resource: [streamArn] },
                {
                    Sid: "LakeKeyThroughKinesis",
                    Effect: "Allow",
                    Action: ["kms:GenerateDataKey"],
                    Resource: [keyArn],
                    Condition: { StringEquals: { "kms:ViaService": `kinesis.${REGION}.amazonaws.com`, "kms:EncryptionContext:aws:kinesis:arn": streamArn } },
                },
            ]);
        });

        it("subscription_events: JSON delivered as sent (GZIP) under arrival-hour folders, no conversion, no catalog access", () => {
            const s3 = c.named("lake-subscription_events-stream-firehose").inputs.extendedS3Configuration;
            expect(s3).to.deep.equal({
                roleArn: roleArn("subscription-events"),
                bucketArn: `arn:aws:s3:::${bucket("bronze")}`,
                prefix: "billing/subscription_events/!{timestamp:yyyy/MM/dd/HH}/",
                errorOutputPrefix: "_errors/billing/subscription_events/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
                bufferingSize: 5,
                bufferingInterval: 300,
                compressionFormat: "GZIP",
                kmsKeyArn: keyArn,
                cloudwatchLoggingOptions: { enabled: true, logGroupName: logGroup("subscription-events"), logStreamName: "DestinationDelivery" },
            });
            const sids = json(c.named("lake-subscription_events-stream-policy")).Statement.map((s: { Sid: string }) => s.Sid);
            expect(sids).to.deep.equal(["DeliverObjects", "DeliverList0", "DeliverMultipartUploads", "LakeKeyThroughS3", "DeliveryErrorLog"]);
            expect(c.resources.filter((r) => r.type === "aws:lakeformation/permissions:Permissions" && r.inputs.principal === roleArn("subscription-events"))).to.deep.equal([]);
        });

        it("Lake Formation: converting streams' roles may describe and select their own table only (merged per stream role)", () => {
            const grants = c.resources.filter((r) => r.type === "aws:lakeformation/permissions:Permissions" && String(r.inputs.principal).includes(`:role/acme-lake-${stack}-firehose-`));
            expect(grants.map((g) => ({ name: g.name, principal: g.inputs.principal, permissions: g.inputs.permissions, on: g.inputs.table ?? g.inputs.database })).sort((a, b) => a.name.localeCompare(b.name))).to.deep.equal(
                [
                    { name: "lake-clickstream-firehose-clickstream-grant", principal: roleArn("clickstream"), permissions: ["SELECT", "DESCRIBE"], on: { databaseName: `acme_lake_${stack}_silver_web`, name: "clickstream" } },
                    { name: "lake-device_readings-firehose-device-readings-grant", principal: roleArn("device-readings"), permissions: ["SELECT", "DESCRIBE"], on: { databaseName: `acme_lake_${stack}_silver_iot`, name: "device_readings" } },
                    { name: "lake-firehose-clickstream-db-silver-web", principal: roleArn("clickstream"), permissions: ["DESCRIBE"], on: { name: `acme_lake_${stack}_silver_web` } },
                    { name: "lake-firehose-device-readings-db-silver-iot", principal: roleArn("device-readings"), permissions: ["DESCRIBE"], on: { name: `acme_lake_${stack}_silver_iot` } },
                ].sort((a, b) => a.name.localeCompare(b.name)),
            );
        });

        it("the key policy needs no stream principal: Firehose, Kinesis and S3 use it through kms:ViaService, CloudWatch Logs by its own statement", () => {
            const statements = json(c.named("lake-key-policy")).Statement as { Sid: string; Principal: unknown; Condition?: Record<string, Record<string, unknown>> }[];
            const via = statements.find((s) => s.Sid === "UseThroughLakeServices")!.Condition!.StringEquals!["kms:ViaService"];
            expect(via).to.include.members([`firehose.${REGION}.amazonaws.com`, `kinesis.${REGION}.amazonaws.com`, `s3.${REGION}.amazonaws.com`]);
            expect(statements.find((s) => s.Sid === "CloudWatchLogsInThisAccount")!.Condition).to.deep.equal({ ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${account}:*` } });
            expect(JSON.stringify(statements)).to.not.contain("firehose-");
        });
    });
}

describe("ingestion: DatasetStream built directly", () => {
    const MOCK = { mockEnv: { region: REGION, account: "111111111111" } };
    const ctx = createLakeContext({ prefix: "acme-lake", environment: "dev", accountId: "111111111111", region: REGION });
    const iceberg = (): FirehoseDataset => {
        const [ds] = loadObjects([
            {
                name: "orders",
                domain: "shop",
                owner: "shop@acme.example",
                description: "One row per order, upserted by order id.",
                registeredOn: "2026-01-15",
                layer: "silver",
                format: "iceberg",
                classification: "internal",
                columns: [{ name: "order_id", type: "string" }, { name: "amount", type: "decimal(10,2)" }, { name: "updated_at", type: "timestamp" }],
                unpartitionedReason: "Iceberg partitions by its own spec, declared in the table.",
                source: { type: "firehose", input: { kinesis: { create: true } }, uniqueKeys: ["order_id"] },
            },
        ]).datasets;
        return ds as FirehoseDataset;
    };
    const table = (grants: string[]): StreamTable => {
        const t = new aws.glue.CatalogTable("orders-table", { databaseName: "acme_lake_dev_silver_shop", name: "orders" });
        return {
            table: t,
            tableName: t.name,
            tableRef: { databaseName: "acme_lake_dev_silver_shop", location: `s3://acme-lake-dev-silver-111111111111/shop/orders/` },
            grantRead: (g: Grantee) => grants.push(`read ${g.kind === "role" ? g.role : g.arn}`),
            grantWrite: (g: Grantee) => grants.push(`write ${g.kind === "role" ? g.role : g.arn}`),
        };
    };

    it("Iceberg: the Iceberg destination into the table (created first), unique keys, errors outside the table; the role commits and rewrites", async () => {
        const grants: string[] = [];
        const c = await capture(() => new DatasetStream("orders-stream", { context: ctx, dataset: iceberg(), table: table(grants), kmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/k" }), MOCK);
        const fh = c.named("orders-stream-firehose");
        expect(fh.inputs.destination).to.equal("iceberg");
        expect(fh.inputs.extendedS3Configuration).to.equal(undefined);
        expect(fh.inputs.icebergConfiguration).to.deep.equal({
            roleArn: "arn:aws:iam::111111111111:role/acme-lake-dev-firehose-orders",
            catalogArn: "arn:aws:glue:eu-west-1:111111111111:catalog",
            bufferingSize: 5,
            bufferingInterval: 300,
            appendOnly: false,
            destinationTableConfigurations: [{ databaseName: "acme_lake_dev_silver_shop", tableName: "orders", uniqueKeys: ["order_id"] }],
            s3BackupMode: "FailedDataOnly",
            s3Configuration: {
                roleArn: "arn:aws:iam::111111111111:role/acme-lake-dev-firehose-orders",
                bucketArn: "arn:aws:s3:::acme-lake-dev-silver-111111111111",
                errorOutputPrefix: "_errors/shop/orders/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
                kmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/k",
            },
            cloudwatchLoggingOptions: { enabled: true, logGroupName: "/aws/kinesisfirehose/acme-lake-dev-ingest-orders", logStreamName: "DestinationDelivery" },
        });
        expect(fh.dependencies).to.include(c.named("orders-table").urn);
        const statements = JSON.parse(c.named("orders-stream-policy").inputs.policy).Statement;
        expect(statements[0].Action).to.deep.equal(["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"]);
        expect(statements[0].Resource).to.deep.equal(["arn:aws:s3:::acme-lake-dev-silver-111111111111/shop/orders/*", "arn:aws:s3:::acme-lake-dev-silver-111111111111/_errors/shop/orders/*"]);
        expect(statements[3]).to.deep.equal({
            Sid: "IcebergTable",
            Effect: "Allow",
            Action: ["glue:GetDatabase", "glue:GetTable", "glue:UpdateTable"],
            Resource: ["arn:aws:glue:eu-west-1:111111111111:catalog", "arn:aws:glue:eu-west-1:111111111111:database/acme_lake_dev_silver_shop", "arn:aws:glue:eu-west-1:111111111111:table/acme_lake_dev_silver_shop/orders"],
        });
        expect(grants).to.deep.equal(["read firehose-orders", "write firehose-orders"]);
    });

    it("refuses a dataset that is not streamed, as a ResourceError", async () => {
        const ds = { ...iceberg(), source: { type: "s3", crawl: false } } as unknown as Dataset as FirehoseDataset;
        let error: unknown;
        await capture(() => {
            try {
                new DatasetStream("bad-stream", { context: ctx, dataset: ds, table: table([]), kmsKeyArn: "k" });
            } catch (e) {
                error = e;
            }
        }, MOCK);
        expect(error).to.be.instanceOf(pulumi.ResourceError);
        expect(String(error)).to.match(/source.type: dataset 'orders' is not delivered by Firehose/);
    });

    it("producers of another account get no attachment (a warning says to list a role of this account)", async () => {
        const ds = iceberg();
        const cross = { ...ds, source: { ...ds.source, producers: ["arn:aws:iam::999999999999:role/partner"] } };
        const c = await capture(() => new DatasetStream("x-stream", { context: ctx, dataset: cross, table: table([]), kmsKeyArn: "k" }), MOCK);
        expect(c.ofType("aws:iam/policy:Policy")).to.have.length(1);
        expect(c.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).to.deep.equal([]);
    });
});
