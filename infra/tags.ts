import type { LakeConfig } from "./config";

/** Tag keys every taggable resource carries (through the AWS provider's defaultTags). The policy packs require them. */
export const REQUIRED_TAG_KEYS = ["owner", "cost-center", "data-classification", "environment"] as const;

/** Default tags for every taggable resource of the stack. */
export function defaultTags(config: LakeConfig): Record<string, string> {
    return {
        owner: config.tags.owner,
        "cost-center": config.tags.costCenter,
        "data-classification": config.tags.dataClassification,
        environment: config.environment,
        "managed-by": "pulumi",
        "pulumi-project": config.project,
        "pulumi-stack": config.stack,
    };
}
