import { expect } from "chai";
import * as path from "path";
import { ConfigError, LakeConfig, parseLakeConfig } from "../../infra/config";
import { loadProject } from "../../tools/engine/project";
import { devConfig, prodConfig } from "../helpers/mocks";

const REPO = path.resolve(__dirname, "..", "..");
const ctx = (stack: string) => ({ project: "lake-test", stack });

function problemsOf(raw: Record<string, string>, stack = "dev"): ConfigError {
    try {
        parseLakeConfig(raw, ctx(stack));
    } catch (e) {
        expect(e).to.be.instanceOf(ConfigError);
        return e as ConfigError;
    }
    throw new Error("expected a ConfigError");
}

describe("stack config", () => {
    describe("the committed stacks", () => {
        for (const stack of ["dev", "prod"]) {
            it(`Pulumi.${stack}.yaml is valid`, () => {
                const c = parseLakeConfig(loadProject(REPO, stack).config, ctx(stack));
                expect(c.environment).to.equal(stack);
                expect(c.isProd).to.equal(stack === "prod");
            });
        }

        it("dev and prod differ only in values, never in which settings exist", () => {
            const keys = (stack: string) => Object.keys(loadProject(REPO, stack).config).sort();
            expect(keys("dev")).to.deep.equal(keys("prod"));
        });

        it("prod never allows destroying data", () => {
            expect(parseLakeConfig(loadProject(REPO, "prod").config, ctx("prod")).allowDataDestroy).to.equal(false);
        });
    });

    describe("defaults (one per documented default)", () => {
        const c: LakeConfig = parseLakeConfig(devConfig({ "lake:allowDataDestroy": undefined }), ctx("dev"));
        it("allowDataDestroy defaults to false", () => expect(c.allowDataDestroy).to.equal(false));
        it("kmsKeyDeletionWindowDays defaults to 30", () => expect(c.kmsKeyDeletionWindowDays).to.equal(30));
        it("tags.dataClassification defaults to internal", () => expect(c.tags.dataClassification).to.equal("internal"));
        it("bronze moves to IA at 30 days and Glacier IR at 90", () => expect(c.storage.bronze).to.deep.equal({ transitionToIaDays: 30, transitionToGlacierDays: 90 }));
        it("silver moves to IA at 90 days", () => expect(c.storage.silver).to.deep.equal({ transitionToIaDays: 90 }));
        it("gold keeps data in STANDARD forever", () => expect(c.storage.gold).to.deep.equal({}));
        it("noncurrent versions expire after 30 days", () => expect(c.storage.noncurrentVersionExpireDays).to.equal(30));
        it("incomplete uploads are aborted after 7 days", () => expect(c.storage.abortIncompleteUploadDays).to.equal(7));
        it("query results expire after 30 days", () => expect(c.storage.queryResultsExpireDays).to.equal(30));
        it("access logs expire after 365 days", () => expect(c.storage.accessLogsExpireDays).to.equal(365));
        it("Lake Formation is enabled", () => expect(c.lakeFormation.enabled).to.equal(true));
        it("Athena cuts off queries at 10 GiB scanned", () => expect(c.athena.bytesScannedCutoffPerQuery).to.equal(10 * 1024 ** 3));
        it("the result is deeply frozen", () => {
            expect(Object.isFrozen(c)).to.equal(true);
            expect(Object.isFrozen(c.storage.bronze)).to.equal(true);
            expect(Object.isFrozen(c.lakeFormation.admins)).to.equal(true);
        });
    });

    describe("bad config fails with one message naming each key and value", () => {
        it("a missing key", () => {
            const e = problemsOf(devConfig({ "lake:accountId": undefined }));
            expect(e.problems.map((p) => p.key)).to.deep.equal(["lake:accountId"]);
            expect(e.message).to.contain("Pulumi.dev.yaml").and.contain("lake:accountId: missing");
        });
        it("a missing region", () => {
            expect(problemsOf(devConfig({ "aws:region": undefined })).message).to.contain("aws:region: missing");
        });
        it("a negative retention", () => {
            const e = problemsOf(devConfig({ "lake:storage": JSON.stringify({ bronze: { expireDays: -5 } }) }));
            expect(e.message).to.contain("lake:storage.bronze.expireDays = -5: must be >= 1 days");
        });
        it("an IA transition under the S3 minimum of 30 days", () => {
            expect(problemsOf(devConfig({ "lake:storage": JSON.stringify({ silver: { transitionToIaDays: 10 } }) })).message).to.contain(
                "lake:storage.silver.transitionToIaDays = 10: must be >= 30 days",
            );
        });
        it("expiry before the last transition", () => {
            const e = problemsOf(devConfig({ "lake:storage": JSON.stringify({ gold: { transitionToIaDays: 60, expireDays: 40 } }) }));
            expect(e.message).to.contain("lake:storage.gold.expireDays = 40: must be greater than storage.gold.transitionToIaDays (60)");
        });
        it("an uppercase prefix", () => {
            expect(problemsOf(devConfig({ "lake:namePrefix": "Acme" })).message).to.contain('lake:namePrefix = "Acme": must be 2-40 lowercase');
        });
        it("a prefix whose bucket names can't fit in 63 chars", () => {
            const prefix = "acme-analytics-lake-platform-team";
            const e = problemsOf(devConfig({ "lake:namePrefix": prefix }));
            expect(e.message).to.contain(`lake:namePrefix = "${prefix}": is too long`).and.contain("would be 64 chars, S3 allows 63; shorten it by 1");
        });
        it("forceDestroy (allowDataDestroy) in prod", () => {
            const e = problemsOf(prodConfig({ "lake:allowDataDestroy": "true" }), "prod");
            expect(e.message).to.contain("Pulumi.prod.yaml").and.contain("lake:allowDataDestroy = true: must be false when lake:environment is prod");
        });
        it("an unknown key (a typo) instead of silently ignoring it", () => {
            expect(problemsOf(devConfig({ "lake:namePrefx": "acme" })).message).to.contain('lake:namePrefx = "acme": unknown setting');
        });
        it("an unknown nested field", () => {
            expect(problemsOf(devConfig({ "lake:storage": JSON.stringify({ bronze: { expiresDays: 3 } }) })).message).to.contain("unknown field(s) expiresDays");
        });
        it("a bad enum value", () => {
            expect(problemsOf(devConfig({ "lake:environment": "qa" })).message).to.contain('lake:environment = "qa": must be one of dev, staging, prod');
        });
        it("Lake Formation enabled without admins", () => {
            expect(problemsOf(devConfig({ "lake:lakeFormation": "{}" })).message).to.contain("lake:lakeFormation.admins: needs at least one IAM role ARN");
        });
        it("all of them at once, in one error", () => {
            const e = problemsOf(
                prodConfig({
                    "lake:accountId": undefined,
                    "lake:namePrefix": "Acme",
                    "lake:allowDataDestroy": "true",
                    "lake:storage": JSON.stringify({ bronze: { expireDays: -5 } }),
                }),
                "prod",
            );
            expect(e.problems.map((p) => p.key)).to.have.members([
                "lake:accountId",
                "lake:namePrefix",
                "lake:allowDataDestroy",
                "lake:storage.bronze.expireDays",
            ]);
            expect(e.message.split("\n")[0]).to.equal("Invalid configuration in Pulumi.prod.yaml (4 problems):");
        });
    });
});
