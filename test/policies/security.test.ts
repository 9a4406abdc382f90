import { expect } from "chai";
import type { PolicyResource } from "@pulumi/policy";
import { athenaWorkgroupEncryption } from "../../policies/lake-security/athena-workgroup-encryption";
import { glueCatalogEncryption } from "../../policies/lake-security/glue-catalog-encryption";
import { glueSecurityConfiguration } from "../../policies/lake-security/glue-security-configuration";
import { redshiftEncryption } from "../../policies/lake-security/redshift-encryption";
import { redshiftNotPublic } from "../../policies/lake-security/redshift-not-public";
import { s3PublicAccessBlock } from "../../policies/lake-security/s3-public-access-block";
import { s3TlsOnly } from "../../policies/lake-security/s3-tls-only";
import { s3BucketKmsEncryption } from "../../policies/lake-security/s3-bucket-kms-encryption";
import { kmsKeyRotation } from "../../policies/lake-security/kms-key-rotation";
import { secretsManagerCmk } from "../../policies/lake-security/secretsmanager-cmk";
import { streamEncryption } from "../../policies/lake-security/stream-encryption";
import { T } from "../../policies/lib/types";
import { flip, res, runResource, runStack } from "./helpers";

const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/0b7e4c1e-1111-2222-3333-444455556666";

/** A compliant bucket with its three config resources, wired by propertyDependencies. */
function bucketStack(over: { sse?: object | null; pab?: object | null; policy?: string | object | null; bucketProps?: object } = {}) {
    const bucket = res(T.bucket, "gold", { bucket: "acme-lake-gold", arn: "arn:aws:s3:::acme-lake-gold", ...(over.bucketProps ?? {}) });
    const refs = { refs: { bucket: [bucket] } };
    const out: PolicyResource[] = [bucket];
    const sse = over.sse === undefined
        ? { bucket: "acme-lake-gold", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }, bucketKeyEnabled: true }] }
        : over.sse;
    if (sse) out.push(res(T.bucketSse, "gold-sse", sse as Record<string, unknown>, refs));
    const pab = over.pab === undefined
        ? { bucket: "acme-lake-gold", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }
        : over.pab;
    if (pab) out.push(res(T.bucketPublicAccessBlock, "gold-pab", pab as Record<string, unknown>, refs));
    const policy = over.policy === undefined ? tlsPolicy("acme-lake-gold") : over.policy;
    if (policy) out.push(res(T.bucketPolicy, "gold-policy", { bucket: "acme-lake-gold", policy }, refs));
    return out;
}

function tlsPolicy(name: string, statement: object = {}) {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
                ...statement,
            },
        ],
    });
}

describe("lake-security", () => {
    describe("s3-bucket-kms-encryption", () => {
        it("passes a bucket with an SSE-KMS CMK configuration", async () => {
            expect(await runStack(s3BucketKmsEncryption, bucketStack())).to.deep.equal([]);
        });
        it("flags a bucket with no encryption configuration in the stack", async () => {
            const v = await runStack(s3BucketKmsEncryption, bucketStack({ sse: null }));
            expect(v).to.have.length(1);
            expect(v[0].message).to.match(/^aws\.s3\.Bucket 'gold' has no server-side encryption configuration/);
            expect(v[0].urn).to.contain("gold");
        });
        it("flags AES256", async () => {
            const v = await runStack(s3BucketKmsEncryption, bucketStack({ sse: { bucket: "acme-lake-gold", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] } }));
            expect(v[0].message).to.contain('sseAlgorithm is "AES256", not "aws:kms"');
        });
        it("flags the AWS-managed aws/s3 key and a missing key", async () => {
            const managed = await runStack(s3BucketKmsEncryption, bucketStack({ sse: { bucket: "acme-lake-gold", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "alias/aws/s3" } }] } }));
            expect(managed[0].message).to.contain('"alias/aws/s3" is an AWS-managed key');
            const none = await runStack(s3BucketKmsEncryption, bucketStack({ sse: { bucket: "acme-lake-gold", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] } }));
            expect(none[0].message).to.contain("no KMS key is set");
        });
        it("matches by bucket name without dependency info, and by the V2 alias type", async () => {
            const bucket = res(T.bucket, "b", { bucket: "acme-raw" });
            const sse = res(T.bucketSseV2, "b-sse", { bucket: "acme-raw", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } }] });
            expect(await runStack(s3BucketKmsEncryption, [bucket, sse])).to.deep.equal([]);
            const other = res(T.bucketSse, "x-sse", { bucket: "someone-else", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } }] });
            expect(await runStack(s3BucketKmsEncryption, [bucket, other])).to.have.length(1);
        });
        it("accepts SSE-S3 only on a server access log target bucket", async () => {
            const aes = { bucket: "acme-lake-gold", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] };
            const stack = bucketStack({ sse: aes });
            const source = res(T.bucket, "silver", { bucket: "acme-lake-silver" });
            const logging = res(T.bucketLogging, "silver-logging", { bucket: "acme-lake-silver", targetBucket: "acme-lake-gold", targetPrefix: "silver/" }, { refs: { bucket: [source], targetBucket: [stack[0]] } });
            const sse = res(T.bucketSse, "silver-sse", { bucket: "acme-lake-silver", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } }] }, { refs: { bucket: [source] } });
            expect(await runStack(s3BucketKmsEncryption, [...stack, source, logging, sse])).to.deep.equal([]);
            const v = await runStack(s3BucketKmsEncryption, [...stack, source, sse]);
            expect(v).to.have.length(1);
            const strict = await runStack(s3BucketKmsEncryption, [...stack, source, logging, sse], { allowSseS3ForAccessLogTargets: false });
            expect(strict).to.have.length(1);
        });
        it("requires bucket keys only when configured", async () => {
            const noBucketKey = { bucket: "acme-lake-gold", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } }] };
            expect(await runStack(s3BucketKmsEncryption, bucketStack({ sse: noBucketKey }))).to.deep.equal([]);
            const v = await runStack(s3BucketKmsEncryption, bucketStack({ sse: noBucketKey }), { requireBucketKey: true });
            expect(v[0].message).to.contain("rules[0].bucketKeyEnabled is not true");
        });
        it("judges the deprecated inline configuration", async () => {
            const inline = { serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } } };
            const v = await runStack(s3BucketKmsEncryption, bucketStack({ sse: null, bucketProps: inline }));
            expect(v[0].message).to.contain("serverSideEncryptionConfiguration.rule");
        });
        it("judges a v6-shaped BucketV2's inline configurations", async () => {
            const v6 = (algo: string) => [res(T.bucketV2, "legacy", {
                bucket: "acme-legacy",
                serverSideEncryptionConfigurations: [{ rules: [{ applyServerSideEncryptionByDefaults: [{ sseAlgorithm: algo, kmsMasterKeyId: KEY_ARN }] }] }],
            })];
            expect(await runStack(s3BucketKmsEncryption, v6("aws:kms"))).to.deep.equal([]);
            const v = await runStack(s3BucketKmsEncryption, v6("AES256"));
            expect(v[0].message).to.contain('serverSideEncryptionConfigurations[0].rules[0].applyServerSideEncryptionByDefaults.sseAlgorithm is "AES256"');
        });
    });

    describe("s3-public-access-block", () => {
        it("passes all four settings on", async () => {
            expect(await runStack(s3PublicAccessBlock, bucketStack())).to.deep.equal([]);
        });
        it("flags a missing block", async () => {
            expect((await runStack(s3PublicAccessBlock, bucketStack({ pab: null })))[0].message).to.contain("has no public access block");
        });
        for (const field of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) {
            it(`flags ${field} false`, async () => {
                const pab = flip({ bucket: "acme-lake-gold", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, field, false);
                const v = await runStack(s3PublicAccessBlock, bucketStack({ pab }));
                expect(v).to.have.length(1);
                expect(v[0].message).to.contain(`${field}=false`).and.contain(`Fix: set ${field}: true`);
            });
        }
    });

    describe("s3-public-access-block (account level)", () => {
        const account = res(T.accountPublicAccessBlock, "account", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
        it("accepts an all-on account block in place of bucket blocks only when configured", async () => {
            expect(await runStack(s3PublicAccessBlock, [...bucketStack({ pab: null }), account])).to.have.length(1);
            expect(await runStack(s3PublicAccessBlock, [...bucketStack({ pab: null }), account], { acceptAccountLevelBlock: true })).to.deep.equal([]);
        });
        it("judges the account block's own settings", async () => {
            const weak = res(T.accountPublicAccessBlock, "account", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: false });
            const v = await runStack(s3PublicAccessBlock, [...bucketStack(), weak]);
            expect(v[0].message).to.contain("aws.s3.AccountPublicAccessBlock 'account' leaves public access open: restrictPublicBuckets=false");
        });
    });

    describe("s3-tls-only", () => {
        it("passes a SecureTransport deny (string or object document)", async () => {
            expect(await runStack(s3TlsOnly, bucketStack())).to.deep.equal([]);
            const obj = JSON.parse(tlsPolicy("acme-lake-gold"));
            expect(await runStack(s3TlsOnly, bucketStack({ policy: obj }))).to.deep.equal([]);
        });
        it("flags a bucket without a policy", async () => {
            expect((await runStack(s3TlsOnly, bucketStack({ policy: null })))[0].message).to.contain("has no bucket policy");
        });
        it("flags a policy without the deny", async () => {
            const v = await runStack(s3TlsOnly, bucketStack({ policy: tlsPolicy("acme-lake-gold", { Effect: "Allow" }) }));
            expect(v[0].message).to.contain("no statement denies s3:*");
        });
        it("flags a deny that misses the objects", async () => {
            const v = await runStack(s3TlsOnly, bucketStack({ policy: tlsPolicy("acme-lake-gold", { Resource: "arn:aws:s3:::acme-lake-gold" }) }));
            expect(v[0].message).to.contain("does not cover both");
        });
        it("flags a deny on the wrong condition value", async () => {
            const v = await runStack(s3TlsOnly, bucketStack({ policy: tlsPolicy("acme-lake-gold", { Condition: { Bool: { "aws:SecureTransport": "true" } } }) }));
            expect(v).to.have.length(1);
        });
        it("flags invalid JSON", async () => {
            expect((await runStack(s3TlsOnly, bucketStack({ policy: "{not json" })))[0].message).to.contain("not valid JSON");
        });
    });

    describe("athena-workgroup-encryption", () => {
        const wg = {
            name: "analysts",
            configuration: {
                enforceWorkgroupConfiguration: true,
                bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
                resultConfiguration: {
                    outputLocation: "s3://acme-athena-results/analysts/",
                    encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: KEY_ARN },
                },
            },
        };
        const run = (props: object, config = {}) => runResource(athenaWorkgroupEncryption, T.athenaWorkgroup, props as Record<string, unknown>, { name: "analysts", config });
        it("passes SSE_KMS with a CMK, enforced", async () => {
            expect(await run(wg)).to.deep.equal([]);
        });
        it("flags no encryption", async () => {
            const v = await run(flip(wg, "configuration.resultConfiguration.encryptionConfiguration", undefined));
            expect(v[0].message).to.contain("encryptionOption is not set (results unencrypted)");
        });
        it("flags SSE_S3", async () => {
            expect((await run(flip(wg, "configuration.resultConfiguration.encryptionConfiguration.encryptionOption", "SSE_S3")))[0].message).to.contain('"SSE_S3"');
        });
        it("flags a missing key unless CMKs aren't required", async () => {
            const noKey = flip(wg, "configuration.resultConfiguration.encryptionConfiguration.kmsKeyArn", undefined);
            expect((await run(noKey))[0].message).to.contain("kmsKeyArn: no KMS key is set");
            expect(await run(noKey, { requireCustomerManagedKey: false })).to.deep.equal([]);
        });
        it("flags enforceWorkgroupConfiguration false", async () => {
            expect((await run(flip(wg, "configuration.enforceWorkgroupConfiguration", false)))[0].message).to.contain("enforceWorkgroupConfiguration is false");
        });
        it("accepts managed query results with a CMK", async () => {
            const managed = flip(flip(wg, "configuration.resultConfiguration", undefined), "configuration.managedQueryResultsConfiguration", { enabled: true, encryptionConfiguration: { kmsKey: KEY_ARN } });
            expect(await run(managed)).to.deep.equal([]);
        });
    });

    describe("glue-catalog-encryption and glue-security-configuration", () => {
        const settings = {
            dataCatalogEncryptionSettings: {
                encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: KEY_ARN },
                connectionPasswordEncryption: { returnConnectionPasswordEncrypted: true, awsKmsKeyId: KEY_ARN },
            },
        };
        const sc = {
            name: "lake-etl",
            encryptionConfiguration: {
                s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: KEY_ARN },
                cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: KEY_ARN },
                jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: KEY_ARN },
            },
        };
        const stack = (s: object | null = settings, secCfg: object = sc, crawler: object = { databaseName: "sales_gold", role: "arn:aws:iam::123456789012:role/crawler", securityConfiguration: "lake-etl" }) => {
            const scRes = res(T.glueSecurityConfiguration, "etl", secCfg as Record<string, unknown>);
            return [
                res(T.glueCatalogDatabase, "db", { name: "sales_gold" }),
                ...(s ? [res(T.glueCatalogEncryption, "catalog", s as Record<string, unknown>)] : []),
                scRes,
                res(T.glueCrawler, "crawler", crawler as Record<string, unknown>),
                res(T.glueJob, "job", { roleArn: "r", command: { scriptLocation: "s3://x/y.py" }, securityConfiguration: "lake-etl" }),
            ];
        };
        it("passes an encrypted catalog and security configuration", async () => {
            expect(await runStack(glueCatalogEncryption, stack())).to.deep.equal([]);
            expect(await runStack(glueSecurityConfiguration, stack())).to.deep.equal([]);
        });
        it("flags a Glue stack without catalog encryption settings", async () => {
            const v = await runStack(glueCatalogEncryption, stack(null));
            expect(v).to.have.length(1);
            expect(v[0].message).to.contain("3 Glue resource(s)").and.contain("no aws.glue.DataCatalogEncryptionSettings");
            expect(v[0].urn).to.equal(undefined);
        });
        it("does not require settings in a stack with no Glue", async () => {
            expect(await runStack(glueCatalogEncryption, [res(T.bucket, "b", {})])).to.deep.equal([]);
        });
        it("flags DISABLED at-rest encryption and unencrypted connection passwords", async () => {
            const off = flip(settings, "dataCatalogEncryptionSettings.encryptionAtRest.catalogEncryptionMode", "DISABLED");
            expect((await runStack(glueCatalogEncryption, stack(off)))[0].message).to.contain('catalogEncryptionMode is "DISABLED"');
            const pw = flip(settings, "dataCatalogEncryptionSettings.connectionPasswordEncryption.returnConnectionPasswordEncrypted", false);
            expect((await runStack(glueCatalogEncryption, stack(pw)))[0].message).to.contain("returnConnectionPasswordEncrypted is not true");
            const key = flip(settings, "dataCatalogEncryptionSettings.encryptionAtRest.sseAwsKmsKeyId", "alias/aws/glue");
            expect((await runStack(glueCatalogEncryption, stack(key)))[0].message).to.contain("AWS-managed");
            expect(await runStack(glueCatalogEncryption, stack(key), { requireCustomerManagedKey: false })).to.deep.equal([]);
        });
        const scCases: [string, string][] = [
            ["s3Encryption.s3EncryptionMode", "SSE-S3"],
            ["cloudwatchEncryption.cloudwatchEncryptionMode", "DISABLED"],
            ["jobBookmarksEncryption.jobBookmarksEncryptionMode", "DISABLED"],
        ];
        for (const [field, value] of scCases) {
            it(`flags ${field} = ${value}`, async () => {
                const v = await runStack(glueSecurityConfiguration, stack(settings, flip(sc, `encryptionConfiguration.${field}`, value)));
                expect(v).to.have.length(1);
                expect(v[0].message).to.contain(`encryptionConfiguration.${field} is "${value}"`);
            });
        }
        it("flags a crawler without a security configuration", async () => {
            const v = await runStack(glueSecurityConfiguration, stack(settings, sc, { databaseName: "sales_gold", role: "r" }));
            expect(v[0].message).to.match(/^aws\.glue\.Crawler 'crawler' has no securityConfiguration/);
        });
        it("accepts an external configuration unless told not to", async () => {
            const ext = { databaseName: "sales_gold", role: "r", securityConfiguration: "shared-etl" };
            expect(await runStack(glueSecurityConfiguration, stack(settings, sc, ext))).to.deep.equal([]);
            const v = await runStack(glueSecurityConfiguration, stack(settings, sc, ext), { allowExternalSecurityConfigurations: false });
            expect(v[0].message).to.contain('"shared-etl", which is not declared in this stack');
        });
    });

    describe("redshift-encryption and redshift-not-public", () => {
        const cluster = { clusterIdentifier: "lake", nodeType: "ra3.xlplus", encrypted: "true", kmsKeyId: KEY_ARN, publiclyAccessible: false };
        it("passes an encrypted private cluster, namespace and workgroup", async () => {
            expect(await runResource(redshiftEncryption, T.redshiftCluster, cluster)).to.deep.equal([]);
            expect(await runResource(redshiftNotPublic, T.redshiftCluster, cluster)).to.deep.equal([]);
            expect(await runResource(redshiftEncryption, T.redshiftServerlessNamespace, { namespaceName: "lake", kmsKeyId: KEY_ARN })).to.deep.equal([]);
            expect(await runResource(redshiftNotPublic, T.redshiftServerlessWorkgroup, { workgroupName: "lake", namespaceName: "lake", publiclyAccessible: false })).to.deep.equal([]);
        });
        it("flags an unencrypted cluster", async () => {
            expect((await runResource(redshiftEncryption, T.redshiftCluster, flip(cluster, "encrypted", "false")))[0].message).to.contain('encrypted is "false"');
        });
        it("flags a cluster and a namespace without a CMK", async () => {
            expect((await runResource(redshiftEncryption, T.redshiftCluster, flip(cluster, "kmsKeyId", undefined)))[0].message).to.contain("aws/redshift");
            expect((await runResource(redshiftEncryption, T.redshiftServerlessNamespace, { namespaceName: "lake" }))[0].message).to.contain("AWS-owned key");
        });
        it("flags public endpoints", async () => {
            expect((await runResource(redshiftNotPublic, T.redshiftCluster, flip(cluster, "publiclyAccessible", true)))[0].message).to.contain("publiclyAccessible is true");
            expect(await runResource(redshiftNotPublic, T.redshiftServerlessWorkgroup, { workgroupName: "lake", namespaceName: "lake", publiclyAccessible: true })).to.have.length(1);
        });
        it("requires enhanced VPC routing only when configured", async () => {
            const config = { requireEnhancedVpcRouting: true };
            expect((await runResource(redshiftNotPublic, T.redshiftCluster, cluster, { config }))[0].message).to.contain("enhancedVpcRouting is not set (false)");
            expect(await runResource(redshiftNotPublic, T.redshiftCluster, flip(cluster, "enhancedVpcRouting", true), { config })).to.deep.equal([]);
        });
    });

    describe("stream-encryption", () => {
        const kinesis = { name: "events", shardCount: 1, encryptionType: "KMS", kmsKeyId: KEY_ARN };
        const firehose = { destination: "extended_s3", serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: KEY_ARN }, extendedS3Configuration: { bucketArn: "arn:aws:s3:::b", roleArn: "r" } };
        it("passes encrypted streams", async () => {
            expect(await runResource(streamEncryption, T.kinesisStream, kinesis)).to.deep.equal([]);
            expect(await runResource(streamEncryption, T.firehose, firehose)).to.deep.equal([]);
        });
        it("flags an unencrypted Kinesis stream", async () => {
            expect((await runResource(streamEncryption, T.kinesisStream, flip(kinesis, "encryptionType", undefined)))[0].message).to.contain("not set (NONE)");
        });
        it("flags KMS without a key id", async () => {
            expect((await runResource(streamEncryption, T.kinesisStream, flip(kinesis, "kmsKeyId", undefined)))[0].message).to.contain("kmsKeyId: no KMS key is set");
        });
        it("accepts aws/kinesis unless CMKs are required", async () => {
            const managed = flip(kinesis, "kmsKeyId", "alias/aws/kinesis");
            expect(await runResource(streamEncryption, T.kinesisStream, managed)).to.deep.equal([]);
            expect(await runResource(streamEncryption, T.kinesisStream, managed, { config: { requireCustomerManagedKey: true } })).to.have.length(1);
        });
        it("flags Firehose without SSE, but not when it reads from Kinesis", async () => {
            const off = flip(firehose, "serverSideEncryption", undefined);
            expect((await runResource(streamEncryption, T.firehose, off))[0].message).to.contain("serverSideEncryption.enabled is not set");
            const fromKinesis = flip(off, "kinesisSourceConfiguration", { kinesisStreamArn: "arn:aws:kinesis:eu-west-1:123456789012:stream/events", roleArn: "r" });
            expect(await runResource(streamEncryption, T.firehose, fromKinesis)).to.deep.equal([]);
        });
        it("flags AWS-owned Firehose keys when CMKs are required", async () => {
            const owned = flip(firehose, "serverSideEncryption", { enabled: true, keyType: "AWS_OWNED_CMK" });
            expect(await runResource(streamEncryption, T.firehose, owned)).to.deep.equal([]);
            expect((await runResource(streamEncryption, T.firehose, owned, { config: { requireCustomerManagedKey: true } }))[0].message).to.contain('keyType is "AWS_OWNED_CMK"');
        });
    });

    describe("secretsmanager-cmk and kms-key-rotation", () => {
        it("passes a secret with a CMK and flags the default key", async () => {
            expect(await runResource(secretsManagerCmk, T.secret, { name: "redshift-admin", kmsKeyId: KEY_ARN })).to.deep.equal([]);
            expect((await runResource(secretsManagerCmk, T.secret, { name: "redshift-admin" }))[0].message).to.contain("kmsKeyId: no KMS key is set");
            expect((await runResource(secretsManagerCmk, T.secret, { kmsKeyId: "alias/aws/secretsmanager" }))[0].message).to.contain("AWS-managed");
        });
        it("checks replicas' keys unless told not to", async () => {
            const replicated = { name: "x", kmsKeyId: KEY_ARN, replicas: [{ region: "eu-central-1" }] };
            expect((await runResource(secretsManagerCmk, T.secret, replicated))[0].message).to.contain("replicas[0] (region eu-central-1) kmsKeyId: no KMS key is set");
            expect(await runResource(secretsManagerCmk, T.secret, replicated, { config: { checkReplicas: false } })).to.deep.equal([]);
        });
        it("passes a rotating symmetric key", async () => {
            expect(await runResource(kmsKeyRotation, T.kmsKey, { enableKeyRotation: true, rotationPeriodInDays: 365 })).to.deep.equal([]);
        });
        it("flags a key without rotation and a too-long period", async () => {
            expect((await runResource(kmsKeyRotation, T.kmsKey, { description: "lake" }))[0].message).to.contain("enableKeyRotation is not set (false)");
            expect((await runResource(kmsKeyRotation, T.kmsKey, { enableKeyRotation: true, rotationPeriodInDays: 730 }))[0].message).to.contain("above the maximum of 365");
        });
        it("skips asymmetric and HMAC keys", async () => {
            expect(await runResource(kmsKeyRotation, T.kmsKey, { customerMasterKeySpec: "RSA_3072", keyUsage: "SIGN_VERIFY" })).to.deep.equal([]);
            expect(await runResource(kmsKeyRotation, T.kmsKey, { customerMasterKeySpec: "HMAC_256", keyUsage: "GENERATE_VERIFY_MAC" })).to.deep.equal([]);
        });
    });
});
