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

/**
 * What the named key administrators may do: manage the key's life, policy, rotation, tags and aliases. Spelled out
 * instead of `kms:Create*`/`kms:Put*`: `kms:CreateGrant` would let an administrator grant anyone Decrypt, so grants
 * are only possible for AWS resources (see GrantsForLakeServiceResources). PutKeyPolicy stays: KMS refuses a policy
 * that locks out the principal setting it (the lockout safety check), so the deployer must be an administrator.
 */
export const KEY_ADMIN_ACTIONS = [
    "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListKeyPolicies", "kms:ListResourceTags", "kms:ListGrants",
    "kms:PutKeyPolicy", "kms:UpdateKeyDescription", "kms:EnableKey", "kms:DisableKey", "kms:EnableKeyRotation", "kms:DisableKeyRotation",
    "kms:RotateKeyOnDemand", "kms:TagResource", "kms:UntagResource", "kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias",
    "kms:RevokeGrant", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
];

export interface KeyPolicyArgs {
    accountId: string;
    region: string;
    /** @default "aws" */
    partition?: string;
    /** IAM role/user ARNs that administer the key (never use it for data). Must include whoever deploys the stack. */
    keyAdministrators: readonly string[];
    /**
     * ARNs of the platform's own roles (Glue crawlers and jobs) that call KMS directly, not through a service: they
     * encrypt CloudWatch logs and job bookmarks client-side (the security configuration's CSE-KMS). Named as
     * principals, so KMS binds them to the roles' unique ids: a role re-created under the same name is not trusted.
     */
    platformRoleArns: readonly string[];
    /**
     * AWS service principals that use the key for the platform's own resources (e.g. `events.amazonaws.com`
     * publishing to the ETL alert topic, which is encrypted with the lake key). @default none
     */
    servicePrincipals?: readonly string[];
}

/**
 * Key policy: named administrators manage the key; the account may use it for data only through the lake's
 * services (`kms:ViaService`), grants only for AWS resources; CloudWatch Logs for the account's own log groups; the
 * platform's own roles by ARN for client-side encryption. No statement lets an IAM policy alone reach the key.
 */
export function lakeKeyPolicy(a: KeyPolicyArgs): PolicyDocument {
    const partition = a.partition ?? "aws";
    const root = `arn:${partition}:iam::${a.accountId}:root`;
    if (a.keyAdministrators.length === 0) throw new Error("lakeKeyPolicy: at least one key administrator is required (KMS would lock the key out)");
    const viaLake = { "kms:CallerAccount": a.accountId, "kms:ViaService": lakeKeyServices(a.region) };
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "KeyAdministration",
                Effect: "Allow",
                Principal: { AWS: [...a.keyAdministrators] },
                Action: KEY_ADMIN_ACTIONS,
                Resource: "*",
            },
            {
                Sid: "UseThroughLakeServices",
                Effect: "Allow",
                Principal: { AWS: root },
                Action: CRYPTO_ACTIONS,
                Resource: "*",
                Condition: { StringEquals: viaLake },
            },
            {
                Sid: "GrantsForLakeServiceResources",
                Effect: "Allow",
                Principal: { AWS: root },
                Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
                Resource: "*",
                Condition: { StringEquals: viaLake, Bool: { "kms:GrantIsForAWSResource": "true" } },
            },
            ...(a.platformRoleArns.length
                ? [
                      {
                          Sid: "PlatformRolesClientSideEncryption",
                          Effect: "Allow",
                          Principal: { AWS: [...a.platformRoleArns] },
                          Action: CRYPTO_ACTIONS,
                          Resource: "*",
                      },
                  ]
                : []),
            ...(a.servicePrincipals?.length
                ? [
                      {
                          // Services deliver into the platform's encrypted resources (EventBridge -> SNS): they need a data key.
                          Sid: "ServicesDeliveringToLakeResources",
                          Effect: "Allow",
                          Principal: { Service: [...a.servicePrincipals] },
                          Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                          Resource: "*",
                      },
                  ]
                : []),
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
