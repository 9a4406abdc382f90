/**
 * The warehouse's IAM documents as pure functions of resolved names and ARNs: the Spectrum role's trust and, for
 * Lake Formation stacks, its catalog access (data comes from Lake Formation's vended credentials). In IAM mode the
 * role reads each dataset through the access component's reader documents instead.
 */
import type { ArnContext } from "../../contract";
import { doc, GLUE_READ, glueArn, PolicyDocument } from "../shared/iam";

/**
 * Redshift assumes the namespace's IAM roles as redshift.amazonaws.com (Spectrum, COPY/UNLOAD) and, for
 * Serverless, as redshift-serverless.amazonaws.com: both, for this account only (confused deputy).
 */
export function spectrumTrust(c: ArnContext): TrustDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AssumedByRedshift",
                Effect: "Allow",
                Principal: { Service: ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"] },
                Action: ["sts:AssumeRole"],
                Condition: { StringEquals: { "aws:SourceAccount": c.accountId } },
            },
        ],
    };
}

/** A trust policy naming several services (the shared Statement type names one). */
export interface TrustDocument {
    Version: "2012-10-17";
    Statement: { Sid: string; Effect: "Allow"; Principal: { Service: string[] }; Action: string[]; Condition: Record<string, Record<string, string>> }[];
}

/**
 * Lake Formation mode: read the catalog entries of the silver and gold databases (Lake Formation then decides which
 * tables and columns), ask Lake Formation for data access, and decrypt the catalog with the lake key.
 */
export function spectrumCatalogPolicy(c: ArnContext & { databases: string[]; kmsKeyArn: string }): PolicyDocument {
    return doc([
        {
            Sid: "ReadCatalog",
            Effect: "Allow",
            Action: GLUE_READ,
            Resource: [glueArn(c, "catalog"), ...c.databases.flatMap((d) => [glueArn(c, `database/${d}`), glueArn(c, `table/${d}/*`)])],
        },
        // GetDataAccess has no resource-level permissions: Lake Formation's grants decide what it vends.
        { Sid: "LakeFormationDataAccess", Effect: "Allow", Action: ["lakeformation:GetDataAccess"], Resource: "*" },
        { Sid: "LakeKey", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [c.kmsKeyArn] },
    ]);
}
