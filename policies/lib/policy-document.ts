import { isUnknownError, peek, UNKNOWN } from "./props";

/**
 * IAM policy documents (identity policies, bucket policies) as the rules read them.
 *
 * A document arrives as a JSON string (`JSON.stringify(...)`, `getPolicyDocument().json`) or as an object
 * (`aws.iam.PolicyDocument`), and during preview parts of it may be computed (`Resource: [bucket.arn]`).
 * `readDocument` copies it into plain values with UNKNOWN where a value is computed, so a rule can judge
 * the statements it can read and wait for the others.
 */

export interface Statement {
    Sid?: unknown;
    Effect?: unknown;
    Principal?: unknown;
    NotPrincipal?: unknown;
    Action?: unknown;
    NotAction?: unknown;
    Resource?: unknown;
    NotResource?: unknown;
    Condition?: unknown;
}

export type DocumentRead =
    | { status: "unknown" }
    /** `reason` completes "the policy is ...". */
    | { status: "invalid"; reason: string }
    /** `partial`: some value inside the document is computed (preview). */
    | { status: "ok"; statements: Statement[]; partial: boolean };

export const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** Deep copy through the preview proxy: computed values become UNKNOWN instead of throwing. */
function materialize(v: unknown, depth = 0): unknown {
    if (v === UNKNOWN || v === null || typeof v !== "object" || depth > 20) return v;
    try {
        if (Array.isArray(v)) return Array.from({ length: v.length }, (_, i) => materialize(peek(v, i), depth + 1));
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(v)) out[k] = materialize(peek(v, k), depth + 1);
        return out;
    } catch (e) {
        if (isUnknownError(e)) return UNKNOWN;
        throw e;
    }
}

/** True when a value (or anything inside it) is computed. */
export function containsUnknown(v: unknown): boolean {
    if (v === UNKNOWN) return true;
    if (v === null || typeof v !== "object") return false;
    return Object.values(v).some(containsUnknown);
}

export function readDocument(doc: unknown): DocumentRead {
    const plain = materialize(doc);
    if (plain === UNKNOWN) return { status: "unknown" };
    let parsed: unknown = plain;
    if (typeof plain === "string") {
        try {
            parsed = JSON.parse(plain);
        } catch {
            return { status: "invalid", reason: "not valid JSON" };
        }
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        return { status: "invalid", reason: "not a JSON object" };
    }
    const statements = (parsed as { Statement?: unknown }).Statement;
    if (statements === UNKNOWN) return { status: "unknown" };
    return {
        status: "ok",
        partial: containsUnknown(parsed),
        statements: asList(statements).filter((s): s is Statement => s !== null && typeof s === "object" && !Array.isArray(s)),
    };
}

/** A statement's label for messages: its Sid, else its index. */
export function statementLabel(s: Statement, i: number): string {
    return typeof s.Sid === "string" && s.Sid !== "" ? `statement "${s.Sid}"` : `Statement[${i}]`;
}

/** The string values of a field (Action, Resource...); `unknown` when any value is computed. */
export function strings(v: unknown): { values: string[]; unknown: boolean } {
    const list = v === UNKNOWN ? [UNKNOWN] : asList(v);
    return { values: list.filter((x): x is string => typeof x === "string"), unknown: list.some((x) => x === UNKNOWN) };
}

/** `Principal: "*"` or `{ AWS: "*" }` (also in a list): anyone, in any account, signed or not. */
export function isEveryone(principal: unknown): boolean {
    if (principal === "*") return true;
    if (principal === null || typeof principal !== "object" || Array.isArray(principal)) return false;
    return asList((principal as Record<string, unknown>).AWS).includes("*");
}
