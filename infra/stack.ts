/**
 * Builds the whole lake from a validated config. The program entry (index.ts) and the tests call this same
 * function, so what the tests assert is what `pulumi up` deploys.
 */
import { LakeStorage } from "../components/storage";
import type { LakeConfig } from "./config";
import { Namer } from "./naming";
import { createAwsProvider } from "./providers";

export function buildLake(config: LakeConfig) {
    const namer = new Namer({ prefix: config.namePrefix, environment: config.environment, accountId: config.accountId });
    const provider = createAwsProvider(config);

    const storage = new LakeStorage(
        "lake",
        {
            namer,
            accountId: config.accountId,
            region: config.region,
            layers: config.storage,
            noncurrentVersionExpireDays: config.storage.noncurrentVersionExpireDays,
            abortIncompleteUploadDays: config.storage.abortIncompleteUploadDays,
            queryResultsExpireDays: config.storage.queryResultsExpireDays,
            accessLogsExpireDays: config.storage.accessLogsExpireDays,
            kmsKeyDeletionWindowDays: config.kmsKeyDeletionWindowDays,
            // Validation guarantees allowDataDestroy is false in prod.
            forceDestroy: config.allowDataDestroy,
            protectData: config.isProd,
        },
        { provider },
    );

    return {
        kmsKeyArn: storage.kmsKeyArn,
        bucketNames: {
            bronze: storage.layers.bronze.name,
            silver: storage.layers.silver.name,
            gold: storage.layers.gold.name,
            queryResults: storage.queryResults.name,
            accessLogs: storage.accessLogs.name,
        },
    };
}
