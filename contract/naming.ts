/**
 * Deterministic, AWS-valid names: prefix + environment + purpose (+ account id for S3, which is global).
 *
 * Every name the platform derives is composed here, once, and listed with the AWS rule it must meet
 * (`stackDerivedNames`, `datasetDerivedNames`, `connectionDerivedNames`): config validation and the dataset loader
 * check those lists before any resource is registered, and the components take their names from the same
 * functions, so a name that passes validation is the name that gets deployed.
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

/** A rule AWS (or the platform, stricter) applies to one kind of name. */
export interface NameRule {
    /** Who sets the limit, for messages: "S3", "Glue", "IAM", "Athena", "KMS", "the platform". */
    authority: string;
    min: number;
    max: number;
    pattern: RegExp;
    /** `pattern` in words. */
    charset: string;
}

const GLUE_CHARSET = "lowercase letters, digits and underscores, starting with a letter";
const PLATFORM_CHARSET = "lowercase letters, digits and hyphens, starting with a letter";

/**
 * The rules, from the AWS API references: S3 bucket naming rules; Glue CreateDatabase/CreateTable/CreateCrawler
 * (Name 1-255); IAM CreateRole (RoleName 1-64) and CreatePolicy (PolicyName 1-128); Athena CreateNamedQuery (Name
 * 1-128); KMS CreateAlias (AliasName 1-256, `alias/` + [a-zA-Z0-9/_-]). `resource` is the platform's own rule for
 * the names `Namer.resource` makes (roles, workgroups, secrets, connections...): one rule, the tightest of them.
 */
export const NAME_RULES = {
    s3Bucket: { authority: "S3", min: 3, max: 63, pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, charset: "lowercase letters, digits, '.' and '-', starting and ending with a letter or digit" },
    glue: { authority: "Glue", min: 1, max: 255, pattern: /^[a-z][a-z0-9_]*$/, charset: GLUE_CHARSET },
    glueCrawler: { authority: "Glue", min: 1, max: 255, pattern: /^[a-z][a-z0-9-]*$/, charset: PLATFORM_CHARSET },
    iamPolicy: { authority: "IAM", min: 1, max: 128, pattern: /^[a-z][a-z0-9-]*$/, charset: PLATFORM_CHARSET },
    athenaNamedQuery: { authority: "Athena", min: 1, max: 128, pattern: /^[^\r\n]+$/, charset: "one line of text" },
    kmsAlias: { authority: "KMS", min: 1, max: 256, pattern: /^alias\/(?!aws\/)[a-zA-Z0-9/_-]+$/, charset: "alias/ followed by letters, digits, '/', '_' and '-' (not alias/aws/)" },
    resource: { authority: "the platform (IAM role names)", min: 1, max: 64, pattern: /^[a-z][a-z0-9-]*$/, charset: PLATFORM_CHARSET },
    // Firehose CreateDeliveryStream (DeliveryStreamName 1-64), Kinesis CreateStream (StreamName 1-128), CloudWatch
    // Logs CreateLogGroup (logGroupName 1-512, [.-_/#A-Za-z0-9]).
    firehoseStream: { authority: "Firehose", min: 1, max: 64, pattern: /^[a-z][a-z0-9-]*$/, charset: PLATFORM_CHARSET },
    kinesisStream: { authority: "Kinesis", min: 1, max: 128, pattern: /^[a-z][a-z0-9-]*$/, charset: PLATFORM_CHARSET },
    logGroup: { authority: "CloudWatch Logs", min: 1, max: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/, charset: "letters, digits, '.', '-', '_', '/' and '#'" },
    // QuickSight CreateDataSet/CreateFolder/CreateTemplate/CreateDashboard ids: [\w-]+, 1-512 (folders allow more; 512 for all).
    quicksightId: { authority: "QuickSight", min: 1, max: 512, pattern: /^[a-z][a-z0-9-]*$/, charset: PLATFORM_CHARSET },
} as const satisfies Record<string, NameRule>;

const S3_MAX = NAME_RULES.s3Bucket.max;
const GLUE_MAX = NAME_RULES.glue.max;
const IAM_ROLE_MAX = NAME_RULES.resource.max;

export interface NamerArgs {
    /** Lowercase letters, digits and hyphens; starts with a letter. */
    prefix: string;
    /** dev | staging | prod */
    environment: string;
    /** 12-digit AWS account id: makes bucket names globally unique and stable. */
    accountId: string;
}

/** How names are put together (no checks: the listing functions and the Namer check them). */
export const compose = {
    bucket: (a: NamerArgs, purpose: string) => `${a.prefix}-${a.environment}-${purpose}-${a.accountId}`,
    glue: (a: NamerArgs, ...parts: string[]) => [a.prefix, a.environment, ...parts].join("_").replace(/-/g, "_"),
    resource: (a: NamerArgs, ...parts: string[]) => [a.prefix, a.environment, ...parts].join("-"),
    kmsAlias: (a: NamerArgs, purpose: string) => `alias/${compose.resource(a, purpose)}`,
    /** `<prefix>-<env>-<kind>-<dataset with hyphens>` (crawlers, IAM-mode policies). */
    datasetResource: (a: NamerArgs, kind: string, dataset: string) => `${compose.resource(a, kind)}-${dataset.replace(/_/g, "-")}`,
};

export class Namer {
    constructor(readonly args: NamerArgs) {}

    /** `<prefix>-<env>-<purpose>-<account>`; 3-63 chars of [a-z0-9-], as S3 requires. */
    bucket(purpose: string): string {
        return checkBucketName(compose.bucket(this.args, purpose));
    }

    /** Glue/Athena identifier: `<prefix>_<env>_<parts...>`, lowercase with underscores. */
    glue(...parts: string[]): string {
        return checkGlueName(compose.glue(this.args, ...parts));
    }

    /** Generic AWS resource name (IAM roles, crawlers, workgroups): `<prefix>-<env>-<parts...>`, max 64. */
    resource(...parts: string[]): string {
        const name = compose.resource(this.args, ...parts);
        if (name.length > IAM_ROLE_MAX || !NAME_RULES.resource.pattern.test(name)) {
            throw new NameError(
                `name '${name}' (${name.length} chars) is not valid: AWS resource names here must be 1-${IAM_ROLE_MAX} ` +
                    `lowercase letters, digits and hyphens, starting with a letter. Shorten lake:namePrefix or the purpose.`,
            );
        }
        return name;
    }

    /** KMS alias name: `alias/<prefix>-<env>-<purpose>`. */
    kmsAlias(purpose: string): string {
        return checkName({ what: "KMS alias", name: compose.kmsAlias(this.args, purpose), rule: NAME_RULES.kmsAlias, from: ["prefix", "environment"] });
    }
}

/** Why S3 refuses a general purpose bucket name (empty: it is valid). */
export function bucketNameProblems(name: string): string[] {
    const problems: string[] = [];
    if (name.length < 3 || name.length > S3_MAX) problems.push(`length ${name.length} is outside 3-${S3_MAX}`);
    if (!NAME_RULES.s3Bucket.pattern.test(name)) {
        problems.push("only lowercase letters, digits, '.' and '-' are allowed, starting and ending with a letter or digit");
    }
    if (name.includes("..")) problems.push("'..' is not allowed");
    if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) problems.push("an IP address is not allowed");
    const prefix = ["xn--", "sthree-", "amzn-s3-demo-"].find((p) => name.startsWith(p));
    if (prefix) problems.push(`reserved prefix '${prefix}'`);
    const suffix = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].find((s) => name.endsWith(s));
    if (suffix) problems.push(`reserved suffix '${suffix}'`);
    return problems;
}

/** S3 bucket naming rules (general purpose buckets). Returns the name or throws with the reason. */
export function checkBucketName(name: string): string {
    const problems = bucketNameProblems(name);
    if (problems.length) throw new NameError(`S3 bucket name '${name}' is not valid: ${problems.join("; ")}.`);
    return name;
}

/** Glue database/table and Athena identifiers: lowercase letters, digits, underscores; start with a letter. */
export function checkGlueName(name: string): string {
    if (name.length > GLUE_MAX || !NAME_RULES.glue.pattern.test(name)) {
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

// ---------------------------------------------------------------------------------------------------------------
// Every derived name, listed with its rule.

/** What a derived name is made of, so a problem can blame the input to change. */
export type NamePart = "prefix" | "environment" | "accountId" | "layer" | "domain" | "dataset" | "connection" | "pipeline";

export interface DerivedName {
    /** What it names, e.g. "Glue database", "IAM reader policy (IAM mode)". */
    what: string;
    name: string;
    rule: NameRule;
    /** The inputs it is made of. */
    from: readonly NamePart[];
}

/**
 * The purposes of the stack-wide resources the components name with `Namer.resource`/`kmsAlias` (one place, so
 * config validation checks exactly the names the components create).
 */
export const PLATFORM_RESOURCES = {
    kmsKey: { purpose: "lake", what: "KMS alias" },
    lfRegistrationRole: { purpose: "lf-registration", what: "IAM role (Lake Formation location registration)" },
    crawlerRole: { purpose: "crawler", what: "IAM role (Glue crawlers)" },
    glueSecurityConfiguration: { purpose: "glue-security", what: "Glue security configuration" },
    etlAlerts: { purpose: "etl-alerts", what: "SNS topic (ETL job failure alerts)" },
    etlFailureRule: { purpose: "etl-job-failures", what: "EventBridge rule (ETL job failures)" },
    workgroup: { purpose: "analysts", what: "Athena workgroup" },
    workgroupUserPolicy: { purpose: "analysts-query", what: "IAM policy (workgroup users)" },
    adminWorkgroup: { purpose: "admin", what: "Athena workgroup (admin)" },
    adminWorkgroupUserPolicy: { purpose: "admin-query", what: "IAM policy (admin workgroup users)" },
    biWorkgroup: { purpose: "bi", what: "Athena workgroup (BI)" },
    biWorkgroupUserPolicy: { purpose: "bi-query", what: "IAM policy (BI workgroup users)" },
    // Redshift Serverless namespace and workgroup names: 3-64 lowercase letters, digits, hyphens (the resource rule).
    warehouseNamespace: { purpose: "warehouse", what: "Redshift Serverless namespace" },
    warehouseWorkgroup: { purpose: "warehouse-wg", what: "Redshift Serverless workgroup" },
    spectrumRole: { purpose: "spectrum", what: "IAM role (Redshift Spectrum)" },
    warehouseSecurityGroup: { purpose: "warehouse-sg", what: "EC2 security group (Redshift Serverless)" },
    endpointsSecurityGroup: { purpose: "warehouse-endpoints-sg", what: "EC2 security group (VPC interface endpoints)" },
    // BI (issue 14): QuickSight's role for its Athena data source, and that data source's id.
    quicksightRole: { purpose: "quicksight", what: "IAM role (QuickSight Athena data source)" },
    quicksightDataSource: { purpose: "athena", what: "QuickSight data source" },
} as const;

/** The `kind` part of BI ids: `<prefix>-<env>-bi-<dataset>` (QuickSight dataset), `-bi-rls-<dataset>` (its row permissions), `-bi-<domain>` (folder). */
export const BI_RESOURCE_KINDS = { dataSet: "bi", rowPermissions: "bi-rls", folder: "bi", dashboard: "dash" } as const;

/** Tag key on a QuickSight dataset of confidential/pii data published without restrictions, saying why (quicksight-dataset-restricted reads it). */
export const BI_MARKERS = { unrestrictedReason: "lake:bi-unrestricted-reason" } as const;

/** A BI dashboard's (and its template's) id, `<prefix>-<env>-dash-<name>` (`lake:bi.dashboards[].name`). */
export const biDashboardName = (a: NamerArgs, dashboard: string): DerivedName => ({
    what: "QuickSight dashboard and template",
    name: compose.datasetResource(a, BI_RESOURCE_KINDS.dashboard, dashboard),
    rule: NAME_RULES.quicksightId,
    from: ["prefix", "environment"],
});

/** Names one Athena team derives (`lake:athena.teams[].name`): its workgroup and the policy its members get. */
export function athenaTeamDerivedNames(a: NamerArgs, team: string): DerivedName[] {
    const from: NamePart[] = ["prefix", "environment"];
    return [
        { what: `Athena workgroup (team ${team})`, name: compose.resource(a, team), rule: NAME_RULES.resource, from },
        { what: `IAM policy (team ${team} workgroup users)`, name: compose.resource(a, `${team}-query`), rule: NAME_RULES.resource, from },
    ];
}

/** The `kind` part of per-dataset resource names (`<prefix>-<env>-<kind>-<dataset>`). */
export const DATASET_RESOURCE_KINDS = {
    crawler: "crawl",
    readerPolicy: "read",
    writerPolicy: "write",
    deliveryStream: "ingest",
    deliveryRole: "firehose",
    kinesisStream: "events",
    producerPolicy: "put",
} as const;

/** Firehose's log group naming convention (the console creates `/aws/kinesisfirehose/<stream>`). */
export const firehoseLogGroupName = (deliveryStream: string) => `/aws/kinesisfirehose/${deliveryStream}`;

/** Titles of each dataset's Athena named queries: `<dataset> <title>`. */
export const NAMED_QUERY_TITLES = { preview: "preview", partitionCounts: "rows per partition" } as const;

/** `<dataset> <title>`, the name of a dataset's named query. */
export const namedQueryName = (dataset: string, title: string) => `${dataset} ${title}`;

/** Every name config derives: the buckets, the key alias, the platform's roles, policies, workgroup. */
export function stackDerivedNames(a: NamerArgs): DerivedName[] {
    const env: NamePart[] = ["prefix", "environment"];
    return [
        ...BUCKET_PURPOSES.map((p): DerivedName => ({ what: `S3 bucket (${p})`, name: compose.bucket(a, p), rule: NAME_RULES.s3Bucket, from: [...env, "accountId"] })),
        ...Object.values(PLATFORM_RESOURCES).map((r): DerivedName =>
            r === PLATFORM_RESOURCES.kmsKey
                ? { what: r.what, name: compose.kmsAlias(a, r.purpose), rule: NAME_RULES.kmsAlias, from: env }
                : { what: r.what, name: compose.resource(a, r.purpose), rule: NAME_RULES.resource, from: env },
        ),
    ];
}

/** What of a dataset its names are made of. */
export interface DatasetNameInputs {
    name: string;
    domain: string;
    layer: string;
    /** A streamed dataset (`firehose`) also derives the stream's names, a job dataset its job's; the source never differs per stack. */
    source?: { type: string };
    /** A dataset published to BI (`bi:`) also derives its QuickSight ids. */
    bi?: object;
}

/** Keys of `datasetDerivedNames`' result, for components that take one name from it. */
export type DatasetNameKey = "table" | "database" | "crawler" | "readerPolicy" | "writerPolicy" | "previewQuery" | "partitionCountQuery";
/** Keys of the names only a streamed dataset (`source.type: firehose`) derives (`streamDerivedNames`). */
export type StreamNameKey = "deliveryStream" | "deliveryRole" | "kinesisStream" | "producerPolicy" | "deliveryLogGroup";
/** Keys of the names only a dataset published to BI derives (`biDerivedNames`). */
export type BiNameKey = "biDataSet" | "biRowPermissions" | "biFolder";
/** Keys of the names only a job-written dataset (`source.type: job`) derives (`jobDerivedNames`). */
export type JobNameKey = "glueJob" | "jobRole" | "jobTrigger";

/**
 * Every name one dataset derives, whether or not its source or the access mode creates that resource (a dataset
 * must be deployable with Lake Formation on or off, crawled or not).
 */
export function datasetDerivedNames(a: NamerArgs, ds: DatasetNameInputs): Record<DatasetNameKey, DerivedName> & Partial<Record<StreamNameKey | BiNameKey | JobNameKey, DerivedName>> {
    const ofName: NamePart[] = ["prefix", "environment", "dataset"];
    return {
        table: { what: "Glue table", name: ds.name, rule: NAME_RULES.glue, from: ["dataset"] },
        database: { what: "Glue database", name: compose.glue(a, ds.layer, ds.domain), rule: NAME_RULES.glue, from: ["prefix", "environment", "layer", "domain"] },
        crawler: { what: "Glue crawler", name: compose.datasetResource(a, DATASET_RESOURCE_KINDS.crawler, ds.name), rule: NAME_RULES.glueCrawler, from: ofName },
        readerPolicy: { what: "IAM reader policy (IAM mode)", name: compose.datasetResource(a, DATASET_RESOURCE_KINDS.readerPolicy, ds.name), rule: NAME_RULES.iamPolicy, from: ofName },
        writerPolicy: { what: "IAM writer policy (IAM mode)", name: compose.datasetResource(a, DATASET_RESOURCE_KINDS.writerPolicy, ds.name), rule: NAME_RULES.iamPolicy, from: ofName },
        previewQuery: { what: "Athena named query", name: namedQueryName(ds.name, NAMED_QUERY_TITLES.preview), rule: NAME_RULES.athenaNamedQuery, from: ["dataset"] },
        partitionCountQuery: { what: "Athena named query", name: namedQueryName(ds.name, NAMED_QUERY_TITLES.partitionCounts), rule: NAME_RULES.athenaNamedQuery, from: ["dataset"] },
        ...(ds.source?.type === "firehose" ? streamDerivedNames(a, ds) : {}),
        ...(ds.bi ? biDerivedNames(a, ds) : {}),
        ...(ds.source?.type === "job" ? jobDerivedNames(a, ds.name) : {}),
    };
}

/** The ids a dataset published to BI derives: its QuickSight dataset, its row-level permissions dataset, its domain's folder. */
export function biDerivedNames(a: NamerArgs, ds: Pick<DatasetNameInputs, "name" | "domain">): Record<BiNameKey, DerivedName> {
    const ofName: NamePart[] = ["prefix", "environment", "dataset"];
    return {
        biDataSet: { what: "QuickSight dataset", name: compose.datasetResource(a, BI_RESOURCE_KINDS.dataSet, ds.name), rule: NAME_RULES.quicksightId, from: ofName },
        biRowPermissions: { what: "QuickSight dataset (row-level permissions)", name: compose.datasetResource(a, BI_RESOURCE_KINDS.rowPermissions, ds.name), rule: NAME_RULES.quicksightId, from: ofName },
        biFolder: { what: "QuickSight folder", name: compose.datasetResource(a, BI_RESOURCE_KINDS.folder, ds.domain), rule: NAME_RULES.quicksightId, from: ["prefix", "environment", "domain"] },
    };
}

/** The names a streamed dataset derives: its delivery stream, role and log group, the Kinesis stream, the producers' policy. */
export function streamDerivedNames(a: NamerArgs, ds: Pick<DatasetNameInputs, "name">): Record<StreamNameKey, DerivedName> {
    const ofName: NamePart[] = ["prefix", "environment", "dataset"];
    return {
        deliveryStream: { what: "Firehose delivery stream", name: compose.datasetResource(a, DATASET_RESOURCE_KINDS.deliveryStream, ds.name), rule: NAME_RULES.firehoseStream, from: ofName },
        deliveryRole: { what: "IAM role (Firehose delivery)", name: compose.datasetResource(a, DATASET_RESOURCE_KINDS.deliveryRole, ds.name), rule: NAME_RULES.resource, from: ofName },
        kinesisStream: { what: "Kinesis data stream", name: compose.datasetResource(a, DATASET_RESOURCE_KINDS.kinesisStream, ds.name), rule: NAME_RULES.kinesisStream, from: ofName },
        producerPolicy: { what: "IAM policy (stream producers)", name: compose.datasetResource(a, DATASET_RESOURCE_KINDS.producerPolicy, ds.name), rule: NAME_RULES.iamPolicy, from: ofName },
        deliveryLogGroup: { what: "CloudWatch log group (Firehose errors)", name: firehoseLogGroupName(compose.datasetResource(a, DATASET_RESOURCE_KINDS.deliveryStream, ds.name)), rule: NAME_RULES.logGroup, from: ofName },
    };
}

/** Names a JDBC connection derives: its Secrets Manager secret and Glue connection, both `<prefix>-<env>-jdbc-<name>`. */
export function connectionDerivedNames(a: NamerArgs, connection: string): DerivedName[] {
    const name = compose.resource(a, "jdbc", connection.replace(/_/g, "-"));
    const from: NamePart[] = ["prefix", "environment", "connection"];
    return [
        { what: "Secrets Manager secret", name, rule: NAME_RULES.resource, from },
        { what: "Glue connection", name, rule: NAME_RULES.resource, from },
    ];
}

/** The `kind` part of ETL resource names: `<prefix>-<env>-job-<dataset>` (Glue job, its trigger), `-etl-<dataset>` (its role), `-etl-<pipeline>` (workflow). */
export const ETL_RESOURCE_KINDS = { job: "job", role: "etl", workflow: "etl" } as const;

/** Tag key on a Glue job without bookmarks saying why (the glue-job-bookmarks-or-reason policy reads it). */
export const ETL_MARKERS = { bookmarkReason: "lake:bookmark-reason" } as const;

/**
 * Names the job writing a dataset derives (one job per dataset, so named from it): the Glue job (CreateJob Name
 * 1-255), its role (IAM 1-64) and its conditional trigger (CreateTrigger Name 1-255).
 */
export function jobDerivedNames(a: NamerArgs, dataset: string): Record<JobNameKey, DerivedName> {
    const from: NamePart[] = ["prefix", "environment", "dataset"];
    const glueJob = compose.datasetResource(a, ETL_RESOURCE_KINDS.job, dataset);
    return {
        glueJob: { what: "Glue job", name: glueJob, rule: NAME_RULES.glueCrawler, from },
        jobRole: { what: "IAM role (Glue job)", name: compose.datasetResource(a, ETL_RESOURCE_KINDS.role, dataset), rule: NAME_RULES.resource, from },
        jobTrigger: { what: "Glue trigger", name: `${glueJob}-after`, rule: NAME_RULES.glueCrawler, from },
    };
}

/** Names one ETL pipeline derives: its Glue workflow and its scheduled start trigger (Glue, 1-255). */
export function pipelineDerivedNames(a: NamerArgs, pipeline: string): Record<"workflow" | "start", DerivedName> {
    const from: NamePart[] = ["prefix", "environment", "pipeline"];
    const workflow = compose.datasetResource(a, ETL_RESOURCE_KINDS.workflow, pipeline);
    return {
        workflow: { what: "Glue workflow", name: workflow, rule: NAME_RULES.glueCrawler, from },
        start: { what: "Glue trigger (pipeline start)", name: `${workflow}-start`, rule: NAME_RULES.glueCrawler, from },
    };
}

/** Why a derived name breaks its rule (undefined: it is valid), e.g. "is 141 chars, IAM allows 128". */
export function nameProblem(n: DerivedName): string | undefined {
    if (n.rule === NAME_RULES.s3Bucket) {
        const problems = bucketNameProblems(n.name);
        return problems.length ? problems.join("; ") : undefined;
    }
    if (n.name.length > n.rule.max) return `is ${n.name.length} chars, ${n.rule.authority} allows ${n.rule.max}`;
    if (n.name.length < n.rule.min || !n.rule.pattern.test(n.name)) return `must be ${n.rule.charset}`;
    return undefined;
}

/** The name, or a NameError saying what it names and why AWS would refuse it. */
export function checkName(n: DerivedName): string {
    const problem = nameProblem(n);
    if (problem) throw new NameError(`${n.what} name '${n.name}' is not valid: ${problem}`);
    return n.name;
}

/** Only the invalid names of a list, each with its problem. */
export function invalidNames(names: Iterable<DerivedName>): { name: DerivedName; problem: string }[] {
    const out: { name: DerivedName; problem: string }[] = [];
    for (const n of names) {
        const problem = nameProblem(n);
        if (problem) out.push({ name: n, problem });
    }
    return out;
}
