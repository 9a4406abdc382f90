/**
 * Streaming policies, each starting from a stream as the ingestion component builds it and flipping one field:
 * firehose-error-output, firehose-columnar-conversion on Iceberg destinations, stream-encryption with the
 * customer-managed keys the stack configs require.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { MARKERS } from "../../contract";
import { firehoseColumnarConversion } from "../../policies/lake-data-layout/firehose-columnar-conversion";
import { firehoseErrorOutput } from "../../policies/lake-data-layout/firehose-error-output";
import { streamEncryption } from "../../policies/lake-security/stream-encryption";
import { T } from "../../policies/lib/types";
import { flip, res, runResource, runStack } from "./helpers";

const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/0b7e4c1e-1111-2222-3333-444455556666";
const ROLE = "arn:aws:iam::123456789012:role/acme-lake-dev-firehose-clickstream";

/** The clickstream's delivery stream (Direct PUT, Parquet, dynamic partitioning), as the component registers it. */
const clickstream = {
    name: "acme-lake-dev-ingest-clickstream",
    destination: "extended_s3",
    tags: { [MARKERS.layer]: "silver" },
    serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: KEY_ARN },
    extendedS3Configuration: {
        roleArn: ROLE,
        bucketArn: "arn:aws:s3:::acme-lake-dev-silver-123456789012",
        prefix: "web/clickstream/event_hour=!{partitionKeyFromQuery:event_hour}/",
        errorOutputPrefix: "_errors/web/clickstream/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
        bufferingSize: 64,
        kmsKeyArn: KEY_ARN,
        dataFormatConversionConfiguration: {
            enabled: true,
            inputFormatConfiguration: { deserializer: { openXJsonSerDe: {} } },
            outputFormatConfiguration: { serializer: { parquetSerDe: { compression: "SNAPPY" } } },
            schemaConfiguration: { databaseName: "acme_lake_dev_silver_web", tableName: "clickstream", roleArn: ROLE, versionId: "LATEST" },
        },
    },
};

/** An Iceberg destination into an Iceberg table of the stack. */
const icebergStream = {
    name: "acme-lake-dev-ingest-orders",
    destination: "iceberg",
    tags: { [MARKERS.layer]: "silver" },
    serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: KEY_ARN },
    icebergConfiguration: {
        roleArn: ROLE,
        catalogArn: "arn:aws:glue:eu-west-1:123456789012:catalog",
        destinationTableConfigurations: [{ databaseName: "acme_lake_dev_silver_shop", tableName: "orders", uniqueKeys: ["order_id"] }],
        s3BackupMode: "FailedDataOnly",
        s3Configuration: { roleArn: ROLE, bucketArn: "arn:aws:s3:::acme-lake-dev-silver-123456789012", errorOutputPrefix: "_errors/shop/orders/!{firehose:error-output-type}/" },
    },
};
const icebergTable = {
    databaseName: "acme_lake_dev_silver_shop",
    name: "orders",
    tableType: "EXTERNAL_TABLE",
    parameters: { table_type: "ICEBERG", [MARKERS.layer]: "silver" },
    openTableFormatInput: { icebergInput: { metadataOperation: "CREATE", version: "2" } },
};

describe("policies: streaming", () => {
    describe("firehose-error-output", () => {
        const run = (props: object, config: Record<string, unknown> = {}) => runResource(firehoseErrorOutput, T.firehose, props as Record<string, unknown>, { config });

        it("passes the component's S3 and Iceberg streams", async () => {
            expect(await run(clickstream)).to.deep.equal([]);
            expect(await run(icebergStream)).to.deep.equal([]);
        });
        it("flags an S3 stream without an error prefix", async () => {
            const v = await run(flip(clickstream, "extendedS3Configuration.errorOutputPrefix", undefined));
            expect(v).to.have.length(1);
            expect(v[0]!.message).to.contain("extendedS3Configuration.errorOutputPrefix is not set");
        });
        it("flags an error prefix without !{firehose:error-output-type}, unless the config allows it", async () => {
            const mixed = flip(clickstream, "extendedS3Configuration.errorOutputPrefix", "_errors/web/clickstream/");
            expect((await run(mixed))[0]!.message).to.contain("has no !{firehose:error-output-type}");
            expect(await run(mixed, { requireErrorOutputType: false })).to.deep.equal([]);
        });
        it("flags an error prefix inside the data prefix", async () => {
            const inside = flip(clickstream, "extendedS3Configuration.errorOutputPrefix", "web/clickstream/errors/!{firehose:error-output-type}/");
            expect((await run(inside))[0]!.message).to.contain('is inside the data prefix "web/clickstream/"');
        });
        it("flags an Iceberg destination without an error prefix", async () => {
            const v = await run(flip(icebergStream, "icebergConfiguration.s3Configuration.errorOutputPrefix", undefined));
            expect(v[0]!.message).to.contain("icebergConfiguration.s3Configuration.errorOutputPrefix is not set");
        });
        it("leaves other destinations alone", async () => {
            expect(await run({ destination: "redshift" })).to.deep.equal([]);
        });
    });

    describe("firehose-columnar-conversion on Iceberg destinations", () => {
        const table = res(T.glueCatalogTable, "orders-table", icebergTable);
        const run = (stream: object, tables = [table]) => runStack(firehoseColumnarConversion, [...tables, res(T.firehose, "orders", stream as Record<string, unknown>)]);

        it("passes an Iceberg destination into an Iceberg table", async () => {
            expect(await run(icebergStream)).to.deep.equal([]);
        });
        it("flags an Iceberg destination into a table that is not Iceberg", async () => {
            const plain = res(T.glueCatalogTable, "orders-table", flip(flip(icebergTable, "openTableFormatInput", undefined), "parameters.table_type", undefined));
            const v = await run(icebergStream, [plain]);
            expect(v).to.have.length(1);
            expect(v[0]!.message).to.contain("writes through its Iceberg destination into acme_lake_dev_silver_shop.orders, which is not an Iceberg table");
        });
        it("passes an Iceberg destination that routes records by their metadata (no table named)", async () => {
            expect(await run(flip(icebergStream, "icebergConfiguration.destinationTableConfigurations", undefined))).to.deep.equal([]);
        });
        it("passes a table defined outside the stack (nothing to judge it by)", async () => {
            expect(await run(icebergStream, [])).to.deep.equal([]);
        });
        it("still flags the S3 stream into silver without conversion", async () => {
            const v = await runStack(firehoseColumnarConversion, [res(T.firehose, "clicks", flip(clickstream, "extendedS3Configuration.dataFormatConversionConfiguration", undefined))]);
            expect(v[0]!.message).to.contain("delivers to the silver layer");
        });
    });

    describe("stream-encryption with customer-managed keys (both stacks' config)", () => {
        const cmk = { requireCustomerManagedKey: true };
        const kinesis = { name: "acme-lake-dev-events-device-readings", streamModeDetails: { streamMode: "ON_DEMAND" }, encryptionType: "KMS", kmsKeyId: KEY_ARN, retentionPeriod: 24 };
        it("passes the component's Kinesis stream and Direct PUT delivery stream", async () => {
            expect(await runResource(streamEncryption, T.kinesisStream, kinesis, { config: cmk })).to.deep.equal([]);
            expect(await runResource(streamEncryption, T.firehose, clickstream, { config: cmk })).to.deep.equal([]);
        });
        it("flags the AWS-managed Kinesis key and an AWS-owned Firehose key", async () => {
            expect((await runResource(streamEncryption, T.kinesisStream, flip(kinesis, "kmsKeyId", "alias/aws/kinesis"), { config: cmk }))[0]!.message).to.contain("kmsKeyId");
            expect((await runResource(streamEncryption, T.firehose, flip(clickstream, "serverSideEncryption.keyType", "AWS_OWNED_CMK"), { config: cmk }))[0]!.message).to.contain('keyType is "AWS_OWNED_CMK"');
        });
        it("flags an unencrypted Direct PUT stream", async () => {
            expect((await runResource(streamEncryption, T.firehose, flip(clickstream, "serverSideEncryption", undefined), { config: cmk }))[0]!.message).to.contain("serverSideEncryption.enabled is not set");
        });
        it("is required in both stacks' policy config", () => {
            for (const stack of ["dev", "prod"]) {
                const config = JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "policies", "config", `${stack}.json`), "utf8"));
                expect(config["stream-encryption"].requireCustomerManagedKey, stack).to.equal(true);
            }
        });
    });
});
