import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { MARKERS } from "../../contract";
import { cfg } from "../lib/config";
import { list, num, peek, str, stringMap, subject } from "../lib/props";
import { References, ofType } from "../lib/stack";
import { BUCKET_TYPES, T } from "../lib/types";

export interface RetentionConfig {
    /** Classifications whose tables must have their retention enforced by a lifecycle rule. */
    classifications: string[];
}

const configSchema: PolicyConfigSchema = {
    properties: {
        classifications: {
            type: "array",
            items: { type: "string", minLength: 1 },
            default: ["pii", "confidential"],
            description: "`lake:classification` values whose tables must be deleted within their Glue `retention` days by an S3 lifecycle rule.",
        },
    },
};

/** `s3://bucket/prefix/` -> [bucket, prefix without a leading slash]. */
function splitUri(uri: string): [string, string] | undefined {
    const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
    return m ? [m[1], m[2]] : undefined;
}

/** An enabled lifecycle rule that expires current objects under `prefix` after `days`. */
interface ExpiryRule {
    prefix: string;
    days: number;
}

/**
 * The enabled expiring rules of a lifecycle configuration that cover whole prefixes, read once per configuration
 * (a layer bucket has a rule per dataset with a retention, and every table of the layer is checked against them).
 */
export function expiryRules(lifecycle: PolicyResource): ExpiryRule[] {
    const out: ExpiryRule[] = [];
    const rules = list(lifecycle.props, "rules");
    for (let i = 0; i < rules.length; i++) {
        if (str(rules, i, "status") !== "Enabled") continue;
        const days = num(rules, i, "expiration", "days");
        if (days === undefined) continue;
        // A rule without a prefix covers the bucket; tag or size filters narrow it to some objects only.
        const filter = peek(rules, i, "filter");
        const prefix = str(rules, i, "filter", "prefix") ?? str(rules, i, "filter", "and", "prefix") ?? "";
        const narrowed = peek(filter, "tag") !== undefined || peek(filter, "and", "tags") !== undefined || peek(filter, "objectSizeGreaterThan") !== undefined;
        if (!narrowed) out.push({ prefix, days });
    }
    return out;
}

/** The shortest expiry (days) of `rules` that cover `key`. */
export function expiryFor(rules: readonly ExpiryRule[], key: string): number | undefined {
    let best: number | undefined;
    for (const { prefix, days } of rules) if (key.startsWith(prefix)) best = best === undefined ? days : Math.min(best, days);
    return best;
}

/**
 * A table that promises a retention (Glue `retention`, from the dataset file's `retentionDays`) for pii or
 * confidential data keeps it only if an S3 lifecycle rule on its bucket expires its prefix within those days.
 * Metadata alone deletes nothing: a bronze lifecycle of 730 days keeps "90-day" personal data for two years.
 */
export const datasetRetentionEnforced: StackValidationPolicy = {
    name: "dataset-retention-enforced",
    description: "pii and confidential tables with a retention are expired by an S3 lifecycle rule on their prefix within that many days.",
    severity: "high",
    tags: ["hygiene", "data-protection", "retention"],
    configSchema,
    remediationSteps: "Add a lifecycle rule on the table's prefix with expiration.days <= its retention (the platform does this for each dataset's retentionDays), or shorten the layer's expiry.",
    validateStack: (args, report) => {
        const { classifications } = cfg<RetentionConfig>(args, configSchema);
        const buckets = ofType(args.resources, BUCKET_TYPES);
        const lifecycleConfigs = ofType(args.resources, [T.bucketLifecycle, T.bucketLifecycleV2]);
        const refs = new References(buckets, ["bucket"]);
        const rulesOf = new Map(lifecycleConfigs.map((c) => [c, expiryRules(c)]));
        for (const table of ofType(args.resources, [T.glueCatalogTable])) {
            const retention = num(table.props, "retention");
            const classification = stringMap(table.props, "parameters")[MARKERS.classification];
            if (!retention || !classification || !classifications.includes(classification)) continue;
            const location = str(table.props, "storageDescriptor", "location");
            const parts = location ? splitUri(location) : undefined;
            if (!parts) continue;
            const [bucketName, key] = parts;
            const bucket = buckets.find((b) => str(b.props, "bucket") === bucketName);
            // A bucket outside this stack has a lifecycle this check can't see.
            if (!bucket) continue;
            const configs = refs.configsOf(bucket, lifecycleConfigs);
            const expiry = configs.map((c) => expiryFor(rulesOf.get(c)!, key)).filter((d): d is number => d !== undefined);
            const shortest = expiry.length ? Math.min(...expiry) : undefined;
            if (shortest === undefined || shortest > retention) {
                report(
                    `${subject(table)} is ${classification} with a retention of ${retention} days, but ${shortest === undefined ? "no lifecycle rule expires" : `the earliest lifecycle expiry of`} s3://${bucketName}/${key}${shortest === undefined ? "" : ` is ${shortest} days`}: the data outlives its retention. Fix: a lifecycle rule on prefix '${key}' with expiration.days <= ${retention} (datasets get one from retentionDays).`,
                    table.urn,
                );
            }
        }
    },
};
