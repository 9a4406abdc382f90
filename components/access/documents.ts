/**
 * The access documents: the Lake Formation registration role's policy and, in IAM mode, each dataset's reader and
 * writer policies. Pure functions of resolved names and ARNs.
 */
import type { ArnContext } from "../../contract";
import { doc, GLUE_PARTITION_WRITE, GLUE_READ, PolicyDocument, s3Statements, S3Prefix, tableArns } from "../shared/iam";

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

/** IAM-mode read access to several datasets for one platform role (BI): each dataset's reader document, merged, Sids numbered. */
export function readersPolicy(tables: readonly DatasetAccess[]): PolicyDocument {
    return doc(tables.flatMap((t, i) => readerPolicy(t).Statement.map((s) => ({ ...s, Sid: `${s.Sid}${i}` }))));
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

