import { expect } from "chai";
import * as path from "path";
import { parseLakeConfig } from "../../infra/config";
import { buildLake } from "../../infra/stack";
import { loadStackDatasets } from "../../components/datasets";
import { createLakeContext } from "../../components/shared/context";
import { LakeStorage, lakeKeyPolicy, dataBucketPolicy, accessLogBucketPolicy, lifecycleRules } from "../../components/storage";
import { loadProject } from "../../tools/engine/project";
import { capture, Capture } from "../helpers/mocks";

const REPO = path.resolve(__dirname, "..", "..");
const PURPOSES = ["bronze", "silver", "gold", "query-results", "access-logs"];
const DATA = ["bronze", "silver", "gold", "query-results"];

async function stackCapture(stack: "dev" | "prod"): Promise<Capture> {
    const config = parseLakeConfig(loadProject(REPO, stack).config, { project: "lake-test", stack });
    return capture(() => buildLake(config), { stack, mockEnv: { region: config.region, account: config.accountId } });
}

const ADMIN = "arn:aws:iam::111111111111:role/lake-platform-admin";
const CRAWLER = "arn:aws:iam::111111111111:role/acme-lake-dev-crawler";
const policyOf = (r: { inputs: Record<string, any> }) => JSON.parse(r.inputs.policy);

describe("LakeStorage", () => {
    describe("dev stack", () => {
        let c: Capture;
        before(async () => (c = await stackCapture("dev")));

        it("registers the component and exactly its children", () => {
            const [component] = c.ofType("lake:storage:LakeStorage");
            expect(component.name).to.equal("lake");
            const children = c.resources.filter((r) => r.parent === component.urn);
            const count = (t: string) => children.filter((r) => r.type === t).length;
            expect(children).to.have.length(42);
            expect(count("aws:kms/key:Key")).to.equal(1);
            expect(count("aws:kms/keyPolicy:KeyPolicy")).to.equal(1);
            expect(count("aws:kms/alias:Alias")).to.equal(1);
            expect(count("aws:s3/bucket:Bucket")).to.equal(5);
            for (const t of ["bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "bucketVersioning:BucketVersioning", "bucketPublicAccessBlock:BucketPublicAccessBlock", "bucketOwnershipControls:BucketOwnershipControls", "bucketLifecycleConfiguration:BucketLifecycleConfiguration", "bucketPolicy:BucketPolicy"]) {
                expect(count(`aws:s3/${t}`), t).to.equal(5);
            }
            expect(count("aws:s3/bucketLogging:BucketLogging")).to.equal(4);
        });

        it("uses the pinned provider with default tags on everything", () => {
            const provider = c.named("lake-aws");
            expect(provider.type).to.equal("pulumi:providers:aws");
            expect(provider.inputs.region).to.equal("eu-west-1");
            expect(JSON.parse(provider.inputs.allowedAccountIds)).to.deep.equal(["111111111111"]);
            expect(JSON.parse(provider.inputs.defaultTags)).to.deep.equal({
                tags: {
                    owner: "data-platform@acme.example",
                    "cost-center": "cc-1234",
                    "data-classification": "internal",
                    environment: "dev",
                    "managed-by": "pulumi",
                    "pulumi-project": "lake-test",
                    "pulumi-stack": "dev",
                },
            });
            expect(c.ofType("lake:storage:LakeStorage")[0].provider).to.equal("");
            expect(c.named("lake-bronze").provider).to.match(/::lake-aws::/);
        });

        it("names buckets deterministically and tags the layer marker", () => {
            for (const p of PURPOSES) expect(c.named(`lake-${p}`).inputs.bucket).to.equal(`acme-lake-dev-${p}-111111111111`);
            expect(c.named("lake-gold").inputs.tags).to.deep.equal({ "lake:layer": "gold" });
            expect(c.named("lake-query-results").inputs.tags).to.deep.equal({ "lake:purpose": "athena-query-results" });
        });

        it("creates a rotating customer-managed key with the least-privilege key policy", () => {
            const key = c.named("lake-key");
            expect(key.inputs.enableKeyRotation).to.equal(true);
            expect(key.inputs.deletionWindowInDays).to.equal(7);
            // The policy is its own resource, written after the platform roles it names exist.
            expect(key.inputs.policy).to.equal(undefined);
            const keyPolicy = c.named("lake-key-policy");
            expect(keyPolicy.inputs.keyId).to.equal(c.named("lake-key").inputs.keyId ?? keyPolicy.inputs.keyId);
            expect(keyPolicy.inputs.bypassPolicyLockoutSafetyCheck).to.equal(false);
            const crawlerRoleArn = "arn:aws:iam::111111111111:role/acme-lake-dev-crawler";
            // The bookmark jobs' roles (CSE-KMS bookmarks, like the crawler's logs) and EventBridge for the ETL alert topic.
            const bookmarkJobRoleArns = ["sales", "venue"].map((d) => `arn:aws:iam::111111111111:role/acme-lake-dev-etl-${d}`);
            expect(policyOf(keyPolicy)).to.deep.equal(
                lakeKeyPolicy({
                    accountId: "111111111111",
                    region: "eu-west-1",
                    keyAdministrators: ["arn:aws:iam::111111111111:role/lake-platform-admin"],
                    platformRoleArns: [crawlerRoleArn, ...bookmarkJobRoleArns],
                    servicePrincipals: ["events.amazonaws.com"],
                }),
            );
            expect(c.named("lake-key-alias").inputs.name).to.equal("alias/acme-lake-dev-lake");
        });

        it("encrypts data buckets with SSE-KMS and bucket keys, the log bucket with SSE-S3", () => {
            const keyArn = "arn:aws:kms:eu-west-1:111111111111:key/";
            for (const p of DATA) {
                const rule = c.named(`lake-${p}-encryption`).inputs.rules[0];
                expect(rule.bucketKeyEnabled).to.equal(true);
                expect(rule.applyServerSideEncryptionByDefault.sseAlgorithm).to.equal("aws:kms");
                expect(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId).to.contain(keyArn);
            }
            expect(c.named("lake-access-logs-encryption").inputs.rules).to.deep.equal([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
        });

        it("versions, blocks public access and enforces bucket-owner ownership on every bucket", () => {
            for (const p of PURPOSES) {
                expect(c.named(`lake-${p}-versioning`).inputs.versioningConfiguration).to.deep.equal({ status: "Enabled" });
                const pab = c.named(`lake-${p}-public-access`).inputs;
                expect([pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets]).to.deep.equal([true, true, true, true]);
                expect(c.named(`lake-${p}-ownership`).inputs.rule).to.deep.equal({ objectOwnership: "BucketOwnerEnforced" });
            }
        });

        it("denies non-TLS requests and uploads not encrypted with the lake key", () => {
            const bucketArn = "arn:aws:s3:::acme-lake-dev-silver-111111111111";
            const doc = policyOf(c.named("lake-silver-policy"));
            const keyArn = doc.Statement.find((s: any) => s.Sid === "DenyUploadsWithOtherKmsKeys").Condition.StringNotEqualsIfExists["s3:x-amz-server-side-encryption-aws-kms-key-id"];
            expect(keyArn).to.match(/^arn:aws:kms:eu-west-1:111111111111:key\//);
            expect(doc).to.deep.equal(dataBucketPolicy(bucketArn, keyArn));
            expect(doc.Statement.map((s: any) => s.Sid)).to.deep.equal(["DenyInsecureTransport", "DenyTlsOlderThan12", "DenyUploadsNotSseKms", "DenyUploadsWithOtherKmsKeys"]);
        });

        it("lets only S3 logging from the lake buckets write access logs", () => {
            const doc = policyOf(c.named("lake-access-logs-policy"));
            expect(doc).to.deep.equal(
                accessLogBucketPolicy("arn:aws:s3:::acme-lake-dev-access-logs-111111111111", "111111111111", DATA.map((p) => `arn:aws:s3:::acme-lake-dev-${p}-111111111111`)),
            );
            for (const p of DATA) {
                const logging = c.named(`lake-${p}-logging`);
                expect(logging.inputs.targetPrefix).to.equal(`${p}/`);
                expect(logging.inputs.targetBucket).to.equal(c.named("lake-access-logs").inputs.bucket);
                expect(logging.dependencies).to.include(c.named("lake-access-logs-policy").urn);
            }
        });

        it("applies the dev lifecycle from config", () => {
            const rules = (p: string) => c.named(`lake-${p}-lifecycle`).inputs.rules;
            expect(rules("bronze").slice(0, 3)).to.deep.equal(lifecycleRules({ abortIncompleteUploadDays: 3, noncurrentVersionExpireDays: 7, transitionToIaDays: 30, expireDays: 90 }));
            expect(rules("bronze")[2]).to.deep.equal({
                id: "tiering-and-expiry",
                status: "Enabled",
                filter: {},
                transitions: [{ days: 30, storageClass: "STANDARD_IA" }],
                expiration: { days: 90 },
            });
            expect(rules("query-results")[2].expiration).to.deep.equal({ days: 7 });
            expect(rules("access-logs")[2].expiration).to.deep.equal({ days: 30 });
            expect(rules("gold")[0]).to.deep.equal({ id: "abort-incomplete-multipart-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 3 } });
        });

        it("enforces each dataset's retentionDays on its own prefix and its rejected records' (e.g. CRM customers: 90 days)", () => {
            const retention = c.named("lake-bronze-lifecycle").inputs.rules.filter((r: { id: string }) => r.id.startsWith("retention-"));
            expect(retention.find((r: { id: string }) => r.id === "retention-customer")).to.deep.equal({
                id: "retention-customer",
                status: "Enabled",
                filter: { prefix: "crm/customer/" },
                expiration: { days: 90 },
                noncurrentVersionExpiration: { noncurrentDays: 1 },
            });
            // The rows a job rejects (or a stream's failed records) hold the same values: they expire with the data.
            expect(retention.find((r: { id: string }) => r.id === "retention-customer-errors")).to.deep.equal({
                id: "retention-customer-errors",
                status: "Enabled",
                filter: { prefix: "_errors/crm/customer/" },
                expiration: { days: 90 },
                noncurrentVersionExpiration: { noncurrentDays: 1 },
            });
            // A stream's: its error output prefix up to the first expression (`!{firehose:error-output-type}`).
            expect(retention.find((r: { id: string }) => r.id === "retention-subscription_events-errors").filter).to.deep.equal({ prefix: "_errors/billing/subscription_events/" });
            const config = parseLakeConfig(loadProject(REPO, "dev").config, { project: "lake-test", stack: "dev" });
            const { datasets } = loadStackDatasets({ root: REPO, stack: "dev", accountId: config.accountId, region: config.region });
            const expected = datasets
                .filter((d) => d.layer === "bronze" && d.retentionDays !== undefined)
                .flatMap((d) => [`retention-${d.name}`, `retention-${d.name}-errors`])
                .sort();
            expect(retention.map((r: { id: string }) => r.id).sort()).to.deep.equal(expected);
        });

        it("lets dev destroy data: force-destroyable, not protected", () => {
            for (const p of PURPOSES) {
                const b = c.named(`lake-${p}`);
                expect([b.inputs.forceDestroy, b.protect, b.retainOnDelete]).to.deep.equal([true, false, false]);
            }
        });
    });

    describe("prod stack", () => {
        let c: Capture;
        before(async () => (c = await stackCapture("prod")));

        it("protects and retains every data bucket and the key", () => {
            for (const name of [...PURPOSES.map((p) => `lake-${p}`), "lake-key", "lake-key-policy"]) {
                const r = c.named(name);
                expect([r.protect, r.retainOnDelete], name).to.deep.equal([true, true]);
            }
        });
        it("protects and retains the configuration that protects the data: encryption, versioning, public access blocks, ownership, lifecycle, logging, bucket policies", () => {
            const config = c.resources.filter((r) => /^aws:s3\/bucket(ServerSideEncryptionConfiguration|Versioning|PublicAccessBlock|OwnershipControls|LifecycleConfiguration|Logging|Policy):/.test(r.type));
            expect(config).to.have.length(34);
            for (const r of config) expect([r.protect, r.retainOnDelete], r.name).to.deep.equal([true, true]);
        });
        it("never force-destroys a bucket", () => {
            for (const p of PURPOSES) expect(c.named(`lake-${p}`).inputs.forceDestroy).to.equal(false);
        });
        it("keeps the 30-day key deletion window and the prod lifecycle", () => {
            expect(c.named("lake-key").inputs.deletionWindowInDays).to.equal(30);
            expect(c.named("lake-bronze-lifecycle").inputs.rules[2].transitions).to.deep.equal([
                { days: 30, storageClass: "STANDARD_IA" },
                { days: 180, storageClass: "GLACIER_IR" },
            ]);
        });
        it("names prod buckets in the prod account", () => {
            expect(c.named("lake-gold").inputs.bucket).to.equal("acme-lake-prod-gold-222222222222");
        });
    });

    describe("LakeStorageArgs defaults (one test per documented default)", () => {
        let c: Capture;
        before(async () => {
            c = await capture(() => new LakeStorage("s", { context: createLakeContext({ prefix: "t", environment: "dev", accountId: "111111111111", region: "eu-west-1" }), keyAdministrators: [ADMIN] }));
        });
        const rules = (p: string) => c.named(`s-${p}-lifecycle`).inputs.rules;

        it("layers: data is kept forever in STANDARD (no tiering rule)", () => expect(rules("gold")).to.have.length(2));
        it("noncurrentVersionExpireDays: 30", () => expect(rules("silver")[1].noncurrentVersionExpiration).to.deep.equal({ noncurrentDays: 30 }));
        it("abortIncompleteUploadDays: 7", () => expect(rules("bronze")[0].abortIncompleteMultipartUpload).to.deep.equal({ daysAfterInitiation: 7 }));
        it("queryResultsExpireDays: 30", () => expect(rules("query-results")[2].expiration).to.deep.equal({ days: 30 }));
        it("accessLogsExpireDays: 365", () => expect(rules("access-logs")[2].expiration).to.deep.equal({ days: 365 }));
        it("kmsKeyDeletionWindowDays: 30", () => expect(c.named("s-key").inputs.deletionWindowInDays).to.equal(30));
        it("context allowDataDestroy: false (no forceDestroy)", () => expect(c.named("s-bronze").inputs.forceDestroy).to.equal(false));
        it("datasetRetention: no per-dataset rule", () => expect(rules("gold").map((r: { id: string }) => r.id)).to.deep.equal(["abort-incomplete-multipart-uploads", "expire-noncurrent-versions"]));
        it("context protectData outside prod: false", () => expect([c.named("s-bronze").protect, c.named("s-key").retainOnDelete]).to.deep.equal([false, false]));
    });

    describe("key policy", () => {
        const doc = lakeKeyPolicy({ accountId: "111111111111", region: "eu-west-1", keyAdministrators: [ADMIN], platformRoleArns: [CRAWLER] });
        const sid = (id: string) => doc.Statement.find((x) => x.Sid === id) as any;
        it("named administrators manage the key but can't use it for data nor create grants", () => {
            const admin = sid("KeyAdministration");
            expect(admin.Principal).to.deep.equal({ AWS: [ADMIN] });
            expect(admin.Action.some((a: string) => /Encrypt|Decrypt|GenerateDataKey/.test(a))).to.equal(false);
            expect(admin.Action.filter((a: string) => a.includes("*") || a === "kms:CreateGrant")).to.deep.equal([]);
            expect(admin.Action).to.include.members(["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:EnableKeyRotation"]);
        });
        it("the account root never gets administration or ungated use", () => {
            for (const st of doc.Statement as any[]) {
                if (st.Principal?.AWS === "arn:aws:iam::111111111111:root") expect(st.Condition?.StringEquals?.["kms:ViaService"], st.Sid).to.be.an("array");
            }
        });
        it("allows data use only through S3, Glue, Athena, Firehose, Kinesis, Redshift and Secrets Manager in the region", () => {
            const via = sid("UseThroughLakeServices").Condition.StringEquals["kms:ViaService"];
            expect(via).to.deep.equal(["s3", "glue", "athena", "firehose", "kinesis", "redshift", "redshift-serverless", "secretsmanager"].map((s) => `${s}.eu-west-1.amazonaws.com`));
        });
        it("allows grants only for AWS resources, through the lake's services", () => {
            const grants = sid("GrantsForLakeServiceResources");
            expect(grants.Action).to.deep.equal(["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]);
            expect(grants.Condition.Bool).to.deep.equal({ "kms:GrantIsForAWSResource": "true" });
            expect(grants.Condition.StringEquals["kms:ViaService"]).to.have.length(8);
        });
        it("trusts the platform's own roles by ARN (principals), not by a name pattern", () => {
            expect(sid("PlatformRolesClientSideEncryption").Principal).to.deep.equal({ AWS: [CRAWLER] });
            expect(JSON.stringify(doc)).to.not.include("aws:PrincipalArn");
            const none = lakeKeyPolicy({ accountId: "111111111111", region: "eu-west-1", keyAdministrators: [ADMIN], platformRoleArns: [] });
            expect(none.Statement.map((x) => x.Sid)).to.not.include("PlatformRolesClientSideEncryption");
        });
        it("allows CloudWatch Logs only for this account's log groups", () => {
            const logs = sid("CloudWatchLogsInThisAccount");
            expect(logs.Principal).to.deep.equal({ Service: "logs.eu-west-1.amazonaws.com" });
            expect(logs.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]).to.equal("arn:aws:logs:eu-west-1:111111111111:*");
        });
        it("refuses a policy without administrators (KMS would lock the key out)", () => {
            expect(() => lakeKeyPolicy({ accountId: "1", region: "r", keyAdministrators: [], platformRoleArns: [] })).to.throw(/at least one key administrator/);
        });
    });

    describe("dataset retention", () => {
        it("expires a dataset's prefix after its retentionDays, noncurrent versions a day later, whatever the layer keeps", () => {
            const rules = lifecycleRules({ abortIncompleteUploadDays: 7, noncurrentVersionExpireDays: 30, expireDays: 730, datasetRetention: [{ dataset: "customer", prefix: "crm/customer/", days: 90 }] });
            expect(rules[rules.length - 1]).to.deep.equal({
                id: "retention-customer",
                status: "Enabled",
                filter: { prefix: "crm/customer/" },
                expiration: { days: 90 },
                noncurrentVersionExpiration: { noncurrentDays: 1 },
            });
        });
        it("refuses more rules than S3 allows on one bucket", () => {
            const many = Array.from({ length: 999 }, (_, i) => ({ dataset: `d${i}`, prefix: `x/d${i}/`, days: 30 }));
            expect(() => lifecycleRules({ abortIncompleteUploadDays: 7, noncurrentVersionExpireDays: 30, datasetRetention: many })).to.throw(/1001 lifecycle rules .* S3 allows 1000/);
        });
    });
});
