import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { cmkAt, requireCmkSchema } from "../lib/kms";
import { bool, peek, subject, UNKNOWN } from "../lib/props";
import { ofType } from "../lib/stack";
import { GLUE_TYPES, T } from "../lib/types";

const CATALOG_FIX =
    'add an aws.glue.DataCatalogEncryptionSettings with dataCatalogEncryptionSettings = { encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: <key>.arn }, connectionPasswordEncryption: { returnConnectionPasswordEncrypted: true, awsKmsKeyId: <key>.arn } }';

export interface CatalogEncryptionConfig {
    requireCustomerManagedKey: boolean;
}

const catalogSchema: PolicyConfigSchema = {
    properties: { requireCustomerManagedKey: requireCmkSchema(true, "Data Catalog metadata and connection passwords") },
};

function catalogProblems(s: PolicyResource, requireCmk: boolean): string[] {
    const base = peek(s.props, "dataCatalogEncryptionSettings");
    if (base === UNKNOWN) return [];
    const out: string[] = [];
    const mode = peek(base, "encryptionAtRest", "catalogEncryptionMode");
    if (mode !== UNKNOWN) {
        if (mode !== "SSE-KMS" && mode !== "SSE-KMS-WITH-SERVICE-ROLE") {
            out.push(`encryptionAtRest.catalogEncryptionMode is ${typeof mode === "string" ? `"${mode}"` : "not set"}, not "SSE-KMS"`);
        } else {
            const key = cmkAt(base, "encryptionAtRest", "sseAwsKmsKeyId");
            if (key && requireCmk) out.push(`encryptionAtRest.sseAwsKmsKeyId: ${key}`);
        }
    }
    const returned = peek(base, "connectionPasswordEncryption", "returnConnectionPasswordEncrypted");
    if (returned !== UNKNOWN && bool(base, "connectionPasswordEncryption", "returnConnectionPasswordEncrypted") !== true) {
        out.push("connectionPasswordEncryption.returnConnectionPasswordEncrypted is not true");
    } else if (returned !== UNKNOWN) {
        const key = cmkAt(base, "connectionPasswordEncryption", "awsKmsKeyId");
        if (key && requireCmk) out.push(`connectionPasswordEncryption.awsKmsKeyId: ${key}`);
    }
    return out;
}

/**
 * A stack with Glue resources (databases, tables, crawlers, jobs, connections) also manages the
 * account's Data Catalog encryption settings: SSE-KMS at rest and encrypted connection passwords.
 */
export const glueCatalogEncryption: StackValidationPolicy = {
    name: "glue-catalog-encryption",
    description:
        "Stacks with Glue resources declare DataCatalogEncryptionSettings with SSE-KMS at rest and KMS-encrypted connection passwords, both with a customer-managed key.",
    severity: "high",
    tags: ["security", "encryption", "glue"],
    configSchema: catalogSchema,
    remediationSteps: CATALOG_FIX,
    validateStack: (args, report) => {
        const { requireCustomerManagedKey } = cfg<CatalogEncryptionConfig>(args, catalogSchema);
        const settings = ofType(args.resources, [T.glueCatalogEncryption]);
        for (const s of settings) {
            const problems = catalogProblems(s, requireCustomerManagedKey);
            if (problems.length > 0) report(`${subject(s)}: ${problems.join("; ")}. Fix: ${CATALOG_FIX}.`, s.urn);
        }
        const glue = ofType(args.resources, GLUE_TYPES);
        if (glue.length > 0 && settings.length === 0) {
            const names = glue.slice(0, 3).map((g) => subject(g)).join(", ");
            report(
                `The stack has ${glue.length} Glue resource(s) (${names}${glue.length > 3 ? ", ..." : ""}) but no aws.glue.DataCatalogEncryptionSettings, so the catalog's metadata and connection passwords may be unencrypted. Fix: ${CATALOG_FIX}.`,
            );
        }
    },
};
