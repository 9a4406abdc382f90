/**
 * The ETL's IAM documents and event pattern, as pure functions of resolved names and ARNs (tests assert them).
 */
import type { ArnContext } from "../../contract";
import { doc, GLUE_PARTITION_WRITE, GLUE_READ, PolicyDocument, s3Statements, S3Prefix, Statement, tableArns, uniq } from "../shared/iam";

export interface JobPolicyInput extends ArnContext {
    kmsKeyArn: string;
    /** The inputs' locations: read only. */
    readPrefixes: S3Prefix[];
    /** The output's location, its error prefix and the job's temporary directory: read, write, delete. */
    writePrefixes: S3Prefix[];
    /** S3 ARNs of exactly the objects the job runs: its script, its SQL, the library. */
    artifactObjectArns: string[];
    /** Catalog tables of the inputs. */
    readTables: { database: string; table: string }[];
    /** Catalog table of the output. */
    writeTable: { database: string; table: string };
    /** Iceberg commits a new metadata location to the table (glue:UpdateTable). */
    iceberg: boolean;
    lakeFormation: boolean;
}

/** Glue job state changes the failure alert fires on (EventBridge "Glue Job State Change" events). */
export const ALERT_STATES = ["FAILED", "TIMEOUT", "STOPPED"] as const;

/** One job role's only permissions: its inputs, its output, its artifacts, the key only through S3 and Glue. */
export function jobPolicy(p: JobPolicyInput): PolicyDocument {
    const s: Statement[] = [
        ...s3Statements(p, "ReadInputs", p.readPrefixes, ["s3:GetObject"]),
        // Overwrite replaces partitions (delete), merge reads what it rewrites; rejects and temp files are written.
        ...s3Statements(p, "WriteOutput", p.writePrefixes, ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]),
        { Sid: "ReadJobArtifacts", Effect: "Allow", Action: ["s3:GetObject"], Resource: uniq(p.artifactObjectArns) },
        {
            Sid: "LakeKeyThroughS3AndGlue",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: [p.kmsKeyArn],
            Condition: { StringEquals: { "kms:ViaService": [`s3.${p.region}.amazonaws.com`, `glue.${p.region}.amazonaws.com`] } },
        },
    ];
    if (p.readTables.length) s.push({ Sid: "ReadInputTables", Effect: "Allow", Action: GLUE_READ, Resource: uniq(p.readTables.flatMap((t) => tableArns(p, t.database, t.table))) });
    s.push({
        Sid: "WriteOutputTable",
        Effect: "Allow",
        Action: [...GLUE_READ, ...GLUE_PARTITION_WRITE, ...(p.iceberg ? ["glue:UpdateTable"] : [])],
        Resource: tableArns(p, p.writeTable.database, p.writeTable.table),
    });
    s.push({
        Sid: "JobLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
        // Glue logs to /aws-glue/jobs/... (with a security configuration: /aws-glue/jobs/<configuration>-role/<role>/...).
        Resource: [
            `arn:${p.partition}:logs:${p.region}:${p.accountId}:log-group:/aws-glue/jobs*`,
            `arn:${p.partition}:logs:${p.region}:${p.accountId}:log-group:/aws-glue/jobs*:log-stream:*`,
        ],
    });
    // cloudwatch:PutMetricData has no resource type: "*", limited to Glue's namespace (--enable-metrics, observability).
    s.push({ Sid: "JobMetrics", Effect: "Allow", Action: ["cloudwatch:PutMetricData"], Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": "Glue" } } });
    // glue:GetSecurityConfiguration supports no resource-level permissions: "*" only.
    s.push({ Sid: "SecurityConfiguration", Effect: "Allow", Action: ["glue:GetSecurityConfiguration"], Resource: "*" });
    // lakeformation:GetDataAccess has no resource type: Lake Formation decides per registered location and grant.
    if (p.lakeFormation) s.push({ Sid: "LakeFormationData", Effect: "Allow", Action: ["lakeformation:GetDataAccess"], Resource: "*" });
    return doc(s);
}

/** The alert topic's policy: only the failure rule's EventBridge deliveries may publish. */
export function alertTopicPolicy(topicArn: string, ruleArn: string): PolicyDocument {
    return doc([
        {
            Sid: "EventBridgePublishesJobFailures",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: ["sns:Publish"],
            Resource: topicArn,
            Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
        },
    ]);
}

/** Glue Job State Change events of exactly these jobs, in a failed end state. */
export function jobFailurePattern(jobNames: string[]): Record<string, unknown> {
    return { source: ["aws.glue"], "detail-type": ["Glue Job State Change"], detail: { jobName: [...jobNames].sort(), state: [...ALERT_STATES] } };
}
