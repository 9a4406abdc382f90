/**
 * IAM documents' building blocks, as pure functions of resolved names and ARNs (callers wrap them in
 * `pulumi.all(...).apply`). Every statement is scoped to exact prefixes, tables, secrets and keys; the only `*`
 * resources are actions IAM offers no resource-level control for, and each such place says so.
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


export const doc = (statements: Statement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });

/** Trust policy for an AWS service, limited to calls made on behalf of this account and its resources (confused deputy). */
export function serviceTrust(service: string, c: ArnContext): PolicyDocument {
    const prefix = service.split(".")[0];
    return doc([
        {
            Sid: "AssumedByService",
            Effect: "Allow",
            Principal: { Service: service },
            Action: ["sts:AssumeRole"],
            Condition: {
                StringEquals: { "aws:SourceAccount": c.accountId },
                // Only the service's own resources in this account and region. IfExists: not every call path of a
                // service sends aws:SourceArn on AssumeRole, and a missing key must not lock the service out.
                ArnLikeIfExists: { "aws:SourceArn": `arn:${c.partition}:${prefix}:${c.region}:${c.accountId}:*` },
            },
        },
    ]);
}

export const glueArn = (c: ArnContext, resource: string) => `arn:${c.partition}:glue:${c.region}:${c.accountId}:${resource}`;
export const bucketArn = (c: ArnContext, bucket: string) => `arn:${c.partition}:s3:::${bucket}`;
export const objectsArn = (c: ArnContext, p: S3Prefix) => `${bucketArn(c, p.bucket)}/${p.prefix ? `${p.prefix}/` : ""}*`;

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

export const GLUE_READ = ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"];
export const GLUE_PARTITION_WRITE = ["glue:CreatePartition", "glue:BatchCreatePartition", "glue:UpdatePartition", "glue:BatchUpdatePartition"];

/** Glue ARNs an action on a table needs: the catalog, its database and the table. */
export function tableArns(c: ArnContext, database: string, table: string): string[] {
    return [glueArn(c, "catalog"), glueArn(c, `database/${database}`), glueArn(c, `table/${database}/${table}`)];
}

export function uniq<T>(xs: T[]): T[] {
    return [...new Set(xs)];
}
