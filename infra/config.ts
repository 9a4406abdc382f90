/**
 * Every platform setting, read once from the stack's config (`Pulumi.<stack>.yaml`) into one typed, frozen object.
 * Invalid or missing settings fail before any resource is registered, with ONE error that lists every problem.
 * dev and prod differ only by this config.
 */
import { z } from "zod";
import { LAYERS, Layer, longestBucketName } from "../contract";

/** Config namespace: keys are written `lake:<key>` in Pulumi.<stack>.yaml. */
export const NAMESPACE = "lake";

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export const CLASSIFICATIONS = ["public", "internal", "confidential", "pii"] as const;

const days = (min: number) => z.number({ error: "must be a whole number of days" }).int("must be a whole number of days").min(min, `must be >= ${min} days`);

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

const iamPrincipalArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, "must be an IAM role or user ARN");

const schema = z
    .object({
        region: z.string({ error: "missing: set aws:region (e.g. eu-west-1)" }).regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region like eu-west-1"),
        environment: z.enum(ENVIRONMENTS, { error: `must be one of ${ENVIRONMENTS.join(", ")}` }),
        accountId: z.string({ error: "missing: the 12-digit AWS account id this stack deploys to" }).regex(/^\d{12}$/, "must be a 12-digit AWS account id (quote it in YAML)"),
        namePrefix: z
            .string({ error: "missing: a short lowercase prefix for every resource name, e.g. acme-lake" })
            .regex(/^[a-z][a-z0-9-]{0,38}[a-z0-9]$/, "must be 2-40 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen"),
        allowDataDestroy: z.boolean({ error: "must be true or false" }).default(false),
        kmsKeyDeletionWindowDays: z.number().int().min(7, "must be 7-30").max(30, "must be 7-30").default(30),
        tags: z
            .object({
                owner: z.string({ error: "missing: the owning team's contact, e.g. data-platform@example.com" }).min(3, "must name the owning team"),
                costCenter: z.string({ error: "missing: the cost center to bill, e.g. cc-1234" }).min(1, "must not be empty"),
                dataClassification: z.enum(CLASSIFICATIONS, { error: `must be one of ${CLASSIFICATIONS.join(", ")}` }).default("internal"),
            }, { error: "missing: tags.owner and tags.costCenter are required" })
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
                enabled: z.boolean().default(true),
                admins: z.array(iamPrincipalArn).default([]),
            })
            .strict()
            .default({ enabled: true, admins: [] }),
        athena: z
            .object({
                bytesScannedCutoffPerQuery: z.number().int().min(10 * 1024 * 1024, "must be >= 10485760 (10 MB, the Athena minimum)").default(10 * 1024 ** 3),
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
}

export class ConfigError extends Error {
    constructor(readonly stack: string, readonly problems: ConfigProblem[]) {
        super(
            `Invalid configuration in Pulumi.${stack}.yaml (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${p.key}${p.value === undefined ? "" : ` = ${JSON.stringify(p.value)}`}: ${p.message}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** Keys whose raw config value is a plain string (everything else is JSON: numbers, booleans, objects). */
const STRING_KEYS = new Set(["environment", "accountId", "namePrefix"]);

/**
 * Parse raw stack config (as Pulumi hands it over: `{"lake:environment": "dev", "lake:storage": "{...}"}`)
 * into the frozen LakeConfig. Pure: tests call it directly.
 */
export function parseLakeConfig(raw: Record<string, string>, ctx: { project: string; stack: string }): LakeConfig {
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
    if (problems.length || !result.success) throw new ConfigError(ctx.stack, problems);
    return deepFreeze({ ...result.data, project: ctx.project, stack: ctx.stack, isProd: result.data.environment === "prod" });
}

/**
 * Rules across fields, judged on the raw input so they are reported together with schema errors
 * (zod skips refinements when the object itself is invalid).
 */
function crossFieldProblems(input: Record<string, unknown>): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const env = input.environment;
    if (env === "prod" && input.allowDataDestroy === true) {
        problems.push({ key: `${NAMESPACE}:allowDataDestroy`, value: true, message: "must be false when lake:environment is prod: prod data is never destroyable" });
    }
    const lf = (input.lakeFormation ?? {}) as { enabled?: unknown; admins?: unknown };
    if (lf.enabled !== false && (!Array.isArray(lf.admins) || lf.admins.length === 0)) {
        problems.push({ key: `${NAMESPACE}:lakeFormation.admins`, value: lf.admins, message: "needs at least one IAM role ARN while Lake Formation is enabled (lakeFormation.enabled defaults to true)" });
    }
    if (typeof input.namePrefix === "string" && typeof env === "string") {
        const longest = longestBucketName(input.namePrefix, env);
        if (longest > 63) {
            problems.push({
                key: `${NAMESPACE}:namePrefix`,
                value: input.namePrefix,
                message: `is too long: the longest bucket name (${input.namePrefix}-${env}-query-results-<account>) would be ${longest} chars, S3 allows 63; shorten it by ${longest - 63}`,
            });
        }
    }
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
