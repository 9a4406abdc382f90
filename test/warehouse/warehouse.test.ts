import { expect } from "chai";
import { dropExternalSchemaSql, externalSchemaSql, WORKGROUP_PARAMETERS } from "../../components/warehouse";
import { parseLakeConfig } from "../../infra/config";
import type { Capture } from "../helpers/mocks";
import { devConfig, prodConfig } from "../helpers/mocks";
import { DEV_ACCOUNT, json, lake, PROD_ACCOUNT } from "../query/helpers";

const T = {
    vpc: "awsx:ec2:Vpc",
    endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    namespace: "aws:redshiftserverless/namespace:Namespace",
    workgroup: "aws:redshiftserverless/workgroup:Workgroup",
    usage: "aws:redshiftserverless/usageLimit:UsageLimit",
    statement: "aws:redshiftdata/statement:Statement",
    role: "aws:iam/role:Role",
    lf: "aws:lakeformation/permissions:Permissions",
};
const WAREHOUSE = {
    enabled: true,
    baseCapacity: 32,
    maxCapacity: 128,
    usageLimit: { amount: 2000, period: "monthly", breachAction: "emit-metric" },
    vpcCidr: "10.42.0.0/16",
    clientCidrs: ["10.0.0.0/16", "192.168.10.0/24"],
};

describe("LakeWarehouse: Redshift Serverless with Spectrum", function () {
    this.timeout(120_000);
    let prod: Capture;
    let dev: Capture;
    let devOn: Capture;
    let iamMode: Capture;
    before(async () => {
        prod = await lake("prod", { warehouse: WAREHOUSE });
        dev = await lake("dev");
        devOn = await lake("dev", { warehouse: { enabled: true, usageLimit: { amount: 50, period: "daily", breachAction: "deactivate" } } });
        iamMode = await lake("dev", { warehouse: { enabled: true }, lakeFormation: { enabled: false } });
    });

    it("is on in prod and off in dev unless enabled", () => {
        expect(prod.ofType(T.namespace)).to.have.length(1);
        expect(dev.resources.filter((r) => r.type.startsWith("lake:warehouse") || r.type.includes("redshift") || r.type === T.vpc)).to.deep.equal([]);
        expect(devOn.ofType(T.namespace)).to.have.length(1);
        expect(parseLakeConfig(devConfig(), { project: "p", stack: "dev", stackFile: null }).warehouse.enabled).to.equal(undefined);
    });

    it("namespace: lake key, managed admin password under the lake key, all three log exports, the Spectrum role as default IAM role, protected in prod", () => {
        for (const [c, env, account] of [[prod, "prod", PROD_ACCOUNT], [devOn, "dev", DEV_ACCOUNT]] as const) {
            const ns = c.named("lake-warehouse-namespace");
            const key = ns.inputs.kmsKeyId;
            expect(key).to.match(new RegExp(`^arn:aws:kms:eu-west-1:${account}:key/`));
            const roleArn = `arn:aws:iam::${account}:role/acme-lake-${env}-spectrum`;
            // The provider marks the admin user name secret.
            const { adminUsername, ...inputs } = ns.inputs;
            expect(adminUsername.value ?? adminUsername).to.equal("lakeadmin");
            expect(inputs).to.deep.equal({
                namespaceName: `acme-lake-${env}-warehouse`,
                dbName: "dev",
                manageAdminPassword: true,
                adminPasswordSecretKmsKeyId: key,
                kmsKeyId: key,
                defaultIamRoleArn: roleArn,
                iamRoles: [roleArn],
                logExports: ["userlog", "connectionlog", "useractivitylog"],
            });
            expect([ns.protect, ns.retainOnDelete], env).to.deep.equal(env === "prod" ? [true, true] : [false, false]);
            expect(ns.dependencies).to.include(c.named("lake-warehouse-spectrum-policy").urn);
        }
    });

    it("workgroup: private subnets of the three-AZ VPC, not public, enhanced VPC routing, require_ssl (snake_case), capacity from config", () => {
        const wg = prod.named("lake-warehouse-workgroup");
        const vpc = prod.named("lake-warehouse-vpc");
        expect(wg.inputs).to.deep.equal({
            workgroupName: "acme-lake-prod-warehouse-wg",
            namespaceName: "acme-lake-prod-warehouse",
            baseCapacity: 32,
            maxCapacity: 128,
            publiclyAccessible: false,
            enhancedVpcRouting: true,
            port: 5439,
            subnetIds: wg.inputs.subnetIds,
            securityGroupIds: [wg.inputs.securityGroupIds[0]],
            configParameters: Object.entries(WORKGROUP_PARAMETERS).map(([parameterKey, parameterValue]) => ({ parameterKey, parameterValue })),
        });
        expect(wg.inputs.subnetIds).to.have.length(3);
        for (const s of wg.inputs.subnetIds) expect(s).to.match(/^subnet-/);
        expect(wg.inputs.configParameters).to.deep.include({ parameterKey: "require_ssl", parameterValue: "true" });
        expect(wg.inputs.configParameters).to.deep.include({ parameterKey: "enable_user_activity_logging", parameterValue: "true" });
        for (const e of prod.ofType(T.endpoint)) expect(wg.dependencies).to.include(e.urn);
        expect(devOn.named("lake-warehouse-workgroup").inputs).to.deep.include({ baseCapacity: 8, publiclyAccessible: false, enhancedVpcRouting: true });
        expect(devOn.named("lake-warehouse-workgroup").inputs.maxCapacity).to.equal(undefined);
        expect(vpc.inputs).to.deep.equal({
            cidrBlock: "10.42.0.0/16",
            numberOfAvailabilityZones: 3,
            enableDnsHostnames: true,
            enableDnsSupport: true,
            natGateways: { strategy: "OnePerAz" },
            subnetStrategy: "Auto",
            subnetSpecs: [{ type: "Private", cidrMask: 20 }, { type: "Public", cidrMask: 24 }],
            tags: { Name: "acme-lake-prod-warehouse" },
        });
        // dev: one NAT gateway for the whole VPC, the default CIDR.
        expect(devOn.named("lake-warehouse-vpc").inputs).to.deep.include({ cidrBlock: "10.40.0.0/16", natGateways: { strategy: "Single" } });
    });

    it("usage limit with the configured amount, period and breach action", () => {
        expect(prod.named("lake-warehouse-usage-limit").inputs).to.deep.equal({
            resourceArn: prod.named("lake-warehouse-workgroup").inputs.workgroupName && prod.named("lake-warehouse-usage-limit").inputs.resourceArn,
            usageType: "serverless-compute",
            amount: 2000,
            period: "monthly",
            breachAction: "emit-metric",
        });
        expect(prod.named("lake-warehouse-usage-limit").inputs.resourceArn).to.match(/^arn:aws:redshift-serverless:eu-west-1:222222222222:workgroup\//);
        expect(devOn.named("lake-warehouse-usage-limit").inputs).to.deep.include({ amount: 50, period: "daily", breachAction: "deactivate" });
        expect(iamMode.ofType(T.usage)).to.deep.equal([]);
    });

    it("VPC endpoints of their own: S3 gateway; Glue, STS, KMS, Secrets Manager interface endpoints with private DNS", () => {
        const vpcId = prod.named("lake-warehouse-workgroup") && prod.named("lake-warehouse-endpoint-s3").inputs.vpcId;
        expect(vpcId).to.match(/^vpc-/);
        expect(prod.named("lake-warehouse-endpoint-s3").inputs).to.deep.equal({ vpcId, serviceName: "com.amazonaws.eu-west-1.s3", vpcEndpointType: "Gateway", routeTableIds: [] });
        const sg = prod.named("lake-warehouse-endpoints-sg");
        for (const service of ["glue", "sts", "kms", "secretsmanager"]) {
            const e = prod.named(`lake-warehouse-endpoint-${service}`);
            expect(e.inputs).to.deep.equal({
                vpcId,
                serviceName: `com.amazonaws.eu-west-1.${service}`,
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                subnetIds: prod.named("lake-warehouse-workgroup").inputs.subnetIds,
                securityGroupIds: [e.inputs.securityGroupIds[0]],
            });
            expect(e.dependencies).to.include(sg.urn);
        }
    });

    it("security groups: clients only from the declared ranges on 5439; endpoints only from the workgroup on 443", () => {
        const sg = prod.named("lake-warehouse-sg");
        expect(sg.inputs.name).to.equal("acme-lake-prod-warehouse-sg");
        expect(sg.inputs.ingress).to.deep.equal([{ description: "SQL clients", protocol: "tcp", fromPort: 5439, toPort: 5439, cidrBlocks: ["10.0.0.0/16", "192.168.10.0/24"] }]);
        expect(sg.inputs.egress).to.deep.equal([
            { description: "Interface endpoints (Glue, STS, KMS, Secrets Manager)", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.42.0.0/16"] },
            { description: "S3 through the gateway endpoint", protocol: "tcp", fromPort: 443, toPort: 443, prefixListIds: [sg.inputs.egress[1].prefixListIds[0]] },
        ]);
        expect(sg.inputs.egress[1].prefixListIds[0]).to.match(/^pl-/);
        expect(devOn.named("lake-warehouse-sg").inputs.ingress).to.deep.equal([]);
        const ep = prod.named("lake-warehouse-endpoints-sg");
        expect(ep.inputs.ingress).to.deep.equal([{ description: "Redshift Serverless", protocol: "tcp", fromPort: 443, toPort: 443, securityGroups: [ep.inputs.ingress[0].securityGroups[0]] }]);
        expect(ep.inputs.ingress[0].securityGroups[0]).to.match(/^sg-/);
        expect(ep.inputs.egress).to.deep.equal([]);
    });

    it("Spectrum role: trusted by Redshift for this account; Lake Formation grants on silver and gold tables; catalog and GetDataAccess by IAM", () => {
        const role = prod.named("lake-warehouse-spectrum-role");
        expect(json(role.inputs.assumeRolePolicy)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [{
                Sid: "AssumedByRedshift",
                Effect: "Allow",
                Principal: { Service: ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"] },
                Action: ["sts:AssumeRole"],
                Condition: { StringEquals: { "aws:SourceAccount": PROD_ACCOUNT } },
            }],
        });
        const grants = prod.ofType(T.lf).filter((g) => g.name.includes("-spectrum-"));
        const tableGrants = grants.filter((g) => g.inputs.table);
        expect(tableGrants.length).to.be.greaterThan(0);
        for (const g of tableGrants) {
            expect(g.inputs.permissions).to.deep.equal(["SELECT", "DESCRIBE"]);
            expect(g.inputs.principal).to.equal(`arn:aws:iam::${PROD_ACCOUNT}:role/acme-lake-prod-spectrum`);
            expect(g.inputs.table.databaseName).to.match(/^acme_lake_prod_(silver|gold)_/);
        }
        expect(grants.filter((g) => g.inputs.table?.databaseName?.includes("_bronze_"))).to.deep.equal([]);
        const policy = json(prod.named("lake-warehouse-spectrum-policy").inputs.policy);
        expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).to.deep.equal(["ReadCatalog", "LakeFormationDataAccess", "LakeKey"]);
        expect(policy.Statement[0].Resource[0]).to.equal(`arn:aws:glue:eu-west-1:${PROD_ACCOUNT}:catalog`);
        expect(policy.Statement[0].Resource.filter((r: string) => r.includes("bronze"))).to.deep.equal([]);
        expect(policy.Statement[1]).to.deep.equal({ Sid: "LakeFormationDataAccess", Effect: "Allow", Action: ["lakeformation:GetDataAccess"], Resource: "*" });
    });

    it("IAM mode: the Spectrum role reads each silver and gold dataset through the access component's reader statements", () => {
        const policy = json(iamMode.named("lake-warehouse-spectrum-policy").inputs.policy);
        const sids = policy.Statement.map((s: { Sid: string }) => s.Sid.replace(/\d+$/, ""));
        expect([...new Set(sids)].sort()).to.deep.equal(["LakeKey", "ReadCatalog", "ReadDataList", "ReadDataObjects"]);
        const objects = policy.Statement.filter((s: { Sid: string }) => s.Sid.startsWith("ReadDataObjects")).flatMap((s: { Resource: string[] }) => s.Resource);
        for (const r of objects) expect(r).to.match(/^arn:aws:s3:::acme-lake-dev-(silver|gold)-111111111111\//);
        expect(iamMode.ofType(T.lf)).to.deep.equal([]);
    });

    it("one external schema per silver and gold database: IF NOT EXISTS, FROM DATA CATALOG, IAM_ROLE default, in database dev", () => {
        const statements = prod.ofType(T.statement);
        const dbs = prod.ofType("aws:glue/catalogDatabase:CatalogDatabase").map((d) => d.inputs.name as string).filter((n) => /_(silver|gold)_/.test(n));
        expect(statements.map((s) => s.inputs.sql).sort()).to.deep.equal(
            dbs.map((db) => externalSchemaSql(db.replace(/^acme_lake_prod_/, ""), db)).sort(),
        );
        const gold = statements.find((s) => /gold_sales/.test(s.inputs.sql))!;
        expect(gold.inputs).to.deep.equal({
            workgroupName: "acme-lake-prod-warehouse-wg",
            database: "dev",
            sql: "CREATE EXTERNAL SCHEMA IF NOT EXISTS gold_sales\nFROM DATA CATALOG\nDATABASE 'acme_lake_prod_gold_sales'\nIAM_ROLE default",
        });
        expect(gold.name).to.equal("lake-warehouse-schema-gold-sales");
        expect(gold.dependencies).to.include(prod.named("lake-warehouse-workgroup").urn);
    });

    it("the SQL builders refuse what is not an identifier and name the drop counterpart", () => {
        expect(() => externalSchemaSql("gold-sales", "x")).to.throw(/not a Redshift identifier/);
        expect(() => externalSchemaSql("gold_sales", "x'; DROP")).to.throw(/not a lake database/);
        expect(dropExternalSchemaSql("gold_sales")).to.equal("DROP SCHEMA IF EXISTS gold_sales");
    });

    it("config: capacity in steps of 8, max >= base, CIDRs, breach actions, reserved admin names", () => {
        const problems = (w: unknown) => {
            try {
                parseLakeConfig(prodConfig({ "lake:warehouse": JSON.stringify(w) }), { project: "p", stack: "prod", stackFile: null });
                return [];
            } catch (e) {
                return (e as { problems: { key: string; message: string }[] }).problems.map((p) => `${p.key}: ${p.message}`);
            }
        };
        expect(problems({ baseCapacity: 12, maxCapacity: 8, clientCidrs: ["10.0.0.0/33"], usageLimit: { amount: 1, breachAction: "stop" }, adminUsername: "admin" })).to.deep.equal([
            "lake:warehouse.baseCapacity: must be 4, a multiple of 8 up to 512, or a multiple of 32 from 512 to 1024 RPUs",
            "lake:warehouse.usageLimit.breachAction: must be log, emit-metric or deactivate",
            "lake:warehouse.clientCidrs.0: must be an IPv4 CIDR like 10.0.0.0/16",
            "lake:warehouse.adminUsername: must not be a name Redshift reserves (admin, rdsdb, public, root, superuser, user)",
            "lake:warehouse.maxCapacity: must be >= warehouse.baseCapacity (12 RPUs)",
        ]);
        // Base capacity as CreateWorkgroup takes it: 4, steps of 8 to 512, steps of 32 to 1024 (eu-west-1 allows > 512).
        for (const ok of [4, 8, 512, 544, 1024]) expect(problems({ baseCapacity: ok }), String(ok)).to.deep.equal([]);
        expect(problems({ baseCapacity: 520 })).to.deep.equal(["lake:warehouse.baseCapacity: must be 4, a multiple of 8 up to 512, or a multiple of 32 from 512 to 1024 RPUs"]);
        expect(problems({ baseCapacity: 1056 })).to.deep.equal(["lake:warehouse.baseCapacity: must be <= 1024 RPUs"]);
        const inRegion = (region: string) => {
            try {
                parseLakeConfig(prodConfig({ "aws:region": region, "lake:warehouse": JSON.stringify({ baseCapacity: 544 }) }), { project: "p", stack: "prod", stackFile: null });
                return [];
            } catch (e) {
                return (e as { problems: { key: string; message: string }[] }).problems.map((p) => `${p.key}: ${p.message}`);
            }
        };
        expect(inRegion("ap-south-1")).to.deep.equal(["lake:warehouse.baseCapacity: must be <= 512 RPUs in ap-south-1 (above 512 only in us-east-1, us-east-2, us-west-2, eu-west-1, eu-central-1)"]);
    });
});
