import type * as aws from "@pulumi/aws";

type Rule = aws.types.input.s3.BucketLifecycleConfigurationRule;

export interface LifecycleArgs {
    abortIncompleteUploadDays: number;
    noncurrentVersionExpireDays: number;
    transitionToIaDays?: number;
    /** Moves to GLACIER_IR: instant retrieval, so Athena can still read it. */
    transitionToGlacierDays?: number;
    expireDays?: number;
    /** Per-dataset expiry on its prefix (retentionDays). */
    datasetRetention?: readonly { dataset: string; prefix: string; days: number }[];
}

/** S3 allows at most 1,000 lifecycle rules per bucket. */
export const MAX_LIFECYCLE_RULES = 1000;

/** Lifecycle rules for one bucket. Every bucket aborts incomplete uploads and expires old versions. */
export function lifecycleRules(a: LifecycleArgs): Rule[] {
    const everything = {};
    const rules: Rule[] = [
        {
            id: "abort-incomplete-multipart-uploads",
            status: "Enabled",
            filter: everything,
            abortIncompleteMultipartUpload: { daysAfterInitiation: a.abortIncompleteUploadDays },
        },
        {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: everything,
            noncurrentVersionExpiration: { noncurrentDays: a.noncurrentVersionExpireDays },
            // Without a days-based expiry, clean up delete markers left once all versions are gone.
            ...(a.expireDays === undefined ? { expiration: { expiredObjectDeleteMarker: true } } : {}),
        },
    ];
    const transitions = [
        a.transitionToIaDays === undefined ? undefined : { days: a.transitionToIaDays, storageClass: "STANDARD_IA" },
        a.transitionToGlacierDays === undefined ? undefined : { days: a.transitionToGlacierDays, storageClass: "GLACIER_IR" },
    ].filter((t): t is { days: number; storageClass: string } => t !== undefined);
    if (transitions.length || a.expireDays !== undefined) {
        rules.push({
            id: "tiering-and-expiry",
            status: "Enabled",
            filter: everything,
            ...(transitions.length ? { transitions } : {}),
            ...(a.expireDays === undefined ? {} : { expiration: { days: a.expireDays } }),
        });
    }
    for (const r of a.datasetRetention ?? []) {
        rules.push({
            id: `retention-${r.dataset}`,
            status: "Enabled",
            filter: { prefix: r.prefix },
            expiration: { days: r.days },
            // Expired objects become noncurrent versions: they go a day later, not after the bucket-wide window.
            noncurrentVersionExpiration: { noncurrentDays: 1 },
        });
    }
    if (rules.length > MAX_LIFECYCLE_RULES) {
        throw new Error(`${rules.length} lifecycle rules for one bucket; S3 allows ${MAX_LIFECYCLE_RULES}: give fewer datasets of this layer their own retentionDays`);
    }
    return rules;
}
