/**
 * Principals as the dataset loader hands them over (full ARNs): what IAM mode can attach policies to, and
 * stable short ids for logical resource names.
 */
import { createHash } from "crypto";

export interface IamPrincipal {
    kind: "role" | "user";
    accountId: string;
    /** Friendly name (the last path segment), what RolePolicyAttachment/UserPolicyAttachment take. */
    name: string;
}

const IAM_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):(role|user)\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

/** The role or user an IAM ARN names, or undefined for other principals (SAML, QuickSight, other shapes). */
export function parseIamPrincipal(arn: string): IamPrincipal | undefined {
    const m = IAM_ARN.exec(arn);
    return m ? { kind: m[2] as "role" | "user", accountId: m[1], name: m[3] } : undefined;
}

/**
 * 8 hex chars of the principal's SHA-256: grant names stay stable when the consumer list is reordered and
 * unique when the same principal reads several datasets. Changing a principal's ARN renames its grant
 * (a replace, which for a grant is a revoke+grant and harmless).
 */
export function principalId(principal: string): string {
    return createHash("sha256").update(principal).digest("hex").slice(0, 8);
}

/** `s3://bucket/prefix/` -> bucket and prefix without leading/trailing slashes. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
    const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
    if (!m) throw new Error(`location '${uri}' is not an s3://bucket/prefix URI`);
    return { bucket: m[1], prefix: m[2].replace(/\/+$/, "") };
}
