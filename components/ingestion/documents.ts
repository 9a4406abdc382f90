/**
 * The streaming IAM documents as pure functions of resolved names and ARNs: the delivery role's policy and the
 * producers' policy. Every statement names exactly one stream, table, log stream or key, and the key is usable
 * only through the service that holds the data (kms:ViaService) for exactly that bucket or stream.
 */
import type { ArnContext } from "../../contract";
import { bucketArn, doc, PolicyDocument, s3Statements, Statement, tableArns } from "../shared/iam";

export interface DeliveryAccess extends ArnContext {
    kmsKeyArn: string;
    bucket: string;
    /** Key prefixes (no leading slash, trailing slash) the role writes: the data prefix and the error prefix. */
    prefixes: string[];
    database: string;
    table: string;
    /**
     * How Firehose uses the table: `iceberg` (the Iceberg destination commits table metadata), `conversion` (record
     * format conversion reads its schema), `none` (records delivered as sent: no catalog access at all).
     */
    tableUse: "iceberg" | "conversion" | "none";
    /** The log group and stream the delivery errors go to. */
    logGroup: string;
    logStream: string;
    /** The Kinesis data stream Firehose reads; undefined for Direct PUT. */
    kinesisStreamArn?: string;
}

const via = (c: ArnContext, service: string) => `${service}.${c.region}.amazonaws.com`;

/**
 * What Firehose needs (Firehose developer guide, "Grant Firehose access to an Amazon S3 destination" and "... to
 * Apache Iceberg Tables"): the objects under its prefixes, the bucket listing for them, the table's schema (record
 * format conversion reads it at versionId LATEST; Iceberg also commits metadata), the lake key through S3 for this
 * bucket (bucket keys: the encryption context is the bucket ARN), its own log stream, and the source stream.
 */
export function deliveryPolicy(a: DeliveryAccess): PolicyDocument {
    const iceberg = a.tableUse === "iceberg";
    const objectActions = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject", ...(iceberg ? ["s3:DeleteObject"] : [])];
    const prefixes = a.prefixes.map((p) => ({ bucket: a.bucket, prefix: p.replace(/\/+$/, "") }));
    const statements: Statement[] = [
        ...s3Statements(a, "Deliver", prefixes, objectActions),
        { Sid: "DeliverMultipartUploads", Effect: "Allow", Action: ["s3:ListBucketMultipartUploads"], Resource: bucketArn(a, a.bucket) },
        ...(a.tableUse === "none"
            ? []
            : [
                  {
                      Sid: iceberg ? "IcebergTable" : "ConversionSchema",
                      Effect: "Allow" as const,
                      Action: iceberg ? ["glue:GetDatabase", "glue:GetTable", "glue:UpdateTable"] : ["glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"],
                      Resource: tableArns(a, a.database, a.table),
                  },
              ]),
        {
            Sid: "LakeKeyThroughS3",
            Effect: "Allow",
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: [a.kmsKeyArn],
            Condition: { StringEquals: { "kms:ViaService": via(a, "s3"), "kms:EncryptionContext:aws:s3:arn": bucketArn(a, a.bucket) } },
        },
        {
            Sid: "DeliveryErrorLog",
            Effect: "Allow",
            Action: ["logs:PutLogEvents"],
            Resource: [`arn:${a.partition}:logs:${a.region}:${a.accountId}:log-group:${a.logGroup}:log-stream:${a.logStream}`],
        },
    ];
    if (a.kinesisStreamArn) {
        statements.push(
            { Sid: "ReadSourceStream", Effect: "Allow", Action: ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetShardIterator", "kinesis:GetRecords", "kinesis:ListShards"], Resource: [a.kinesisStreamArn] },
            {
                Sid: "LakeKeyThroughKinesis",
                Effect: "Allow",
                Action: ["kms:Decrypt"],
                Resource: [a.kmsKeyArn],
                Condition: { StringEquals: { "kms:ViaService": via(a, "kinesis"), "kms:EncryptionContext:aws:kinesis:arn": a.kinesisStreamArn } },
            },
        );
    }
    return doc(statements);
}

export type ProducerAccess = ArnContext &
    (
        | { kind: "direct-put"; deliveryStreamArn: string }
        /** Producers write to the Kinesis stream the platform created, encrypted with the lake key. */
        | { kind: "kinesis"; kinesisStreamArn: string; kmsKeyArn: string }
    );

/** Put records into exactly this stream, and nothing else. */
export function producerPolicy(a: ProducerAccess): PolicyDocument {
    if (a.kind === "direct-put") {
        return doc([{ Sid: "PutRecords", Effect: "Allow", Action: ["firehose:PutRecord", "firehose:PutRecordBatch"], Resource: [a.deliveryStreamArn] }]);
    }
    return doc([
        { Sid: "PutRecords", Effect: "Allow", Action: ["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStreamSummary", "kinesis:ListShards"], Resource: [a.kinesisStreamArn] },
        {
            // Kinesis encrypts each record with a data key from the lake key, on the producer's behalf.
            Sid: "LakeKeyThroughKinesis",
            Effect: "Allow",
            Action: ["kms:GenerateDataKey"],
            Resource: [a.kmsKeyArn],
            Condition: { StringEquals: { "kms:ViaService": via(a, "kinesis"), "kms:EncryptionContext:aws:kinesis:arn": a.kinesisStreamArn } },
        },
    ]);
}
