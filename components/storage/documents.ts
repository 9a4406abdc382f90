/**
 * The lake's IAM documents as plain functions of plain values (tests assert them directly).
 */

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: Record<string, unknown>[];
}

/** Services that use the lake key on a caller's behalf (`kms:ViaService`); Secrets Manager for the JDBC connection secrets. */
export function lakeKeyServices(region: string): string[] {
    return ["s3", "glue", "athena", "firehose", "kinesis", "redshift", "redshift-serverless", "secretsmanager"].map((s) => `${s}.${region}.amazonaws.com`);
}

const CRYPTO_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

export interface KeyPolicyArgs {
    accountId: string;
    region: string;
    partition?: string;
    /**
     * IAM role name prefix of the platform's own roles (Glue crawlers/jobs), which encrypt CloudWatch logs and job
     * bookmarks client-side and so call KMS directly, not through a service.
     */
    platformRolePrefix: string;
}

/**
 * Key policy: the account administers the key but may use it for data only through the lake's services,
 * plus CloudWatch Logs for its own log groups and the platform's own roles for client-side encryption.
 */
export function lakeKeyPolicy(a: KeyPolicyArgs): PolicyDocument {
    const partition = a.partition ?? "aws";
    const root = `arn:${partition}:iam::${a.accountId}:root`;
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "KeyAdministrationByAccount",
                Effect: "Allow",
                Principal: { AWS: root },
                Action: [
                    "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
                    "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
                    "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
                ],
                Resource: "*",
            },
            {
                Sid: "UseThroughLakeServices",
                Effect: "Allow",
                Principal: { AWS: root },
                Action: CRYPTO_ACTIONS,
                Resource: "*",
                Condition: { StringEquals: { "kms:CallerAccount": a.accountId, "kms:ViaService": lakeKeyServices(a.region) } },
            },
            {
                Sid: "GrantsForLakeServiceResources",
                Effect: "Allow",
                Principal: { AWS: root },
                Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
                Resource: "*",
                Condition: {
                    StringEquals: { "kms:CallerAccount": a.accountId, "kms:ViaService": lakeKeyServices(a.region) },
                    Bool: { "kms:GrantIsForAWSResource": "true" },
                },
            },
            {
                Sid: "PlatformRolesClientSideEncryption",
                Effect: "Allow",
                Principal: { AWS: root },
                Action: CRYPTO_ACTIONS,
                Resource: "*",
                Condition: { ArnLike: { "aws:PrincipalArn": `arn:${partition}:iam::${a.accountId}:role/${a.platformRolePrefix}*` } },
            },
            {
                Sid: "CloudWatchLogsInThisAccount",
                Effect: "Allow",
                Principal: { Service: `logs.${a.region}.amazonaws.com` },
                Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                Resource: "*",
                Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${a.region}:${a.accountId}:*` } },
            },
        ],
    };
}

function denyInsecureTransport(bucketArn: string): Record<string, unknown>[] {
    const resources = [bucketArn, `${bucketArn}/*`];
    return [
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: resources,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
            Sid: "DenyTlsOlderThan12",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: resources,
            Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
        },
    ];
}

/**
 * Data bucket policy: TLS only, and uploads may only be encrypted with the lake key. The conditions are
 * `...IfExists`, so an upload without SSE headers is allowed: the bucket's default encryption applies the lake key.
 */
export function dataBucketPolicy(bucketArn: string, keyArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            ...denyInsecureTransport(bucketArn),
            {
                Sid: "DenyUploadsNotSseKms",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:PutObject",
                Resource: `${bucketArn}/*`,
                Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": "aws:kms" } },
            },
            {
                Sid: "DenyUploadsWithOtherKmsKeys",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:PutObject",
                Resource: `${bucketArn}/*`,
                Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn } },
            },
        ],
    };
}

/** Access-log bucket policy: TLS only, and only S3 server access logging from this account's lake buckets may write. */
export function accessLogBucketPolicy(bucketArn: string, accountId: string, sourceBucketArns: string[]): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            ...denyInsecureTransport(bucketArn),
            {
                Sid: "S3ServerAccessLogsFromLakeBuckets",
                Effect: "Allow",
                Principal: { Service: "logging.s3.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: `${bucketArn}/*`,
                Condition: {
                    ArnLike: { "aws:SourceArn": sourceBucketArns },
                    StringEquals: { "aws:SourceAccount": accountId },
                },
            },
        ],
    };
}
