import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LAYERS, Layer, MARKERS } from "../../contract";
import { dataOptions, LakeContext } from "../shared/context";
import type { BucketRef } from "../shared/refs";
import { accessLogBucketPolicy, dataBucketPolicy, lakeKeyPolicy } from "./documents";
import { LifecycleArgs, lifecycleRules } from "./lifecycle";

export { lakeKeyPolicy, dataBucketPolicy, accessLogBucketPolicy } from "./documents";
export { lifecycleRules } from "./lifecycle";

export interface LayerRetention {
    /** Days until objects move to STANDARD_IA (S3 requires >= 30). @default never */
    transitionToIaDays?: number;
    /** Days until objects move to GLACIER_IR. @default never */
    transitionToGlacierDays?: number;
    /** Days until current objects expire. @default never: kept until deleted */
    expireDays?: number;
}

export interface LakeStorageArgs {
    /**
     * Names the buckets (`<prefix>-<env>-<purpose>-<account>`) and the key alias; its account owns the key and
     * buckets (the key policy trusts only it); its region scopes `kms:ViaService` and CloudWatch Logs; its protection
     * makes the buckets and the key `protect` + `retainOnDelete` (prod) or `forceDestroy` (dev with allowDataDestroy).
     */
    context: LakeContext;
    /** Tiering and expiry per layer. @default every layer keeps data forever in STANDARD */
    layers?: Partial<Record<Layer, LayerRetention>>;
    /** Days before noncurrent object versions are deleted. @default 30 */
    noncurrentVersionExpireDays?: number;
    /** Days before incomplete multipart uploads are aborted. @default 7 */
    abortIncompleteUploadDays?: number;
    /** Days Athena query results are kept. @default 30 */
    queryResultsExpireDays?: number;
    /** Days S3 server access logs are kept. @default 365 */
    accessLogsExpireDays?: number;
    /** Waiting period before the KMS key is deleted after removal (7-30). @default 30 */
    kmsKeyDeletionWindowDays?: number;
}

export interface LakeBucket extends BucketRef {
    name: pulumi.Output<string>;
    arn: pulumi.Output<string>;
}

/**
 * The lake's storage: a customer-managed KMS key and the layer buckets (bronze, silver, gold), the Athena query
 * results bucket and the S3 server access log bucket, each private, TLS-only, versioned and lifecycle-managed.
 */
export class LakeStorage extends pulumi.ComponentResource {
    readonly kmsKeyArn: pulumi.Output<string>;
    readonly kmsKeyId: pulumi.Output<string>;
    readonly kmsAliasName: pulumi.Output<string>;
    /** One bucket per layer. */
    readonly layers: Record<Layer, LakeBucket>;
    readonly queryResults: LakeBucket;
    readonly accessLogs: LakeBucket;

    constructor(name: string, args: LakeStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lake:storage:LakeStorage", name, {}, opts);
        const ctx = args.context;
        const dataOpts = dataOptions(ctx, this);
        const forceDestroy = ctx.protection.forceDestroy;

        const key = new aws.kms.Key(
            `${name}-key`,
            {
                description: `Lake data key (${ctx.namer.resource("lake")}): S3 layers, Glue catalog, Athena results, Firehose, Redshift, Secrets Manager, CloudWatch Logs`,
                enableKeyRotation: true,
                deletionWindowInDays: args.kmsKeyDeletionWindowDays ?? 30,
                policy: JSON.stringify(lakeKeyPolicy({ ...ctx.arn, platformRolePrefix: ctx.namer.resource("") })),
            },
            dataOpts,
        );
        const alias = new aws.kms.Alias(`${name}-key-alias`, { name: ctx.namer.kmsAlias("lake"), targetKeyId: key.keyId }, { parent: this });

        const accessLogs = new aws.s3.Bucket(`${name}-access-logs`, { bucket: ctx.namer.bucket("access-logs"), forceDestroy }, dataOpts);
        const shared = {
            abortIncompleteUploadDays: args.abortIncompleteUploadDays ?? 7,
            noncurrentVersionExpireDays: args.noncurrentVersionExpireDays ?? 30,
        };

        const dataBucket = (purpose: string, lifecycle: LifecycleArgs, tags: Record<string, string>): aws.s3.Bucket => {
            const bucket = new aws.s3.Bucket(`${name}-${purpose}`, { bucket: ctx.namer.bucket(purpose), forceDestroy, tags }, dataOpts);
            const child = { parent: this };
            const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
                `${name}-${purpose}-encryption`,
                {
                    bucket: bucket.id,
                    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
                },
                child,
            );
            secureBucketBasics(`${name}-${purpose}`, bucket, lifecycle, child);
            new aws.s3.BucketPolicy(
                `${name}-${purpose}-policy`,
                { bucket: bucket.id, policy: pulumi.all([bucket.arn, key.arn]).apply(([b, k]) => JSON.stringify(dataBucketPolicy(b, k))) },
                { ...child, dependsOn: [encryption] },
            );
            return bucket;
        };

        // Purpose -> bucket for every SSE-KMS data bucket; all of them log to the access-log bucket.
        const dataBuckets: Record<string, aws.s3.Bucket> = {};
        for (const layer of LAYERS) {
            dataBuckets[layer] = dataBucket(layer, { ...shared, ...(args.layers?.[layer] ?? {}) }, { [MARKERS.layer]: layer });
        }
        dataBuckets["query-results"] = dataBucket("query-results", { ...shared, expireDays: args.queryResultsExpireDays ?? 30 }, { "lake:purpose": "athena-query-results" });

        // Server access logs can't target an SSE-KMS bucket: S3 requires SSE-S3 here.
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-access-logs-encryption`,
            { bucket: accessLogs.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            { parent: this },
        );
        secureBucketBasics(`${name}-access-logs`, accessLogs, { ...shared, expireDays: args.accessLogsExpireDays ?? 365 }, { parent: this });
        const logPolicy = new aws.s3.BucketPolicy(
            `${name}-access-logs-policy`,
            {
                bucket: accessLogs.id,
                policy: pulumi
                    .all([accessLogs.arn, pulumi.all(Object.values(dataBuckets).map((b) => b.arn))])
                    .apply(([logArn, sources]) => JSON.stringify(accessLogBucketPolicy(logArn, ctx.arn.accountId, sources))),
            },
            { parent: this },
        );
        for (const [purpose, bucket] of Object.entries(dataBuckets)) {
            new aws.s3.BucketLogging(
                `${name}-${purpose}-logging`,
                { bucket: bucket.id, targetBucket: accessLogs.id, targetPrefix: `${purpose}/` },
                { parent: this, dependsOn: [logPolicy] },
            );
        }

        this.kmsKeyArn = key.arn;
        this.kmsKeyId = key.keyId;
        this.kmsAliasName = alias.name;
        const ref = (b: aws.s3.Bucket, purpose: string): LakeBucket => ({ name: b.bucket, arn: b.arn, bucketName: ctx.namer.bucket(purpose) });
        this.layers = Object.fromEntries(LAYERS.map((l) => [l, ref(dataBuckets[l], l)])) as Record<Layer, LakeBucket>;
        this.queryResults = ref(dataBuckets["query-results"], "query-results");
        this.accessLogs = ref(accessLogs, "access-logs");
        this.registerOutputs({
            kmsKeyArn: this.kmsKeyArn,
            kmsKeyId: this.kmsKeyId,
            kmsAliasName: this.kmsAliasName,
            layers: this.layers,
            queryResults: this.queryResults,
            accessLogs: this.accessLogs,
        });
    }
}

/** What every lake bucket gets: versioning, all four public access blocks, owner-enforced ownership, lifecycle. */
function secureBucketBasics(name: string, bucket: aws.s3.Bucket, lifecycle: LifecycleArgs, opts: pulumi.CustomResourceOptions): void {
    new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, opts);
    new aws.s3.BucketPublicAccessBlock(
        `${name}-public-access`,
        { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        opts,
    );
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts);
    new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, { bucket: bucket.id, rules: lifecycleRules(lifecycle) }, opts);
}
