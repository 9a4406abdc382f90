import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { cmkAt } from "../lib/kms";
import { peek, subject, UNKNOWN } from "../lib/props";
import { ofType, References } from "../lib/stack";
import { T } from "../lib/types";

const SC_FIX =
    'encryptionConfiguration = { s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn }, cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn }, jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn } }';

const SC_PARTS: [string, string, string][] = [
    ["s3Encryption", "s3EncryptionMode", "SSE-KMS"],
    ["cloudwatchEncryption", "cloudwatchEncryptionMode", "SSE-KMS"],
    ["jobBookmarksEncryption", "jobBookmarksEncryptionMode", "CSE-KMS"],
];

function securityConfigProblems(sc: PolicyResource): string[] {
    const out: string[] = [];
    for (const [part, modeField, want] of SC_PARTS) {
        const mode = peek(sc.props, "encryptionConfiguration", part, modeField);
        if (mode === UNKNOWN) continue;
        if (mode !== want) {
            out.push(`encryptionConfiguration.${part}.${modeField} is ${typeof mode === "string" ? `"${mode}"` : "not set"}, not "${want}"`);
            continue;
        }
        const key = cmkAt(sc.props, "encryptionConfiguration", part, "kmsKeyArn");
        if (key) out.push(`encryptionConfiguration.${part}.kmsKeyArn: ${key}`);
    }
    return out;
}

export interface GlueSecurityConfigurationConfig {
    allowExternalSecurityConfigurations: boolean;
}

const scSchema: PolicyConfigSchema = {
    properties: {
        allowExternalSecurityConfigurations: {
            type: "boolean",
            default: true,
            description:
                "Accept a securityConfiguration name that isn't declared in this stack (managed elsewhere; can't be inspected here).",
        },
    },
};

/**
 * Glue crawlers and jobs run under a security configuration, and every security configuration in
 * the stack encrypts S3 output (SSE-KMS), CloudWatch logs (SSE-KMS) and job bookmarks (CSE-KMS).
 */
export const glueSecurityConfiguration: StackValidationPolicy = {
    name: "glue-security-configuration",
    description:
        "Glue crawlers and jobs name a security configuration that encrypts S3 (SSE-KMS), CloudWatch logs (SSE-KMS) and job bookmarks (CSE-KMS) with KMS keys.",
    severity: "high",
    tags: ["security", "encryption", "glue"],
    configSchema: scSchema,
    remediationSteps: `Create an aws.glue.SecurityConfiguration with ${SC_FIX} and set securityConfiguration on every crawler and job to its name.`,
    validateStack: (args, report) => {
        const { allowExternalSecurityConfigurations } = cfg<GlueSecurityConfigurationConfig>(args, scSchema);
        const scs = ofType(args.resources, [T.glueSecurityConfiguration]);
        for (const sc of scs) {
            const problems = securityConfigProblems(sc);
            if (problems.length > 0) report(`${subject(sc)}: ${problems.join("; ")}. Fix: set ${SC_FIX}.`, sc.urn);
        }
        const refs = new References(scs, ["securityConfiguration"], ["name", "id"]);
        for (const r of ofType(args.resources, [T.glueCrawler, T.glueJob])) {
            const ref = peek(r.props, "securityConfiguration");
            const target = refs.targetOf(r);
            if (target || ref === UNKNOWN) continue;
            if (typeof ref !== "string" || ref === "") {
                report(`${subject(r)} has no securityConfiguration, so its S3 output, logs and bookmarks are not KMS-encrypted. Fix: set securityConfiguration to the name of an aws.glue.SecurityConfiguration with ${SC_FIX}.`, r.urn);
            } else if (!allowExternalSecurityConfigurations) {
                report(`${subject(r)} uses securityConfiguration "${ref}", which is not declared in this stack and can't be checked. Fix: declare it here, or allow external configurations in this policy's config.`, r.urn);
            }
        }
    },
};
