import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { asList, isEveryone, readDocument, Statement } from "../lib/policy-document";
import { peek, str, subject } from "../lib/props";
import { ofType, References } from "../lib/stack";
import { BUCKET_TYPES, T } from "../lib/types";

/** A statement that denies every S3 action to everyone when the request isn't over TLS. */
function deniesPlainHttp(s: Statement): boolean {
    if (s.Effect !== "Deny") return false;
    const everyone = isEveryone(s.Principal);
    const actions = asList(s.Action);
    const allActions = actions.includes("s3:*") || actions.includes("*");
    const cond = s.Condition as Record<string, Record<string, unknown>> | undefined;
    const secure = [cond?.Bool, cond?.BoolIfExists].some((c) =>
        asList(c?.["aws:SecureTransport"]).some((v) => v === false || v === "false"),
    );
    return everyone && allActions && secure;
}

/** Does the statement cover the bucket and its objects? Resources are `arn:...:::name` and `arn:...:::name/*`. */
function coversBucket(s: Statement, name: string | undefined): boolean {
    const resources = asList(s.Resource).filter((r): r is string => typeof r === "string");
    if (resources.includes("*")) return true;
    if (name === undefined) {
        // Name unknown at preview: accept a bucket ARN plus its object wildcard, whatever the name.
        return resources.some((r) => /^arn:[^:]+:s3:::[^/]+$/.test(r)) && resources.some((r) => /^arn:[^:]+:s3:::[^/]+\/\*$/.test(r));
    }
    const has = (suffix: string) => resources.some((r) => new RegExp(`^arn:[^:]+:s3:::${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}${suffix}$`).test(r));
    return has("") && has("\\/\\*");
}

type PolicyVerdict = "ok" | "unknown" | string;

function judgePolicyDocument(doc: unknown, bucketName: string | undefined): PolicyVerdict {
    const read = readDocument(doc);
    // A document with computed parts (e.g. Resource: [bucket.arn]) during preview: judged once known.
    if (read.status === "unknown" || (read.status === "ok" && read.partial)) return "unknown";
    if (read.status === "invalid") return `its policy is ${read.reason}`;
    const deny = read.statements.filter(deniesPlainHttp);
    if (deny.length === 0) return 'no statement denies s3:* to Principal "*" when aws:SecureTransport is "false"';
    if (!deny.some((s) => coversBucket(s, bucketName))) {
        return `the aws:SecureTransport deny does not cover both arn:aws:s3:::${bucketName ?? "<bucket>"} and arn:aws:s3:::${bucketName ?? "<bucket>"}/*`;
    }
    return "ok";
}

const TLS_STATEMENT =
    '{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucket.arn, `${bucket.arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }';

export interface TlsOnlyConfig {
    /** Skip the check while the policy document is unknown (preview of a new bucket). */
    allowUnknownPolicy: boolean;
}

const tlsSchema: PolicyConfigSchema = {
    properties: {
        allowUnknownPolicy: {
            type: "boolean",
            default: true,
            description:
                "When a bucket policy document is computed from outputs (unknown during preview of a new bucket), accept it now; it is judged again when the values are known.",
        },
    },
};

/**
 * Every bucket has a bucket policy that denies non-TLS requests. Judged on the parsed JSON (string
 * or object documents); a document computed from outputs is unknown at preview time and is judged
 * when known.
 */
export const s3TlsOnly: StackValidationPolicy = {
    name: "s3-tls-only",
    description: "Every S3 bucket has a bucket policy that denies all requests not made over TLS (aws:SecureTransport = false).",
    severity: "high",
    tags: ["security", "s3"],
    configSchema: tlsSchema,
    remediationSteps: `Add an aws.s3.BucketPolicy for the bucket containing ${TLS_STATEMENT}.`,
    validateStack: (args, report) => {
        const { allowUnknownPolicy } = cfg<TlsOnlyConfig>(args, tlsSchema);
        const buckets = ofType(args.resources, BUCKET_TYPES);
        const policies = ofType(args.resources, [T.bucketPolicy]);
        const refs = new References(buckets);
        for (const b of buckets) {
            const name = str(b.props, "bucket");
            const docs: { from: PolicyResource; doc: unknown; field: string }[] = refs.configsOf(b, policies).map((p) => ({
                from: p,
                doc: peek(p.props, "policy"),
                field: "policy",
            }));
            const inline = peek(b.props, "policy");
            if (inline !== undefined && inline !== null && inline !== "") docs.push({ from: b, doc: inline, field: "policy (inline)" });
            if (docs.length === 0) {
                report(`${subject(b)} has no bucket policy in this stack, so plain-HTTP requests are allowed. Fix: add an aws.s3.BucketPolicy containing ${TLS_STATEMENT}.`, b.urn);
                continue;
            }
            const verdicts = docs.map((d) => ({ ...d, verdict: judgePolicyDocument(d.doc, name) }));
            if (verdicts.some((v) => v.verdict === "ok" || (v.verdict === "unknown" && allowUnknownPolicy))) continue;
            const why = verdicts.map((v) => `${subject(v.from)} ${v.field}: ${v.verdict === "unknown" ? "unknown until apply" : v.verdict}`).join("; ");
            report(`${subject(b)} does not enforce TLS: ${why}. Fix: add the statement ${TLS_STATEMENT}.`, b.urn);
        }
    },
};
