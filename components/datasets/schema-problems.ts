/**
 * JSON Schema validation (ajv, against the schema generated from shape.ts: the one editors read) and its errors
 * in plain words, at the field's line. Unions are reported by the branch the value chose (a source's `type`, a
 * string or a mapping), never as "must match exactly one schema in oneOf" with every branch's complaints.
 */
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { DatasetProblem, FieldPath, fieldName, suggest } from "./problems";
import { JsonSchema } from "./shape";
import { isObject, SourceFile, valueAt } from "./yaml-source";

/** Schema keywords that only carry messages (VS Code's YAML extension shows them too). */
export const MESSAGE_KEYWORDS = ["errorMessage", "patternErrorMessage"];

export type SchemaCheck = (raw: unknown, src: SourceFile) => DatasetProblem[];

let shared: Ajv | undefined;

/**
 * One ajv for every schema (they have their own `$id`s): each instance compiles the JSON Schema meta-schema again
 * to check the schema it is given, a third of a `dataset validate` start-up when there was one per schema.
 */
function ajv(): Ajv {
    if (!shared) {
        shared = new Ajv({ allErrors: true, verbose: true, strictTypes: false });
        addFormats(shared, ["date", "email"]);
        shared.addVocabulary(MESSAGE_KEYWORDS);
    }
    return shared;
}

const compiled = new Map<string, ValidateFunction>();

/** Compile a schema into a check returning its problems (none: the value fits the schema). */
export function schemaCheck(schema: JsonSchema): SchemaCheck {
    const text = JSON.stringify(schema);
    let validate = compiled.get(text);
    if (!validate) {
        // Another schema under the same `$id` replaces the one compiled before (ajv refuses a second one).
        if (typeof schema.$id === "string") ajv().removeSchema(schema.$id);
        validate = ajv().compile(schema);
        compiled.set(text, validate);
    }
    const check = validate;
    return (raw, src) => (check(raw) ? [] : schemaProblems(check.errors ?? [], schema, src, raw));
}

type Union = { node: JsonSchema; keyword: "oneOf" | "anyOf"; at: FieldPath };
/** Which branch of a union a value is, or the one problem to report instead of the branches' errors. */
type Choice = { branch: number } | { problem: [FieldPath, string, unknown] };

function schemaProblems(errors: ErrorObject[], root: JsonSchema, src: SourceFile, raw: unknown): DatasetProblem[] {
    const out: DatasetProblem[] = [];
    const seen = new Set<string>();
    const add = (p: DatasetProblem) => {
        const k = `${p.line}:${p.column}:${p.field}:${p.message}`;
        if (!seen.has(k)) out.push(p);
        seen.add(k);
    };
    for (const e of errors) {
        const at = numericIndices(raw, pointer(e.instancePath));
        const trail = unionsOnTheWay(root, e.schemaPath, raw, pointer(e.instancePath));
        if (!trail) continue;
        if (e.keyword === "oneOf" || e.keyword === "anyOf") {
            const choice = choose({ node: e.parentSchema as JsonSchema, keyword: e.keyword, at }, raw);
            if ("problem" in choice) add(src.problem(...choice.problem));
            continue;
        }
        add(problemFor(e, at, src, raw, trail.parentUnion));
    }
    return out;
}

function problemFor(e: ErrorObject, at: FieldPath, src: SourceFile, raw: unknown, parentUnion: Union | undefined): DatasetProblem {
    const params = e.params as Record<string, unknown>;
    const parent = (e.parentSchema ?? {}) as JsonSchema;
    switch (e.keyword) {
        case "required": {
            const missing = String(params.missingProperty);
            return src.problem([...at, missing], `missing required field '${missing}'`);
        }
        case "additionalProperties": {
            const extra = String(params.additionalProperty);
            // A field of another variant of a union (crawl on a job source) doesn't apply; anything else is unknown.
            const tag = parentUnion && discriminator(parentUnion.node[parentUnion.keyword] as JsonSchema[]);
            if (tag && parentUnion && branchesOf(parentUnion).some((b) => extra in ((b.properties as object) ?? {}))) {
                const value = valueAt(raw, at);
                return src.problem([...at, extra], `'${extra}' does not apply to ${tag} '${String(isObject(value) ? value[tag] : "")}'`, valueAt(raw, [...at, extra]), true);
            }
            const known = Object.keys((parent.properties as object) ?? {});
            const hint = suggest(extra, known);
            return src.problem([...at, extra], `unknown field '${extra}'${hint ? `; did you mean '${hint}'?` : known.length ? `; known fields: ${known.join(", ")}` : ""}`, undefined, true);
        }
        case "enum":
            return src.problem(at, `must be one of ${(params.allowedValues as unknown[]).join(", ")}`, e.data);
        case "const":
            return src.problem(at, `must be ${JSON.stringify(params.allowedValue)}`, e.data);
        case "pattern":
            return src.problem(at, typeof parent.patternErrorMessage === "string" ? parent.patternErrorMessage : `must match ${String(params.pattern)}`, e.data);
        case "format":
            return src.problem(at, params.format === "date" ? "must be an ISO date like 2026-01-31" : "must be an email address", e.data);
        case "type": {
            const type = String(params.type);
            return src.problem(at, `must be ${type === "object" ? "a mapping of fields" : type === "array" ? "a list" : `a${/^[aeiou]/.test(type) ? "n" : ""} ${type}`}`, e.data);
        }
        case "uniqueItems": {
            const [later, first] = [Number(params.j), Number(params.i)];
            const item = valueAt(raw, [...at, later]);
            return src.problem([...at, later], `${JSON.stringify(item)} is listed twice (also ${fieldName([String(at[at.length - 1] ?? ""), first])}): list each once`, item);
        }
        case "minimum":
            return src.problem(at, `must be >= ${String(params.limit)}`, e.data);
        case "maximum":
            return src.problem(at, `must be <= ${String(params.limit)}`, e.data);
        default:
            return src.problem(at, e.message ?? e.keyword, typeof e.data === "object" ? undefined : e.data);
    }
}

/**
 * Walk an error's schema path from the root, following the instance path alongside. Undefined when the error
 * belongs to a union branch the value did not choose (its complaints are noise); otherwise the union the error's
 * schema is a direct branch of, if any (for "does not apply to type ...").
 */
function unionsOnTheWay(root: JsonSchema, schemaPath: string, raw: unknown, instance: string[]): { parentUnion?: Union } | undefined {
    const segs = pointer(schemaPath.replace(/^#/, ""));
    let node: unknown = root;
    let consumed = 0;
    let parentUnion: Union | undefined;
    for (let i = 0; i < segs.length && isObject(node); i++) {
        const seg = segs[i]!;
        const next = segs[i + 1];
        if ((seg === "oneOf" || seg === "anyOf") && next !== undefined && Array.isArray(node[seg])) {
            const union: Union = { node, keyword: seg, at: numericIndices(raw, instance.slice(0, consumed)) };
            const choice = choose(union, raw);
            if (!("branch" in choice) || choice.branch !== Number(next)) return undefined;
            node = (node[seg] as unknown[])[Number(next)];
            parentUnion = union;
            i++;
            continue;
        }
        if (seg === "properties" && next !== undefined) {
            node = (node.properties as Record<string, unknown>)?.[next];
            consumed++;
            i++;
        } else if ((seg === "items" || seg === "additionalProperties") && next !== undefined) {
            node = node[seg];
            consumed++;
        } else if (seg === "allOf" && next !== undefined) {
            node = (node.allOf as unknown[])[Number(next)];
            i++;
        } else break; // the failing keyword itself
        parentUnion = undefined;
    }
    return { parentUnion };
}

/**
 * The branch a value chose. A discriminated union (every branch a mapping with a `const` field, like a source's
 * `type`) chooses by that field; otherwise the only branch that is a mapping chooses a mapping. Anything else
 * (no such branch, a scalar that matches no constant) is one problem at the union, in the schema's own words.
 */
function choose(union: Union, raw: unknown): Choice {
    const branches = branchesOf(union);
    const value = valueAt(raw, union.at);
    const tag = discriminator(branches);
    if (tag && isObject(value)) {
        const consts = branches.map((b) => ((b.properties as Record<string, JsonSchema>)[tag]!.const as unknown));
        if (!(tag in value)) return { problem: [[...union.at, tag], `missing required field '${tag}'`, undefined] };
        const i = consts.findIndex((c) => c === value[tag]);
        return i >= 0 ? { branch: i } : { problem: [[...union.at, tag], `must be one of ${consts.join(", ")}`, value[tag]] };
    }
    if (isObject(value)) {
        const maps = branches.map((b, i) => (b.type === "object" ? i : -1)).filter((i) => i >= 0);
        if (maps.length === 1) return { branch: maps[0]! };
    }
    const message = typeof union.node.errorMessage === "string" ? union.node.errorMessage : tag && !isObject(value) ? "must be a mapping of fields" : `must be one of ${branches.map(describeBranch).join(", ")}`;
    return { problem: [union.at, message, value] };
}

function branchesOf(union: Union): JsonSchema[] {
    return union.node[union.keyword] as JsonSchema[];
}

/** The field every branch fixes with `const`, when there is one. */
function discriminator(branches: JsonSchema[]): string | undefined {
    const first = branches[0]?.properties as Record<string, JsonSchema> | undefined;
    return Object.keys(first ?? {}).find((k) => branches.every((b) => b.type === "object" && (b.properties as Record<string, JsonSchema> | undefined)?.[k]?.const !== undefined));
}

function describeBranch(b: JsonSchema): string {
    if (b.const !== undefined) return JSON.stringify(b.const);
    if (b.type === "object") return `a mapping (${Object.keys((b.properties as object) ?? {}).join(", ")})`;
    return String(b.type ?? "a value");
}

/** "/columns/2/type" -> ["columns", "2", "type"] (JSON pointer unescaped). */
function pointer(p: string): string[] {
    return p
        .split("/")
        .slice(1)
        .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Turn "2" segments into numbers where the container is an array (for field names like columns[2]). */
function numericIndices(raw: unknown, at: string[]): FieldPath {
    const out: FieldPath = [];
    let cur: unknown = raw;
    for (const seg of at) {
        const s = Array.isArray(cur) && /^\d+$/.test(seg) ? Number(seg) : seg;
        out.push(s);
        cur = valueAt(cur, [s]);
    }
    return out;
}
