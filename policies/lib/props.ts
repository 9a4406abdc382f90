/**
 * Safe reads of resource properties.
 *
 * During `pulumi preview` @pulumi/policy wraps props in a proxy that throws `UnknownValueError` on
 * any computed value. One unknown bucket name must not abort a whole stack policy, so every read
 * goes through `peek`, which turns "unknown" into the UNKNOWN sentinel the rules can reason about.
 */

/** A value that exists but is not known until the update runs. */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Peeked = unknown;

/** True for the proxy's UnknownValueError (thrown when a rule touches a computed value). */
export function isUnknownError(e: unknown): boolean {
    return e instanceof Error && e.constructor?.name === "UnknownValueError";
}

/**
 * Reads `obj.a.b.c`; undefined when a segment is missing, UNKNOWN when it is computed.
 * A named segment on an array reads its first element: the provider models single nested blocks
 * as objects in inputs but some state shapes (and older SDKs) as one-element lists.
 */
export function peek(obj: unknown, ...path: (string | number)[]): unknown {
    let cur: unknown = obj;
    for (const key of path) {
        if (cur === null || cur === undefined || typeof cur !== "object") return undefined;
        try {
            if (Array.isArray(cur) && typeof key === "string") cur = cur.length > 0 ? cur[0] : undefined;
            if (cur === null || cur === undefined || typeof cur !== "object") return undefined;
            cur = (cur as Record<string | number, unknown>)[key];
        } catch (e) {
            if (isUnknownError(e)) return UNKNOWN;
            throw e;
        }
    }
    return cur;
}

/** A known, non-empty string, else undefined. */
export function str(obj: unknown, ...path: (string | number)[]): string | undefined {
    const v = peek(obj, ...path);
    return typeof v === "string" && v.length > 0 ? v : undefined;
}

/** A known boolean; the string forms "true"/"false" count (some provider fields are strings). */
export function bool(obj: unknown, ...path: (string | number)[]): boolean | undefined {
    const v = peek(obj, ...path);
    if (typeof v === "boolean") return v;
    if (v === "true") return true;
    if (v === "false") return false;
    return undefined;
}

/** A known finite number (numeric strings count), else undefined. */
export function num(obj: unknown, ...path: (string | number)[]): number | undefined {
    const v = peek(obj, ...path);
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
    return undefined;
}

/** The elements of a known array (unknown elements stay UNKNOWN); [] when absent or computed. */
export function list(obj: unknown, ...path: (string | number)[]): unknown[] {
    const v = peek(obj, ...path);
    if (!Array.isArray(v)) return [];
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) out.push(peek(v, i));
    return out;
}

/**
 * A string-valued map (parameters, tags) with its known entries. Unknown values are dropped:
 * a marker we can't read yet is treated as absent, and the name patterns take over.
 */
export function stringMap(obj: unknown, ...path: (string | number)[]): Record<string, string> {
    const v = peek(obj, ...path);
    const out: Record<string, string> = {};
    if (v === null || v === undefined || typeof v !== "object" || Array.isArray(v)) return out;
    for (const key of Object.keys(v)) {
        const entry = peek(v, key);
        if (typeof entry === "string") out[key] = entry;
    }
    return out;
}

/** True when the value at path is present but computed. */
export function isUnknown(obj: unknown, ...path: (string | number)[]): boolean {
    return peek(obj, ...path) === UNKNOWN;
}

/** Quotes a value for a message: strings in quotes, absent as "not set". */
export function show(value: unknown): string {
    if (value === undefined || value === null) return "not set";
    if (value === UNKNOWN) return "unknown until apply";
    if (typeof value === "string") return `"${value}"`;
    return JSON.stringify(value);
}

/** The short type name for messages: `aws:glue/catalogTable:CatalogTable` -> `aws.glue.CatalogTable`. */
export function typeLabel(type: string): string {
    const m = /^([^:]+):([^/:]+)\/[^:]+:(.+)$/.exec(type);
    return m ? `${m[1]}.${m[2]}.${m[3]}` : type;
}

/** "<type> '<name>'" — the prefix every message starts with. */
export function subject(r: { type: string; name: string }): string {
    return `${typeLabel(r.type)} '${r.name}'`;
}
