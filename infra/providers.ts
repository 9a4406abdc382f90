import * as aws from "@pulumi/aws";
import type { LakeConfig } from "./config";
import { defaultTags } from "./tags";

/**
 * The stack's AWS provider: pinned to the configured region and account (a dev config can't deploy into the prod
 * account, nor the reverse) and tagging every taggable resource.
 */
export function createAwsProvider(config: LakeConfig): aws.Provider {
    return new aws.Provider("lake-aws", {
        region: config.region as aws.Region,
        allowedAccountIds: [config.accountId],
        defaultTags: { tags: defaultTags(config) },
    });
}
