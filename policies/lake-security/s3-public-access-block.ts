import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { bool, peek, subject, UNKNOWN } from "../lib/props";
import { ofType, References } from "../lib/stack";
import { BUCKET_TYPES, T } from "../lib/types";

const PAB_FIELDS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;
const PAB_FIX = `add an aws.s3.BucketPublicAccessBlock for the bucket with ${PAB_FIELDS.map((f) => `${f}: true`).join(", ")}`;

export interface PublicAccessBlockConfig {
    acceptAccountLevelBlock: boolean;
}

const pabSchema: PolicyConfigSchema = {
    properties: {
        acceptAccountLevelBlock: {
            type: "boolean",
            default: false,
            description:
                "Let an aws.s3.AccountPublicAccessBlock in this stack with all four settings on stand in for per-bucket blocks. Off by default: the bucket-level block survives the bucket moving accounts or the account block being relaxed.",
        },
    },
};

const allOn = (r: PolicyResource) => PAB_FIELDS.filter((f) => peek(r.props, f) !== UNKNOWN && bool(r.props, f) !== true);

/** All four S3 public access block settings are on for every bucket. Stack policy: the block is its own resource. */
export const s3PublicAccessBlock: StackValidationPolicy = {
    name: "s3-public-access-block",
    description: "Every S3 bucket has a BucketPublicAccessBlock with all four settings true.",
    severity: "critical",
    tags: ["security", "s3"],
    configSchema: pabSchema,
    remediationSteps: PAB_FIX,
    validateStack: (args, report) => {
        const { acceptAccountLevelBlock } = cfg<PublicAccessBlockConfig>(args, pabSchema);
        const buckets = ofType(args.resources, BUCKET_TYPES);
        const blocks = ofType(args.resources, [T.bucketPublicAccessBlock]);
        const account = ofType(args.resources, [T.accountPublicAccessBlock]);
        const accountCovers = acceptAccountLevelBlock && account.some((a) => allOn(a).length === 0);
        for (const pab of [...blocks, ...account]) {
            const off = allOn(pab);
            if (off.length > 0) {
                const shown = off.map((f) => `${f}=${bool(pab.props, f) ?? "not set"}`).join(", ");
                report(`${subject(pab)} leaves public access open: ${shown}. Fix: set ${off.map((f) => `${f}: true`).join(", ")}.`, pab.urn);
            }
        }
        const refs = new References(buckets);
        for (const b of buckets) {
            if (!accountCovers && refs.configsOf(b, blocks).length === 0) {
                report(`${subject(b)} has no public access block in this stack. Fix: ${PAB_FIX}.`, b.urn);
            }
        }
    },
};
