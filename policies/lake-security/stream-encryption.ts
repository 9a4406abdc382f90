import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { cmkAt, requireCmkSchema } from "../lib/kms";
import { bool, peek, str, subject, UNKNOWN } from "../lib/props";
import { T } from "../lib/types";

export interface StreamEncryptionConfig {
    requireCustomerManagedKey: boolean;
}

const configSchema: PolicyConfigSchema = {
    properties: { requireCustomerManagedKey: requireCmkSchema(false, "Kinesis and Firehose streams") },
};

/**
 * Kinesis data streams and Firehose delivery streams encrypt records at rest. A Firehose stream
 * that reads from a Kinesis stream can't set its own SSE (AWS rejects it); the source stream's
 * encryption covers it, and this policy checks that stream instead.
 */
export const streamEncryption: ResourceValidationPolicy = {
    name: "stream-encryption",
    description: "Kinesis data streams and Firehose delivery streams are encrypted at rest with KMS.",
    severity: "high",
    tags: ["security", "encryption", "streaming"],
    configSchema,
    remediationSteps:
        'Kinesis: set encryptionType: "KMS" and kmsKeyId. Firehose (Direct PUT): set serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn }.',
    validateResource: (args, report) => {
        const { requireCustomerManagedKey } = cfg<StreamEncryptionConfig>(args, configSchema);
        if (args.type === T.kinesisStream) {
            const type = peek(args.props, "encryptionType");
            if (type === UNKNOWN) return;
            if (type !== "KMS") {
                report(`${subject(args)}: encryptionType is ${typeof type === "string" ? `"${type}"` : "not set (NONE)"}, so records are stored unencrypted. Fix: set encryptionType: "KMS" and kmsKeyId to a KMS key's ARN.`);
                return;
            }
            const key = cmkAt(args.props, "kmsKeyId");
            // KMS without a key id is rejected by AWS; an AWS-managed key is fine unless CMKs are required.
            const keyMissing = peek(args.props, "kmsKeyId") === undefined;
            if (key && (requireCustomerManagedKey || keyMissing)) {
                report(`${subject(args)}: kmsKeyId: ${key}. Fix: set kmsKeyId to a customer-managed aws.kms.Key's ARN.`);
            }
            return;
        }
        if (args.type !== T.firehose) return;
        const source = peek(args.props, "kinesisSourceConfiguration");
        if (source !== undefined && source !== null) return;
        const sse = peek(args.props, "serverSideEncryption");
        if (sse === UNKNOWN) return;
        if (bool(sse, "enabled") !== true) {
            report(`${subject(args)}: serverSideEncryption.enabled is ${bool(sse, "enabled") ?? "not set"}, so buffered records are not encrypted with KMS. Fix: set serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: <key>.arn }.`);
            return;
        }
        if (requireCustomerManagedKey) {
            const keyType = str(sse, "keyType") ?? "AWS_OWNED_CMK";
            const key = cmkAt(sse, "keyArn");
            if (keyType !== "CUSTOMER_MANAGED_CMK" || key) {
                report(`${subject(args)}: serverSideEncryption.keyType is "${keyType}"${key ? ` and keyArn: ${key}` : ""}. Fix: set keyType: "CUSTOMER_MANAGED_CMK" and keyArn to a customer-managed key's ARN.`);
            }
        }
    },
};
