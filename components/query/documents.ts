/**
 * What running queries in a workgroup takes: Athena on that workgroup, its results prefix, the lake key; and no
 * query anywhere else, whatever other policies the principal carries.
 */
import type { ArnContext } from "../../contract";
import { doc, s3Statements, S3Prefix, Statement } from "../shared/iam";

/** Athena actions that run or read a query: allowed in the principal's workgroup, denied in every other one. */
const QUERY_ACTIONS = ["athena:StartQueryExecution", "athena:StopQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:GetQueryResultsStream"];

/** An explicit deny: IAM lets no Allow elsewhere (a managed Athena policy, say) override it. */
interface DenyStatement {
    Sid: string;
    Effect: "Deny";
    Action: string[];
    NotResource: string[];
}

export interface WorkgroupPolicyDocument {
    Version: "2012-10-17";
    Statement: (Statement | DenyStatement)[];
}

export const workgroupArn = (c: ArnContext, workgroup: string) => `arn:${c.partition}:athena:${c.region}:${c.accountId}:workgroup/${workgroup}`;

/** Running queries in one workgroup: Athena on that workgroup, its results prefix, the lake key; queries elsewhere denied. */
export function workgroupUserPolicy(c: ArnContext & { workgroup: string; results: S3Prefix; kmsKeyArn: string }): WorkgroupPolicyDocument {
    const own = workgroupArn(c, c.workgroup);
    const allowed = doc([
        {
            Sid: "UseWorkgroup",
            Effect: "Allow",
            Action: [
                ...QUERY_ACTIONS, "athena:ListQueryExecutions", "athena:BatchGetQueryExecution", "athena:GetWorkGroup",
                "athena:ListNamedQueries", "athena:GetNamedQuery", "athena:BatchGetNamedQuery",
            ],
            Resource: [own],
        },
        ...s3Statements(c, "QueryResults", [c.results], ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"]),
        { Sid: "LakeKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [c.kmsKeyArn] },
    ]);
    return { ...allowed, Statement: [...allowed.Statement, { Sid: "OnlyThisWorkgroup", Effect: "Deny", Action: QUERY_ACTIONS, NotResource: [own] }] };
}
