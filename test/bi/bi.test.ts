/**
 * LakeBi through the real program path (buildLake under mocks): every child's exact inputs in prod (BI on by default)
 * and dev (off unless enabled; on with the dev-to-prod template), in Lake Formation and IAM mode. The QuickSight
 * inputs are pinned as the service returns them (drift-safe, see components/bi/definitions.ts).
 */
import { expect } from "chai";
import { ATHENA_CATALOG_ACTIONS, ATHENA_QUERY_ACTIONS, QUICKSIGHT_ACTIONS } from "../../components/bi";
import type { Capture, Registered } from "../helpers/mocks";
import { DEV_ACCOUNT, json, lake, PROD_ACCOUNT } from "../query/helpers";

const T = {
    group: "aws:quicksight/group:Group",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    dataSource: "aws:quicksight/dataSource:DataSource",
    dataSet: "aws:quicksight/dataSet:DataSet",
    schedule: "aws:quicksight/refreshSchedule:RefreshSchedule",
    folder: "aws:quicksight/folder:Folder",
    membership: "aws:quicksight/folderMembership:FolderMembership",
    template: "aws:quicksight/template:Template",
    dashboard: "aws:quicksight/dashboard:Dashboard",
    lf: "aws:lakeformation/permissions:Permissions",
    keyPolicy: "aws:kms/keyPolicy:KeyPolicy",
};
const GROUPS = [
    { name: "sales-analysts", description: "Sales analytics (ticket sales by venue and event)." },
    { name: "finance-reporting", description: "Finance (revenue and commission reporting)." },
];
/** The stacks' lake:bi blocks (Pulumi.prod.yaml / Pulumi.dev.yaml). */
const PROD_BI = {
    enabled: true,
    identityRegion: "eu-west-1",
    groups: GROUPS,
    timezone: "Europe/Dublin",
    dashboards: [{ name: "ticket-sales", title: "Ticket sales", dataset: "ticket_sales", sourceTemplateArn: `arn:aws:quicksight:eu-west-1:${DEV_ACCOUNT}:template/acme-lake-dev-dash-ticket-sales` }],
};
const DEV_BI = {
    enabled: true,
    groups: GROUPS,
    timezone: "Europe/Dublin",
    dashboards: [{ name: "ticket-sales", title: "Ticket sales (dev)", dataset: "ticket_sales", sourceAnalysisArn: `arn:aws:quicksight:eu-west-1:${DEV_ACCOUNT}:analysis/ticket-sales`, shareWithAccounts: [PROD_ACCOUNT] }],
};
/** The component and its children (the access component's grants to the role are the access component's). */
const bi = (c: Capture) => c.resources.filter((r) => r.type.startsWith("aws:quicksight") || r.type.startsWith("lake:bi") || r.name.startsWith("lake-quicksight-role"));
const groupArn = (account: string, g: string) => `arn:aws:quicksight:eu-west-1:${account}:group/default/${g}`;

describe("LakeBi: QuickSight over the gold layer", function () {
    this.timeout(120_000);
    let prod: Capture;
    let prodDefault: Capture;
    let dev: Capture;
    let devOn: Capture;
    let iamMode: Capture;
    before(async () => {
        prod = await lake("prod", { bi: PROD_BI });
        prodDefault = await lake("prod");
        dev = await lake("dev");
        devOn = await lake("dev", { bi: DEV_BI });
        iamMode = await lake("dev", { bi: { ...DEV_BI, dashboards: [] }, lakeFormation: { enabled: false } });
    });

    it("is on in prod by default, off in dev unless enabled", () => {
        expect(prodDefault.ofType("lake:bi:LakeBi")).to.have.length(1);
        expect(prod.ofType("lake:bi:LakeBi")).to.have.length(1);
        expect(bi(dev)).to.deep.equal([]);
        expect(dev.ofType(T.lf).filter((g) => String(g.inputs.principal).includes("quicksight"))).to.deep.equal([]);
        expect(devOn.ofType("lake:bi:LakeBi")).to.have.length(1);
    });

    it("groups: the admin group, the declared groups, and any a dataset names, in the identity region", () => {
        expect(prod.ofType(T.group).map((g) => g.inputs)).to.have.deep.members([
            { groupName: "lake-bi-admins", namespace: "default", region: "eu-west-1", description: "Lake BI admins: own the lake's QuickSight data source, datasets, folders and dashboards." },
            { groupName: "sales-analysts", namespace: "default", region: "eu-west-1", description: GROUPS[0]!.description },
            { groupName: "finance-reporting", namespace: "default", region: "eu-west-1", description: GROUPS[1]!.description },
        ]);
        // Without lake:bi.groups the groups ticket_sales names are still created (empty: they show nobody anything).
        expect(prodDefault.ofType(T.group).map((g) => g.inputs.groupName)).to.have.members(["lake-bi-admins", "sales-analysts", "finance-reporting"]);
    });

    it("role: assumed by QuickSight for this account only; its policy runs queries in the BI workgroup only and reads the published tables", () => {
        for (const [c, env, account] of [[prod, "prod", PROD_ACCOUNT], [devOn, "dev", DEV_ACCOUNT]] as const) {
            const role = c.named("lake-quicksight-role");
            expect(role.parent).to.equal(c.ofType("lake:bi:LakeBi")[0]!.urn);
            expect(role.inputs.name).to.equal(`acme-lake-${env}-quicksight`);
            expect(json(role.inputs.assumeRolePolicy)).to.deep.equal({
                Version: "2012-10-17",
                Statement: [{ Sid: "AssumedByQuickSight", Effect: "Allow", Principal: { Service: "quicksight.amazonaws.com" }, Action: ["sts:AssumeRole"], Condition: { StringEquals: { "aws:SourceAccount": account } } }],
            });
            const policy = c.named("lake-quicksight-role-policy");
            const key = json(policy.inputs.policy).Statement.find((s: any) => s.Sid === "LakeKey").Resource[0];
            expect(key).to.match(new RegExp(`^arn:aws:kms:eu-west-1:${account}:key/`));
            const results = `acme-lake-${env}-query-results-${account}`;
            const gold = `acme_lake_${env}_gold_sales`;
            expect(policy.inputs.name).to.equal("lake-quicksight");
            expect(json(policy.inputs.policy)).to.deep.equal({
                Version: "2012-10-17",
                Statement: [
                    { Sid: "BiWorkgroup", Effect: "Allow", Action: ATHENA_QUERY_ACTIONS, Resource: [`arn:aws:athena:eu-west-1:${account}:workgroup/acme-lake-${env}-bi`] },
                    { Sid: "AthenaCatalog", Effect: "Allow", Action: ATHENA_CATALOG_ACTIONS, Resource: [`arn:aws:athena:eu-west-1:${account}:datacatalog/AwsDataCatalog`] },
                    { Sid: "QueryResultsObjects", Effect: "Allow", Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"], Resource: [`arn:aws:s3:::${results}/bi/*`] },
                    { Sid: "QueryResultsList0", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: `arn:aws:s3:::${results}`, Condition: { StringLike: { "s3:prefix": ["bi/", "bi/*"] } } },
                    { Sid: "LakeKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [key] },
                    {
                        Sid: "ReadCatalog",
                        Effect: "Allow",
                        Action: ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"],
                        Resource: [`arn:aws:glue:eu-west-1:${account}:catalog`, `arn:aws:glue:eu-west-1:${account}:database/${gold}`, `arn:aws:glue:eu-west-1:${account}:table/${gold}/ticket_sales`],
                    },
                    { Sid: "LakeFormationDataAccess", Effect: "Allow", Action: ["lakeformation:GetDataAccess"], Resource: "*" },
                ],
            });
            // No direct key grant: the key policy admits the account's principals through S3 and Athena.
            expect(c.ofType(T.keyPolicy)[0]!.inputs.policy).to.not.contain("quicksight");
        }
    });

    it("Lake Formation: SELECT and DESCRIBE on the published table through the grant API (all columns here)", () => {
        const grant = prod.named("lake-ticket_sales-quicksight-grant");
        expect(grant.inputs).to.deep.equal({
            permissions: ["SELECT", "DESCRIBE"],
            principal: `arn:aws:iam::${PROD_ACCOUNT}:role/acme-lake-prod-quicksight`,
            table: { databaseName: "acme_lake_prod_gold_sales", name: "ticket_sales" },
        });
        expect(prod.ofType(T.lf).filter((g) => g.inputs.principal === grant.inputs.principal && g.inputs.table)).to.have.length(1);
    });

    it("IAM mode: the role gets the access component's reader documents for the published table, no Lake Formation", () => {
        const doc = json(iamMode.named("lake-quicksight-role-policy").inputs.policy);
        const sids = doc.Statement.map((s: any) => s.Sid);
        expect(sids).to.deep.equal(["BiWorkgroup", "AthenaCatalog", "QueryResultsObjects", "QueryResultsList0", "LakeKey", "ReadDataObjects0", "ReadDataList00", "ReadCatalog0", "LakeKey0"]);
        expect(doc.Statement[5].Resource).to.deep.equal([`arn:aws:s3:::acme-lake-dev-gold-${DEV_ACCOUNT}/sales/ticket_sales/*`]);
        expect(iamMode.ofType(T.lf)).to.deep.equal([]);
    });

    it("data source: Athena, SSL on, the BI workgroup, the lake's role; owned by the admin group", () => {
        const ds = prod.named("lake-quicksight-athena");
        expect(ds.inputs).to.deep.equal({
            dataSourceId: "acme-lake-prod-athena",
            name: "Lake gold layer (Athena, BI workgroup)",
            type: "ATHENA",
            parameters: { athena: { workGroup: "acme-lake-prod-bi", roleArn: `arn:aws:iam::${PROD_ACCOUNT}:role/acme-lake-prod-quicksight` } },
            sslProperties: { disableSsl: false },
            permissions: [{ principal: groupArn(PROD_ACCOUNT, "lake-bi-admins"), actions: QUICKSIGHT_ACTIONS.dataSourceOwner }],
        });
        const urnOf = (n: string) => prod.named(n).urn;
        expect(ds.dependencies).to.include.members([urnOf("lake-quicksight-role-policy"), urnOf("lake-quicksight-group-lake-bi-admins")]);
    });

    it("dataset: typed from the dataset file, table maps and permissions exactly as QuickSight returns them, incremental SPICE, commission for finance only", () => {
        const set = prod.named("lake-quicksight-ticket_sales-dataset");
        const columns = [
            ["sale_id", "INTEGER"], ["list_id", "INTEGER"], ["seller_id", "INTEGER"], ["buyer_id", "INTEGER"], ["event_id", "INTEGER"], ["venue_id", "INTEGER"],
            ["qty_sold", "INTEGER"], ["price_paid", "DECIMAL"], ["commission", "DECIMAL"], ["sale_time", "DATETIME"], ["sale_date", "STRING"],
        ].map(([name, type]) => ({ name, type }));
        expect(set.inputs).to.deep.equal({
            dataSetId: "acme-lake-prod-bi-ticket-sales",
            name: "ticket_sales",
            importMode: "SPICE",
            physicalTableMaps: [
                {
                    physicalTableMapId: "ticket-sales",
                    relationalTable: { dataSourceArn: `arn:aws:quicksight:eu-west-1:${PROD_ACCOUNT}:datasource/acme-lake-prod-athena`, catalog: "AwsDataCatalog", schema: "acme_lake_prod_gold_sales", name: "ticket_sales", inputColumns: columns },
                },
            ],
            logicalTableMaps: [{ logicalTableMapId: "ticket-sales", alias: "ticket_sales", source: { physicalTableId: "ticket-sales" } }],
            permissions: [
                { principal: groupArn(PROD_ACCOUNT, "lake-bi-admins"), actions: QUICKSIGHT_ACTIONS.dataSetOwner },
                { principal: groupArn(PROD_ACCOUNT, "sales-analysts"), actions: QUICKSIGHT_ACTIONS.dataSetViewer },
                { principal: groupArn(PROD_ACCOUNT, "finance-reporting"), actions: QUICKSIGHT_ACTIONS.dataSetViewer },
            ],
            refreshProperties: { refreshConfiguration: { incrementalRefresh: { lookbackWindow: { columnName: "sale_time", size: 3, sizeUnit: "DAY" } } } },
            columnLevelPermissionRules: [{ columnNames: ["commission"], principals: [groupArn(PROD_ACCOUNT, "finance-reporting")] }],
            tags: { "lake:owner": "sales-analytics@acme.example", "lake:dataset": "ticket_sales", "lake:domain": "sales", "lake:classification": "confidential" },
        });
        // Protected in prod (analyses hang off it), not retained (unpublishing revokes access); not protected in dev.
        expect([set.protect, set.retainOnDelete]).to.deep.equal([true, false]);
        expect(devOn.named("lake-quicksight-ticket_sales-dataset").protect).to.equal(false);
        // QuickSight reads the table when the dataset is created: after the role's Lake Formation grant.
        expect(set.dependencies).to.include(prod.named("lake-ticket_sales-quicksight-grant").urn);
    });

    it("drift-safe: the permission action lists are the console's sets, sorted as DescribeXPermissions returns them", () => {
        expect(QUICKSIGHT_ACTIONS.dataSetViewer).to.deep.equal(["quicksight:DescribeDataSet", "quicksight:DescribeDataSetPermissions", "quicksight:DescribeIngestion", "quicksight:ListIngestions", "quicksight:PassDataSet"]);
        expect(QUICKSIGHT_ACTIONS.dashboardViewer).to.deep.equal(["quicksight:DescribeDashboard", "quicksight:ListDashboardVersions", "quicksight:QueryDashboard"]);
        expect(QUICKSIGHT_ACTIONS.folderViewer).to.deep.equal(["quicksight:DescribeFolder"]);
        for (const actions of Object.values(QUICKSIGHT_ACTIONS)) expect([...actions]).to.deep.equal([...actions].sort());
        for (const set of [...Object.values(QUICKSIGHT_ACTIONS)]) expect(new Set(set).size).to.equal(set.length);
    });

    it("refresh schedule: daily at the file's time in the stack's time zone, incremental", () => {
        expect(prod.named("lake-quicksight-ticket_sales-refresh").inputs).to.deep.equal({
            dataSetId: "acme-lake-prod-bi-ticket-sales",
            scheduleId: "lake-daily",
            schedule: { refreshType: "INCREMENTAL_REFRESH", scheduleFrequency: { interval: "DAILY", timeOfTheDay: "08:30", timezone: "Europe/Dublin" } },
        });
        expect(prodDefault.named("lake-quicksight-ticket_sales-refresh").inputs.schedule.scheduleFrequency.timezone).to.equal("UTC");
    });

    it("folder: one shared folder per domain, the admin group owns it, the dataset's groups see it; its dataset and dashboard are members", () => {
        expect(prod.ofType(T.folder).map((f) => f.inputs)).to.deep.equal([
            {
                folderId: "acme-lake-prod-bi-sales",
                name: "sales",
                folderType: "SHARED",
                permissions: [
                    { principal: groupArn(PROD_ACCOUNT, "lake-bi-admins"), actions: QUICKSIGHT_ACTIONS.folderOwner },
                    { principal: groupArn(PROD_ACCOUNT, "sales-analysts"), actions: QUICKSIGHT_ACTIONS.folderViewer },
                    { principal: groupArn(PROD_ACCOUNT, "finance-reporting"), actions: QUICKSIGHT_ACTIONS.folderViewer },
                ],
            },
        ]);
        expect(prod.ofType(T.membership).map((m) => [m.name, m.inputs])).to.have.deep.members([
            ["lake-quicksight-folder-sales-ticket_sales", { folderId: "acme-lake-prod-bi-sales", memberType: "DATASET", memberId: "acme-lake-prod-bi-ticket-sales" }],
            ["lake-quicksight-folder-sales-dash-ticket-sales", { folderId: "acme-lake-prod-bi-sales", memberType: "DASHBOARD", memberId: "acme-lake-prod-dash-ticket-sales" }],
        ]);
    });

    it("dashboard in prod: made from the template dev promoted, shown to the dataset's groups; no template of its own", () => {
        expect(prod.ofType(T.template)).to.deep.equal([]);
        expect(prod.named("lake-quicksight-dashboard-ticket-sales").inputs).to.deep.equal({
            dashboardId: "acme-lake-prod-dash-ticket-sales",
            name: "Ticket sales",
            versionDescription: `From template arn:aws:quicksight:eu-west-1:${DEV_ACCOUNT}:template/acme-lake-dev-dash-ticket-sales`,
            sourceEntity: {
                sourceTemplate: {
                    arn: `arn:aws:quicksight:eu-west-1:${DEV_ACCOUNT}:template/acme-lake-dev-dash-ticket-sales`,
                    dataSetReferences: [{ dataSetArn: `arn:aws:quicksight:eu-west-1:${PROD_ACCOUNT}:dataset/acme-lake-prod-bi-ticket-sales`, dataSetPlaceholder: "ticket_sales" }],
                },
            },
            permissions: [
                { principal: groupArn(PROD_ACCOUNT, "lake-bi-admins"), actions: QUICKSIGHT_ACTIONS.dashboardOwner },
                { principal: groupArn(PROD_ACCOUNT, "sales-analysts"), actions: QUICKSIGHT_ACTIONS.dashboardViewer },
                { principal: groupArn(PROD_ACCOUNT, "finance-reporting"), actions: QUICKSIGHT_ACTIONS.dashboardViewer },
            ],
            tags: { "lake:owner": "sales-analytics@acme.example", "lake:dataset": "ticket_sales", "lake:domain": "sales", "lake:classification": "confidential" },
        });
    });

    it("dashboard in dev: a template from the dev analysis, shared with the prod account, and the dashboard from it", () => {
        const template = devOn.named("lake-quicksight-template-ticket-sales");
        const references = [{ dataSetArn: `arn:aws:quicksight:eu-west-1:${DEV_ACCOUNT}:dataset/acme-lake-dev-bi-ticket-sales`, dataSetPlaceholder: "ticket_sales" }];
        expect(template.inputs).to.deep.equal({
            templateId: "acme-lake-dev-dash-ticket-sales",
            name: "Ticket sales (dev)",
            versionDescription: `From analysis arn:aws:quicksight:eu-west-1:${DEV_ACCOUNT}:analysis/ticket-sales`,
            sourceEntity: { sourceAnalysis: { arn: `arn:aws:quicksight:eu-west-1:${DEV_ACCOUNT}:analysis/ticket-sales`, dataSetReferences: references } },
            permissions: [
                { principal: groupArn(DEV_ACCOUNT, "lake-bi-admins"), actions: QUICKSIGHT_ACTIONS.templateOwner },
                { principal: `arn:aws:iam::${PROD_ACCOUNT}:root`, actions: ["quicksight:DescribeTemplate"] },
            ],
        });
        const dashboard = devOn.named("lake-quicksight-dashboard-ticket-sales");
        // The template's own ARN (an output: the offline mocks derive it from the template's name, AWS from its id).
        expect(dashboard.inputs.sourceEntity.sourceTemplate.dataSetReferences).to.deep.equal(references);
        expect(dashboard.inputs.sourceEntity.sourceTemplate.arn).to.match(new RegExp(`^arn:aws:quicksight:eu-west-1:${DEV_ACCOUNT}:template/`));
        expect(dashboard.inputs.versionDescription).to.equal("From template of this stack");
        expect(dashboard.dependencies).to.include(template.urn);
    });

    it("every BI child is a child of the component, in prod and dev", () => {
        for (const c of [prod, devOn]) {
            const component = c.ofType("lake:bi:LakeBi")[0]!;
            const children = bi(c).filter((r: Registered) => r !== component);
            expect(children.length).to.be.greaterThan(10);
            for (const r of children) expect(r.parent, r.name).to.equal(component.urn);
        }
    });
});
