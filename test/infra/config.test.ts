import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Region } from "@pulumi/aws/types/enums";
import { AWS_REGIONS, ConfigError, LakeConfig, parseLakeConfig, StackFile } from "../../infra/config";
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

    describe("the region is a real AWS region in a partition the lake supports", () => {
        it("AWS_REGIONS is exactly the values of @pulumi/aws's Region enum", () => {
            expect([...AWS_REGIONS].sort()).to.deep.equal(Object.values(Region).sort());
        });
        it("infra/config.ts imports nothing of @pulumi (the CLI parses config and must start fast)", () => {
            expect(fs.readFileSync(path.join(REPO, "infra/config.ts"), "utf8")).to.not.match(/from "@pulumi\//);
        });
        it("a region that doesn't exist, with a suggestion when one is close", () => {
            expect(problemsOf(devConfig({ "aws:region": "eu-fake-9" })).message).to.contain('aws:region = "eu-fake-9": is not an AWS region (e.g. eu-west-1)');
            expect(problemsOf(devConfig({ "aws:region": "eu-west-9" })).message).to.contain('aws:region = "eu-west-9": is not an AWS region; did you mean \'eu-west-1\'?');
        });
        it("a real region in a partition whose ARNs the lake doesn't build", () => {
            expect(problemsOf(devConfig({ "aws:region": "us-iso-east-1" })).message).to.contain("is in the aws-iso partition, whose ARNs the lake doesn't build (supported: aws, aws-cn, aws-us-gov)");
            expect(problemsOf(devConfig({ "aws:region": "eusc-de-east-1" })).message).to.contain("aws-eusc partition");
        });
        it("China and GovCloud regions are accepted", () => {
            for (const region of ["cn-north-1", "us-gov-west-1"]) expect(parseLakeConfig(devConfig({ "aws:region": region }), { ...ctx("dev"), stackFile: null }).region).to.equal(region);
        });
    });

    describe("every derived name is checked before any resource", () => {
        it("a prefix whose bucket names S3 reserves (xn--)", () => {
            const e = problemsOf(devConfig({ "lake:namePrefix": "xn--lake" }));
            expect(e.problems).to.have.length(1);
            expect(e.message).to.contain(`lake:namePrefix = "xn--lake": gives invalid S3 bucket names, e.g. xn--lake-dev-bronze-<account>: reserved prefix 'xn--'; choose another prefix`);
        });
        it("sthree- and amzn-s3-demo- too", () => {
            for (const prefix of ["sthree-lake", "amzn-s3-demo-lake"]) expect(problemsOf(devConfig({ "lake:namePrefix": prefix })).message).to.match(/reserved prefix/);
        });
    });

    describe("values of the wrong type say how to write them", () => {
        it("a number where a string goes: costCenter = 1234 must be quoted (not 'missing')", () => {
            const e = problemsOf(devConfig({ "lake:tags": JSON.stringify({ owner: "data-platform@acme.example", costCenter: 1234 }) }));
            expect(e.problems.map((p) => `${p.key} = ${JSON.stringify(p.value)}: ${p.message}`)).to.deep.equal(['lake:tags.costCenter = 1234: must be a string: quote it ("1234"), YAML reads it as a number']);
        });
        it("tags as a list: must be a mapping of owner/costCenter/... (not 'missing')", () => {
            const e = problemsOf(devConfig({ "lake:tags": JSON.stringify(["data-platform", "cc-1234"]) }));
            expect(e.message).to.contain('lake:tags = ["data-platform","cc-1234"]: must be a mapping of owner, costCenter and (optionally) dataClassification');
            expect(e.message).to.not.contain("missing");
        });
        it("tags absent is still 'missing'", () => {
            expect(problemsOf(devConfig({ "lake:tags": undefined })).message).to.contain("lake:tags: missing: tags.owner and tags.costCenter are required");
        });
        it("a quoted number inside a mapping", () => {
            const e = problemsOf(devConfig({ "lake:storage": JSON.stringify({ bronze: { expireDays: "90" } }) }));
            expect(e.message).to.contain('lake:storage.bronze.expireDays = "90": is quoted, so it is text ("90"), not a number: write 90 without quotes');
        });
    });

    describe("the stack file: lines, and quoted top-level numbers the raw values can't show", () => {
        const committed = (stack: string): StackFile => ({ file: `Pulumi.${stack}.yaml`, text: fs.readFileSync(path.join(REPO, `Pulumi.${stack}.yaml`), "utf8") });
        /** Parse the committed dev file with one edit, as the program would (raw values from the file, as Pulumi passes them). */
        function edited(from: string, to: string): ConfigError {
            const file = committed("dev");
            const text = file.text.replace(from, to);
            expect(text, `'${from}' in Pulumi.dev.yaml`).to.not.equal(file.text);
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lake-config-"));
            try {
                fs.copyFileSync(path.join(REPO, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
                fs.mkdirSync(path.join(dir, "infra"));
                fs.writeFileSync(path.join(dir, "infra/index.ts"), "");
                fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), text);
                const raw = loadProject(dir, "dev").config;
                try {
                    parseLakeConfig(raw, { ...ctx("dev"), stackFile: { file: "Pulumi.dev.yaml", text } });
                } catch (e) {
                    expect(e).to.be.instanceOf(ConfigError);
                    return e as ConfigError;
                }
                throw new Error("expected a ConfigError");
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        }
        const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

        it("a quoted number at the top level (Pulumi hands 7 and \"7\" over alike; the file tells them apart)", () => {
            const e = edited("lake:kmsKeyDeletionWindowDays: 7", 'lake:kmsKeyDeletionWindowDays: "7"');
            expect(e.problems).to.have.length(1);
            expect(e.problems[0]).to.deep.include({ key: "lake:kmsKeyDeletionWindowDays", value: "7", line: lineOf(committed("dev").text, "kmsKeyDeletionWindowDays") });
            expect(e.message).to.match(/Pulumi\.dev\.yaml:\d+:\d+ lake:kmsKeyDeletionWindowDays = "7": is quoted, so it is text, not a number: write lake:kmsKeyDeletionWindowDays: 7 without quotes \(with the CLI: pulumi config set --type int/);
        });
        it("a quoted boolean at the top level", () => {
            const e = edited("lake:allowDataDestroy: true", 'lake:allowDataDestroy: "true"');
            expect(e.problems.map((p) => p.key)).to.deep.equal(["lake:allowDataDestroy"]);
            expect(e.message).to.contain("pulumi config set --type bool lake:allowDataDestroy true");
        });
        it("problems name their line (nested keys too)", () => {
            const e = edited("costCenter: cc-1234", "costCenter: 1234");
            expect(e.problems[0]).to.deep.include({ key: "lake:tags.costCenter", value: 1234, line: lineOf(committed("dev").text, "costCenter") });
            expect(e.message).to.contain(`Pulumi.dev.yaml:${lineOf(committed("dev").text, "costCenter")}:`);
            expect(edited("aws:region: eu-west-1", "aws:region: eu-fake-9").problems[0]!.line).to.equal(lineOf(committed("dev").text, "aws:region"));
        });
        it("no line for a value the program did not get from the file (another config source), and none for a missing key", () => {
            const e = problemsOf(devConfig({ "lake:namePrefix": "Acme", "lake:accountId": undefined }));
            expect(e.problems.map((p) => p.line)).to.deep.equal([undefined, undefined]);
        });
    });
});
