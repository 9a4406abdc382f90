/**
 * IAM documents, as pure functions of resolved names and ARNs (callers wrap them in `pulumi.all(...).apply`).
 * Every statement is scoped to the exact prefixes, tables, secrets and key the lake uses; the only `*`
 * resources are actions IAM offers no resource-level control for (EC2 Describe*, Glue security configurations,
 * Lake Formation GetDataAccess).
 */
import type { ArnContext } from "../../contract";

export interface Statement {
    Sid: string;
    Effect: "Allow";
    Action: string[];
    /** Absent only in trust policies. */
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
    Principal?: Record<string, string>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: Statement[];
}

/** Where a dataset's files live: bucket name and key prefix (no slashes at either end). */
export interface S3Prefix {
    bucket: string;
    prefix: string;
}

export type { ArnContext };

export const doc = (statements: Statement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });

/** Trust policy for an AWS service, limited to calls made on behalf of this account (confused deputy). */
export function serviceTrust(service: string, accountId: string): PolicyDocument {
    return doc([
        {
            Sid: "AssumedByService",
            Effect: "Allow",
            Principal: { Service: service },
            Action: ["sts:AssumeRole"],
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
        },
    ]);
}

export const glueArn = (c: ArnContext, resource: string) => `arn:${c.partition}:glue:${c.region}:${c.accountId}:${resource}`;
const bucketArn = (c: ArnContext, bucket: string) => `arn:${c.partition}:s3:::${bucket}`;
const objectsArn = (c: ArnContext, p: S3Prefix) => `${bucketArn(c, p.bucket)}/${p.prefix ? `${p.prefix}/` : ""}*`;

/** s3:GetObject (and more) on the prefixes' objects, s3:ListBucket limited by `s3:prefix`, one statement per bucket. */
export function s3Statements(c: ArnContext, sid: string, prefixes: readonly S3Prefix[], objectActions: string[]): Statement[] {
    if (prefixes.length === 0) return [];
    const byBucket = new Map<string, string[]>();
    for (const p of prefixes) byBucket.set(p.bucket, [...(byBucket.get(p.bucket) ?? []), p.prefix]);
    const out: Statement[] = [
        { Sid: `${sid}Objects`, Effect: "Allow", Action: objectActions, Resource: uniq(prefixes.map((p) => objectsArn(c, p))) },
    ];
    [...byBucket.entries()].forEach(([bucket, keys], i) => {
        const listed = keys.some((k) => k === "") ? undefined : uniq(keys.flatMap((k) => [`${k}/`, `${k}/*`]));
        out.push({
            Sid: `${sid}List${i}`,
            Effect: "Allow",
            Action: ["s3:ListBucket", "s3:GetBucketLocation"],
            Resource: bucketArn(c, bucket),
            ...(listed ? { Condition: { StringLike: { "s3:prefix": listed } } } : {}),
        });
    });
    return out;
}

const GLUE_READ = ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"];
const GLUE_PARTITION_WRITE = ["glue:CreatePartition", "glue:BatchCreatePartition", "glue:UpdatePartition", "glue:BatchUpdatePartition"];

/** Glue ARNs an action on a table needs: the catalog, its database and the table. */
export function tableArns(c: ArnContext, database: string, table: string): string[] {
    return [glueArn(c, "catalog"), glueArn(c, `database/${database}`), glueArn(c, `table/${database}/${table}`)];
}

export interface CrawlerPolicyInput extends ArnContext {
    kmsKeyArn: string;
    /** Prefixes of the S3 datasets crawled through their catalog table. */
    crawledPrefixes: S3Prefix[];
    /** Tables the S3 crawlers update (catalog targets). */
    crawledTables: { database: string; table: string }[];
    /** Databases the JDBC crawlers write source tables into, with the table prefix they use. */
    jdbcTargets: { database: string; tablePrefix: string }[];
    connectionNames: string[];
    secretArns: string[];
    lakeFormation: boolean;
}

/** The crawler role's only permissions (instead of AWSGlueServiceRole, which reads every `aws-glue-*` bucket). */
export function crawlerPolicy(p: CrawlerPolicyInput): PolicyDocument {
    const s: Statement[] = [...s3Statements(p, "ReadCrawledData", p.crawledPrefixes, ["s3:GetObject"])];
    s.push({ Sid: "LakeKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [p.kmsKeyArn] });
    s.push({
        Sid: "CrawlerLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
        // The security configuration's CSE-KMS makes Glue log to /aws-glue/crawlers-role/<role>-<security configuration>.
        Resource: [
            `arn:${p.partition}:logs:${p.region}:${p.accountId}:log-group:/aws-glue/crawlers*`,
            `arn:${p.partition}:logs:${p.region}:${p.accountId}:log-group:/aws-glue/crawlers*:log-stream:*`,
        ],
    });
    s.push({ Sid: "SecurityConfiguration", Effect: "Allow", Action: ["glue:GetSecurityConfiguration"], Resource: "*" });
    if (p.crawledTables.length > 0) {
        s.push({
            Sid: "UpdateDefinedTables",
            Effect: "Allow",
            Action: [...GLUE_READ, "glue:UpdateTable", ...GLUE_PARTITION_WRITE],
            Resource: uniq(p.crawledTables.flatMap((t) => tableArns(p, t.database, t.table))),
        });
    }
    if (p.jdbcTargets.length > 0) {
        s.push({
            Sid: "WriteSourceTables",
            Effect: "Allow",
            Action: [...GLUE_READ, "glue:CreateTable", "glue:UpdateTable", ...GLUE_PARTITION_WRITE],
            Resource: uniq(p.jdbcTargets.flatMap((t) => tableArns(p, t.database, `${t.tablePrefix}*`))),
        });
        s.push({
            Sid: "Connections",
            Effect: "Allow",
            Action: ["glue:GetConnection"],
            Resource: [glueArn(p, "catalog"), ...p.connectionNames.map((n) => glueArn(p, `connection/${n}`))],
        });
        s.push({ Sid: "ConnectionSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: p.secretArns });
        // Glue puts an ENI in the connection's subnet to reach the database; EC2 offers no resource scoping for Describe*.
        s.push({
            Sid: "VpcNetworkInterfaces",
            Effect: "Allow",
            Action: [
                "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcEndpoints",
                "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs", "ec2:DescribeRouteTables", "ec2:DescribeVpcAttribute",
            ],
            Resource: "*",
        });
        s.push({
            Sid: "TagGlueNetworkInterfaces",
            Effect: "Allow",
            Action: ["ec2:CreateTags", "ec2:DeleteTags"],
            Resource: [`arn:${p.partition}:ec2:${p.region}:${p.accountId}:network-interface/*`],
            Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["aws-glue-service-resource"] } },
        });
    }
    if (p.lakeFormation) s.push({ Sid: "LakeFormationData", Effect: "Allow", Action: ["lakeformation:GetDataAccess"], Resource: "*" });
    return doc(s);
}

/** What the Lake Formation registration role may do: read and write the registered layer buckets with the lake key. */
export function registrationPolicy(c: ArnContext & { kmsKeyArn: string; buckets: string[] }): PolicyDocument {
    return doc([
        ...s3Statements(c, "RegisteredLocations", c.buckets.map((bucket) => ({ bucket, prefix: "" })), ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]),
        { Sid: "LakeKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: [c.kmsKeyArn] },
    ]);
}

export interface DatasetAccess extends ArnContext {
    kmsKeyArn: string;
    location: S3Prefix;
    database: string;
    table: string;
}

/** IAM-mode read access to one dataset: its objects, its catalog entries, decrypt with the lake key. */
export function readerPolicy(a: DatasetAccess): PolicyDocument {
    return doc([
        ...s3Statements(a, "ReadData", [a.location], ["s3:GetObject"]),
        { Sid: "ReadCatalog", Effect: "Allow", Action: GLUE_READ, Resource: tableArns(a, a.database, a.table) },
        { Sid: "LakeKey", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [a.kmsKeyArn] },
    ]);
}

/** IAM-mode write access to one dataset: put/delete its objects, register partitions, encrypt with the lake key. */
export function writerPolicy(a: DatasetAccess): PolicyDocument {
    return doc([
        ...s3Statements(a, "WriteData", [a.location], ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]),
        {
            Sid: "RegisterPartitions",
            Effect: "Allow",
            Action: [...GLUE_READ, ...GLUE_PARTITION_WRITE, "glue:DeletePartition", "glue:BatchDeletePartition"],
            Resource: tableArns(a, a.database, a.table),
        },
        { Sid: "LakeKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [a.kmsKeyArn] },
    ]);
}

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

function uniq<T>(xs: T[]): T[] {
    return [...new Set(xs)];
}
