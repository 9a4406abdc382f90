import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { cmkAt, requireCmkSchema } from "../lib/kms";
import { bool, peek, str, subject, UNKNOWN } from "../lib/props";
import { ofType, References } from "../lib/stack";
import { T } from "../lib/types";

export interface AthenaDatabaseEncryptionConfig {
    requireCustomerManagedKey: boolean;
    acceptEnforcedWorkgroup: boolean;
}

const configSchema: PolicyConfigSchema = {
    properties: {
        requireCustomerManagedKey: requireCmkSchema(true, "the results of an Athena database's DDL queries"),
        acceptEnforcedWorkgroup: {
            type: "boolean",
            default: true,
            description:
                "Accept a database without encryptionConfiguration when its `workgroup` is a workgroup of this stack that enforces its configuration and encrypts results with SSE_KMS/CSE_KMS (Athena then ignores client-side settings).",
        },
    },
};

const KMS_OPTIONS = ["SSE_KMS", "CSE_KMS"];
const FIX = 'set encryptionConfiguration = { encryptionOption: "SSE_KMS", kmsKey: <your aws.kms.Key>.arn }';

/** A stack workgroup that enforces KMS result encryption on every query run in it. */
function enforcesKms(workgroup: unknown): boolean {
    const conf = peek(workgroup, "configuration");
    if (bool(conf, "enforceWorkgroupConfiguration") === false) return false;
    if (bool(conf, "managedQueryResultsConfiguration", "enabled") === true) {
        return str(conf, "managedQueryResultsConfiguration", "encryptionConfiguration", "kmsKey") !== undefined;
    }
    return KMS_OPTIONS.includes(str(conf, "resultConfiguration", "encryptionConfiguration", "encryptionOption") ?? "");
}

/**
 * `aws.athena.Database` creates its Glue database by running CREATE DATABASE in Athena, and its
 * `encryptionConfiguration` is how Athena encrypts those queries' results in `bucket`. SSE_S3 is an S3-managed
 * key, not a customer-managed one: the key policy can't limit who decrypts. A stack policy so a database
 * without its own setting is accepted in a stack workgroup that enforces KMS encryption.
 */
export const athenaDatabaseEncryption: StackValidationPolicy = {
    name: "athena-database-encryption",
    description:
        "Athena databases (aws.athena.Database) encrypt their query results with SSE_KMS or CSE_KMS and a customer-managed key, or run in a stack workgroup that enforces KMS encryption.",
    severity: "high",
    tags: ["security", "encryption", "athena"],
    configSchema,
    remediationSteps: `On the aws.athena.Database, ${FIX}; or set workgroup to a workgroup that enforces SSE_KMS result encryption.`,
    validateStack: (args, report) => {
        const { requireCustomerManagedKey, acceptEnforcedWorkgroup } = cfg<AthenaDatabaseEncryptionConfig>(args, configSchema);
        const workgroups = new References(ofType(args.resources, [T.athenaWorkgroup]), ["workgroup"], ["name", "id"]);
        for (const db of ofType(args.resources, [T.athenaDatabase])) {
            const enc = peek(db.props, "encryptionConfiguration");
            if (enc === UNKNOWN) continue;
            if (enc === undefined || enc === null) {
                const wg = workgroups.targetOf(db);
                // A workgroup name computed at preview that matches no stack workgroup yet: judged once known.
                if (!wg && peek(db.props, "workgroup") === UNKNOWN) continue;
                if (acceptEnforcedWorkgroup && wg && enforcesKms(wg.props)) continue;
                const named = str(db.props, "workgroup");
                const where = wg
                    ? enforcesKms(wg.props)
                        ? `workgroup '${wg.name}' enforces KMS encryption, but acceptEnforcedWorkgroup is false`
                        : `workgroup '${wg.name}' does not enforce SSE_KMS/CSE_KMS result encryption`
                    : `workgroup is ${named ? `"${named}", not a workgroup of this stack` : "not set (primary)"}`;
                report(
                    `${subject(db)}: encryptionConfiguration is not set and its ${where}, so the results of its CREATE/DROP DATABASE queries are not encrypted with a customer-managed key. Fix: ${FIX}.`,
                    db.urn,
                );
                continue;
            }
            const option = peek(enc, "encryptionOption");
            if (option === UNKNOWN) continue;
            if (typeof option !== "string" || !KMS_OPTIONS.includes(option)) {
                const why = option === "SSE_S3" ? "S3-managed keys, not a customer-managed KMS key" : "not SSE_KMS or CSE_KMS";
                report(`${subject(db)}: encryptionConfiguration.encryptionOption is ${option === undefined ? "not set" : `"${String(option)}"`} (${why}). Fix: ${FIX}.`, db.urn);
                continue;
            }
            const key = cmkAt(enc, "kmsKey");
            // SSE_KMS/CSE_KMS need a key (the provider says so); an AWS-managed one only when CMKs are required.
            if (key === "no KMS key is set" || (key && requireCustomerManagedKey)) {
                report(`${subject(db)} encrypts with ${option}, but encryptionConfiguration.kmsKey: ${key}. Fix: set kmsKey to a customer-managed aws.kms.Key's ARN.`, db.urn);
            }
        }
    },
};
