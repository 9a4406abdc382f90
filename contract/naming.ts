/**
 * Deterministic, AWS-valid names: prefix + environment + purpose (+ account id for S3, which is global).
 * A name that can't be valid fails here, before any resource is registered.
 */

export class NameError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "NameError";
    }
}

/** Bucket purposes the platform creates; the longest one bounds the prefix length (see config). */
export const BUCKET_PURPOSES = ["bronze", "silver", "gold", "query-results", "access-logs"] as const;
export type BucketPurpose = (typeof BUCKET_PURPOSES)[number];

const S3_MAX = 63;
const GLUE_MAX = 255;
const IAM_ROLE_MAX = 64;

export interface NamerArgs {
    /** Lowercase letters, digits and hyphens; starts with a letter. */
    prefix: string;
    /** dev | staging | prod */
    environment: string;
    /** 12-digit AWS account id: makes bucket names globally unique and stable. */
    accountId: string;
}

export class Namer {
    constructor(readonly args: NamerArgs) {}

    /** `<prefix>-<env>-<purpose>-<account>`; 3-63 chars of [a-z0-9-], as S3 requires. */
    bucket(purpose: string): string {
        const name = `${this.args.prefix}-${this.args.environment}-${purpose}-${this.args.accountId}`;
        return checkBucketName(name);
    }

    /** Glue/Athena identifier: `<prefix>_<env>_<parts...>`, lowercase with underscores. */
    glue(...parts: string[]): string {
        return checkGlueName([this.args.prefix, this.args.environment, ...parts].join("_").replace(/-/g, "_"));
    }

    /** Generic AWS resource name (IAM roles, crawlers, workgroups): `<prefix>-<env>-<parts...>`, max 64. */
    resource(...parts: string[]): string {
        const name = [this.args.prefix, this.args.environment, ...parts].join("-");
        if (name.length > IAM_ROLE_MAX || !/^[a-z][a-z0-9-]*$/.test(name)) {
            throw new NameError(
                `name '${name}' (${name.length} chars) is not valid: AWS resource names here must be 1-${IAM_ROLE_MAX} ` +
                    `lowercase letters, digits and hyphens, starting with a letter. Shorten lake:namePrefix or the purpose.`,
            );
        }
        return name;
    }

    /** KMS alias name: `alias/<prefix>-<env>-<purpose>`. */
    kmsAlias(purpose: string): string {
        return `alias/${this.resource(purpose)}`;
    }
}

/** S3 bucket naming rules (general purpose buckets). Returns the name or throws with the reason. */
export function checkBucketName(name: string): string {
    const problems: string[] = [];
    if (name.length < 3 || name.length > S3_MAX) problems.push(`length ${name.length} is outside 3-${S3_MAX}`);
    if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) {
        problems.push("only lowercase letters, digits, '.' and '-' are allowed, starting and ending with a letter or digit");
    }
    if (name.includes("..")) problems.push("'..' is not allowed");
    if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) problems.push("an IP address is not allowed");
    if (name.startsWith("xn--") || name.startsWith("sthree-")) problems.push("reserved prefix");
    if (name.endsWith("-s3alias") || name.endsWith("--ol-s3")) problems.push("reserved suffix");
    if (problems.length) throw new NameError(`S3 bucket name '${name}' is not valid: ${problems.join("; ")}.`);
    return name;
}

/** Glue database/table and Athena identifiers: lowercase letters, digits, underscores; start with a letter. */
export function checkGlueName(name: string): string {
    if (name.length > GLUE_MAX || !/^[a-z][a-z0-9_]*$/.test(name)) {
        throw new NameError(
            `Glue/Athena name '${name}' is not valid: use 1-${GLUE_MAX} lowercase letters, digits and underscores, ` +
                "starting with a letter.",
        );
    }
    return name;
}

/** Length of the longest bucket name this prefix/environment produces (account ids are always 12 digits). */
export function longestBucketName(prefix: string, environment: string): number {
    const longestPurpose = Math.max(...BUCKET_PURPOSES.map((p) => p.length));
    return `${prefix}-${environment}--`.length + longestPurpose + 12;
}
