import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { cmkAt } from "../lib/kms";
import { list, str, subject } from "../lib/props";
import { T } from "../lib/types";

export interface SecretsCmkConfig {
    checkReplicas: boolean;
}

const secretsSchema: PolicyConfigSchema = {
    properties: {
        checkReplicas: {
            type: "boolean",
            default: true,
            description: "Also require a customer-managed key on every cross-region replica (replicas[].kmsKeyId).",
        },
    },
};

/** Secrets Manager secrets (and their replicas) use a customer-managed key, not the default aws/secretsmanager. */
export const secretsManagerCmk: ResourceValidationPolicy = {
    name: "secretsmanager-cmk",
    description: "Secrets Manager secrets are encrypted with a customer-managed KMS key (not aws/secretsmanager).",
    severity: "medium",
    tags: ["security", "encryption", "secrets"],
    configSchema: secretsSchema,
    remediationSteps: "Set kmsKeyId to a customer-managed aws.kms.Key's ARN (and replicas[].kmsKeyId to one in each replica region); grant kms:Decrypt only to the secret's readers.",
    validateResource: (args, report) => {
        if (args.type !== T.secret) return;
        const { checkReplicas } = cfg<SecretsCmkConfig>(args, secretsSchema);
        const key = cmkAt(args.props, "kmsKeyId");
        if (key) {
            report(`${subject(args)}: kmsKeyId: ${key}, so anyone allowed to read secrets in the account can decrypt it. Fix: set kmsKeyId to a customer-managed aws.kms.Key's ARN.`);
        }
        if (!checkReplicas) return;
        list(args.props, "replicas").forEach((replica, i) => {
            const problem = cmkAt(replica, "kmsKeyId");
            if (problem) {
                report(`${subject(args)}: replicas[${i}] (region ${str(replica, "region") ?? "not set"}) kmsKeyId: ${problem}. Fix: set replicas[${i}].kmsKeyId to a customer-managed key in that region.`);
            }
        });
    },
};
