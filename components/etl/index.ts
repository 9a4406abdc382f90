/**
 * `LakeEtl`: the Glue jobs the dataset files declare, and what runs and watches them. Per job-written dataset
 * with `source.inputs` (components/datasets/lineage.ts `jobPlan`): its script and SQL as S3 objects keyed by content
 * hash, a least-privilege role, the Glue job (5.0, the catalog's security configuration) and its grants through the
 * catalog's datasets. Per pipeline (a connected part of the lineage): a Glue workflow, a scheduled start trigger
 * (crawlers of crawled bronze inputs, and jobs with nothing upstream) and a conditional trigger per job after what
 * writes or crawls its inputs. Once: the lake_etl library object, and the failure alert (EventBridge rule on Glue
 * Job State Change -> SNS topic encrypted with the lake key, subscribers from the stack config).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkName, ETL_MARKERS, ETL_RESOURCE_KINDS, jobDerivedNames, Layer, MARKERS, pipelineDerivedNames, PLATFORM_RESOURCES } from "../../contract";
import { roleGrantee } from "../access";
import type { LakeCatalog } from "../catalog";
import { Dataset, datasetErrorPrefix, defaultLocation, EtlPipeline, etlPipelines, JobPlan } from "../datasets";
import type { LakeContext } from "../shared/context";
import { serviceTrust } from "../shared/iam";
import { datasetTags } from "../shared/names";
import { parseS3Uri, principalId } from "../shared/principals";
import type { BucketRef } from "../shared/refs";
import { jobArguments } from "./arguments";
import { Artifact, ETL_PREFIX, ETL_TEMP_PREFIX, hashedKey, libraryArtifact, scriptArtifact, textArtifact } from "./artifacts";
import { alertTopicPolicy, jobFailurePattern, jobPolicy } from "./documents";

export { jobArguments, GLUE_ARGUMENTS, ICEBERG_CATALOG, relativeTemplate } from "./arguments";
export type { JobArgumentRefs } from "./arguments";
export { ETL_PREFIX, ETL_TEMP_PREFIX, ETL_TEMP_EXPIRE_DAYS, etlTempRetention, hashedKey, libraryArtifact, scriptArtifact, sha256, textArtifact } from "./artifacts";
export { alertTopicPolicy, jobFailurePattern, jobPolicy, ALERT_STATES } from "./documents";

/** The Glue version every lake job pins (Spark 3.5.4, Python 3.11, Java 17, Iceberg 1.7.1: what etl/tests run). */
export const GLUE_VERSION = "5.0";

/** Job and schedule settings (`lake:etl` in the stack config). */
export interface EtlSettings {
    /** AWS cron of every pipeline's start trigger. */
    schedule: string;
    /** Per pipeline name, a cron replacing `schedule`. */
    schedules: Readonly<Record<string, string>>;
    /** G.1X, G.2X, G.4X or G.8X. */
    workerType: string;
    numberOfWorkers: number;
    /** Retries of a failed run. */
    maxRetries: number;
    /** Minutes before a run is stopped (TIMEOUT). */
    timeoutMinutes: number;
    maxConcurrentRuns: number;
    /** FLEX or STANDARD; undefined: FLEX outside prod, STANDARD in prod. */
    executionClass?: "FLEX" | "STANDARD";
    /** Who is told when a job fails, times out or is stopped. */
    alerts: readonly { protocol: "email" | "https"; endpoint: string }[];
}

export interface LakeEtlArgs {
    /** Naming, ARN context, environment (FLEX outside prod by default). */
    context: LakeContext;
    /** Validated datasets of the stack; every job dataset with `source.inputs` gets a job. */
    datasets: readonly Dataset[];
    /** The catalog: the datasets' grant API, databases, crawlers of bronze inputs and the security configuration. */
    catalog: Pick<LakeCatalog, "datasets" | "databaseNames" | "crawlerNames" | "securityConfigurationName">;
    /** The layer buckets: data locations, error prefixes, and the gold bucket's `_glue/` prefix for scripts and temp files. */
    layerBuckets: Record<Layer, BucketRef>;
    /** ARN of the lake key: SNS encryption, the job roles' (S3/Glue only) key use. */
    kmsKeyArn: pulumi.Input<string>;
    /** The key's owner (LakeStorage): direct use for bookmark jobs (CSE-KMS) and EventBridge's use for the topic. */
    keyUsers: { grantKeyUse(roleArn: pulumi.Input<string>): void; grantServiceKeyUse(servicePrincipal: string): void };
    /** Lake Formation on: the roles may ask it for data access (lakeformation:GetDataAccess). */
    lakeFormation: boolean;
    settings: EtlSettings;
    /** Where the ETL code is: etl/jobs/*.py and etl/tools/package_lib.py are read from `<root>/etl/`. */
    root: string;
}

/** Per job: the Glue job, its role and objects. */
export interface EtlJob {
    name: pulumi.Output<string>;
    roleArn: pulumi.Output<string>;
    scriptKey: string;
    sqlKey?: string;
}

export class LakeEtl extends pulumi.ComponentResource {
    /** Glue job name and role ARN per dataset the job writes. */
    readonly jobs: Record<string, EtlJob>;
    /** Glue workflow names per pipeline. */
    readonly workflows: Record<string, pulumi.Output<string>>;
    /** ARN of the failure alert topic (undefined when the stack has no jobs). */
    readonly alertTopicArn?: pulumi.Output<string>;

    constructor(name: string, args: LakeEtlArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lake:etl:LakeEtl", name, {}, opts);
        const parts = createLakeEtl(name, args.context, args, this);
        this.jobs = parts.jobs;
        this.workflows = parts.workflows;
        this.alertTopicArn = parts.alertTopicArn;
        this.registerOutputs({
            jobs: Object.fromEntries(Object.entries(this.jobs).map(([k, j]) => [k, { name: j.name, roleArn: j.roleArn }])),
            workflows: this.workflows,
            alertTopicArn: this.alertTopicArn,
        });
    }
}

interface EtlParts {
    jobs: Record<string, EtlJob>;
    workflows: Record<string, pulumi.Output<string>>;
    alertTopicArn?: pulumi.Output<string>;
}

/** `venue_sales_daily` -> `venue-sales-daily` (logical names and resource names use hyphens). */
const hyphens = (s: string) => s.replace(/_/g, "-");

export function createLakeEtl(name: string, ctx: LakeContext, args: LakeEtlArgs, self: LakeEtl): EtlParts {
    const pipelines = etlPipelines(args.datasets);
    const unknown = Object.keys(args.settings.schedules).filter((p) => !pipelines.some((q) => q.name === p));
    // A warning, not an error: a stack whose datasets (for now) derive no such pipeline still deploys.
    if (unknown.length) pulumi.log.warn(`lake:etl.schedules names no pipeline of this stack, ignored: ${unknown.join(", ")} (pipelines: ${pipelines.map((p) => p.name).join(", ") || "none"})`, self);
    if (!pipelines.length) return { jobs: {}, workflows: {} };

    const byName = new Map(args.datasets.map((d) => [d.name, d]));
    const gold = args.layerBuckets.gold;
    const objectUri = (key: string) => `s3://${gold.bucketName}/${key}`;
    // Every artifact: SSE-KMS with the lake key (the bucket policy refuses any other), replaced when its bytes change.
    const upload = (resource: string, key: string, a: Artifact, contentType: string) =>
        new aws.s3.BucketObjectv2(
            resource,
            { bucket: gold.name, key, source: a.asset, sourceHash: a.sha256, contentType, serverSideEncryption: "aws:kms", kmsKeyId: args.kmsKeyArn, bucketKeyEnabled: true },
            { parent: self },
        );
    const lib = libraryArtifact(args.root);
    const libraryKey = hashedKey(`${ETL_PREFIX}/lib`, "lake_etl", ".zip", lib.sha256);
    const library = upload(`${name}-etl-library`, libraryKey, lib, "application/zip");

    const jobs: Record<string, EtlJob> = {};
    const glueJobs = new Map<string, aws.glue.Job>();
    for (const pipeline of pipelines) {
        for (const plan of pipeline.jobs) {
            const built = createJob(name, ctx, args, plan, byName, { library, libraryKey, objectUri, upload }, self);
            jobs[plan.dataset] = built.job;
            glueJobs.set(plan.dataset, built.resource);
        }
    }
    const workflows: Record<string, pulumi.Output<string>> = {};
    for (const pipeline of pipelines) workflows[pipeline.name] = createWorkflow(name, ctx, args, pipeline, byName, glueJobs, self);
    const alertTopicArn = createAlerts(name, ctx, args, [...glueJobs.values()], self);
    return { jobs, workflows, alertTopicArn };
}

interface Uploads {
    library: aws.s3.BucketObjectv2;
    libraryKey: string;
    objectUri(key: string): string;
    upload(resource: string, key: string, a: Artifact, contentType: string): aws.s3.BucketObjectv2;
}

function createJob(name: string, ctx: LakeContext, args: LakeEtlArgs, plan: JobPlan, byName: Map<string, Dataset>, up: Uploads, self: LakeEtl): { job: EtlJob; resource: aws.glue.Job } {
    const ds = byName.get(plan.dataset)!;
    const base = `${name}-job-${hyphens(plan.dataset)}`;
    const names = jobDerivedNames(ctx.namer.args, plan.dataset);
    const bucketOf = (d: Dataset) => args.layerBuckets[d.layer].bucketName;
    const locationOf = (d: Dataset) => defaultLocation(d, bucketOf(d));
    const databaseOf = (d: Dataset) => ctx.namer.glue(d.layer, d.domain);
    const inputs = plan.inputs.map((n) => byName.get(n)!);
    const jobDir = `${ETL_PREFIX}/jobs/${hyphens(plan.dataset)}`;

    // One script object per job, so a change to a script or SQL file replaces exactly the jobs that run it.
    const script = scriptArtifact(args.root, plan.script);
    const scriptKey = hashedKey(jobDir, plan.script, ".py", script.sha256);
    const scriptObject = up.upload(`${base}-script`, scriptKey, script, "text/x-python");
    const sql = plan.sql ? textArtifact(plan.sql.text) : undefined;
    const sqlKey = sql ? hashedKey(jobDir, ds.name, ".sql", sql.sha256) : undefined;
    const sqlObject = sql && sqlKey ? up.upload(`${base}-sql`, sqlKey, sql, "application/sql") : undefined;

    const target = { database: databaseOf(ds), table: ds.name, location: locationOf(ds) };
    const errorPath = `s3://${bucketOf(ds)}/${datasetErrorPrefix(ds)}`;
    const tempDir = `s3://${args.layerBuckets.gold.bucketName}/${ETL_TEMP_PREFIX}${hyphens(plan.dataset)}/`;
    const defaultArguments = jobArguments(plan, ds, {
        tempDir,
        libraryUri: up.objectUri(up.libraryKey),
        ...(sqlKey ? { sqlUri: up.objectUri(sqlKey) } : {}),
        target,
        inputs: inputs.map((d) => ({ name: d.name, database: databaseOf(d), table: d.name })),
        errorPath,
    });

    const role = new aws.iam.Role(
        `${base}-role`,
        {
            name: checkName(names.jobRole),
            description: `Glue job ${plan.job}: reads ${plan.inputs.join(", ")}, writes ${ds.layer} ${ds.domain}.${ds.name} (${ds.file}).`,
            assumeRolePolicy: JSON.stringify(serviceTrust("glue.amazonaws.com", ctx.arn)),
        },
        { parent: self },
    );
    const objectArn = (key: string) => `arn:${ctx.arn.partition}:s3:::${args.layerBuckets.gold.bucketName}/${key}`;
    const policy = new aws.iam.RolePolicy(
        `${base}-policy`,
        {
            role: role.name,
            name: "lake-etl-job",
            policy: pulumi.output(args.kmsKeyArn).apply((kmsKeyArn) =>
                JSON.stringify(
                    jobPolicy({
                        ...ctx.arn,
                        kmsKeyArn,
                        readPrefixes: inputs.map((d) => parseS3Uri(locationOf(d))),
                        // Only bronze_to_silver rejects rows (to --error_path); silver_to_gold fails on a contract breach instead.
                        writePrefixes: [target.location, ...(plan.script === "bronze_to_silver" ? [errorPath] : []), tempDir].map(parseS3Uri),
                        artifactObjectArns: [objectArn(scriptKey), ...(sqlKey ? [objectArn(sqlKey)] : []), objectArn(up.libraryKey)],
                        readTables: inputs.map((d) => ({ database: databaseOf(d), table: d.name })),
                        writeTable: { database: target.database, table: target.table },
                        iceberg: ds.format === "iceberg",
                        lakeFormation: args.lakeFormation,
                    }),
                ),
            ),
        },
        { parent: self },
    );
    // Bookmarks are encrypted client-side (the security configuration's CSE-KMS): only those jobs call KMS directly.
    if (plan.bookmarks) args.keyUsers.grantKeyUse(role.arn);

    // The dataset grants, through the catalog's datasets (Lake Formation or IAM mode decides what that creates).
    const grantee = roleGrantee(`${ETL_RESOURCE_KINDS.role}-${hyphens(plan.dataset)}`, role.arn);
    for (const input of plan.inputs) args.catalog.datasets[input]!.grantRead(grantee);
    const output = args.catalog.datasets[plan.dataset]!;
    output.grantWrite(grantee);
    // Merge (and Iceberg's MERGE INTO) reads the stored rows it rewrites.
    if (plan.writeMode === "merge") output.grantRead(grantee);

    const s = args.settings;
    const executionClass = s.executionClass ?? (ctx.isProd ? "STANDARD" : "FLEX");
    const job = new aws.glue.Job(
        base,
        {
            name: checkName(names.glueJob),
            description: `${plan.job} (${plan.script}): ${plan.inputs.join(", ")} -> ${ds.name} (${ds.layer}), declared in ${ds.file}.`,
            roleArn: role.arn,
            glueVersion: GLUE_VERSION,
            command: { name: "glueetl", pythonVersion: "3", scriptLocation: up.objectUri(scriptKey) },
            defaultArguments,
            securityConfiguration: args.catalog.securityConfigurationName,
            executionClass,
            workerType: s.workerType,
            numberOfWorkers: s.numberOfWorkers,
            maxRetries: s.maxRetries,
            timeout: s.timeoutMinutes,
            executionProperty: { maxConcurrentRuns: s.maxConcurrentRuns },
            tags: {
                ...datasetTags(ds),
                [MARKERS.layer]: ds.layer,
                ...(plan.bookmarks ? {} : { [ETL_MARKERS.bookmarkReason]: noBookmarkReason(ds) }),
            },
        },
        // A job must not run before its role's policy and its objects are in place.
        { parent: self, dependsOn: [policy, scriptObject, up.library, ...(sqlObject ? [sqlObject] : [])] },
    );
    return { job: { name: job.name, roleArn: role.arn, scriptKey, ...(sqlKey ? { sqlKey } : {}) }, resource: job };
}

/** Why a job runs without bookmarks (the glue-job-bookmarks-or-reason policy reads it). */
function noBookmarkReason(ds: Dataset): string {
    if (ds.format === "iceberg") return "Iceberg target: Glue bookmarks don't track Iceberg; MERGE INTO on the key makes reruns idempotent.";
    return "SQL over its inputs in full: an aggregate needs every row, and partition overwrite must not replace a day with part of it.";
}

/** The pipeline's workflow: a scheduled start, crawlers of crawled bronze sources, then each job after its inputs. */
function createWorkflow(name: string, ctx: LakeContext, args: LakeEtlArgs, pipeline: EtlPipeline, byName: Map<string, Dataset>, glueJobs: Map<string, aws.glue.Job>, self: LakeEtl): pulumi.Output<string> {
    const names = pipelineDerivedNames(ctx.namer.args, pipeline.name);
    const base = `${name}-workflow-${pipeline.name}`;
    const workflow = new aws.glue.Workflow(
        base,
        {
            name: checkName(names.workflow),
            description: `ETL pipeline ${pipeline.name}: ${pipeline.jobs.map((j) => `${j.inputs.join("+")} -> ${j.dataset}`).join("; ")}.`,
            // One run at a time: a second start while the first still runs would read half-written inputs.
            maxConcurrentRuns: 1,
        },
        { parent: self },
    );
    const crawler = (d: string) => (byName.get(d)?.source.type === "s3" ? args.catalog.crawlerNames[d] : undefined);
    const crawled = pipeline.sources.filter((d) => crawler(d));
    const upstream = (plan: JobPlan) =>
        plan.inputs.flatMap((i): aws.types.input.glue.TriggerPredicateCondition[] => {
            if (glueJobs.has(i)) return [{ jobName: glueJobs.get(i)!.name, state: "SUCCEEDED", logicalOperator: "EQUALS" }];
            const c = crawler(i);
            return c ? [{ crawlerName: c, crawlState: "SUCCEEDED", logicalOperator: "EQUALS" }] : [];
        });
    const first = pipeline.jobs.filter((j) => upstream(j).length === 0);
    new aws.glue.Trigger(
        `${base}-start`,
        {
            name: checkName(names.start),
            workflowName: workflow.name,
            type: "SCHEDULED",
            schedule: args.settings.schedules[pipeline.name] ?? args.settings.schedule,
            // Triggers are created deactivated unless started: the schedule must fire after the first deploy.
            startOnCreation: true,
            description: `Starts ${pipeline.name}: ${[...crawled.map((d) => `crawl ${d}`), ...first.map((j) => `job ${j.job}`)].join(", ")}.`,
            actions: [...crawled.map((d) => ({ crawlerName: crawler(d)! })), ...first.map((j) => ({ jobName: glueJobs.get(j.dataset)!.name }))],
        },
        { parent: self },
    );
    for (const plan of pipeline.jobs) {
        const conditions = upstream(plan);
        if (!conditions.length) continue;
        new aws.glue.Trigger(
            `${name}-job-${hyphens(plan.dataset)}-trigger`,
            {
                name: checkName(jobDerivedNames(ctx.namer.args, plan.dataset).jobTrigger),
                workflowName: workflow.name,
                type: "CONDITIONAL",
                startOnCreation: true,
                description: `Runs ${plan.job} once everything writing or crawling ${plan.inputs.join(", ")} in this run succeeded.`,
                predicate: { logical: "AND", conditions },
                actions: [{ jobName: glueJobs.get(plan.dataset)!.name }],
            },
            { parent: self },
        );
    }
    return workflow.name;
}

/** EventBridge rule on these jobs' failed end states -> SNS topic under the lake key -> the configured subscribers. */
function createAlerts(name: string, ctx: LakeContext, args: LakeEtlArgs, jobs: aws.glue.Job[], self: LakeEtl): pulumi.Output<string> {
    const topic = new aws.sns.Topic(
        `${name}-etl-alerts`,
        { name: ctx.namer.resource(PLATFORM_RESOURCES.etlAlerts.purpose), displayName: "Lake ETL job failures", kmsMasterKeyId: args.kmsKeyArn },
        { parent: self },
    );
    // The topic is encrypted with the lake key: EventBridge needs a data key to publish.
    args.keyUsers.grantServiceKeyUse("events.amazonaws.com");
    const rule = new aws.cloudwatch.EventRule(
        `${name}-etl-failures`,
        {
            name: ctx.namer.resource(PLATFORM_RESOURCES.etlFailureRule.purpose),
            description: "A lake Glue job failed, timed out or was stopped.",
            eventPattern: pulumi.all(jobs.map((j) => j.name)).apply((names) => JSON.stringify(jobFailurePattern(names))),
        },
        { parent: self },
    );
    const topicPolicy = new aws.sns.TopicPolicy(
        `${name}-etl-alerts-policy`,
        { arn: topic.arn, policy: pulumi.all([topic.arn, rule.arn]).apply(([t, r]) => JSON.stringify(alertTopicPolicy(t, r))) },
        { parent: self },
    );
    new aws.cloudwatch.EventTarget(`${name}-etl-failures-target`, { rule: rule.name, arn: topic.arn, targetId: "etl-alerts" }, { parent: self, dependsOn: [topicPolicy] });
    for (const a of args.settings.alerts) {
        new aws.sns.TopicSubscription(
            `${name}-etl-alerts-${a.protocol}-${principalId(a.endpoint)}`,
            { topic: topic.arn, protocol: a.protocol, endpoint: a.endpoint, ...(a.protocol === "https" ? { endpointAutoConfirms: false } : {}) },
            { parent: self },
        );
    }
    return topic.arn;
}
