import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { cmkAt } from "../lib/kms";
import { bool, list, peek, subject, UNKNOWN } from "../lib/props";
import { ofType, References } from "../lib/stack";
import { BUCKET_SSE_TYPES, BUCKET_TYPES, T } from "../lib/types";

const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];
const FIX =
    'add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket with rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: <your aws.kms.Key>.arn }, bucketKeyEnabled: true }]';

/**
 * Problems of one encryption rule (`rules[i]` or the deprecated inline `rule`), or [] when it is
 * SSE-KMS with a CMK. `logTarget`: the bucket receives S3 server access logs, which AWS can only
 * deliver to SSE-S3 buckets, so AES256 is the right setting there.
 */
function ruleProblems(
    rule: unknown,
    field: string,
    logTarget: boolean,
    c: S3EncryptionConfig,
    byDefault = "applyServerSideEncryptionByDefault",
): string[] {
    const algo = peek(rule, byDefault, "sseAlgorithm");
    if (algo === UNKNOWN || (logTarget && c.allowSseS3ForAccessLogTargets && algo === "AES256")) return [];
    if (typeof algo !== "string" || !KMS_ALGORITHMS.includes(algo)) {
        return [`${field}.${byDefault}.sseAlgorithm is ${algo === undefined ? "not set" : `"${algo}"`}, not "aws:kms"`];
    }
    const out: string[] = [];
    const key = cmkAt(rule, byDefault, "kmsMasterKeyId");
    if (key) out.push(`${field}.${byDefault}.kmsMasterKeyId: ${key}`);
    if (c.requireBucketKey && peek(rule, "bucketKeyEnabled") !== UNKNOWN && bool(rule, "bucketKeyEnabled") !== true) {
        out.push(`${field}.bucketKeyEnabled is not true (every object read and write calls KMS)`);
    }
    return out;
}

function sseConfigProblems(r: PolicyResource, logTarget: boolean, c: S3EncryptionConfig): string[] {
    const rules = list(r.props, "rules");
    if (rules.length === 0) return peek(r.props, "rules") === UNKNOWN ? [] : ["it has no rules"];
    return rules.flatMap((rule, i) => ruleProblems(rule, `rules[${i}]`, logTarget, c));
}

/**
 * The deprecated inline encryption of a bucket: v7 Bucket's `serverSideEncryptionConfiguration.rule`,
 * or the v6-shaped BucketV2's `serverSideEncryptionConfigurations[].rules[].applyServerSideEncryptionByDefaults[]`.
 * undefined when the bucket declares none.
 */
function inlineProblems(b: PolicyResource, logTarget: boolean, c: S3EncryptionConfig): string[] | undefined {
    const rule = peek(b.props, "serverSideEncryptionConfiguration", "rule");
    if (rule !== undefined && rule !== null) return ruleProblems(rule, "serverSideEncryptionConfiguration.rule", logTarget, c);
    const configs = list(b.props, "serverSideEncryptionConfigurations");
    if (configs.length === 0) return undefined;
    return configs.flatMap((conf, i) =>
        list(conf, "rules").flatMap((r, j) =>
            ruleProblems(r, `serverSideEncryptionConfigurations[${i}].rules[${j}]`, logTarget, c, "applyServerSideEncryptionByDefaults"),
        ),
    );
}

export interface S3EncryptionConfig {
    allowSseS3ForAccessLogTargets: boolean;
    requireBucketKey: boolean;
}

const configSchema: PolicyConfigSchema = {
    properties: {
        allowSseS3ForAccessLogTargets: {
            type: "boolean",
            default: true,
            description: "Accept AES256 on buckets a BucketLogging names as targetBucket (S3 server access logs can't be delivered to SSE-KMS buckets).",
        },
        requireBucketKey: {
            type: "boolean",
            default: false,
            description: "Also require bucketKeyEnabled: true, which cuts KMS request costs for lake-scale object counts.",
        },
    },
};

/**
 * Every bucket is encrypted with SSE-KMS under a customer-managed key. With @pulumi/aws v7 the
 * encryption is a separate BucketServerSideEncryptionConfiguration resource (or its deprecated V2
 * alias), so this is a stack policy: a bucket with no matching configuration in the stack is a
 * violation (matching rules: policies/lib/stack.ts). The deprecated inline
 * `serverSideEncryptionConfiguration` on the bucket is judged the same way. Buckets that a
 * BucketLogging in the stack names as `targetBucket` may use SSE-S3: server access log delivery
 * does not support SSE-KMS destinations.
 */
export const s3BucketKmsEncryption: StackValidationPolicy = {
    name: "s3-bucket-kms-encryption",
    description:
        "S3 buckets have a server-side encryption configuration using SSE-KMS with a customer-managed KMS key (not AES256, not aws/s3); server access log target buckets may use SSE-S3, the only encryption log delivery supports.",
    severity: "high",
    tags: ["security", "encryption", "s3"],
    configSchema,
    remediationSteps: FIX,
    validateStack: (args, report) => {
        const config = cfg<S3EncryptionConfig>(args, configSchema);
        const buckets = ofType(args.resources, BUCKET_TYPES);
        const configs = ofType(args.resources, BUCKET_SSE_TYPES);
        const loggings = ofType(args.resources, [T.bucketLogging, T.bucketLoggingV2]);
        const refs = new References(buckets);
        const logRefs = new References(buckets, ["targetBucket"]);
        const logTargets = new Set(loggings.flatMap((l) => logRefs.targets(l)).map((b) => b.urn));
        for (const c of configs) {
            const bucket = refs.targetOf(c);
            const problems = sseConfigProblems(c, bucket !== undefined && logTargets.has(bucket.urn), config);
            if (problems.length > 0) {
                report(`${subject(c)}: ${problems.join("; ")}. Fix: set sseAlgorithm "aws:kms" and kmsMasterKeyId to a customer-managed key's ARN.`, c.urn);
            }
        }
        for (const b of buckets) {
            const problems = inlineProblems(b, logTargets.has(b.urn), config);
            if (problems !== undefined) {
                if (problems.length > 0) report(`${subject(b)}: ${problems.join("; ")}. Fix: ${FIX}.`, b.urn);
                continue;
            }
            if (refs.configsOf(b, configs).length === 0) {
                report(`${subject(b)} has no server-side encryption configuration in this stack, so it gets the account default (SSE-S3, AES256). Fix: ${FIX}.`, b.urn);
            }
        }
    },
};
