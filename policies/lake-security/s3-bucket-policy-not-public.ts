import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { cfg, stringListSchema } from "../lib/config";
import { asList, containsUnknown, isEveryone, readDocument, Statement, statementLabel, strings } from "../lib/policy-document";
import { peek, subject } from "../lib/props";
import { BUCKET_TYPES, T } from "../lib/types";

/**
 * Condition keys that pin a request to known callers or networks. From S3's "meaning of public": a policy
 * is not public when it grants only to fixed values of aws:SourceArn, SourceVpc, SourceVpce, SourceOwner,
 * SourceAccount, SourceIp (CIDRs) or aws:userid, extended with the organisation/principal keys IAM Access
 * Analyzer treats the same way.
 */
export const DEFAULT_RESTRICTING_KEYS = [
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOwner",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceIp",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:userid",
    "s3:DataAccessPointArn",
    "s3:DataAccessPointAccount",
];

export interface BucketPolicyNotPublicConfig {
    restrictingConditionKeys: string[];
}

const configSchema: PolicyConfigSchema = {
    properties: {
        restrictingConditionKeys: stringListSchema(
            DEFAULT_RESTRICTING_KEYS,
            'Condition keys that, with a fixed value, restrict an Allow to Principal "*" to known callers.',
        ),
    },
};

/** Operators that require the key to be present and equal/match: `...IfExists`, `Not...`, ForAllValues and Null don't restrict. */
const POSITIVE = /^(ForAnyValue:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|IpAddress)$/;

/** A fixed value: not only wildcards; an ARN without wildcard partition/service/region/account or resource; no /0 CIDR. */
function fixed(value: string): boolean {
    if (/^[*?]*$/.test(value)) return false;
    if (/^(0\.0\.0\.0|::)\/0$/.test(value)) return false;
    if (value.startsWith("arn:")) {
        const parts = value.split(":");
        if (parts.slice(1, 5).some((p) => /[*?]/.test(p))) return false;
        if (/^[*?/]*$/.test(parts.slice(5).join(":"))) return false;
    }
    return true;
}

/** The restricting condition keys a statement pins, e.g. ["aws:SourceVpce"]; [] when none. */
function restrictingKeys(condition: unknown, keys: readonly string[]): string[] {
    if (condition === null || typeof condition !== "object") return [];
    const lower = new Set(keys.map((k) => k.toLowerCase()));
    const out: string[] = [];
    for (const [operator, block] of Object.entries(condition as Record<string, unknown>)) {
        if (!POSITIVE.test(operator) || block === null || typeof block !== "object") continue;
        for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
            const values = asList(value);
            if (!lower.has(key.toLowerCase()) || values.length === 0) continue;
            if (values.every((v) => typeof v === "string" && fixed(v))) out.push(key);
        }
    }
    return out;
}

const FIX =
    'name the principals (Principal: { AWS: "<role ARN>" } or { Service: "<service>.amazonaws.com" }), or add a condition with a fixed value such as StringEquals { "aws:PrincipalOrgID": "o-..." }, { "aws:SourceVpce": "vpce-..." } or { "aws:SourceAccount": "<account id>" }';

/** Problems of one document: each Allow open to anyone, or [] (unknown parts are judged once known). */
function publicStatements(doc: unknown, keys: readonly string[]): string[] {
    const read = readDocument(doc);
    // Invalid JSON is s3-tls-only's finding (and AWS rejects it); nothing to say about principals.
    if (read.status !== "ok") return [];
    const out: string[] = [];
    read.statements.forEach((s: Statement, i) => {
        if (s.Effect !== "Allow") return;
        // Computed principals or conditions (preview): judged once known.
        if ([s.Principal, s.NotPrincipal, s.Condition].some(containsUnknown)) return;
        const notPrincipal = s.NotPrincipal !== undefined;
        if (!notPrincipal && !isEveryone(s.Principal)) return;
        if (restrictingKeys(s.Condition, keys).length > 0) return;
        const actions = strings(s.Action ?? s.NotAction).values;
        const resources = strings(s.Resource ?? s.NotResource).values;
        const who = notPrincipal ? `everyone except NotPrincipal ${JSON.stringify(s.NotPrincipal)}` : `Principal ${JSON.stringify(s.Principal)}`;
        out.push(
            `${statementLabel(s, i)} allows ${s.NotAction !== undefined ? "all but " : ""}${actions.join(", ") || "(no action)"} on ${resources.join(", ") || "(no resource)"} to ${who} ` +
                `with no condition pinning the caller (${keys.slice(0, 5).join(", ")}, ...)`,
        );
    });
    return out;
}

/**
 * Bucket policies (aws.s3.BucketPolicy, and the deprecated inline `policy` of a bucket) grant nothing to
 * anyone-at-all: an Allow to `Principal: "*"` (or `{ AWS: "*" }`, or an Allow with NotPrincipal) needs a
 * condition that pins the caller to an account, organisation, VPC endpoint or source ARN. The public access
 * block (s3-public-access-block) stops such a policy from being applied; this rule says which statement would
 * open the bucket, before the apply fails or, without the block, succeeds.
 */
export const s3BucketPolicyNotPublic: ResourceValidationPolicy = {
    name: "s3-bucket-policy-not-public",
    description:
        'S3 bucket policies allow nothing to Principal "*" (or { AWS: "*" }, or via NotPrincipal) unless a condition pins the caller (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID, aws:SourceVpce, ...).',
    severity: "critical",
    tags: ["security", "s3"],
    configSchema,
    remediationSteps: `In each Allow statement, ${FIX}.`,
    validateResource: (args, report) => {
        if (args.type !== T.bucketPolicy && !BUCKET_TYPES.includes(args.type)) return;
        const doc = peek(args.props, "policy");
        if (doc === undefined || doc === null || doc === "") return;
        const { restrictingConditionKeys } = cfg<BucketPolicyNotPublicConfig>(args, configSchema);
        const where = args.type === T.bucketPolicy ? "policy" : "policy (inline)";
        for (const problem of publicStatements(doc, restrictingConditionKeys)) {
            report(`${subject(args)} ${where}: ${problem}, so anyone can make these requests. Fix: ${FIX}.`);
        }
    },
};
