/** In-process units of the engine: config reconciliation and mock outputs (no child processes). */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { providerLookup } from "../analyzer";
import { EngineError } from "../errors";
import { mockCall, mockNewResource } from "../mock-outputs";
import { loadPolicyConfigFile, PolicyMeta, reconcilePolicyConfig } from "../policy-config";

const policies: PolicyMeta[] = [
    {
        name: "columnar",
        description: "",
        enforcementLevel: "mandatory",
        type: "resource",
        configSchema: { properties: { formats: { type: "array", items: { type: "string" }, default: ["parquet"] }, maxDays: { type: "integer" } } },
    },
    { name: "tags", description: "", enforcementLevel: "advisory", type: "resource" },
];

describe("policy config reconciliation", () => {
    it("starts from schema defaults and policy levels", () => {
        const config = reconcilePolicyConfig("p", policies, {}, {}, "defaults");
        expect(config.get("columnar")).to.deep.equal({ enforcementLevel: "mandatory", properties: { formats: ["parquet"] } });
        expect(config.get("tags")).to.deep.equal({ enforcementLevel: "advisory", properties: undefined });
    });

    it("applies all, then per-policy levels and properties, and skips unknown policies", () => {
        const config = reconcilePolicyConfig(
            "p",
            policies,
            {},
            { all: { enforcementLevel: "advisory" }, columnar: { properties: { maxDays: 3 } }, "other-pack-policy": { enforcementLevel: "mandatory" } },
            "file",
        );
        expect(config.get("columnar")).to.deep.equal({ enforcementLevel: "advisory", properties: { formats: ["parquet"], maxDays: 3 } });
        expect(config.get("tags")?.enforcementLevel).to.equal("advisory");
        expect(config.has("other-pack-policy")).to.equal(false);
        expect(config.has("all")).to.equal(false);
    });

    it("names policy, property and value when the schema rejects the result", () => {
        expect(() => reconcilePolicyConfig("p", policies, {}, { columnar: { properties: { maxDays: "3" } } }, "cfg.json"))
            .to.throw(EngineError)
            .with.property("message")
            .that.contains(`columnar: property 'maxDays' must be integer (got "3")`);
    });

    it("rejects an invalid enforcement level in the file, naming file and key", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cfg-")), "bad.json");
        fs.writeFileSync(file, JSON.stringify({ tags: "strict" }));
        expect(() => loadPolicyConfigFile(file)).to.throw(`${file}: parsing enforcement level for "tags": "strict" is not a valid enforcement level`);
        fs.writeFileSync(file, JSON.stringify({ all: "disabled", columnar: { enforcementLevel: "advisory", maxDays: 2 } }));
        expect(loadPolicyConfigFile(file)).to.deep.equal({
            all: { enforcementLevel: "disabled" },
            columnar: { enforcementLevel: "advisory", properties: { maxDays: 2 } },
        });
        fs.rmSync(path.dirname(file), { recursive: true, force: true });
    });
});

describe("mock outputs", () => {
    const env = { region: "eu-west-1" };

    it("autonames buckets deterministically and derives ARN and domain names", () => {
        const a = mockNewResource({ type: "aws:s3/bucket:Bucket", name: "raw", inputs: {} }, env);
        const b = mockNewResource({ type: "aws:s3/bucket:Bucket", name: "raw", inputs: {} }, env);
        expect(a).to.deep.equal(b);
        expect(a.id).to.match(/^raw-[0-9a-f]{7}$/);
        expect(a.state).to.include({ bucket: a.id, arn: `arn:aws:s3:::${a.id}`, bucketRegionalDomainName: `${a.id}.s3.eu-west-1.amazonaws.com` });
        expect(mockNewResource({ type: "aws:s3/bucket:Bucket", name: "x", inputs: { bucket: "explicit" } }, env).id).to.equal("explicit");
    });

    it("gives IAM roles, secrets, KMS keys and Glue tables their real ARN shapes", () => {
        const role = mockNewResource({ type: "aws:iam/role:Role", name: "crawler", inputs: { name: "crawler-role" } }, env).state;
        expect(role).to.include({ name: "crawler-role", arn: "arn:aws:iam::123456789012:role/crawler-role" });
        expect(role.uniqueId).to.match(/^AROA[A-Z2-7]{17}$/);
        const secret = mockNewResource({ type: "aws:secretsmanager/secret:Secret", name: "db", inputs: { name: "db" } }, env);
        expect(secret.id).to.match(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-[A-Za-z0-9]{6}$/);
        const key = mockNewResource({ type: "aws:kms/key:Key", name: "k", inputs: {} }, env).state;
        expect(key.arn).to.equal(`arn:aws:kms:eu-west-1:123456789012:key/${key.keyId}`);
        const table = mockNewResource({ type: "aws:glue/catalogTable:CatalogTable", name: "t", inputs: { name: "orders", databaseName: "silver" } }, env);
        expect(table.id).to.equal("123456789012:silver:orders");
        expect(table.state.arn).to.equal("arn:aws:glue:eu-west-1:123456789012:table/silver/orders");
    });

    it("returns awsx Vpc outputs and a generic fallback", () => {
        const vpc = mockNewResource({ type: "awsx:ec2:Vpc", name: "lake", inputs: {} }, env).state;
        expect(vpc.vpcId).to.match(/^vpc-[0-9a-f]{17}$/);
        expect(vpc.privateSubnetIds).to.have.length(3);
        const other = mockNewResource({ type: "aws:dms/endpoint:Endpoint", name: "src", inputs: {} }, env);
        expect(other.id).to.equal("src-id");
        expect(other.state.arn).to.match(/^arn:aws:dms:eu-west-1:123456789012:endpoint\/src-[0-9a-f]{7}$/);
    });

    it("answers caller identity, region, partition and policy documents", () => {
        expect(mockCall({ token: "aws:index/getCallerIdentity:getCallerIdentity", inputs: {} }, env).accountId).to.equal("123456789012");
        expect(mockCall({ token: "aws:index/getRegion:getRegion", inputs: {} }, env).name).to.equal("eu-west-1");
        expect(mockCall({ token: "aws:index/getPartition:getPartition", inputs: {} }, env).partition).to.equal("aws");
        const doc = mockCall(
            {
                token: "aws:iam/getPolicyDocument:getPolicyDocument",
                inputs: { statements: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"], principals: [{ type: "Service", identifiers: ["glue.amazonaws.com"] }] }] },
            },
            env,
        );
        expect(JSON.parse(String(doc.json))).to.deep.equal({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", Principal: { Service: "glue.amazonaws.com" } }],
        });
    });
});

describe("default providers", () => {
    const bucket = { urn: "urn:pulumi:dev::p::aws:s3/bucket:Bucket::b", type: "aws:s3/bucket:Bucket", name: "b", custom: true } as any;

    it("carry the stack's <package>:* config, as the engine builds them, so provider defaultTags count", () => {
        const config = { "aws:region": "eu-west-1", "aws:defaultTags": '{"tags":{"owner":"team"}}', "p:other": "x" };
        const provider = providerLookup(new Map(), "dev", "p", "eu-west-1", config)(bucket)!;
        expect(provider.type).to.equal("pulumi:providers:aws");
        expect(provider.props).to.include({ region: "eu-west-1", defaultTags: '{"tags":{"owner":"team"}}' });
        expect(provider.props).to.not.have.property("other");
        expect(provider.urn).to.match(/^urn:pulumi:dev::p::pulumi:providers:aws::default_\d+_\d+_\d+$/);
    });

    it("use the explicit provider when the resource names one", () => {
        const explicit = { urn: "urn:pulumi:dev::p::pulumi:providers:aws::lake-aws", type: "pulumi:providers:aws", name: "lake-aws", inputs: { region: "us-east-1" } } as any;
        const lookup = providerLookup(new Map([[explicit.urn, explicit]]), "dev", "p", "eu-west-1", {});
        expect(lookup({ ...bucket, provider: `${explicit.urn}::some-id` })!.name).to.equal("lake-aws");
    });
});
