import type { Policies } from "@pulumi/policy";
import { athenaBytesScannedCutoff } from "./athena-bytes-scanned-cutoff";
import { datasetRetentionEnforced } from "./dataset-retention-enforced";
import { prodDataProtection } from "./prod-data-protection";
import { requiredTags } from "./required-tags";

export const packName = "lake-hygiene";
export const description =
    "Operational hygiene for the lake: required cost/ownership tags, Athena per-query scan cutoffs, delete protection for data and its protective configuration in prod, retention enforced by lifecycle rules.";

/** Importable without starting a policy server (index.ts does that). */
export const policies: Policies = [requiredTags, athenaBytesScannedCutoff, prodDataProtection, datasetRetentionEnforced];
