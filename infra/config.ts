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
import { athenaTeamDerivedNames, biDashboardName, invalidNames, nameProblem, LAYERS, Layer, longestBucketName, NAME_RULES, NamerArgs, partitionOf, stackDerivedNames } from "../contract";
import { suggest } from "../components/datasets/problems";
import { cronProblems } from "../components/datasets/cron";

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

/** The team whose workgroup was the lake's only one: dataset consumers in no other team run their queries there. */
export const DEFAULT_ATHENA_TEAM = "analysts";
/** Workgroups the platform creates besides the teams' (their names are not team names). */
export const RESERVED_ATHENA_WORKGROUPS = ["admin", "bi", "primary"] as const;
/** Athena's smallest per-query cutoff (10 MB). */
export const ATHENA_MIN_CUTOFF = 10 * 1024 * 1024;
/** Redshift user names an admin user may not take (Redshift reserved words for users). */
const REDSHIFT_RESERVED_USERS = ["admin", "rdsdb", "public", "root", "superuser", "user"];

const cutoff = () => number().int("must be a whole number of bytes").min(ATHENA_MIN_CUTOFF, "must be >= 10485760 (10 MB, the Athena minimum)");
/**
 * Redshift Serverless base capacity as CreateWorkgroup accepts it: 4, or 8-512 RPUs in steps of 8, or 512-1024 in
 * steps of 32 (the last only in the regions listed in BASE_RPU_1024_REGIONS: checked in warehouseProblems).
 */
const baseRpu = () =>
    number()
        .int("must be a whole number of RPUs")
        .min(4, "must be >= 4 RPUs")
        .max(1024, "must be <= 1024 RPUs")
        .refine((n) => n === 4 || (n >= 8 && n <= 512 && n % 8 === 0) || (n > 512 && n % 32 === 0), "must be 4, a multiple of 8 up to 512, or a multiple of 32 from 512 to 1024 RPUs");
/** Regions where the base capacity may exceed 512 RPUs (AWS: "extended maximum base RPU capacity of 1024"). */
const BASE_RPU_1024_REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1"];
/** Redshift Serverless maximum capacity: RPUs in steps of 8 (CreateWorkgroup maxCapacity, at most 5632). */
const rpu = () =>
    number()
        .int("must be a whole number of RPUs")
        .min(8, "must be >= 8 RPUs")
        .max(5632, "must be <= 5632 RPUs")
        .refine((n) => n % 8 === 0, "must be a multiple of 8 RPUs");
const cidr = () =>
    z
        .string({ error: typeError("string", "must be an IPv4 CIDR like 10.0.0.0/16") })
        .regex(/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/, "must be an IPv4 CIDR like 10.0.0.0/16");

/** Glue 5.0 Spark worker types (CreateJob WorkerType); FLEX runs only G.1X and G.2X. */
export const GLUE_WORKER_TYPES = ["G.1X", "G.2X", "G.4X", "G.8X"] as const;
/** Glue job settings when `lake:etl` doesn't give them: a small job, one retry, two hours, one run at a time, a nightly start. */
export const ETL_DEFAULTS = { schedule: "cron(0 4 * * ? *)", workerType: "G.1X", numberOfWorkers: 2, maxRetries: 1, timeoutMinutes: 120, maxConcurrentRuns: 1 } as const;

const iamPrincipalArn = z.string({ error: typeError("string", "must be an IAM role or user ARN") }).regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, "must be an IAM role or user ARN");

/** QuickSight group names the platform creates (CreateGroup GroupName), kept to its own charset. */
const quicksightGroup = () =>
    z.string({ error: typeError("string", "must be a QuickSight group name") }).regex(/^[a-z][a-z0-9-]{0,62}[a-z0-9]$/, "must be 2-64 lowercase letters, digits or hyphens, starting with a letter");
const quicksightArn = (kind: "analysis" | "template") =>
    z
        .string({ error: typeError("string", `must be a QuickSight ${kind} ARN`) })
        .regex(new RegExp(`^arn:aws[a-z-]*:quicksight:[a-z0-9-]+:\\d{12}:${kind}/[\\w-]{1,512}$`), `must be a QuickSight ${kind} ARN, arn:aws:quicksight:<region>:<account>:${kind}/<id>`);

/** Retention periods CloudWatch Logs accepts (PutRetentionPolicy retentionInDays). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** What every workgroup (team, admin, BI) may set. */
const workgroupFields = {
    /** IAM role/user ARNs of this account that run queries in this workgroup (and only there). */
    members: z.array(iamPrincipalArn).default([]),
    /** Per-query scan limit; unset: lake:athena.bytesScannedCutoffPerQuery. */
    bytesScannedCutoffPerQuery: cutoff().optional(),
    /** Engine setting: queries may read Requester Pays buckets (the team pays their requests). */
    requesterPaysEnabled: boolean().optional(),
};
const athenaWorkgroupSettings = z.object(workgroupFields).strict();
const athenaTeam = z
    .object({
        name: z
            .string({ error: typeError("string", "must be a team name") })
            .regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, "must be 2-32 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen"),
        /** Shown on the workgroup in the console. */
        description: z.string({ error: typeError("string", "must be a string") }).min(1).max(1024).optional(),
        ...workgroupFields,
    })
    .strict();

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
            bytesScannedCutoffPerQuery: cutoff().default(10 * 1024 ** 3),
            teams: z.array(athenaTeam).default([{ name: DEFAULT_ATHENA_TEAM, members: [] }]),
            admin: athenaWorkgroupSettings.default({ members: [] }),
            bi: athenaWorkgroupSettings.default({ members: [] }),
        })
        .strict()
        .default({ bytesScannedCutoffPerQuery: 10 * 1024 ** 3, teams: [{ name: DEFAULT_ATHENA_TEAM, members: [] }], admin: { members: [] }, bi: { members: [] } }),
    warehouse: z
        .object({
            enabled: boolean().optional(),
            baseCapacity: baseRpu().default(8),
            maxCapacity: rpu().optional(),
            usageLimit: z
                .object({
                    amount: number().int("must be a whole number of RPU-hours").min(1, "must be >= 1 RPU-hour"),
                    period: z.enum(["daily", "weekly", "monthly"], { error: "must be daily, weekly or monthly" }).default("monthly"),
                    breachAction: z.enum(["log", "emit-metric", "deactivate"], { error: "must be log, emit-metric or deactivate" }),
                })
                .strict()
                .optional(),
            vpcCidr: cidr().default("10.40.0.0/16"),
            natGateways: z.enum(["single", "onePerAz"], { error: "must be single or onePerAz" }).optional(),
            clientCidrs: z.array(cidr()).default([]),
            adminUsername: z
                .string({ error: typeError("string", "must be a string") })
                .regex(/^[a-z][a-z0-9_]{0,126}$/, "must be 1-127 lowercase letters, digits or underscores, starting with a letter")
                .refine((u) => !REDSHIFT_RESERVED_USERS.includes(u), `must not be a name Redshift reserves (${REDSHIFT_RESERVED_USERS.join(", ")})`)
                .default("lakeadmin"),
        })
        .strict()
        .default({ baseCapacity: 8, vpcCidr: "10.40.0.0/16", clientCidrs: [], adminUsername: "lakeadmin" }),
    streaming: z
        .object({
            // CloudWatch Logs PutRetentionPolicy accepts only these values.
            logRetentionDays: number()
                .int()
                .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), `must be one of ${LOG_RETENTION_DAYS.join(", ")} (the values CloudWatch Logs accepts)`)
                .default(30),
        })
        .strict()
        .default({ logRetentionDays: 30 }),
    // BI (issue 14, components/bi, docs/bi.md): QuickSight over the gold layer; on in prod, elsewhere only when enabled.
    bi: z
        .object({
            enabled: boolean().optional(),
            /** The account's QuickSight subscription edition (created by hand, see docs/bi.md): row/column security and folders need ENTERPRISE. */
            edition: z.enum(["ENTERPRISE", "STANDARD"], { error: "must be ENTERPRISE or STANDARD (the account's QuickSight subscription edition)" }).default("ENTERPRISE"),
            /** Where QuickSight keeps the account's users and groups (its identity region); unset: aws:region. */
            identityRegion: z.string({ error: typeError("string", "must be an AWS region like us-east-1") }).optional(),
            namespace: z.string({ error: typeError("string", "must be a QuickSight namespace") }).regex(/^[a-zA-Z0-9._-]{1,64}$/, "must be 1-64 letters, digits, '.', '_' or '-' (a QuickSight namespace)").default("default"),
            adminGroup: quicksightGroup().default("lake-bi-admins"),
            groups: z
                .array(z.object({ name: quicksightGroup(), description: z.string({ error: typeError("string", "must be a string") }).min(1).max(512).optional() }).strict())
                .default([]),
            timezone: z.string({ error: typeError("string", "must be an IANA time zone like Europe/Dublin") }).default("UTC"),
            dashboards: z
                .array(
                    z
                        .object({
                            name: z.string({ error: typeError("string", "must be a dashboard name") }).regex(/^[a-z][a-z0-9-]{0,62}[a-z0-9]$/, "must be 2-64 lowercase letters, digits or hyphens, starting with a letter"),
                            title: z.string({ error: typeError("string", "must be a string") }).min(1).max(2048),
                            dataset: z.string({ error: typeError("string", "must be a dataset name") }).regex(/^[a-z][a-z0-9_]*$/, "must be a dataset name"),
                            sourceAnalysisArn: quicksightArn("analysis").optional(),
                            sourceTemplateArn: quicksightArn("template").optional(),
                            shareWithAccounts: z.array(z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id (quote it in YAML)")).default([]),
                        })
                        .strict(),
                )
                .default([]),
        })
        .strict()
        .default({ edition: "ENTERPRISE", namespace: "default", adminGroup: "lake-bi-admins", groups: [], timezone: "UTC", dashboards: [] }),
    etl: z
        .object({
            // Glue StartTrigger/CreateTrigger Schedule: an AWS cron expression (checked with the cross-field rules).
            schedule: z.string({ error: typeError("string", "must be an AWS cron expression like cron(0 4 * * ? *)") }).default(ETL_DEFAULTS.schedule),
            /** Per pipeline (its name: the domain), a schedule replacing `schedule`. */
            schedules: z.record(z.string(), z.string({ error: typeError("string", "must be an AWS cron expression like cron(0 4 * * ? *)") })).default({}),
            workerType: z.enum(GLUE_WORKER_TYPES, { error: `must be one of ${GLUE_WORKER_TYPES.join(", ")}` }).default(ETL_DEFAULTS.workerType),
            // Glue CreateJob NumberOfWorkers: a Spark job needs a driver and at least one executor.
            numberOfWorkers: number().int("must be a whole number").min(2, "must be >= 2 (a driver and an executor)").default(ETL_DEFAULTS.numberOfWorkers),
            maxRetries: number().int("must be a whole number").min(0, "must be 0-10").max(10, "must be 0-10").default(ETL_DEFAULTS.maxRetries),
            // Glue CreateJob Timeout: minutes, at most 10080 (7 days).
            timeoutMinutes: number().int("must be a whole number of minutes").min(1, "must be 1-10080 minutes").max(10080, "must be 1-10080 minutes").default(ETL_DEFAULTS.timeoutMinutes),
            maxConcurrentRuns: number().int("must be a whole number").min(1, "must be >= 1").default(ETL_DEFAULTS.maxConcurrentRuns),
            /** FLEX (spare capacity, cheaper, may start later) or STANDARD; unset: FLEX in dev, STANDARD elsewhere. */
            executionClass: z.enum(["FLEX", "STANDARD"], { error: "must be FLEX or STANDARD" }).optional(),
            alerts: z
                .array(
                    z.discriminatedUnion("protocol", [
                        z.object({ protocol: z.literal("email"), endpoint: z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "must be an email address") }).strict(),
                        z.object({ protocol: z.literal("https"), endpoint: z.string().regex(/^https:\/\/[^\s/]+(\/\S*)?$/, "must be an https:// URL") }).strict(),
                    ], { error: "must be {protocol: email, endpoint: <address>} or {protocol: https, endpoint: <https URL>}" }),
                )
                .default([]),
        })
        .strict()
        .default({ ...ETL_DEFAULTS, schedules: {}, alerts: [] }),
});

type Parsed = z.infer<typeof schema>;
type DeepReadonly<T> = T extends (infer E)[] ? readonly DeepReadonly<E>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

export type LayerLifecycle = DeepReadonly<z.infer<typeof layerLifecycle>>;

/** Whether a capability with an `enabled` switch (`lake:warehouse`, `lake:bi`) is on: as set, else in prod only. */
export function capabilityOn(setting: { readonly enabled?: boolean }, config: Pick<LakeConfig, "isProd">): boolean {
    return setting.enabled ?? config.isProd;
}

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
    problems.push(...athenaProblems(input), ...warehouseProblems(input));
    problems.push(...etlProblems(input, env), ...biProblems(input, env));
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

/**
 * Athena teams: unique names that are not the platform's own workgroups, the default team present (its workgroup is
 * the lake's first one), each principal in one workgroup only (its members may run queries only there), and every
 * name a team derives valid. Judged on the raw input, like the other cross-field rules.
 */
function athenaProblems(input: Record<string, unknown>): ConfigProblem[] {
    const athena = input.athena;
    if (!athena || typeof athena !== "object") return [];
    const a = athena as { teams?: unknown; admin?: { members?: unknown }; bi?: { members?: unknown } };
    const problems: ConfigProblem[] = [];
    const key = (path: string) => `${NAMESPACE}:athena.${path}`;
    const teams = Array.isArray(a.teams) ? (a.teams as { name?: unknown; members?: unknown }[]) : undefined;
    const owner = new Map<string, string>();
    const claim = (members: unknown, path: string, workgroup: string) => {
        if (!Array.isArray(members)) return;
        members.forEach((m, i) => {
            if (typeof m !== "string") return;
            const before = owner.get(m);
            if (before) problems.push({ key: key(`${path}.members.${i}`), value: m, message: `is already a member of the ${before} workgroup: a principal runs queries in one workgroup only` });
            else owner.set(m, workgroup);
        });
    };
    if (teams) {
        const seen = new Set<string>();
        teams.forEach((t, i) => {
            if (!t || typeof t.name !== "string") return;
            if (seen.has(t.name)) problems.push({ key: key(`teams.${i}.name`), value: t.name, message: "is declared twice: team names are unique" });
            if ((RESERVED_ATHENA_WORKGROUPS as readonly string[]).includes(t.name)) {
                problems.push({ key: key(`teams.${i}.name`), value: t.name, message: `is reserved for the platform's own workgroups (${RESERVED_ATHENA_WORKGROUPS.join(", ")})` });
            }
            seen.add(t.name);
            claim(t.members, `teams.${i}`, `'${t.name}' team`);
            const naming = namingOf(input);
            if (naming && /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/.test(t.name)) {
                for (const { name: n, problem } of invalidNames(athenaTeamDerivedNames(naming, t.name))) {
                    problems.push({ key: key(`teams.${i}.name`), value: t.name, message: `gives an invalid ${n.what} name '${n.name}': ${problem}; shorten the team name or lake:namePrefix` });
                }
            }
        });
        if (!seen.has(DEFAULT_ATHENA_TEAM)) {
            problems.push({ key: key("teams"), value: teams.map((t) => t?.name), message: `must include the '${DEFAULT_ATHENA_TEAM}' team: dataset consumers in no other team run their queries there, and its workgroup is the lake's first one` });
        }
    }
    claim(a.admin?.members, "admin", "admin");
    claim(a.bi?.members, "bi", "BI");
    return problems;
}

/** ETL schedules are AWS cron; FLEX runs only G.1X/G.2X workers; Glue job scripts live in the gold bucket, which must not expire. */
function etlProblems(input: Record<string, unknown>, env: unknown): ConfigProblem[] {
    const e = input.etl as { schedule?: unknown; schedules?: unknown; workerType?: unknown; executionClass?: unknown } | undefined;
    const problems: ConfigProblem[] = [];
    const key = (p: string) => `${NAMESPACE}:etl.${p}`;
    if (e && typeof e === "object") {
        const crons: [string, unknown][] = [["schedule", e.schedule], ...Object.entries(e.schedules && typeof e.schedules === "object" ? e.schedules : {}).map(([p, v]): [string, unknown] => [`schedules.${p}`, v])];
        for (const [k, v] of crons) if (typeof v === "string") for (const m of cronProblems(v)) problems.push({ key: key(k), value: v, message: m });
        const flex = e.executionClass === "FLEX" || (e.executionClass === undefined && env === "dev");
        if (flex && (e.workerType === "G.4X" || e.workerType === "G.8X")) {
            problems.push({ key: key("workerType"), value: e.workerType, message: `FLEX jobs run on G.1X or G.2X workers only${e.executionClass === undefined ? " (executionClass defaults to FLEX in dev)" : ""}: use G.2X, or set etl.executionClass: STANDARD` });
        }
    }
    const gold = (input.storage as { gold?: { expireDays?: unknown } } | undefined)?.gold;
    if (gold && typeof gold === "object" && gold.expireDays !== undefined) {
        problems.push({ key: `${NAMESPACE}:storage.gold.expireDays`, value: gold.expireDays, message: "the gold bucket holds the Glue job scripts and library (_glue/), which must never expire: expire gold datasets with their retentionDays instead" });
    }
    return problems;
}

/**
 * BI: what QuickSight itself would refuse, before anything is registered: an Enterprise subscription where BI is on
 * (row/column security and folders), a real time zone and identity region, unique groups, one source per dashboard.
 */
function biProblems(input: Record<string, unknown>, env: unknown): ConfigProblem[] {
    const b = input.bi as { enabled?: unknown; edition?: unknown; identityRegion?: unknown; timezone?: unknown; adminGroup?: unknown; groups?: unknown; dashboards?: unknown } | undefined;
    if (!b || typeof b !== "object") return [];
    const problems: ConfigProblem[] = [];
    const key = (p: string) => `${NAMESPACE}:bi.${p}`;
    const on = b.enabled === true || (b.enabled === undefined && env === "prod");
    if (on && b.edition === "STANDARD") {
        problems.push({ key: key("edition"), value: b.edition, message: `BI is on${b.enabled === undefined ? " (the default in prod)" : ""} and needs QuickSight Enterprise (row- and column-level security, folders): upgrade the account's subscription, then set edition: ENTERPRISE` });
    }
    if (typeof b.timezone === "string" && !TIME_ZONES.has(b.timezone)) problems.push({ key: key("timezone"), value: b.timezone, message: `is not an IANA time zone${suggest(b.timezone, [...TIME_ZONES]) ? `; did you mean '${suggest(b.timezone, [...TIME_ZONES])}'?` : " (e.g. Europe/Dublin, UTC)"}` });
    if (typeof b.identityRegion === "string" && !(AWS_REGIONS as readonly string[]).includes(b.identityRegion)) problems.push({ key: key("identityRegion"), value: b.identityRegion, message: "is not an AWS region (QuickSight's identity region, e.g. us-east-1)" });
    const seen = new Set<string>(typeof b.adminGroup === "string" ? [b.adminGroup] : ["lake-bi-admins"]);
    (Array.isArray(b.groups) ? (b.groups as { name?: unknown }[]) : []).forEach((g, i) => {
        if (typeof g?.name !== "string") return;
        if (seen.has(g.name)) problems.push({ key: key(`groups.${i}.name`), value: g.name, message: "is declared twice (or is the adminGroup): group names are unique" });
        seen.add(g.name);
    });
    const names = new Set<string>();
    (Array.isArray(b.dashboards) ? (b.dashboards as Record<string, unknown>[]) : []).forEach((d, i) => {
        if (!d || typeof d !== "object") return;
        const both = d.sourceAnalysisArn !== undefined && d.sourceTemplateArn !== undefined;
        if (both || (d.sourceAnalysisArn === undefined && d.sourceTemplateArn === undefined)) {
            problems.push({ key: key(`dashboards.${i}`), value: d.name, message: "needs exactly one of sourceAnalysisArn (the analysis a template is made from, in this account) and sourceTemplateArn (a template promoted from another stack)" });
        }
        if (Array.isArray(d.shareWithAccounts) && d.shareWithAccounts.length && d.sourceAnalysisArn === undefined) {
            problems.push({ key: key(`dashboards.${i}.shareWithAccounts`), value: d.shareWithAccounts, message: "shares the template this stack makes from sourceAnalysisArn: it needs sourceAnalysisArn" });
        }
        if (typeof d.name === "string") {
            if (names.has(d.name)) problems.push({ key: key(`dashboards.${i}.name`), value: d.name, message: "is declared twice: dashboard names are unique" });
            names.add(d.name);
            const naming = namingOf(input);
            const problem = naming ? nameProblem(biDashboardName(naming, d.name)) : undefined;
            if (problem) problems.push({ key: key(`dashboards.${i}.name`), value: d.name, message: `gives an invalid QuickSight id: ${problem}` });
        }
    });
    return problems;
}

/** IANA zones QuickSight refresh schedules take (Node's list, plus UTC). */
const TIME_ZONES = new Set([...Intl.supportedValuesOf("timeZone"), "UTC"]);

/** The warehouse's capacity range and client ranges. */
function warehouseProblems(input: Record<string, unknown>): ConfigProblem[] {
    const w = input.warehouse as { baseCapacity?: unknown; maxCapacity?: unknown } | undefined;
    if (!w || typeof w !== "object") return [];
    const base = typeof w.baseCapacity === "number" ? w.baseCapacity : 8;
    const region = typeof input.region === "string" ? input.region : undefined;
    if (base > 512 && region && !BASE_RPU_1024_REGIONS.includes(region)) {
        return [{ key: `${NAMESPACE}:warehouse.baseCapacity`, value: base, message: `must be <= 512 RPUs in ${region} (above 512 only in ${BASE_RPU_1024_REGIONS.join(", ")})` }];
    }
    if (typeof w.maxCapacity === "number" && w.maxCapacity < base) {
        return [{ key: `${NAMESPACE}:warehouse.maxCapacity`, value: w.maxCapacity, message: `must be >= warehouse.baseCapacity (${base} RPUs)` }];
    }
    return [];
}

/** The Namer's arguments when prefix and environment are valid (the account may still be missing). */
function namingOf(input: Record<string, unknown>): NamerArgs | undefined {
    const { namePrefix: prefix, environment, accountId } = input;
    if (typeof prefix !== "string" || !/^[a-z][a-z0-9-]{0,38}[a-z0-9]$/.test(prefix)) return undefined;
    if (typeof environment !== "string" || !(ENVIRONMENTS as readonly string[]).includes(environment)) return undefined;
    return { prefix, environment, accountId: typeof accountId === "string" && /^\d{12}$/.test(accountId) ? accountId : "000000000000" };
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
