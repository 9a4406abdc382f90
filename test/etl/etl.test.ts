/**
 * LakeEtl over the real dataset files and stack configs, under mocks: every child's inputs in dev and prod, the
 * workflow wiring and trigger predicates, the role policy, the alerting, the arguments each job passes against the
 * arguments its script reads (etl/tools/job_args.py), and which object keys a script or SQL change moves.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GLUE_ARGUMENTS } from "../../components/etl";
import { parseLakeConfig } from "../../infra/config";
import { buildLake } from "../../infra/stack";
import { loadProject } from "../../tools/engine/project";
import { Capture, capture, Registered } from "../helpers/mocks";

const REPO = path.resolve(__dirname, "..", "..");
const T = {
    job: "aws:glue/job:Job",
    trigger: "aws:glue/trigger:Trigger",
    workflow: "aws:glue/workflow:Workflow",
    object: "aws:s3/bucketObjectv2:BucketObjectv2",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    topic: "aws:sns/topic:Topic",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    lf: "aws:lakeformation/permissions:Permissions",
};
const ACCOUNT = { dev: "111111111111", prod: "222222222222" } as const;
type Stack = keyof typeof ACCOUNT;

async function stackCapture(stack: Stack, root = REPO): Promise<Capture> {
    const config = parseLakeConfig(loadProject(REPO, stack).config, { project: "lake-test", stack });
    return capture(() => buildLake(config, { root, etlRoot: root }), { stack, mockEnv: { region: config.region, account: config.accountId } });
}
const etlChildren = (c: Capture) => c.resources.filter((r) => r.parent.endsWith("lake:etl:LakeEtl::lake"));
const sha = (file: string) => createHash("sha256").update(fs.readFileSync(path.join(REPO, file))).digest("hex");
const gold = (s: Stack) => `acme-lake-${s}-gold-${ACCOUNT[s]}`;
const glueJob = (s: Stack, j: string) => `acme-lake-${s}-job-${j}`;
const JOBS = ["sales", "venue", "ticket-sales", "venue-sales-daily", "taxi-trips"];

describe("LakeEtl", function () {
    this.timeout(120_000);
    const c: Partial<Record<Stack, Capture>> = {};
    before(async () => {
        for (const s of ["dev", "prod"] as const) c[s] = await stackCapture(s);
    });
    const job = (s: Stack, j: string) => c[s]!.named(`lake-job-${j}`);

    describe("jobs", () => {
        it("derives one Glue job per job dataset with inputs, and nothing else", () => {
            for (const s of ["dev", "prod"] as const) {
                expect(c[s]!.ofType(T.job).map((r) => r.name).sort()).to.deep.equal(JOBS.map((j) => `lake-job-${j}`).sort());
                expect(c[s]!.ofType("lake:etl:LakeEtl").map((r) => r.name)).to.deep.equal(["lake"]);
            }
        });
        const settings = {
            dev: { executionClass: "FLEX", workerType: "G.1X", numberOfWorkers: 2, maxRetries: 0, timeout: 60 },
            prod: { executionClass: "STANDARD", workerType: "G.2X", numberOfWorkers: 5, maxRetries: 1, timeout: 240 },
        };
        for (const s of ["dev", "prod"] as const) {
            it(`${s}: pins Glue 5.0, the security configuration and the stack's capacity settings`, () => {
                for (const j of JOBS) {
                    const i = job(s, j).inputs;
                    expect({ glueVersion: i.glueVersion, securityConfiguration: i.securityConfiguration, executionProperty: i.executionProperty, command: { ...i.command, scriptLocation: undefined } }, j).to.deep.equal({
                        glueVersion: "5.0",
                        securityConfiguration: `acme-lake-${s}-glue-security`,
                        executionProperty: { maxConcurrentRuns: 1 },
                        command: { name: "glueetl", pythonVersion: "3", scriptLocation: undefined },
                    });
                    expect({ executionClass: i.executionClass, workerType: i.workerType, numberOfWorkers: i.numberOfWorkers, maxRetries: i.maxRetries, timeout: i.timeout }, j).to.deep.equal(settings[s]);
                    expect(i.name).to.equal(`acme-lake-${s}-job-${j}`);
                    expect(i.roleArn).to.equal(`arn:aws:iam::${ACCOUNT[s]}:role/acme-lake-${s}-etl-${j}`);
                }
            });
        }

        it("passes the refine job exactly its script's arguments and Glue's settings (dev, sales)", () => {
            const g = gold("dev");
            expect(job("dev", "sales").inputs.defaultArguments).to.deep.equal({
                "--job-language": "python",
                "--enable-metrics": "true",
                "--enable-observability-metrics": "true",
                "--enable-glue-datacatalog": "true",
                "--job-bookmark-option": "job-bookmark-enable",
                "--extra-py-files": `s3://${g}/_glue/lib/lake_etl.${libraryHash().slice(0, 16)}.zip`,
                "--TempDir": `s3://${g}/_glue/temp/sales/`,
                "--target_database": "acme_lake_dev_silver_sales",
                "--target_table": "sales",
                "--target_path": "s3://acme-lake-dev-silver-111111111111/sales/sales/",
                "--target_format": "parquet",
                "--target_schema": JSON.stringify({
                    columns: [
                        ["sale_id", "bigint"], ["list_id", "bigint"], ["seller_id", "bigint"], ["buyer_id", "bigint"], ["event_id", "int"], ["venue_id", "smallint"],
                        ["qty_sold", "smallint"], ["price_paid", "decimal(8,2)"], ["sale_time", "timestamp"],
                    ].map(([name, type]) => ({ name, type })),
                    partitionKeys: [{ name: "sale_date", type: "string" }],
                }),
                "--location_template": "null",
                "--write_mode": "merge",
                "--dedup_keys": '["sale_id"]',
                "--source_database": "acme_lake_dev_bronze_sales",
                "--source_table": "raw_sales",
                "--renames": JSON.stringify({ salesid: "sale_id", listid: "list_id", sellerid: "seller_id", buyerid: "buyer_id", eventid: "event_id", venueid: "venue_id", qtysold: "qty_sold", pricepaid: "price_paid", saletime: "sale_time" }),
                "--derive": JSON.stringify({ sale_date: "date_format(try_cast(sale_time AS timestamp), 'yyyy-MM-dd')" }),
                "--dedup_order": '["ingest_date"]',
                "--error_path": "s3://acme-lake-dev-silver-111111111111/_errors/sales/sales/",
            });
        });

        it("gives the Iceberg job --datalake-formats iceberg and the Glue catalog's Iceberg conf, no bookmarks and a written reason", () => {
            const i = job("prod", "taxi-trips").inputs;
            expect(i.defaultArguments["--datalake-formats"]).to.equal("iceberg");
            expect(i.defaultArguments["--conf"]).to.equal(
                "spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions --conf spark.sql.catalog.glue_catalog=org.apache.iceberg.spark.SparkCatalog" +
                    " --conf spark.sql.catalog.glue_catalog.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog --conf spark.sql.catalog.glue_catalog.io-impl=org.apache.iceberg.aws.s3.S3FileIO" +
                    " --conf spark.sql.catalog.glue_catalog.warehouse=s3://acme-lake-prod-silver-222222222222/mobility/taxi_trips/",
            );
            expect(i.defaultArguments["--job-bookmark-option"]).to.equal("job-bookmark-disable");
            expect(i.defaultArguments["--write_mode"]).to.equal("merge");
            expect(i.tags).to.deep.equal({
                "lake:bookmark-reason": "Iceberg target: Glue bookmarks don't track Iceberg; MERGE INTO on the key makes reruns idempotent.",
                "lake:classification": "internal",
                "lake:dataset": "taxi_trips",
                "lake:domain": "mobility",
                "lake:layer": "silver",
                "lake:owner": "mobility-data@acme.example",
            });
        });

        it("passes each gold job its inputs as views and the uploaded SQL, bookmarks off", () => {
            const i = job("dev", "venue-sales-daily").inputs.defaultArguments;
            expect(JSON.parse(i["--inputs"])).to.deep.equal([
                { name: "ticket_sales", database: "acme_lake_dev_gold_sales", table: "ticket_sales" },
                { name: "venue", database: "acme_lake_dev_silver_sales", table: "venue" },
            ]);
            const sqlHash = sha("stacks/datasets/sales/venue_sales_daily.sql").slice(0, 16);
            expect(i["--sql_path"]).to.equal(`s3://${gold("dev")}/_glue/jobs/venue-sales-daily/venue_sales_daily.${sqlHash}.sql`);
            expect(i["--job-bookmark-option"]).to.equal("job-bookmark-disable");
            expect(i).to.not.have.property("--error_path");
        });

        it("passes every job exactly the arguments its script reads, plus only Glue's own (both parsed: job_args.py and the plan)", () => {
            const run = spawnSync("python3", [path.join(REPO, "etl/tools/job_args.py")], { encoding: "utf8" });
            expect(run.status, run.stderr).to.equal(0);
            const scripts = JSON.parse(run.stdout) as Record<string, { jobArguments: string[] }>;
            for (const s of ["dev", "prod"] as const) {
                for (const j of JOBS) {
                    const i = job(s, j).inputs;
                    const script = /\/(bronze_to_silver|silver_to_gold)\.[0-9a-f]{16}\.py$/.exec(i.command.scriptLocation)![1]!;
                    const passed = Object.keys(i.defaultArguments).filter((k) => !(GLUE_ARGUMENTS as readonly string[]).includes(k)).sort();
                    expect(passed, `${s} ${j}`).to.deep.equal([...scripts[script]!.jobArguments].sort());
                }
            }
        });
    });

    describe("script objects", () => {
        it("uploads each job's script and SQL, and the library, keyed by content hash, sourceHash set, SSE-KMS with the lake key", () => {
            const objects = etlChildren(c.dev!).filter((r) => r.type === T.object);
            expect(objects.map((o) => o.name).sort()).to.deep.equal(
                ["lake-etl-library", ...JOBS.map((j) => `lake-job-${j}-script`), "lake-job-ticket-sales-sql", "lake-job-venue-sales-daily-sql"].sort(),
            );
            const key = c.dev!.named("lake-etl-alerts").inputs.kmsMasterKeyId;
            for (const o of objects) {
                expect({ sse: o.inputs.serverSideEncryption, kms: o.inputs.kmsKeyId, bucketKey: o.inputs.bucketKeyEnabled, etag: o.inputs.etag }, o.name).to.deep.equal({ sse: "aws:kms", kms: key, bucketKey: true, etag: undefined });
                expect(o.inputs.bucket).to.equal(gold("dev"));
                expect(o.inputs.key).to.contain(`.${o.inputs.sourceHash.slice(0, 16)}.`);
            }
            expect(c.dev!.named("lake-job-sales-script").inputs).to.include({ key: `_glue/jobs/sales/bronze_to_silver.${sha("etl/jobs/bronze_to_silver.py").slice(0, 16)}.py`, sourceHash: sha("etl/jobs/bronze_to_silver.py") });
            expect(c.dev!.named("lake-job-ticket-sales-sql").inputs).to.include({ sourceHash: sha("stacks/datasets/sales/ticket_sales.sql") });
            expect(c.dev!.named("lake-etl-library").inputs).to.include({ key: `_glue/lib/lake_etl.${libraryHash().slice(0, 16)}.zip`, sourceHash: libraryHash() });
        });

        it("builds the library reproducibly: the same sources give the same hash", () => {
            expect(libraryHash()).to.equal(libraryHash());
        });

        it("a SQL change moves only that job's object key; a script change only the jobs that run it", async () => {
            const root = copyRepo();
            try {
                const sql = path.join(root, "stacks/datasets/sales/ticket_sales.sql");
                fs.appendFileSync(sql, "\n-- reviewed\n");
                const afterSql = await stackCapture("dev", root);
                fs.appendFileSync(path.join(root, "etl/jobs/silver_to_gold.py"), "\n# reviewed\n");
                const afterScript = await stackCapture("dev", root);
                const keys = (cap: Capture) => Object.fromEntries(etlChildren(cap).filter((r) => r.type === T.object).map((r) => [r.name, r.inputs.key]));
                const changed = (a: Capture, b: Capture) => Object.keys(keys(a)).filter((k) => keys(a)[k] !== keys(b)[k]).sort();
                expect(changed(c.dev!, afterSql)).to.deep.equal(["lake-job-ticket-sales-sql"]);
                expect(changed(afterSql, afterScript)).to.deep.equal(["lake-job-ticket-sales-script", "lake-job-venue-sales-daily-script"]);
                const jobsChanged = (a: Capture, b: Capture) => a.ofType(T.job).filter((r) => JSON.stringify(r.inputs) !== JSON.stringify(b.named(r.name).inputs)).map((r) => r.name).sort();
                expect(jobsChanged(c.dev!, afterSql)).to.deep.equal(["lake-job-ticket-sales"]);
            } finally {
                fs.rmSync(root, { recursive: true, force: true });
            }
        });
    });

    describe("role", () => {
        it("reads exactly its input's prefix, writes exactly its output, error and temp prefixes, the key only via S3 and Glue (dev, sales)", () => {
            const key = c.dev!.named("lake-etl-alerts").inputs.kmsMasterKeyId;
            const g = gold("dev");
            const glue = (r: string) => `arn:aws:glue:eu-west-1:111111111111:${r}`;
            const GLUE_READ = ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"];
            const policy = c.dev!.named("lake-job-sales-policy").inputs;
            expect(policy.role).to.equal("acme-lake-dev-etl-sales");
            expect(JSON.parse(policy.policy)).to.deep.equal({
                Version: "2012-10-17",
                Statement: [
                    { Sid: "ReadInputsObjects", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::acme-lake-dev-bronze-111111111111/sales/raw_sales/*"] },
                    { Sid: "ReadInputsList0", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: "arn:aws:s3:::acme-lake-dev-bronze-111111111111", Condition: { StringLike: { "s3:prefix": ["sales/raw_sales/", "sales/raw_sales/*"] } } },
                    {
                        Sid: "WriteOutputObjects",
                        Effect: "Allow",
                        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                        Resource: ["arn:aws:s3:::acme-lake-dev-silver-111111111111/sales/sales/*", "arn:aws:s3:::acme-lake-dev-silver-111111111111/_errors/sales/sales/*", `arn:aws:s3:::${g}/_glue/temp/sales/*`],
                    },
                    { Sid: "WriteOutputList0", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: "arn:aws:s3:::acme-lake-dev-silver-111111111111", Condition: { StringLike: { "s3:prefix": ["sales/sales/", "sales/sales/*", "_errors/sales/sales/", "_errors/sales/sales/*"] } } },
                    { Sid: "WriteOutputList1", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: `arn:aws:s3:::${g}`, Condition: { StringLike: { "s3:prefix": ["_glue/temp/sales/", "_glue/temp/sales/*"] } } },
                    {
                        Sid: "ReadJobArtifacts",
                        Effect: "Allow",
                        Action: ["s3:GetObject"],
                        Resource: [`arn:aws:s3:::${g}/_glue/jobs/sales/bronze_to_silver.${sha("etl/jobs/bronze_to_silver.py").slice(0, 16)}.py`, `arn:aws:s3:::${g}/_glue/lib/lake_etl.${libraryHash().slice(0, 16)}.zip`],
                    },
                    { Sid: "LakeKeyThroughS3AndGlue", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [key], Condition: { StringEquals: { "kms:ViaService": ["s3.eu-west-1.amazonaws.com", "glue.eu-west-1.amazonaws.com"] } } },
                    { Sid: "ReadInputTables", Effect: "Allow", Action: GLUE_READ, Resource: [glue("catalog"), glue("database/acme_lake_dev_bronze_sales"), glue("table/acme_lake_dev_bronze_sales/raw_sales")] },
                    {
                        Sid: "WriteOutputTable",
                        Effect: "Allow",
                        Action: [...GLUE_READ, "glue:CreatePartition", "glue:BatchCreatePartition", "glue:UpdatePartition", "glue:BatchUpdatePartition"],
                        Resource: [glue("catalog"), glue("database/acme_lake_dev_silver_sales"), glue("table/acme_lake_dev_silver_sales/sales")],
                    },
                    {
                        Sid: "JobLogs",
                        Effect: "Allow",
                        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
                        Resource: ["arn:aws:logs:eu-west-1:111111111111:log-group:/aws-glue/jobs*", "arn:aws:logs:eu-west-1:111111111111:log-group:/aws-glue/jobs*:log-stream:*"],
                    },
                    { Sid: "JobMetrics", Effect: "Allow", Action: ["cloudwatch:PutMetricData"], Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": "Glue" } } },
                    { Sid: "SecurityConfiguration", Effect: "Allow", Action: ["glue:GetSecurityConfiguration"], Resource: "*" },
                    { Sid: "LakeFormationData", Effect: "Allow", Action: ["lakeformation:GetDataAccess"], Resource: "*" },
                ],
            });
        });

        it("lets the Iceberg job update its table (a MERGE commits metadata) and nobody else", () => {
            for (const j of JOBS) {
                const doc = JSON.parse(c.prod!.named(`lake-job-${j}-policy`).inputs.policy);
                const write = doc.Statement.find((s: { Sid: string }) => s.Sid === "WriteOutputTable");
                expect(write.Action.includes("glue:UpdateTable"), j).to.equal(j === "taxi-trips");
            }
        });

        it("is trusted by Glue of this account only", () => {
            const trust = JSON.parse(c.prod!.named("lake-job-ticket-sales-role").inputs.assumeRolePolicy);
            expect(trust.Statement[0].Principal).to.deep.equal({ Service: "glue.amazonaws.com" });
            expect(trust.Statement[0].Condition.StringEquals).to.deep.equal({ "aws:SourceAccount": "222222222222" });
        });

        it("asks the access component for the dataset grants: read on inputs, write (and read, for merge) on the output", () => {
            const perms = (table: string, role: string) => c.dev!.named(`lake-${table}-etl-${role}-grant`).inputs.permissions;
            expect(perms("raw_sales", "sales")).to.deep.equal(["SELECT", "DESCRIBE"]);
            expect(perms("sales", "sales")).to.deep.equal(["SELECT", "DESCRIBE", "INSERT", "ALTER", "DELETE"]);
            expect(perms("ticket_sales", "ticket-sales")).to.deep.equal(["DESCRIBE", "INSERT", "ALTER", "DELETE"]);
            expect(perms("sales", "ticket-sales")).to.deep.equal(["SELECT", "DESCRIBE"]);
            expect(c.dev!.named("lake-ticket_sales-etl-ticket-sales-location").inputs.permissions).to.deep.equal(["DATA_LOCATION_ACCESS"]);
        });

        it("names only the bookmark jobs' roles in the key policy (CSE-KMS bookmarks), and EventBridge for the topic", () => {
            const doc = JSON.parse(c.dev!.named("lake-key-policy").inputs.policy);
            const sid = (s: string) => doc.Statement.find((x: { Sid: string }) => x.Sid === s);
            expect(sid("PlatformRolesClientSideEncryption").Principal.AWS).to.deep.equal([
                "arn:aws:iam::111111111111:role/acme-lake-dev-crawler",
                "arn:aws:iam::111111111111:role/acme-lake-dev-etl-sales",
                "arn:aws:iam::111111111111:role/acme-lake-dev-etl-venue",
            ]);
            expect(sid("ServicesDeliveringToLakeResources")).to.deep.equal({
                Sid: "ServicesDeliveringToLakeResources",
                Effect: "Allow",
                Principal: { Service: ["events.amazonaws.com"] },
                Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                Resource: "*",
            });
        });

        it("waits for its policy and objects before the job exists", () => {
            const j = job("dev", "ticket-sales");
            for (const d of ["lake-job-ticket-sales-policy", "lake-job-ticket-sales-script", "lake-job-ticket-sales-sql", "lake-etl-library"]) expect(j.dependencies, d).to.include(c.dev!.named(d).urn);
        });
    });

    describe("workflows and triggers", () => {
        const trigger = (s: Stack, n: string) => c[s]!.named(n).inputs;
        const crawler = (s: Stack, d: string) => `acme-lake-${s}-crawl-${d.replace(/_/g, "-")}`;
        it("has one workflow per pipeline (connected part of the lineage), one run at a time", () => {
            for (const s of ["dev", "prod"] as const) {
                expect(c[s]!.ofType(T.workflow).map((w) => [w.name, w.inputs.name, w.inputs.maxConcurrentRuns])).to.deep.equal([
                    ["lake-workflow-sales", `acme-lake-${s}-etl-sales`, 1],
                    ["lake-workflow-mobility", `acme-lake-${s}-etl-mobility`, 1],
                ]);
            }
        });
        it("starts each pipeline on its schedule by crawling its crawled bronze inputs", () => {
            expect(trigger("dev", "lake-workflow-sales-start")).to.deep.include({
                name: "acme-lake-dev-etl-sales-start",
                workflowName: "acme-lake-dev-etl-sales",
                type: "SCHEDULED",
                schedule: "cron(0 6 * * ? *)",
                startOnCreation: true,
                actions: [{ crawlerName: crawler("dev", "raw_sales") }, { crawlerName: crawler("dev", "raw_venue") }],
            });
            expect(trigger("prod", "lake-workflow-mobility-start")).to.deep.include({ schedule: "cron(0 7 * * ? *)", actions: [{ crawlerName: crawler("prod", "raw_taxi_trips") }] });
            expect(trigger("prod", "lake-workflow-sales-start").schedule).to.equal("cron(0 6 * * ? *)");
        });
        it("runs each job after what crawls or writes its inputs succeeded (crawlState / state SUCCEEDED, AND)", () => {
            const s = "prod";
            const after = (j: string) => trigger(s, `lake-job-${j}-trigger`);
            const crawled = (d: string) => ({ crawlerName: crawler(s, d), crawlState: "SUCCEEDED", logicalOperator: "EQUALS" });
            const succeeded = (j: string) => ({ jobName: glueJob(s, j), state: "SUCCEEDED", logicalOperator: "EQUALS" });
            const expected: Record<string, [string, object[]]> = {
                "sales": ["sales", [crawled("raw_sales")]],
                "venue": ["sales", [crawled("raw_venue")]],
                "ticket-sales": ["sales", [succeeded("sales")]],
                "venue-sales-daily": ["sales", [succeeded("ticket-sales"), succeeded("venue")]],
                "taxi-trips": ["mobility", [crawled("raw_taxi_trips")]],
            };
            for (const [j, [pipeline, conditions]] of Object.entries(expected)) {
                expect(after(j), j).to.deep.include({
                    name: `${glueJob(s, j)}-after`,
                    workflowName: `acme-lake-${s}-etl-${pipeline}`,
                    type: "CONDITIONAL",
                    startOnCreation: true,
                    predicate: { logical: "AND", conditions },
                    actions: [{ jobName: glueJob(s, j) }],
                });
            }
            expect(c[s]!.ofType(T.trigger)).to.have.length(7);
        });
    });

    describe("failure alerts", () => {
        it("sends FAILED, TIMEOUT and STOPPED of exactly these jobs to a KMS-encrypted topic only that rule may publish to", () => {
            for (const s of ["dev", "prod"] as const) {
                const rule = c[s]!.named("lake-etl-failures").inputs;
                expect(rule.name).to.equal(`acme-lake-${s}-etl-job-failures`);
                expect(JSON.parse(rule.eventPattern)).to.deep.equal({
                    source: ["aws.glue"],
                    "detail-type": ["Glue Job State Change"],
                    detail: { jobName: JOBS.map((j) => glueJob(s, j)).sort(), state: ["FAILED", "TIMEOUT", "STOPPED"] },
                });
                const topic = c[s]!.named("lake-etl-alerts").inputs;
                expect(topic.name).to.equal(`acme-lake-${s}-etl-alerts`);
                expect(topic.kmsMasterKeyId).to.match(new RegExp(`^arn:aws:kms:eu-west-1:${ACCOUNT[s]}:key/`));
                const topicArn = `arn:aws:sns:eu-west-1:${ACCOUNT[s]}:acme-lake-${s}-etl-alerts`;
                expect(c[s]!.named("lake-etl-failures-target").inputs).to.deep.equal({ rule: rule.name, arn: topicArn, targetId: "etl-alerts" });
                expect(JSON.parse(c[s]!.named("lake-etl-alerts-policy").inputs.policy)).to.deep.equal({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "EventBridgePublishesJobFailures",
                            Effect: "Allow",
                            Principal: { Service: "events.amazonaws.com" },
                            Action: ["sns:Publish"],
                            Resource: topicArn,
                            Condition: { ArnEquals: { "aws:SourceArn": `arn:aws:events:eu-west-1:${ACCOUNT[s]}:rule/acme-lake-${s}-etl-job-failures` } },
                        },
                    ],
                });
            }
        });
        it("subscribes exactly the stack config's endpoints", () => {
            const subs = (s: Stack) => etlChildren(c[s]!).filter((r) => r.type === T.subscription).map((r: Registered) => ({ protocol: r.inputs.protocol, endpoint: r.inputs.endpoint, auto: r.inputs.endpointAutoConfirms }));
            expect(subs("dev")).to.deep.equal([{ protocol: "email", endpoint: "data-engineering@acme.example", auto: undefined }]);
            expect(subs("prod")).to.deep.equal([
                { protocol: "email", endpoint: "data-platform-oncall@acme.example", auto: undefined },
                { protocol: "https", endpoint: "https://events.pagerduty.com/integration/lake-etl/enqueue", auto: false },
            ]);
        });
    });

    describe("storage", () => {
        it("expires Glue's temporary files in the gold bucket after a week, and nothing else of _glue/", () => {
            for (const s of ["dev", "prod"] as const) {
                const rules = c[s]!.named("lake-gold-lifecycle").inputs.rules.filter((r: { filter: { prefix?: string } }) => r.filter.prefix?.startsWith("_glue"));
                expect(rules).to.deep.equal([{ id: "retention-glue-temp", status: "Enabled", filter: { prefix: "_glue/temp/" }, expiration: { days: 7 }, noncurrentVersionExpiration: { noncurrentDays: 1 } }]);
            }
        });
        it("protects nothing of its own (no data lives in it) and creates only these types", () => {
            for (const r of etlChildren(c.prod!)) expect([r.name, r.protect], r.name).to.deep.equal([r.name, false]);
            expect([...new Set(etlChildren(c.prod!).map((r) => r.type))].sort()).to.deep.equal(
                ["aws:cloudwatch/eventRule:EventRule", "aws:cloudwatch/eventTarget:EventTarget", T.job, T.trigger, T.workflow, T.role, T.rolePolicy, T.object, T.topic, "aws:sns/topicPolicy:TopicPolicy", T.subscription].sort(),
            );
        });
    });
});

/** lake_etl.zip's SHA-256 as the build tool reports it. */
function libraryHash(): string {
    const out = path.join(os.tmpdir(), `lake-etl-test-${process.pid}.zip`);
    const run = spawnSync("python3", [path.join(REPO, "etl/tools/package_lib.py"), "--out", out], { encoding: "utf8" });
    fs.rmSync(out, { force: true });
    return (JSON.parse(run.stdout) as { sha256: string }).sha256;
}

/** What buildLake reads, in a scratch root: stacks/ and etl/ (jobs and tools). */
function copyRepo(): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "lake-etl-"));
    for (const dir of ["stacks", "etl/jobs", "etl/tools"]) fs.cpSync(path.join(REPO, dir), path.join(root, dir), { recursive: true, filter: (src) => !src.includes("__pycache__") });
    for (const f of fs.readdirSync(REPO).filter((f) => /^Pulumi\..*yaml$/.test(f))) fs.copyFileSync(path.join(REPO, f), path.join(root, f));
    return root;
}
