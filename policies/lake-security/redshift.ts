import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { cmkAt, requireCmkSchema } from "../lib/kms";
import { bool, peek, subject, UNKNOWN } from "../lib/props";
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

export interface RedshiftNetworkConfig {
    requireEnhancedVpcRouting: boolean;
}

const netSchema: PolicyConfigSchema = {
    properties: {
        requireEnhancedVpcRouting: {
            type: "boolean",
            default: false,
            description: "Also require enhancedVpcRouting: true, so COPY/UNLOAD and Spectrum traffic to S3 stays in the VPC (needs an S3 gateway endpoint).",
        },
    },
};

/** Redshift clusters and Serverless workgroups are reachable only inside the VPC. */
export const redshiftNotPublic: ResourceValidationPolicy = {
    name: "redshift-not-public",
    description: "Redshift provisioned clusters and Redshift Serverless workgroups are not publicly accessible.",
    severity: "critical",
    tags: ["security", "network", "redshift"],
    configSchema: netSchema,
    remediationSteps: "Set publiclyAccessible: false and reach the endpoint through the VPC (VPN, bastion or QuickSight VPC connection).",
    validateResource: (args, report) => {
        if (args.type !== T.redshiftCluster && args.type !== T.redshiftServerlessWorkgroup) return;
        const v = peek(args.props, "publiclyAccessible");
        if (v !== UNKNOWN && bool(args.props, "publiclyAccessible") === true) {
            report(`${subject(args)}: publiclyAccessible is true, so its endpoint gets a public IP. Fix: set publiclyAccessible: false and connect from inside the VPC.`);
        }
        const { requireEnhancedVpcRouting } = cfg<RedshiftNetworkConfig>(args, netSchema);
        const evr = peek(args.props, "enhancedVpcRouting");
        if (requireEnhancedVpcRouting && evr !== UNKNOWN && bool(args.props, "enhancedVpcRouting") !== true) {
            report(`${subject(args)}: enhancedVpcRouting is ${bool(args.props, "enhancedVpcRouting") ?? "not set (false)"}, so its S3 traffic leaves the VPC. Fix: set enhancedVpcRouting: true and add an S3 gateway endpoint to the VPC.`);
        }
    },
};
