/**
 * What running queries in a workgroup takes: Athena on that workgroup, its results prefix, the lake key.
 */
import type { ArnContext } from "../../contract";
import { doc, PolicyDocument, s3Statements, S3Prefix } from "../shared/iam";

/** Running queries in the lake's workgroup: Athena on that workgroup, its results prefix, the lake key. */
export function workgroupUserPolicy(c: ArnContext & { workgroup: string; results: S3Prefix; kmsKeyArn: string }): PolicyDocument {
    return doc([
        {
            Sid: "UseWorkgroup",
            Effect: "Allow",
            Action: [
                "athena:StartQueryExecution", "athena:StopQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults",
                "athena:GetQueryResultsStream", "athena:ListQueryExecutions", "athena:BatchGetQueryExecution", "athena:GetWorkGroup",
                "athena:ListNamedQueries", "athena:GetNamedQuery", "athena:BatchGetNamedQuery",
            ],
            Resource: [`arn:${c.partition}:athena:${c.region}:${c.accountId}:workgroup/${c.workgroup}`],
        },
        ...s3Statements(c, "QueryResults", [c.results], ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"]),
        { Sid: "LakeKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [c.kmsKeyArn] },
    ]);
}

