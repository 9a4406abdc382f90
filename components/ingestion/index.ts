/**
 * `DatasetStream`: streaming ingestion of one dataset whose file says `source: {type: firehose}`. A Firehose
 * delivery stream into the dataset's location (S3 with record format conversion and dynamic partitioning, or the
 * Iceberg destination), optionally a Kinesis data stream it reads, its least-privilege role, a KMS-encrypted error
 * log, and the producers' policy. The layout it writes is the one the table reads (see layout.ts).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MARKERS, nameProblem, streamDerivedNames, StreamNameKey } from "../../contract";
import { roleGrantee, type Grantee } from "../access";
import { FIREHOSE_CONVERTED_FORMATS } from "../datasets";
import { dataOptions, LakeContext } from "../shared/context";
import { bucketArn, glueArn, serviceTrust } from "../shared/iam";
import { datasetTags } from "../shared/names";
import { parseIamPrincipal, principalId } from "../shared/principals";
import { deliveryPolicy, producerPolicy } from "./documents";
import { FirehoseDataset, streamLayout, StreamLayout } from "./layout";

export { deliveryPolicy, producerPolicy } from "./documents";
export type { DeliveryAccess, ProducerAccess } from "./documents";
export { streamLayout, renderPrefix, resolvePartitions, partitionValue, formatUtc, tableTemplate, isStreamed, strftimePattern, jqExpression } from "./layout";
export type { FirehoseDataset, StreamLayout } from "./layout";
export { eventSchema, eventSchemaFile, sampleRecord, publishedEventSchemas } from "./events-schema";

/** Firehose writes delivery errors to this log stream (the name the Firehose console uses for S3 destinations). */
export const DELIVERY_LOG_STREAM = "DestinationDelivery";

/** The dataset's table as the catalog component provides it, and the grant API its role is granted through. */
export interface StreamTable {
    /** The Glue table: conversion and the Iceberg destination need it to exist first. */
    table: pulumi.Resource;
    tableName: pulumi.Input<string>;
    tableRef: { databaseName: pulumi.Input<string>; location: pulumi.Input<string> };
    grantRead(principal: Grantee): void;
    grantWrite(principal: Grantee): void;
}

export interface DatasetStreamArgs {
    /** Naming, ARN context, protection (the Kinesis stream, which holds unread records, is protected in prod). */
    context: LakeContext;
    /** The validated dataset; its source must be `firehose`. */
    dataset: FirehoseDataset;
    /** The dataset's table (`LakeCatalog.datasets[name]`): the role is granted through it (Lake Formation). */
    table: StreamTable;
    /** ARN of the lake key: S3 SSE-KMS of delivered objects, Firehose and Kinesis SSE, the log group. */
    kmsKeyArn: pulumi.Input<string>;
    /**
     * Days the delivery error log keeps events (a CloudWatch Logs retention value).
     * @default 30
     */
    logRetentionDays?: number;
}

export class DatasetStream extends pulumi.ComponentResource {
    readonly deliveryStreamName: pulumi.Output<string>;
    readonly deliveryStreamArn: pulumi.Output<string>;
    /** The Kinesis data stream producers write to (`input: {kinesis: {create: true}}`), or the existing one Firehose reads. */
    readonly kinesisStreamArn?: pulumi.Output<string>;
    readonly roleArn: pulumi.Output<string>;
    readonly logGroupName: pulumi.Output<string>;
    /** The producers' policy (undefined without producers). */
    readonly producerPolicyArn?: pulumi.Output<string>;

    constructor(name: string, args: DatasetStreamArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lake:ingestion:DatasetStream", name, {}, opts);
        const parts = createDatasetStream(name, args.context, args, this);
        this.deliveryStreamName = parts.deliveryStream.name;
        this.deliveryStreamArn = parts.deliveryStream.arn;
        this.kinesisStreamArn = parts.kinesisStreamArn;
        this.roleArn = parts.role.arn;
        this.logGroupName = parts.logGroup.name;
        this.producerPolicyArn = parts.producerPolicy?.arn;
        this.registerOutputs({
            deliveryStreamName: this.deliveryStreamName,
            deliveryStreamArn: this.deliveryStreamArn,
            kinesisStreamArn: this.kinesisStreamArn,
            roleArn: this.roleArn,
            logGroupName: this.logGroupName,
            producerPolicyArn: this.producerPolicyArn,
        });
    }
}

interface StreamParts {
    deliveryStream: aws.kinesis.FirehoseDeliveryStream;
    kinesisStreamArn?: pulumi.Output<string>;
    role: aws.iam.Role;
    logGroup: aws.cloudwatch.LogGroup;
    producerPolicy?: aws.iam.Policy;
}

export function createDatasetStream(name: string, ctx: LakeContext, args: DatasetStreamArgs, self: DatasetStream): StreamParts {
    const ds = args.dataset;
    if (ds.source.type !== "firehose") throw new pulumi.ResourceError(`${ds.file}: source.type: dataset '${ds.name}' is not delivered by Firehose`, self);
    const retention = args.logRetentionDays ?? 30;
    const iceberg = ds.format === "iceberg";
    const converted = FIREHOSE_CONVERTED_FORMATS.includes(ds.format);
    const tags = { ...datasetTags(ds), [MARKERS.layer]: ds.layer };
    // From the list the loader validated (contract/naming.ts), so what validate checked is what deploys.
    const derived = streamDerivedNames(ctx.namer.args, ds);
    const streamName = (key: StreamNameKey) => {
        const problem = nameProblem(derived[key]);
        if (problem) throw new pulumi.ResourceError(`${ds.file}: name: derived ${derived[key].what} name '${derived[key].name}' ${problem}; shorten the dataset name`, self);
        return derived[key].name;
    };
    const names = { stream: streamName("deliveryStream"), role: streamName("deliveryRole"), kinesis: streamName("kinesisStream"), producers: streamName("producerPolicy"), logGroup: streamName("deliveryLogGroup") };
    const input = ds.source.input;

    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-logs`,
        { name: names.logGroup, retentionInDays: retention, kmsKeyId: args.kmsKeyArn, tags },
        { parent: self },
    );
    const logStream = new aws.cloudwatch.LogStream(`${name}-log-stream`, { name: DELIVERY_LOG_STREAM, logGroupName: logGroup.name }, { parent: self });

    // A created stream holds records not yet delivered (24 h): protected like data in prod.
    const kinesis =
        input.type === "kinesis" && "create" in input
            ? new aws.kinesis.Stream(
                  `${name}-kinesis`,
                  {
                      name: names.kinesis,
                      streamModeDetails: { streamMode: "ON_DEMAND" },
                      encryptionType: "KMS",
                      kmsKeyId: args.kmsKeyArn,
                      retentionPeriod: 24,
                      tags,
                  },
                  dataOptions(ctx, self),
              )
            : undefined;
    const kinesisStreamArn = kinesis ? kinesis.arn : input.type === "kinesis" && "arn" in input ? pulumi.output(input.arn) : undefined;

    const role = new aws.iam.Role(
        `${name}-role`,
        {
            name: names.role,
            description: `Assumed by Firehose to deliver ${ds.domain}.${ds.name} (${ds.layer}); writes only its prefix and error prefix.`,
            assumeRolePolicy: JSON.stringify(serviceTrust("firehose.amazonaws.com", ctx.arn)),
            tags,
        },
        { parent: self },
    );
    const location = pulumi.output(args.table.tableRef.location);
    const layout = location.apply((l) => streamLayout(ds, l));
    const policy = new aws.iam.RolePolicy(
        `${name}-policy`,
        {
            role: role.name,
            name: "lake-firehose-delivery",
            policy: pulumi
                .all([layout, args.kmsKeyArn, args.table.tableRef.databaseName, args.table.tableName, kinesisStreamArn ?? pulumi.output(undefined)])
                .apply(([l, kmsKeyArn, database, table, streamArn]) =>
                    JSON.stringify(
                        deliveryPolicy({
                            ...ctx.arn,
                            kmsKeyArn,
                            bucket: l.bucket,
                            prefixes: l.writablePrefixes,
                            database,
                            table,
                            tableUse: iceberg ? "iceberg" : converted ? "conversion" : "none",
                            logGroup: names.logGroup,
                            logStream: DELIVERY_LOG_STREAM,
                            ...(streamArn ? { kinesisStreamArn: streamArn } : {}),
                        }),
                    ),
                ),
        },
        { parent: self },
    );
    // Lake Formation: conversion reads the table's schema, Iceberg also writes rows; records delivered as sent touch
    // no table (IAM mode: the role's own policy is all it needs). One grantee per stream: grants merge per grantee.
    const grantee = roleGrantee(`firehose-${ds.name.replace(/_/g, "-")}`, role.arn);
    if (iceberg || converted) args.table.grantRead(grantee);
    if (iceberg) args.table.grantWrite(grantee);

    const logging = { enabled: true, logGroupName: logGroup.name, logStreamName: logStream.name };
    const destinationBucketArn = layout.apply((l) => bucketArn(ctx.arn, l.bucket));
    const buffering = { bufferingSize: ds.source.buffering.sizeMiB, bufferingInterval: ds.source.buffering.intervalSeconds };
    const deliveryStream = new aws.kinesis.FirehoseDeliveryStream(
        `${name}-firehose`,
        {
            name: names.stream,
            tags,
            // Reading a Kinesis stream, Firehose takes its encryption (AWS refuses SSE on such a stream).
            ...(kinesisStreamArn
                ? { kinesisSourceConfiguration: { kinesisStreamArn, roleArn: role.arn } }
                : { serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: args.kmsKeyArn } }),
            ...(iceberg
                ? {
                      destination: "iceberg",
                      icebergConfiguration: {
                          roleArn: role.arn,
                          catalogArn: glueArn(ctx.arn, "catalog"),
                          ...buffering,
                          appendOnly: !ds.source.uniqueKeys,
                          destinationTableConfigurations: [
                              { databaseName: args.table.tableRef.databaseName, tableName: args.table.tableName, ...(ds.source.uniqueKeys ? { uniqueKeys: ds.source.uniqueKeys } : {}) },
                          ],
                          s3BackupMode: "FailedDataOnly",
                          s3Configuration: { roleArn: role.arn, bucketArn: destinationBucketArn, errorOutputPrefix: layout.apply((l) => l.errorPrefix), kmsKeyArn: args.kmsKeyArn },
                          cloudwatchLoggingOptions: logging,
                      },
                  }
                : { destination: "extended_s3", extendedS3Configuration: s3Destination(ds, layout, destinationBucketArn, role, args.kmsKeyArn, args.table, converted, logging, buffering) }),
        },
        // The role's policy first (Firehose checks it on create), and the table the conversion or the Iceberg writes read.
        { parent: self, dependsOn: [policy, args.table.table] },
    );

    const producerPolicy = ds.source.producers.length ? createProducers(name, ctx, ds, deliveryStream, kinesis, args.kmsKeyArn, names.producers, tags, self) : undefined;
    return { deliveryStream, ...(kinesisStreamArn ? { kinesisStreamArn } : {}), role, logGroup, ...(producerPolicy ? { producerPolicy } : {}) };
}

type Logging = { enabled: boolean; logGroupName: pulumi.Input<string>; logStreamName: pulumi.Input<string> };

/** The extended S3 destination: prefixes from the layout, conversion to the table's columnar format, JQ partitioning. */
function s3Destination(
    ds: FirehoseDataset,
    layout: pulumi.Output<StreamLayout>,
    bucketArn: pulumi.Input<string>,
    role: aws.iam.Role,
    kmsKeyArn: pulumi.Input<string>,
    table: StreamTable,
    converted: boolean,
    logging: Logging,
    buffering: { bufferingSize: number; bufferingInterval: number },
): aws.types.input.kinesis.FirehoseDeliveryStreamExtendedS3Configuration {
    const dynamic = ds.source.partitioning.some((p) => p.from === "field");
    const query = layout.apply((l) => l.metadataQuery ?? "");
    return {
        roleArn: role.arn,
        bucketArn,
        prefix: layout.apply((l) => l.prefix),
        errorOutputPrefix: layout.apply((l) => l.errorPrefix),
        ...buffering,
        // Conversion compresses inside the columnar files (Snappy); AWS requires UNCOMPRESSED around them.
        compressionFormat: converted ? "UNCOMPRESSED" : "GZIP",
        kmsKeyArn,
        cloudwatchLoggingOptions: logging,
        ...(converted
            ? {
                  dataFormatConversionConfiguration: {
                      enabled: true,
                      // OpenX parses ISO-8601 UTC timestamps (the producer contract's) and epoch millis.
                      inputFormatConfiguration: { deserializer: { openXJsonSerDe: {} } },
                      outputFormatConfiguration: {
                          serializer: ds.format === "orc" ? { orcSerDe: { compression: "SNAPPY" } } : { parquetSerDe: { compression: "SNAPPY" } },
                      },
                      schemaConfiguration: {
                          databaseName: table.tableRef.databaseName,
                          tableName: table.tableName,
                          roleArn: role.arn,
                          versionId: "LATEST",
                      },
                  },
              }
            : {}),
        ...(dynamic
            ? {
                  dynamicPartitioningConfiguration: { enabled: true, retryDuration: 300 },
                  processingConfiguration: {
                      enabled: true,
                      processors: [
                          {
                              type: "MetadataExtraction",
                              parameters: [
                                  { parameterName: "MetadataExtractionQuery", parameterValue: query },
                                  { parameterName: "JsonParsingEngine", parameterValue: "JQ-1.6" },
                              ],
                          },
                          // Rows delivered as sent stay one JSON document per line.
                          ...(converted ? [] : [{ type: "AppendDelimiterToRecord", parameters: [{ parameterName: "Delimiter", parameterValue: "\\n" }] }]),
                      ],
                  },
              }
            : {}),
    };
}

/** The producers' policy, attached to each producer that is a role or user of this account. */
function createProducers(
    name: string,
    ctx: LakeContext,
    ds: FirehoseDataset,
    deliveryStream: aws.kinesis.FirehoseDeliveryStream,
    kinesis: aws.kinesis.Stream | undefined,
    kmsKeyArn: pulumi.Input<string>,
    policyName: string,
    tags: Record<string, string>,
    self: DatasetStream,
): aws.iam.Policy {
    const document = kinesis
        ? pulumi.all([kinesis.arn, kmsKeyArn]).apply(([kinesisStreamArn, key]) => producerPolicy({ ...ctx.arn, kind: "kinesis", kinesisStreamArn, kmsKeyArn: key }))
        : deliveryStream.arn.apply((deliveryStreamArn) => producerPolicy({ ...ctx.arn, kind: "direct-put", deliveryStreamArn }));
    const policy = new aws.iam.Policy(
        `${name}-producers`,
        {
            name: policyName,
            description: `Put records into the ${kinesis ? "Kinesis" : "Firehose"} stream of ${ds.domain}.${ds.name}; attached to source.producers in ${ds.file}.`,
            policy: document.apply((d) => JSON.stringify(d)),
            tags,
        },
        { parent: self },
    );
    for (const principal of ds.source.producers) {
        const iam = parseIamPrincipal(principal);
        if (!iam || iam.accountId !== ctx.arn.accountId) {
            // Firehose has no resource policy: another account's producer assumes a role of this account instead.
            pulumi.log.warn(`${ds.file}: source.producers: ${principal} is not a role or user of account ${ctx.arn.accountId}, so ${policyName} can't be attached to it; list a role of this account that the producer assumes`, self);
            continue;
        }
        const resName = `${name}-put-${principalId(principal)}`;
        if (iam.kind === "role") new aws.iam.RolePolicyAttachment(resName, { role: iam.name, policyArn: policy.arn }, { parent: self });
        else new aws.iam.UserPolicyAttachment(resName, { user: iam.name, policyArn: policy.arn }, { parent: self });
    }
    return policy;
}
