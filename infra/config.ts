/**
 * Every platform setting, read once from the stack's config (`Pulumi.<stack>.yaml`) into one typed, frozen object.
 * Invalid or missing settings fail before any resource is registered, with ONE error that lists every problem, at
 * its line of `Pulumi.<stack>.yaml` when the file is there to read. dev and prod differ only by this config.
 *
 * No @pulumi imports here: the dataset CLI parses config too, and must start fast.
 */
import * as fs from "fs";
import * as path from "path";
import { isMap, isPair, isScalar, isSeq, LineCounter, Node, parseDocument } from "yaml";
import { z } from "zod";
import { invalidNames, LAYERS, Layer, longestBucketName, NAME_RULES, partitionOf, stackDerivedNames } from "../contract";
import { suggest } from "../components/datasets/problems";

/** Config namespace: keys are written `lake:<key>` in Pulumi.<stack>.yaml. */
export const NAMESPACE = "lake";

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export const CLASSIFICATIONS = ["public", "internal", "confidential", "pii"] as const;

/**
 * Every AWS region: the values of @pulumi/aws's `Region` enum (test/infra/config.test.ts proves them equal; the
 * enum isn't imported, to keep @pulumi out of this file). Update both when the provider learns a region.
 */
export const AWS_REGIONS = [
    "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
    "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2",
    "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1",
    "us-west-2", "cn-north-1", "cn-northwest-1", "eusc-de-east-1", "us-gov-east-1", "us-gov-west-1", "us-iso-east-1", "us-iso-west-1",
    "us-isob-east-1", "us-isob-west-1", "eu-isoe-west-1", "us-isof-east-1", "us-isof-south-1",
] as const;

/** The partitions whose ARNs the platform builds (contract/arn.ts); the isolated and sovereign ones have other ARN prefixes. */
export const SUPPORTED_PARTITIONS = ["aws", "aws-cn", "aws-us-gov"] as const;

/** The partition of any AWS region, including the ones `partitionOf` doesn't know (and the platform doesn't support). */
export function regionPartition(region: string): string {
    const other: [string, string][] = [["us-isob-", "aws-iso-b"], ["us-isof-", "aws-iso-f"], ["eu-isoe-", "aws-iso-e"], ["us-iso-", "aws-iso"], ["eusc-", "aws-eusc"]];
    return other.find(([p]) => region.startsWith(p))?.[1] ?? partitionOf(region);
}

type Expected = "number" | "boolean" | "string" | "object";

/** A wrong-type message that says what the value is and how to write it, or undefined when nothing better applies. */
function wrongType(expected: Expected, input: unknown): string | undefined {
    if ((expected === "number" || expected === "boolean") && typeof input === "string") {
        const parsed = parseJsonish(input);
        if (typeof parsed === expected) return `is quoted, so it is text (${JSON.stringify(input)}), not a ${expected}: write ${input} without quotes`;
    }
    if (expected === "string" && (typeof input === "number" || typeof input === "boolean")) return `must be a string: quote it ("${String(input)}"), YAML reads it as a ${typeof input}`;
    return undefined;
}

/** zod error for a field of one type: `missing` when absent, a quoting hint when that is the mistake, else `otherwise`. */
const typeError = (expected: Expected, otherwise: string, missing?: string) => (iss: { code?: string; input?: unknown }) => {
    if (iss.code !== "invalid_type") return undefined;
    if (iss.input === undefined && missing) return missing;
    return wrongType(expected, iss.input) ?? otherwise;
};

const days = (min: number) =>
    z.number({ error: typeError("number", "must be a whole number of days") }).int("must be a whole number of days").min(min, `must be >= ${min} days`);
const number = () => z.number({ error: typeError("number", "must be a number") });
const boolean = () => z.boolean({ error: typeError("boolean", "must be true or false") });

const layerLifecycle = z
    .object({
        /** Days until objects move to STANDARD_IA. S3 requires >= 30. */
        transitionToIaDays: days(30).optional(),
        /** Days until objects move to GLACIER_IR (instant retrieval, still queryable by Athena). */
        transitionToGlacierDays: days(1).optional(),
        /** Days until current objects expire. Unset: kept forever. */
        expireDays: days(1).optional(),
    })
    .strict();

const iamPrincipalArn = z.string({ error: typeError("string", "must be an IAM role or user ARN") }).regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, "must be an IAM role or user ARN");

const schema = z.object({
    // Membership in AWS_REGIONS is judged with the other cross-field rules (with a suggestion).
    region: z.string({ error: typeError("string", "must be an AWS region like eu-west-1", "missing: set aws:region (e.g. eu-west-1)") }),
    environment: z.enum(ENVIRONMENTS, { error: `must be one of ${ENVIRONMENTS.join(", ")}` }),
    accountId: z
        .string({ error: typeError("string", "must be a 12-digit AWS account id (quote it in YAML)", "missing: the 12-digit AWS account id this stack deploys to") })
        .regex(/^\d{12}$/, "must be a 12-digit AWS account id (quote it in YAML)"),
    namePrefix: z
        .string({ error: typeError("string", "must be a string", "missing: a short lowercase prefix for every resource name, e.g. acme-lake") })
        .regex(/^[a-z][a-z0-9-]{0,38}[a-z0-9]$/, "must be 2-40 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen"),
    allowDataDestroy: boolean().default(false),
    kmsKeyDeletionWindowDays: number().int("must be a whole number of days").min(7, "must be 7-30").max(30, "must be 7-30").default(30),
    tags: z
        .object(
            {
                owner: z.string({ error: typeError("string", "must be a string", "missing: the owning team's contact, e.g. data-platform@example.com") }).min(3, "must name the owning team"),
                costCenter: z.string({ error: typeError("string", "must be a string", "missing: the cost center to bill, e.g. cc-1234") }).min(1, "must not be empty"),
                dataClassification: z.enum(CLASSIFICATIONS, { error: `must be one of ${CLASSIFICATIONS.join(", ")}` }).default("internal"),
            },
            {
                error: typeError(
                    "object",
                    "must be a mapping of owner, costCenter and (optionally) dataClassification, e.g. lake:tags: {owner: data-platform@example.com, costCenter: cc-1234}",
                    "missing: tags.owner and tags.costCenter are required",
                ),
            },
        )
        .strict(),
    storage: z
        .object({
            bronze: layerLifecycle.default({ transitionToIaDays: 30, transitionToGlacierDays: 90 }),
            silver: layerLifecycle.default({ transitionToIaDays: 90 }),
            gold: layerLifecycle.default({}),
            noncurrentVersionExpireDays: days(1).default(30),
            abortIncompleteUploadDays: days(1).default(7),
            queryResultsExpireDays: days(1).default(30),
            accessLogsExpireDays: days(1).default(365),
        })
        .strict()
        .default({
            bronze: { transitionToIaDays: 30, transitionToGlacierDays: 90 },
            silver: { transitionToIaDays: 90 },
            gold: {},
            noncurrentVersionExpireDays: 30,
            abortIncompleteUploadDays: 7,
            queryResultsExpireDays: 30,
            accessLogsExpireDays: 365,
        }),
    lakeFormation: z
        .object({
            enabled: boolean().default(true),
            admins: z.array(iamPrincipalArn).default([]),
        })
        .strict()
        .default({ enabled: true, admins: [] }),
    athena: z
        .object({
            bytesScannedCutoffPerQuery: number().int().min(10 * 1024 * 1024, "must be >= 10485760 (10 MB, the Athena minimum)").default(10 * 1024 ** 3),
        })
        .strict()
        .default({ bytesScannedCutoffPerQuery: 10 * 1024 ** 3 }),
});

type Parsed = z.infer<typeof schema>;
type DeepReadonly<T> = T extends (infer E)[] ? readonly DeepReadonly<E>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

export type LayerLifecycle = DeepReadonly<z.infer<typeof layerLifecycle>>;

export type LakeConfig = DeepReadonly<
    Parsed & {
        project: string;
        stack: string;
        /** true in prod: data-bearing resources are protected and retained on delete. */
        isProd: boolean;
    }
>;

export interface ConfigProblem {
    /** Full config key, e.g. `lake:storage.bronze.expireDays` or `aws:region`. */
    key: string;
    /** The offending value, or undefined when missing. */
    value: unknown;
    message: string;
    /** 1-based line and column in the stack file, when the file was read and says this value. */
    line?: number;
    column?: number;
}

export class ConfigError extends Error {
    /** The stack file the lines refer to. */
    readonly file: string;

    constructor(readonly stack: string, readonly problems: ConfigProblem[], file = `Pulumi.${stack}.yaml`) {
        super(
            `Invalid configuration in ${file} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems
                    .map((p) => `  - ${p.line !== undefined ? `${file}:${p.line}:${p.column ?? 1} ` : ""}${p.key}${p.value === undefined ? "" : ` = ${JSON.stringify(p.value)}`}: ${p.message}`)
                    .join("\n"),
        );
        this.file = file;
        this.name = "ConfigError";
    }
}

/** Keys whose raw config value is a plain string (everything else is JSON: numbers, booleans, objects). */
const STRING_KEYS = new Set(["environment", "accountId", "namePrefix"]);

/** The stack file's text: read by `parseLakeConfig` for lines and for quoting, which the raw values can't show. */
export interface StackFile {
    /** As named in messages, e.g. `Pulumi.dev.yaml`. */
    file: string;
    text: string;
}

export interface ParseContext {
    project: string;
    stack: string;
    /**
     * The stack file. Undefined: `Pulumi.<stack>.yaml` in the working directory when it exists (the Pulumi CLI and
     * the offline engine run the program in the project directory); null: none (lines and quoting not checked).
     */
    stackFile?: StackFile | null;
}

/**
 * Parse raw stack config (as Pulumi hands it over: `{"lake:environment": "dev", "lake:storage": "{...}"}`)
 * into the frozen LakeConfig. Pure apart from reading the stack file (see ParseContext.stackFile).
 */
export function parseLakeConfig(raw: Record<string, string>, ctx: ParseContext): LakeConfig {
    const input: Record<string, unknown> = {};
    const problems: ConfigProblem[] = [];
    for (const [fullKey, value] of Object.entries(raw)) {
        if (fullKey === "aws:region") input.region = value;
        if (!fullKey.startsWith(`${NAMESPACE}:`)) continue;
        const key = fullKey.slice(NAMESPACE.length + 1);
        if (!(key in schema.shape) || key === "region") {
            problems.push({ key: fullKey, value, message: `unknown setting; known: ${Object.keys(schema.shape).filter((k) => k !== "region").map((k) => `${NAMESPACE}:${k}`).join(", ")}` });
            continue;
        }
        input[key] = STRING_KEYS.has(key) ? value : parseJsonish(value);
    }
    const result = schema.safeParse(input);
    if (!result.success) {
        for (const issue of result.error.issues) {
            const path = issue.path.map(String);
            const key = path[0] === "region" ? "aws:region" : `${NAMESPACE}:${path.join(".")}`;
            problems.push({ key, value: valueAt(input, path), message: describe(issue) });
        }
    }
    problems.push(...crossFieldProblems(input));
    const file = ctx.stackFile === undefined ? readStackFile(ctx.stack) : ctx.stackFile ?? undefined;
    const located = file ? new StackFileView(file, raw) : undefined;
    if (located) problems.push(...located.quotedScalars());
    if (problems.length || !result.success) {
        throw new ConfigError(ctx.stack, located ? problems.map((p) => ({ ...p, ...located.position(p.key) })) : problems, file?.file);
    }
    return deepFreeze({ ...result.data, project: ctx.project, stack: ctx.stack, isProd: result.data.environment === "prod" });
}

function readStackFile(stack: string): StackFile | undefined {
    const file = `Pulumi.${stack}.yaml`;
    const abs = path.join(process.cwd(), file);
    return fs.existsSync(abs) ? { file, text: fs.readFileSync(abs, "utf8") } : undefined;
}

/** Top-level settings whose schema type is a number or a boolean (the ones a quoted value would mistype). */
const TYPED_TOP_LEVEL: Map<string, "number" | "boolean"> = new Map(
    Object.entries(schema.shape).flatMap(([k, t]) => {
        let def = (t as z.ZodType).def as { type: string; innerType?: z.ZodType };
        while ((def.type === "default" || def.type === "optional") && def.innerType) def = def.innerType.def as typeof def;
        return def.type === "number" || def.type === "boolean" ? [[k, def.type] as const] : [];
    }),
);

/**
 * The stack file as written, aligned with the raw values. Pulumi hands every top-level value to the program as a
 * string (`7` and `"7"` both arrive as "7"; `pulumi config set` writes top-level values quoted unless given
 * `--type`), so only the file shows whether a number was quoted. Nothing from the file is used for a key whose value
 * there is not the value the program received (a `--config` override, a test's own config).
 */
class StackFileView {
    private readonly lines = new LineCounter();
    private readonly config: Node | undefined;

    constructor(
        readonly file: StackFile,
        private readonly raw: Record<string, string>,
    ) {
        const doc = parseDocument(file.text, { lineCounter: this.lines });
        const root = doc.errors.length ? undefined : doc.contents;
        this.config = isMap(root) ? (root.get("config", true) as Node | undefined) : undefined;
    }

    /** The node of a top-level key, only when the file's value is the one the program received. */
    private topLevel(fullKey: string): { keyNode: Node; value: Node } | undefined {
        if (!isMap(this.config)) return undefined;
        const pair = this.config.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === fullKey);
        if (!pair || !isScalar(pair.key) || !(fullKey in this.raw)) return undefined;
        const value = pair.value as Node | null;
        if (!value || !sameValue((value as Node & { toJSON(): unknown }).toJSON(), this.raw[fullKey]!)) return undefined;
        return { keyNode: pair.key as Node, value };
    }

    /** Line and column of the value at a problem's key (`lake:storage.bronze.expireDays`), or {} when unknown. */
    position(key: string): { line?: number; column?: number } {
        const [ns, ...rest] = key.split(":");
        const [top, ...path] = rest.join(":").split(".");
        const found = this.topLevel(`${ns}:${top}`);
        if (!found) return {};
        let node: unknown = found.value;
        let at = found.value.range?.[0] ?? found.keyNode.range?.[0] ?? 0;
        for (const seg of path) {
            if (isMap(node)) {
                const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
                if (!pair) break;
                node = pair.value;
                at = (node as Node | null)?.range?.[0] ?? (pair.key as Node).range?.[0] ?? at;
            } else if (isSeq(node) && /^\d+$/.test(seg) && Number(seg) < node.items.length) {
                node = node.items[Number(seg)];
                at = (node as Node).range?.[0] ?? at;
            } else break;
        }
        const pos = this.lines.linePos(at);
        return { line: pos.line, column: pos.col };
    }

    /** Top-level numbers and booleans written in quotes: text in the file, whatever the program receives. */
    quotedScalars(): ConfigProblem[] {
        const out: ConfigProblem[] = [];
        for (const [key, type] of TYPED_TOP_LEVEL) {
            const fullKey = `${NAMESPACE}:${key}`;
            const found = this.topLevel(fullKey);
            if (!found || !isScalar(found.value) || typeof found.value.value !== "string") continue;
            const text = found.value.value;
            if (typeof parseJsonish(text) !== type) continue; // not a quoted number/boolean: the schema judges it
            out.push({
                key: fullKey,
                value: text,
                message: `is quoted, so it is text, not a ${type}: write ${fullKey}: ${text} without quotes (with the CLI: pulumi config set --type ${type === "number" ? "int" : "bool"} ${fullKey} ${text}; without --type it writes top-level values as quoted text)`,
            });
        }
        return out;
    }
}

/** The file's value (YAML) and the raw value (Pulumi's string) mean the same, key order aside. */
function sameValue(fileValue: unknown, raw: string): boolean {
    if (fileValue === null || typeof fileValue !== "object") return String(fileValue) === raw;
    return canonical(fileValue) === canonical(parseJsonish(raw));
}

function canonical(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
    if (v && typeof v === "object") {
        return `{${Object.keys(v as object).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
    }
    return JSON.stringify(v) ?? "undefined";
}

/**
 * Rules across fields, judged on the raw input so they are reported together with schema errors
 * (zod skips refinements when the object itself is invalid).
 */
function crossFieldProblems(input: Record<string, unknown>): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const env = input.environment;
    if (typeof input.region === "string") problems.push(...regionProblems(input.region));
    if (env === "prod" && input.allowDataDestroy === true) {
        problems.push({ key: `${NAMESPACE}:allowDataDestroy`, value: true, message: "must be false when lake:environment is prod: prod data is never destroyable" });
    }
    const lf = (input.lakeFormation ?? {}) as { enabled?: unknown; admins?: unknown };
    if (lf.enabled !== false && (!Array.isArray(lf.admins) || lf.admins.length === 0)) {
        problems.push({ key: `${NAMESPACE}:lakeFormation.admins`, value: lf.admins, message: "needs at least one IAM role ARN while Lake Formation is enabled (lakeFormation.enabled defaults to true)" });
    }
    problems.push(...derivedNameProblems(input));
    const storage = (input.storage ?? {}) as Record<string, Record<string, unknown> | undefined>;
    for (const layer of LAYERS) {
        const l = storage[layer];
        if (!l || typeof l !== "object") continue;
        const set = (["transitionToIaDays", "transitionToGlacierDays", "expireDays"] as const).filter((k) => typeof l[k] === "number");
        for (let i = 1; i < set.length; i++) {
            const [prev, cur] = [set[i - 1], set[i]];
            if ((l[cur] as number) <= (l[prev] as number)) {
                problems.push({ key: `${NAMESPACE}:storage.${layer}.${cur}`, value: l[cur], message: `must be greater than storage.${layer}.${prev} (${l[prev]})` });
            }
        }
    }
    return problems;
}

function regionProblems(region: string): ConfigProblem[] {
    const key = "aws:region";
    if (!(AWS_REGIONS as readonly string[]).includes(region)) {
        const hint = suggest(region, AWS_REGIONS);
        return [{ key, value: region, message: `is not an AWS region${hint ? `; did you mean '${hint}'?` : " (e.g. eu-west-1)"}` }];
    }
    const partition = regionPartition(region);
    if (!(SUPPORTED_PARTITIONS as readonly string[]).includes(partition)) {
        return [{ key, value: region, message: `is in the ${partition} partition, whose ARNs the lake doesn't build (supported: ${SUPPORTED_PARTITIONS.join(", ")})` }];
    }
    return [];
}

/**
 * Every name the stack derives (contract/naming.ts `stackDerivedNames`: buckets, key alias, roles, policies,
 * workgroup), checked once prefix, environment and account are themselves valid: a prefix like `xn--lake` fails
 * here, not after the key was registered.
 */
function derivedNameProblems(input: Record<string, unknown>): ConfigProblem[] {
    const { namePrefix: prefix, environment, accountId } = input;
    if (typeof prefix !== "string" || !/^[a-z][a-z0-9-]{0,38}[a-z0-9]$/.test(prefix)) return [];
    if (typeof environment !== "string" || !(ENVIRONMENTS as readonly string[]).includes(environment)) return [];
    const account = typeof accountId === "string" && /^\d{12}$/.test(accountId) ? accountId : "000000000000";
    const key = `${NAMESPACE}:namePrefix`;
    const problems: ConfigProblem[] = [];
    const longest = longestBucketName(prefix, environment);
    if (longest > NAME_RULES.s3Bucket.max) {
        problems.push({
            key,
            value: prefix,
            message: `is too long: the longest bucket name (${prefix}-${environment}-query-results-<account>) would be ${longest} chars, S3 allows 63; shorten it by ${longest - 63}`,
        });
    }
    const invalid = invalidNames(stackDerivedNames({ prefix, environment, accountId: account }));
    // Length is reported once, above; any other bucket rule (a reserved prefix) once, with the first bucket it breaks.
    const bucketRule = invalid
        .filter((i) => i.name.rule === NAME_RULES.s3Bucket)
        .map((i) => ({ ...i, rest: i.problem.split("; ").filter((p) => !p.startsWith("length ")) }))
        .find((i) => i.rest.length);
    if (bucketRule) problems.push({ key, value: prefix, message: `gives invalid S3 bucket names, e.g. ${bucketRule.name.name.replace(account, "<account>")}: ${bucketRule.rest.join("; ")}; choose another prefix` });
    for (const { name: n, problem } of invalid.filter((i) => i.name.rule !== NAME_RULES.s3Bucket)) {
        problems.push({ key, value: prefix, message: `gives an invalid ${n.what} name '${n.name}': ${problem}; shorten lake:namePrefix` });
    }
    return problems;
}

function parseJsonish(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

function valueAt(input: Record<string, unknown>, path: string[]): unknown {
    let v: unknown = input;
    for (const p of path) {
        if (v === null || typeof v !== "object") return undefined;
        v = (v as Record<string, unknown>)[p];
    }
    return v;
}

function describe(issue: z.core.$ZodIssue): string {
    if (issue.code === "unrecognized_keys") return `unknown field(s) ${issue.keys.join(", ")}`;
    if (issue.code === "invalid_type" && issue.message.startsWith("Invalid input")) return `must be ${issue.expected}`;
    return issue.message;
}

function deepFreeze<T>(o: T): T {
    if (o && typeof o === "object") {
        for (const v of Object.values(o)) deepFreeze(v);
        Object.freeze(o);
    }
    return o;
}

export type { Layer };
