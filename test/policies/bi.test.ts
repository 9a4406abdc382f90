/** BI data access rules: start from the platform's own QuickSight data source and dataset (passing), flip one field. */
import { expect } from "chai";
import { QUICKSIGHT_ACTIONS } from "../../components/bi";
import { quicksightDataSourceSecure, QUICKSIGHT_DATA_SOURCE } from "../../policies/lake-security/quicksight-data-source-secure";
import { quicksightDatasetRestricted, QUICKSIGHT_DATA_SET } from "../../policies/lake-security/quicksight-dataset-restricted";
import { flip, runResource } from "./helpers";

const GROUP = "arn:aws:quicksight:eu-west-1:222222222222:group/default";
const dataSource = {
    dataSourceId: "acme-lake-prod-athena",
    name: "Lake gold layer (Athena, BI workgroup)",
    type: "ATHENA",
    parameters: { athena: { workGroup: "acme-lake-prod-bi", roleArn: "arn:aws:iam::222222222222:role/acme-lake-prod-quicksight" } },
    sslProperties: { disableSsl: false },
    permissions: [{ principal: `${GROUP}/lake-bi-admins`, actions: [...QUICKSIGHT_ACTIONS.dataSourceOwner] }],
};
const dataSet = {
    dataSetId: "acme-lake-prod-bi-ticket-sales",
    name: "ticket_sales",
    importMode: "SPICE",
    columnLevelPermissionRules: [{ columnNames: ["commission"], principals: [`${GROUP}/finance-reporting`] }],
    tags: { "lake:dataset": "ticket_sales", "lake:domain": "sales", "lake:classification": "confidential" },
};
const source = (props: object, config: Record<string, unknown> = {}) => runResource(quicksightDataSourceSecure, QUICKSIGHT_DATA_SOURCE, props as Record<string, unknown>, { name: "athena", config });
const set = (props: object, config: Record<string, unknown> = {}) => runResource(quicksightDatasetRestricted, QUICKSIGHT_DATA_SET, props as Record<string, unknown>, { name: "ticket_sales", config });
const messages = async (p: Promise<{ message: string }[]>) => (await p).map((v) => v.message);

describe("policies: QuickSight data access (quicksight-data-source-secure, quicksight-dataset-restricted)", () => {
    it("the platform's data source and dataset pass", async () => {
        expect(await source(dataSource)).to.deep.equal([]);
        expect(await set(dataSet)).to.deep.equal([]);
    });

    describe("quicksight-data-source-secure", () => {
        it("SSL switched off is refused, for any data source type", async () => {
            expect(await messages(source(flip(dataSource, "sslProperties.disableSsl", true)))).to.deep.equal([
                "aws.quicksight.DataSource 'athena': sslProperties.disableSsl is true, so QuickSight connects without TLS. Fix: set sslProperties: { disableSsl: false }.",
            ]);
            const rds = { type: "POSTGRESQL", parameters: { postgresql: { host: "db", port: 5432, database: "x" } }, sslProperties: { disableSsl: true } };
            expect(await messages(source(rds))).to.have.length(1);
        });
        it("an Athena data source in primary, in no workgroup or in another team's workgroup is refused", async () => {
            for (const wg of ["primary", undefined, "acme-lake-prod-analysts"]) {
                const m = await messages(source(flip(dataSource, "parameters.athena.workGroup", wg)));
                expect(m, String(wg)).to.have.length(1);
                expect(m[0]).to.contain("not the BI workgroup (/-bi$/)");
            }
            expect(await source(flip(dataSource, "parameters.athena.workGroup", "reporting"), { workgroupPattern: "^reporting$" })).to.deep.equal([]);
        });
        it("an Athena data source on the account-wide service role is refused unless configured otherwise", async () => {
            const shared = flip(dataSource, "parameters.athena.roleArn", undefined);
            expect((await messages(source(shared)))[0]).to.contain("has no parameters.athena.roleArn, so it uses the account-wide aws-quicksight-service-role-v0");
            expect(await source(shared, { requireRoleArn: false })).to.deep.equal([]);
        });
    });

    describe("quicksight-dataset-restricted", () => {
        const open = flip(dataSet, "columnLevelPermissionRules", undefined);
        it("confidential data with no row or column restriction and no reason is refused", async () => {
            expect(await messages(set(open))).to.deep.equal([
                `aws.quicksight.DataSet 'ticket_sales' publishes confidential data to every group it is shared with: no row-level permissions, no column-level rules, and no "lake:bi-unrestricted-reason" tag says why. Fix: add bi.rowLevelSecurity or bi.restrictedColumns to the dataset file (rowLevelPermissionDataSet / columnLevelPermissionRules), or bi.unrestrictedReason.`,
            ]);
            expect(await messages(set(flip(open, "tags.lake:classification", "pii")))).to.have.length(1);
        });
        it("row-level permissions (a dataset or tags) pass; switched off they don't", async () => {
            const rls = flip(open, "rowLevelPermissionDataSet", { arn: "arn:aws:quicksight:eu-west-1:222222222222:dataset/acme-lake-prod-bi-rls-ticket-sales", permissionPolicy: "GRANT_ACCESS", formatVersion: "VERSION_2", status: "ENABLED" });
            expect(await set(rls)).to.deep.equal([]);
            expect(await messages(set(flip(rls, "rowLevelPermissionDataSet.status", "DISABLED")))).to.have.length(1);
            expect(await set(flip(open, "rowLevelPermissionTagConfiguration", { tagRules: [{ columnName: "venue_id", tagKey: "venue" }] }))).to.deep.equal([]);
        });
        it("a reason tag passes when long enough", async () => {
            expect(await set(flip(open, "tags.lake:bi-unrestricted-reason", "Aggregated to venue and day, no person-level rows."))).to.deep.equal([]);
            expect((await messages(set(flip(open, "tags.lake:bi-unrestricted-reason", "ok"))))[0]).to.contain('tag "ok" is 2 characters, under the minimum of 20');
        });
        it("internal and public data, other classifications configured, and row-permission datasets are out of scope", async () => {
            expect(await set(flip(open, "tags.lake:classification", "internal"))).to.deep.equal([]);
            expect(await set(open, { classifications: ["pii"] })).to.deep.equal([]);
            expect(await set(flip(open, "useAs", "RLS_RULES"))).to.deep.equal([]);
        });
    });
});
