/**
 * The QuickSight role's IAM documents as pure functions of resolved names and ARNs. The Athena data source names
 * this role (`parameters.athena.roleArn`), so the account-wide `aws-quicksight-service-role-v0` needs no lake access:
 * the role may run queries in the BI workgroup only, write and read that workgroup's results, read the catalog
 * entries of the published gold tables, ask Lake Formation for their data, and use the lake key.
 */
import type { ArnContext } from "../../contract";
import type { DatasetAccess } from "../access";
import { readersPolicy } from "../access";
import { workgroupArn } from "../query";
import { doc, GLUE_READ, PolicyDocument, S3Prefix, s3Statements, tableArns } from "../shared/iam";

/** What QuickSight's Athena connector calls on the workgroup (running, paging and cancelling queries). */
export const ATHENA_QUERY_ACTIONS = [
    "athena:GetQueryExecution",
    "athena:GetQueryResults",
    "athena:GetQueryResultsStream",
    "athena:GetWorkGroup",
    "athena:StartQueryExecution",
    "athena:StopQueryExecution",
];
/** What it calls on the catalog to list databases and tables and read their columns. */
export const ATHENA_CATALOG_ACTIONS = ["athena:GetDatabase", "athena:GetDataCatalog", "athena:GetTableMetadata", "athena:ListDatabases", "athena:ListTableMetadata"];

/** QuickSight assumes the role for this account only (confused deputy). */
export function quicksightTrust(c: ArnContext): PolicyDocument {
    return doc([
        {
            Sid: "AssumedByQuickSight",
            Effect: "Allow",
            Principal: { Service: "quicksight.amazonaws.com" },
            Action: ["sts:AssumeRole"],
            Condition: { StringEquals: { "aws:SourceAccount": c.accountId } },
        },
    ]);
}

export interface BiRolePolicyArgs extends ArnContext {
    workgroup: string;
    results: S3Prefix;
    kmsKeyArn: string;
    /** The published tables (database, table). */
    tables: readonly { database: string; table: string }[];
    /** IAM mode: the published tables' locations too (their reader documents); undefined with Lake Formation. */
    iamMode?: readonly DatasetAccess[];
}

export function biRolePolicy(a: BiRolePolicyArgs): PolicyDocument {
    const catalog = `arn:${a.partition}:athena:${a.region}:${a.accountId}:datacatalog/AwsDataCatalog`;
    return doc([
        { Sid: "BiWorkgroup", Effect: "Allow", Action: ATHENA_QUERY_ACTIONS, Resource: [workgroupArn(a, a.workgroup)] },
        { Sid: "AthenaCatalog", Effect: "Allow", Action: ATHENA_CATALOG_ACTIONS, Resource: [catalog] },
        // Athena writes the results with the caller's credentials, under the workgroup's own prefix.
        ...s3Statements(a, "QueryResults", [a.results], ["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"]),
        // Results are SSE-KMS with the lake key.
        { Sid: "LakeKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [a.kmsKeyArn] },
        ...(a.iamMode
            ? // IAM mode: the access component's reader documents of the published tables (objects, catalog, key).
              readersPolicy(a.iamMode).Statement
            : [
                  ...(a.tables.length ? [{ Sid: "ReadCatalog", Effect: "Allow" as const, Action: GLUE_READ, Resource: [...new Set(a.tables.flatMap((t) => tableArns(a, t.database, t.table)))] }] : []),
                  // GetDataAccess has no resource-level permissions: Lake Formation's grants decide what it vends.
                  { Sid: "LakeFormationDataAccess", Effect: "Allow" as const, Action: ["lakeformation:GetDataAccess"], Resource: "*" },
              ]),
    ]);
}
