import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LAYERS, Layer, MARKERS, PLATFORM_RESOURCES } from "../../contract";
import { dataOptions, LakeContext } from "../shared/context";
import type { BucketRef } from "../shared/refs";
import { accessLogBucketPolicy, dataBucketPolicy, lakeKeyPolicy } from "./documents";
import { LifecycleArgs, lifecycleRules } from "./lifecycle";

export { lakeKeyPolicy, dataBucketPolicy, accessLogBucketPolicy } from "./documents";
export { lifecycleRules, MAX_LIFECYCLE_RULES } from "./lifecycle";

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
    /**
     * Datasets whose files must be gone after `days` (their `retentionDays`), per layer bucket: each gets a lifecycle
     * rule on its prefix that expires current objects after `days` and their noncurrent versions a day later, whatever
     * the layer's own expiry (S3 applies the earliest matching action).
     * @default none: every object follows its layer's lifecycle
     */
    datasetRetention?: Partial<Record<Layer, readonly DatasetRetention[]>>;
    /** Days before noncurrent object versions are deleted. @default 30 */
    noncurrentVersionExpireDays?: number;
    /** Days before incomplete multipart uploads are aborted. @default 7 */
    abortIncompleteUploadDays?: number;
    /** Days Athena query results are kept. @default 30 */
    queryResultsExpireDays?: number;
    /** Days S3 server access logs are kept. @default 365 */
    accessLogsExpireDays?: number;
    /**
     * IAM role/user ARNs that administer the lake key (the key policy's only administrators; they can't use it for
     * data). Must include whoever runs `pulumi up`: KMS refuses a key policy that locks out its caller.
     */
    keyAdministrators: readonly string[];
    /** Waiting period before the KMS key is deleted after removal (7-30). @default 30 */
    kmsKeyDeletionWindowDays?: number;
}

/** One dataset's retention, enforced on its prefix. */
export interface DatasetRetention {
    /** Dataset name (the rule's id is `retention-<dataset>`). */
    dataset: string;
    /** Key prefix of the dataset's files in its layer bucket, e.g. `crm/customer/`. */
    prefix: string;
    /** Days after which its objects expire. */
    days: number;
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
    private readonly context: LakeContext;
    private readonly key: aws.kms.Key;
    private readonly keyArgs: { name: string; keyAdministrators: readonly string[]; protect: pulumi.CustomResourceOptions };
    private readonly keyUsers: pulumi.Input<string>[] = [];
    private readonly keyServices = new Set<string>();
    private keyPolicy?: aws.kms.KeyPolicy;

    constructor(name: string, args: LakeStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lake:storage:LakeStorage", name, {}, opts);
        const ctx = args.context;
        this.context = ctx;
        const dataOpts = dataOptions(ctx, this);
        const forceDestroy = ctx.protection.forceDestroy;

        const key = new aws.kms.Key(
            `${name}-key`,
            {
                description: `Lake data key (${ctx.namer.resource(PLATFORM_RESOURCES.kmsKey.purpose)}): S3 layers, Glue catalog, Athena results, Firehose, Redshift, Secrets Manager, CloudWatch Logs`,
                enableKeyRotation: true,
                deletionWindowInDays: args.kmsKeyDeletionWindowDays ?? 30,
            },
            dataOpts,
        );
        const alias = new aws.kms.Alias(`${name}-key-alias`, { name: ctx.namer.kmsAlias(PLATFORM_RESOURCES.kmsKey.purpose), targetKeyId: key.keyId }, { parent: this });

        const accessLogs = new aws.s3.Bucket(`${name}-access-logs`, { bucket: ctx.namer.bucket("access-logs"), forceDestroy }, dataOpts);
        const shared = {
            abortIncompleteUploadDays: args.abortIncompleteUploadDays ?? 7,
            noncurrentVersionExpireDays: args.noncurrentVersionExpireDays ?? 30,
        };

        const dataBucket = (purpose: string, lifecycle: LifecycleArgs, tags: Record<string, string>): aws.s3.Bucket => {
            const bucket = new aws.s3.Bucket(`${name}-${purpose}`, { bucket: ctx.namer.bucket(purpose), forceDestroy, tags }, dataOpts);
            // The configuration that protects the data is as protected as the data (prod: protect + retainOnDelete).
            const child = dataOpts;
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
            const retention = args.datasetRetention?.[layer] ?? [];
            dataBuckets[layer] = dataBucket(layer, { ...shared, ...(args.layers?.[layer] ?? {}), datasetRetention: retention }, { [MARKERS.layer]: layer });
        }
        dataBuckets["query-results"] = dataBucket("query-results", { ...shared, expireDays: args.queryResultsExpireDays ?? 30 }, { "lake:purpose": "athena-query-results" });

        // Server access logs can't target an SSE-KMS bucket: S3 requires SSE-S3 here.
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-access-logs-encryption`,
            { bucket: accessLogs.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            dataOpts,
        );
        secureBucketBasics(`${name}-access-logs`, accessLogs, { ...shared, expireDays: args.accessLogsExpireDays ?? 365 }, dataOpts);
        const logPolicy = new aws.s3.BucketPolicy(
            `${name}-access-logs-policy`,
            {
                bucket: accessLogs.id,
                policy: pulumi
                    .all([accessLogs.arn, pulumi.all(Object.values(dataBuckets).map((b) => b.arn))])
                    .apply(([logArn, sources]) => JSON.stringify(accessLogBucketPolicy(logArn, ctx.arn.accountId, sources))),
            },
            dataOpts,
        );
        for (const [purpose, bucket] of Object.entries(dataBuckets)) {
            new aws.s3.BucketLogging(
                `${name}-${purpose}-logging`,
                { bucket: bucket.id, targetBucket: accessLogs.id, targetPrefix: `${purpose}/` },
                { ...dataOpts, dependsOn: [logPolicy] },
            );
        }

        this.key = key;
        this.keyArgs = { name, keyAdministrators: args.keyAdministrators, protect: dataOpts };
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

    /** Let one of the platform's own roles use the key directly (client-side encryption of logs and bookmarks). */
    grantKeyUse(roleArn: pulumi.Input<string>): void {
        this.assertKeyPolicyOpen();
        this.keyUsers.push(roleArn);
    }

    /** Let an AWS service principal (e.g. `events.amazonaws.com`) use the key to deliver into the platform's encrypted resources. */
    grantServiceKeyUse(servicePrincipal: string): void {
        this.assertKeyPolicyOpen();
        this.keyServices.add(servicePrincipal);
    }

    private assertKeyPolicyOpen(): void {
        if (this.keyPolicy) throw new pulumi.ResourceError("LakeStorage: the key policy was already committed; grant key use before commitKeyPolicy()", this);
    }

    /**
     * Writes the key policy, once every platform role that uses the key exists: the policy names them as principals
     * (KMS rejects principals that don't exist yet), so it is its own resource, after the roles. Until it is in
     * place on the first deploy, the new (empty) key has KMS's default policy.
     */
    commitKeyPolicy(): aws.kms.KeyPolicy {
        if (this.keyPolicy) throw new pulumi.ResourceError("LakeStorage: commitKeyPolicy() was called twice", this);
        const ctx = this.context;
        this.keyPolicy = new aws.kms.KeyPolicy(
            `${this.keyArgs.name}-key-policy`,
            {
                keyId: this.key.keyId,
                policy: pulumi.all(this.keyUsers).apply((platformRoleArns) =>
                    JSON.stringify(lakeKeyPolicy({ ...ctx.arn, keyAdministrators: this.keyArgs.keyAdministrators, platformRoleArns, servicePrincipals: [...this.keyServices].sort() })),
                ),
                bypassPolicyLockoutSafetyCheck: false,
            },
            this.keyArgs.protect,
        );
        return this.keyPolicy;
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
