import { expect } from "chai";
import { athenaBytesScannedCutoff } from "../../policies/lake-hygiene/athena-bytes-scanned-cutoff";
import { datasetRetentionEnforced } from "../../policies/lake-hygiene/dataset-retention-enforced";
import { DEFAULT_PROTECTIVE_CONFIG_TYPES, prodDataProtection } from "../../policies/lake-hygiene/prod-data-protection";
import { requiredTags } from "../../policies/lake-hygiene/required-tags";
import { T } from "../../policies/lib/types";
import { flip, res, runResource, runStack } from "./helpers";

const TAGS = { owner: "data-platform", "cost-center": "cc-1234", "data-classification": "internal", environment: "prod" };

describe("lake-hygiene", () => {
    describe("required-tags", () => {
        it("passes a bucket with every tag", async () => {
            expect(await runResource(requiredTags, T.bucket, { tags: TAGS })).to.deep.equal([]);
        });
        it("counts the provider's defaultTags, also when JSON-encoded", async () => {
            expect(await runResource(requiredTags, T.bucket, {}, { providerProps: { defaultTags: { tags: TAGS } } })).to.deep.equal([]);
            expect(await runResource(requiredTags, T.bucket, {}, { providerProps: { defaultTags: JSON.stringify({ tags: TAGS }) } })).to.deep.equal([]);
        });
        it("flags a missing tag, naming it and the fix", async () => {
            const v = await runResource(requiredTags, T.bucket, { tags: flip(TAGS, "owner", undefined) }, { name: "gold" });
            expect(v).to.have.length(1);
            expect(v[0].message).to.match(/^aws\.s3\.Bucket 'gold': missing tag\(s\) "owner"/);
            expect(v[0].message).to.contain("defaultTags.tags");
        });
        it("flags an empty tag value", async () => {
            expect((await runResource(requiredTags, T.bucket, { tags: flip(TAGS, "environment", " ") }))[0].message).to.contain('empty tag(s) "environment"');
        });
        it("skips non-taggable types and honours a configured list", async () => {
            expect(await runResource(requiredTags, T.glueCatalogTable, {})).to.deep.equal([]);
            expect(await runResource(requiredTags, T.bucket, { tags: { team: "x" } }, { config: { requiredTags: ["team"] } })).to.deep.equal([]);
        });
    });

    describe("athena-bytes-scanned-cutoff", () => {
        const wg = { name: "analysts", configuration: { bytesScannedCutoffPerQuery: 100 * 1024 ** 3 } };
        const run = (props: object, config = {}) => runResource(athenaBytesScannedCutoff, T.athenaWorkgroup, props as Record<string, unknown>, { name: "analysts", config });
        it("passes a 100 GiB cutoff", async () => {
            expect(await run(wg)).to.deep.equal([]);
        });
        it("flags a missing cutoff", async () => {
            expect((await run(flip(wg, "configuration.bytesScannedCutoffPerQuery", undefined)))[0].message).to.contain("bytesScannedCutoffPerQuery is not set");
            expect(await run({ name: "x" })).to.have.length(1);
        });
        it("flags a cutoff below Athena's minimum or above the maximum", async () => {
            expect((await run(flip(wg, "configuration.bytesScannedCutoffPerQuery", 1024)))[0].message).to.contain("below Athena's minimum");
            expect((await run(wg, { maxBytesScannedCutoffPerQuery: 10 * 1024 ** 3 }))[0].message).to.contain("above the maximum of 10737418240");
        });
    });

    describe("prod-data-protection", () => {
        const prod = { enforceProtection: true };
        it("is a no-op by default (dev)", async () => {
            expect(await runResource(prodDataProtection, T.bucket, { forceDestroy: true })).to.deep.equal([]);
        });
        it("passes protected data-bearing resources in prod", async () => {
            for (const type of [T.bucket, T.kmsKey, T.redshiftServerlessNamespace, T.glueCatalogDatabase]) {
                expect(await runResource(prodDataProtection, type, {}, { config: prod, opts: { protect: true } })).to.deep.equal([]);
            }
        });
        it("flags an unprotected bucket in prod", async () => {
            const v = await runResource(prodDataProtection, T.bucket, {}, { config: prod, name: "gold" });
            expect(v[0].message).to.match(/^aws\.s3\.Bucket 'gold' is a data-bearing resource without protect: true/);
        });
        it("flags forceDestroy and skipFinalSnapshot in prod", async () => {
            expect((await runResource(prodDataProtection, T.bucket, { forceDestroy: true }, { config: prod, opts: { protect: true } }))[0].message).to.contain("forceDestroy is true");
            expect((await runResource(prodDataProtection, T.redshiftCluster, { skipFinalSnapshot: true }, { config: prod, opts: { protect: true } }))[0].message).to.contain("skipFinalSnapshot is true");
        });
        it("ignores types that hold no data", async () => {
            expect(await runResource(prodDataProtection, T.athenaWorkgroup, {}, { config: prod })).to.deep.equal([]);
        });
        it("protects the configuration that protects the data: a bucket policy, encryption, public access block, key policy, LF settings...", async () => {
            for (const type of DEFAULT_PROTECTIVE_CONFIG_TYPES) {
                expect(await runResource(prodDataProtection, type, {}, { config: prod, opts: { protect: true } }), type).to.deep.equal([]);
                const v = await runResource(prodDataProtection, type, {}, { config: prod, name: "gold-policy" });
                expect(v, type).to.have.length(1);
                expect(v[0].message).to.contain("protects lake data");
            }
            expect(await runResource(prodDataProtection, T.bucketPolicy, {})).to.deep.equal([]);
        });
    });

    describe("dataset-retention-enforced", () => {
        const bucket = res(T.bucket, "bronze", { bucket: "lake-bronze" });
        const table = (props: Record<string, unknown> = {}) =>
            res(T.glueCatalogTable, "customer-table", {
                name: "customer",
                retention: 90,
                parameters: { "lake:classification": "pii" },
                storageDescriptor: { location: "s3://lake-bronze/crm/customer/" },
                ...props,
            });
        const lifecycle = (rules: unknown[]) => res(T.bucketLifecycle, "bronze-lifecycle", { bucket: "lake-bronze", rules }, { refs: { bucket: [bucket] } });
        const layerRule = { id: "tiering-and-expiry", status: "Enabled", filter: {}, expiration: { days: 730 } };
        const datasetRule = { id: "retention-customer", status: "Enabled", filter: { prefix: "crm/customer/" }, expiration: { days: 90 } };
        it("passes a pii table whose prefix expires within its retention", async () => {
            expect(await runStack(datasetRetentionEnforced, [bucket, table(), lifecycle([layerRule, datasetRule])])).to.deep.equal([]);
        });
        it("flags a pii table kept longer than its retention by the layer's lifecycle", async () => {
            const v = await runStack(datasetRetentionEnforced, [bucket, table(), lifecycle([layerRule])]);
            expect(v).to.have.length(1);
            expect(v[0].message).to.match(/is pii with a retention of 90 days, but the earliest lifecycle expiry of s3:\/\/lake-bronze\/crm\/customer\/ is 730 days/);
        });
        it("flags a pii table with no expiring rule at all, and ignores disabled or other-prefix rules", async () => {
            const other = { ...datasetRule, filter: { prefix: "crm/other/" } };
            const disabled = { ...datasetRule, status: "Disabled" };
            expect((await runStack(datasetRetentionEnforced, [bucket, table(), lifecycle([other, disabled])]))[0].message).to.contain("no lifecycle rule expires");
        });
        it("ignores internal tables and tables without retention", async () => {
            expect(await runStack(datasetRetentionEnforced, [bucket, table({ parameters: { "lake:classification": "internal" } }), lifecycle([layerRule])])).to.deep.equal([]);
            expect(await runStack(datasetRetentionEnforced, [bucket, table({ retention: undefined }), lifecycle([layerRule])])).to.deep.equal([]);
        });
    });
});
