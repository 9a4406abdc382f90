import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { cmkAt, requireCmkSchema } from "../lib/kms";
import { bool, subject } from "../lib/props";
import { T } from "../lib/types";

export interface RedshiftEncryptionConfig {
    requireCustomerManagedKey: boolean;
}

const encSchema: PolicyConfigSchema = {
    properties: { requireCustomerManagedKey: requireCmkSchema(true, "Redshift clusters and Serverless namespaces") },
};

/**
 * Redshift data is KMS-encrypted: provisioned clusters keep `encrypted` on (the provider default)
 * and, like Serverless namespaces (which otherwise use an AWS-owned key), name a customer-managed key.
 */
export const redshiftEncryption: ResourceValidationPolicy = {
    name: "redshift-encryption",
    description:
        "Redshift provisioned clusters and Redshift Serverless namespaces are encrypted with a customer-managed KMS key.",
    severity: "high",
    tags: ["security", "encryption", "redshift"],
    configSchema: encSchema,
    remediationSteps: "Set kmsKeyId to a customer-managed aws.kms.Key's ARN (and keep encrypted true on clusters).",
    validateResource: (args, report) => {
        if (args.type !== T.redshiftCluster && args.type !== T.redshiftServerlessNamespace) return;
        const { requireCustomerManagedKey } = cfg<RedshiftEncryptionConfig>(args, encSchema);
        if (args.type === T.redshiftCluster && bool(args.props, "encrypted") === false) {
            report(`${subject(args)}: encrypted is "false", so the cluster's data and snapshots are stored unencrypted. Fix: set encrypted: "true" and kmsKeyId to a customer-managed key's ARN.`);
            return;
        }
        const key = cmkAt(args.props, "kmsKeyId");
        if (key && requireCustomerManagedKey) {
            const fallback = args.type === T.redshiftCluster ? "the AWS-managed aws/redshift key" : "an AWS-owned key";
            report(`${subject(args)}: kmsKeyId: ${key}, so it is encrypted with ${fallback}. Fix: set kmsKeyId to a customer-managed aws.kms.Key's ARN.`);
        }
    },
};
