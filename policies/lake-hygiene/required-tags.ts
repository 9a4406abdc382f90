import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { effectiveTags } from "../lib/lake";
import { isUnknown, subject } from "../lib/props";
import { T } from "../lib/types";

/** Taggable types that make up a lake (each has a `tags` input in @pulumi/aws 7). */
export const DEFAULT_TAGGED_TYPES: string[] = [
    T.bucket,
    T.bucketV2,
    T.glueCatalogDatabase,
    T.glueCrawler,
    T.glueJob,
    T.glueConnection,
    T.athenaWorkgroup,
    "aws:athena/dataCatalog:DataCatalog",
    T.redshiftCluster,
    T.redshiftServerlessNamespace,
    T.redshiftServerlessWorkgroup,
    T.kinesisStream,
    T.firehose,
    T.secret,
    T.kmsKey,
    "aws:iam/role:Role",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:lambda/function:Function",
    "aws:sns/topic:Topic",
    "aws:sqs/queue:Queue",
];

export interface RequiredTagsConfig {
    requiredTags: string[];
    resourceTypes: string[];
}

const configSchema: PolicyConfigSchema = {
    properties: {
        requiredTags: {
            type: "array",
            items: { type: "string", minLength: 1 },
            uniqueItems: true,
            default: ["owner", "cost-center", "data-classification", "environment"],
            description: "Tag keys every resource must carry, from its own tags or the provider's defaultTags.",
        },
        resourceTypes: {
            type: "array",
            items: { type: "string", minLength: 1 },
            default: DEFAULT_TAGGED_TYPES,
            description: "Pulumi type tokens the rule applies to (taggable types only).",
        },
    },
};

/**
 * Cost and ownership tags on every taggable lake resource. Tags set through the AWS provider's
 * `defaultTags` (how the platform tags) count: a resource policy sees them on `args.provider`.
 */
export const requiredTags: ResourceValidationPolicy = {
    name: "required-tags",
    description: "Taggable lake resources carry the required tags (owner, cost-center, data-classification, environment by default), counting the provider's defaultTags.",
    severity: "low",
    tags: ["hygiene", "cost"],
    configSchema,
    remediationSteps: "Set the missing keys in the AWS provider's defaultTags (preferred) or in the resource's tags, with non-empty values.",
    validateResource: (args, report) => {
        const { requiredTags: required, resourceTypes } = cfg<RequiredTagsConfig>(args, configSchema);
        // Tags computed from outputs (here or in the provider's defaultTags) are judged once known.
        if (!resourceTypes.includes(args.type) || isUnknown(args.props, "tags") || isUnknown(args.provider?.props, "defaultTags")) return;
        const tags = effectiveTags(args);
        const missing = required.filter((k) => !(k in tags));
        const empty = required.filter((k) => k in tags && tags[k].trim() === "");
        if (missing.length === 0 && empty.length === 0) return;
        const parts: string[] = [];
        if (missing.length > 0) parts.push(`missing tag(s) ${missing.map((k) => `"${k}"`).join(", ")}`);
        if (empty.length > 0) parts.push(`empty tag(s) ${empty.map((k) => `"${k}"`).join(", ")}`);
        const present = Object.keys(tags);
        report(
            `${subject(args)}: ${parts.join(" and ")} (has ${present.length > 0 ? present.map((k) => `"${k}"`).join(", ") : "no tags"}, including the provider's defaultTags). ` +
                `Fix: add ${[...missing, ...empty].map((k) => `"${k}"`).join(", ")} to the AWS provider's defaultTags.tags or to this resource's tags.`,
        );
    },
};
