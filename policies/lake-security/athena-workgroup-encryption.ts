import { PolicyConfigSchema, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { cmkAt, requireCmkSchema } from "../lib/kms";
import { bool, peek, str, subject, UNKNOWN } from "../lib/props";
import { resourceClass, T } from "../lib/types";

export interface AthenaEncryptionConfig {
    requireCustomerManagedKey: boolean;
    allowedEngineVersions: string[];
    requirePinnedEngineVersion: boolean;
}

const configSchema: PolicyConfigSchema = {
    properties: {
        requireCustomerManagedKey: requireCmkSchema(true, "Athena query results"),
        allowedEngineVersions: {
            type: "array",
            items: { type: "string" },
            default: ["Athena engine version 3"],
            description: "Accepted configuration.engineVersion.selectedEngineVersion values (engine v2 is retired; AUTO lets Athena change the engine, and with it SQL semantics, unreviewed).",
        },
        requirePinnedEngineVersion: {
            type: "boolean",
            default: false,
            description: "Also flag workgroups that set no selectedEngineVersion (Athena then picks one: AUTO).",
        },
    },
};

const FIX =
    'set configuration.resultConfiguration.encryptionConfiguration = { encryptionOption: "SSE_KMS", kmsKeyArn: <your aws.kms.Key>.arn } and leave configuration.enforceWorkgroupConfiguration true';

/**
 * Athena workgroups encrypt query results with KMS and enforce the workgroup configuration, so a
 * client can't override the result location or encryption. Managed query results with a KMS key
 * count as encrypted too.
 */
export const athenaWorkgroupEncryption: ResourceValidationPolicy = {
    name: "athena-workgroup-encryption",
    description:
        "Athena workgroups encrypt query results with SSE_KMS or CSE_KMS (customer-managed key), enforce the workgroup configuration on clients and run an allowed engine version (v3).",
    severity: "high",
    tags: ["security", "encryption", "athena"],
    configSchema,
    remediationSteps: FIX,
    validateResource: validateResourceOfType(resourceClass(T.athenaWorkgroup), (_wg, args, report) => {
        const { requireCustomerManagedKey, allowedEngineVersions, requirePinnedEngineVersion } = cfg<AthenaEncryptionConfig>(args, configSchema);
        const conf = peek(args.props, "configuration");
        if (conf === UNKNOWN) return;
        if (peek(conf, "engineVersion", "selectedEngineVersion") !== UNKNOWN) {
            const engine = str(conf, "engineVersion", "selectedEngineVersion");
            if ((engine !== undefined || requirePinnedEngineVersion) && !allowedEngineVersions.includes(engine ?? "")) {
                report(`${subject(args)}: configuration.engineVersion.selectedEngineVersion is ${engine === undefined ? "not set (AUTO)" : `"${engine}"`}, not one of ${allowedEngineVersions.map((e) => `"${e}"`).join(", ")}. Fix: set configuration.engineVersion = { selectedEngineVersion: "${allowedEngineVersions[0] ?? "Athena engine version 3"}" }.`);
            }
        }
        if (bool(conf, "enforceWorkgroupConfiguration") === false) {
            report(`${subject(args)}: configuration.enforceWorkgroupConfiguration is false, so clients can override result encryption and location. Fix: set it to true (the default).`);
        }
        if (bool(conf, "managedQueryResultsConfiguration", "enabled") === true) {
            const key = cmkAt(conf, "managedQueryResultsConfiguration", "encryptionConfiguration", "kmsKey");
            if (key && requireCustomerManagedKey) {
                report(`${subject(args)} uses managed query results, but managedQueryResultsConfiguration.encryptionConfiguration.kmsKey: ${key}. Fix: set kmsKey to a customer-managed key's ARN.`);
            }
            return;
        }
        const enc = peek(conf, "resultConfiguration", "encryptionConfiguration");
        if (enc === UNKNOWN) return;
        const option = str(enc, "encryptionOption");
        if (option !== "SSE_KMS" && option !== "CSE_KMS") {
            report(`${subject(args)}: configuration.resultConfiguration.encryptionConfiguration.encryptionOption is ${option === undefined ? "not set (results unencrypted)" : `"${option}"`}. Fix: ${FIX}.`);
            return;
        }
        const key = cmkAt(enc, "kmsKeyArn");
        if (key && requireCustomerManagedKey) {
            report(`${subject(args)} encrypts results with ${option}, but resultConfiguration.encryptionConfiguration.kmsKeyArn: ${key}. Fix: set kmsKeyArn to a customer-managed key's ARN.`);
        }
    }),
};
