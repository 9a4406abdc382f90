import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { bool, num, peek, str, subject, UNKNOWN } from "../lib/props";
import { T } from "../lib/types";

export interface KeyRotationConfig {
    maxRotationPeriodDays: number;
}

const rotationSchema: PolicyConfigSchema = {
    properties: {
        maxRotationPeriodDays: {
            type: "integer",
            minimum: 90,
            maximum: 2560,
            default: 365,
            description: "Longest accepted rotationPeriodInDays (AWS allows 90-2560; the default rotation period is 365).",
        },
    },
};

/**
 * Symmetric encryption keys rotate automatically. Asymmetric and HMAC keys (and keys in custom key
 * stores) can't rotate in KMS, so they are out of scope.
 */
export const kmsKeyRotation: ResourceValidationPolicy = {
    name: "kms-key-rotation",
    description: "Symmetric customer-managed KMS keys have automatic rotation enabled, with a rotation period no longer than the configured maximum.",
    severity: "medium",
    tags: ["security", "encryption", "kms"],
    configSchema: rotationSchema,
    remediationSteps: "Set enableKeyRotation: true (and rotationPeriodInDays within the limit) on the aws.kms.Key.",
    validateResource: (args, report) => {
        if (args.type !== T.kmsKey) return;
        const { maxRotationPeriodDays } = cfg<KeyRotationConfig>(args, rotationSchema);
        const spec = str(args.props, "customerMasterKeySpec") ?? "SYMMETRIC_DEFAULT";
        const usage = str(args.props, "keyUsage") ?? "ENCRYPT_DECRYPT";
        if (spec !== "SYMMETRIC_DEFAULT" || usage !== "ENCRYPT_DECRYPT" || str(args.props, "customKeyStoreId")) return;
        if (peek(args.props, "enableKeyRotation") === UNKNOWN) return;
        if (bool(args.props, "enableKeyRotation") !== true) {
            report(`${subject(args)}: enableKeyRotation is ${bool(args.props, "enableKeyRotation") ?? "not set (false)"}. Fix: set enableKeyRotation: true.`);
            return;
        }
        const period = num(args.props, "rotationPeriodInDays");
        if (period !== undefined && period > maxRotationPeriodDays) {
            report(`${subject(args)}: rotationPeriodInDays is ${period}, above the maximum of ${maxRotationPeriodDays}. Fix: set rotationPeriodInDays to ${maxRotationPeriodDays} or less.`);
        }
    },
};
