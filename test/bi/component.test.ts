/**
 * LakeBi on its own, over datasets the example stacks don't have: row-level security (the permissions dataset the
 * platform builds from the file's rules), a DIRECT_QUERY dataset with a column subset, a weekly full refresh, an
 * unrestricted confidential dataset with its reason, and the inputs it refuses.
 */
import { expect } from "chai";
import type { TableRef } from "../../components/access";
import { LakeBi, LakeBiArgs, QUICKSIGHT_ACTIONS, rowPermissionsSql } from "../../components/bi";
import type { BiPublication, Dataset } from "../../components/datasets";
import { createLakeContext } from "../../components/shared/context";
import { capture, Capture } from "../helpers/mocks";
import { loadObjects, validDataset } from "../datasets/helpers";
import { publishedDataset } from "./helpers";

const ACCOUNT = "111111111111";
const groupArn = (g: string) => `arn:aws:quicksight:us-east-1:${ACCOUNT}:group/analytics/${g}`;

function datasets(): Dataset[] {
    const rls = publishedDataset();
    const direct = { ...validDataset(), name: "fares", bi: { importMode: "DIRECT_QUERY", groups: ["mobility-analysts"], columns: ["trip_id", "fare", "dt"] } };
    const weekly = {
        ...validDataset(),
        name: "drivers",
        classification: "confidential",
        bi: { importMode: "SPICE", refresh: { interval: "WEEKLY", timeOfDay: "05:00", dayOfWeek: "MONDAY", timezone: "America/New_York" }, groups: ["mobility-analysts"], unrestrictedReason: "Driver ids are salted hashes, nothing identifies a person." },
    };
    const unpublished = { ...validDataset(), name: "internal_only" };
    return loadObjects([rls, direct, weekly, unpublished]).datasets;
}

interface Granted {
    table: string;
    grantee: string;
    columns?: readonly string[];
}

async function run(change: (a: LakeBiArgs) => void = () => {}): Promise<{ c: Capture; grants: Granted[] }> {
    const grants: Granted[] = [];
    const context = createLakeContext({ prefix: "acme-lake", environment: "dev", accountId: ACCOUNT, region: "eu-west-1" });
    const c = await capture(() => {
        const tables = datasets().map((ds) => {
            const tableRef = { key: `lake-${ds.name}`, dataset: ds, database: { suffix: "gold-mobility", name: "acme_lake_dev_gold_mobility" }, databaseName: "acme_lake_dev_gold_mobility", tableName: ds.name, location: `s3://acme-lake-dev-gold-${ACCOUNT}/mobility/${ds.name}/`, locationRegistered: true } as unknown as TableRef;
            return { tableRef, grantRead: (g: { kind: string; role?: string }, o?: { columns?: readonly string[] }) => void grants.push({ table: ds.name, grantee: g.role!, ...(o?.columns ? { columns: o.columns } : {}) }) };
        });
        const args: LakeBiArgs = {
            context,
            workgroup: { name: "acme-lake-dev-bi", resultsBucket: `acme-lake-dev-query-results-${ACCOUNT}`, resultsPrefix: "bi" },
            kmsKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/k`,
            tables,
            lakeFormation: true,
            settings: { identityRegion: "us-east-1", namespace: "analytics", adminGroup: "bi-admins", groups: [{ name: "finance-reporting", description: "Finance." }], timezone: "Europe/Dublin" },
        };
        change(args);
        return new LakeBi("bi", args);
    }, { stack: "dev", mockEnv: { region: "eu-west-1", account: ACCOUNT } });
    return { c, grants };
}

describe("LakeBi component: row-level security, direct query, weekly refresh", function () {
    this.timeout(60_000);
    let c: Capture;
    let grants: Granted[];
    before(async () => ({ c, grants } = await run()));

    it("asks for read grants on the published tables only, a column subset where the file publishes one", () => {
        expect(grants).to.deep.equal([
            { table: "trips", grantee: "quicksight" },
            { table: "fares", grantee: "quicksight", columns: ["trip_id", "fare", "dt"] },
            { table: "drivers", grantee: "quicksight" },
        ]);
        expect(c.ofType("aws:quicksight/dataSet:DataSet").map((d) => d.inputs.dataSetId)).to.have.members(["acme-lake-dev-bi-rls-trips", "acme-lake-dev-bi-trips", "acme-lake-dev-bi-fares", "acme-lake-dev-bi-drivers"]);
    });

    it("row-level security: a DIRECT_QUERY rules dataset over Athena VALUES, owned by the admins only, and the dataset bound to it", () => {
        const [ds] = datasets() as (Dataset & { bi: BiPublication })[];
        const sql = `SELECT "GroupName", "dt" FROM (VALUES ('finance-reporting', CAST(NULL AS varchar)), ('mobility-analysts', CAST('2026-01-01' AS varchar))) AS rules("GroupName", "dt")`;
        expect(rowPermissionsSql(ds!)).to.equal(sql);
        expect(c.named("bi-trips-rls").inputs).to.deep.equal({
            dataSetId: "acme-lake-dev-bi-rls-trips",
            name: "trips row permissions",
            importMode: "DIRECT_QUERY",
            useAs: "RLS_RULES",
            physicalTableMaps: [{ physicalTableMapId: "rules", customSql: { dataSourceArn: `arn:aws:quicksight:eu-west-1:${ACCOUNT}:datasource/acme-lake-dev-athena`, name: "rules", sqlQuery: sql, columns: [{ name: "GroupName", type: "STRING" }, { name: "dt", type: "STRING" }] } }],
            logicalTableMaps: [{ logicalTableMapId: "rules", alias: "rules", source: { physicalTableId: "rules" } }],
            permissions: [{ principal: groupArn("bi-admins"), actions: QUICKSIGHT_ACTIONS.dataSetOwner }],
            tags: { "lake:owner": "mobility@acme.example", "lake:dataset": "trips", "lake:domain": "mobility", "lake:classification": "internal" },
        });
        expect(c.named("bi-trips-rls").protect).to.equal(false);
        const trips = c.named("bi-trips-dataset").inputs;
        expect(trips.rowLevelPermissionDataSet).to.deep.equal({ arn: `arn:aws:quicksight:eu-west-1:${ACCOUNT}:dataset/acme-lake-dev-bi-rls-trips`, permissionPolicy: "GRANT_ACCESS", formatVersion: "VERSION_2", namespace: "analytics", status: "ENABLED" });
        expect(trips.permissions.map((p: { principal: string }) => p.principal)).to.deep.equal([groupArn("bi-admins"), groupArn("mobility-analysts"), groupArn("finance-reporting")]);
        expect(trips).to.not.have.property("columnLevelPermissionRules");
    });

    it("DIRECT_QUERY: only the published columns, no refresh properties and no schedule", () => {
        const fares = c.named("bi-fares-dataset").inputs;
        expect(fares.importMode).to.equal("DIRECT_QUERY");
        expect(fares.physicalTableMaps[0].relationalTable.inputColumns).to.deep.equal([{ name: "trip_id", type: "STRING" }, { name: "fare", type: "DECIMAL" }, { name: "dt", type: "STRING" }]);
        expect(fares).to.not.have.property("refreshProperties");
        expect(c.resources.filter((r) => r.name === "bi-fares-refresh")).to.deep.equal([]);
    });

    it("a weekly full refresh on its day and time zone; the confidential dataset carries its reason as a tag", () => {
        expect(c.named("bi-drivers-refresh").inputs).to.deep.equal({
            dataSetId: "acme-lake-dev-bi-drivers",
            scheduleId: "lake-weekly",
            schedule: { refreshType: "FULL_REFRESH", scheduleFrequency: { interval: "WEEKLY", timeOfTheDay: "05:00", timezone: "America/New_York", refreshOnDay: { dayOfWeek: "MONDAY" } } },
        });
        const drivers = c.named("bi-drivers-dataset").inputs;
        expect(drivers).to.not.have.property("refreshProperties");
        expect(drivers.tags["lake:bi-unrestricted-reason"]).to.equal("Driver ids are salted hashes, nothing identifies a person.");
        // The trips schedule is incremental, in the stack's time zone.
        expect(c.named("bi-trips-refresh").inputs.schedule).to.deep.equal({ refreshType: "INCREMENTAL_REFRESH", scheduleFrequency: { interval: "DAILY", timeOfTheDay: "06:30", timezone: "Europe/Dublin" } });
    });

    it("groups in the identity region and namespace: the admins, the declared ones, then the ones only files name", () => {
        expect(c.ofType("aws:quicksight/group:Group").map((g) => g.inputs)).to.have.deep.members([
            { groupName: "bi-admins", namespace: "analytics", region: "us-east-1", description: "Lake BI admins: own the lake's QuickSight data source, datasets, folders and dashboards." },
            { groupName: "finance-reporting", namespace: "analytics", region: "us-east-1", description: "Finance." },
            { groupName: "mobility-analysts", namespace: "analytics", region: "us-east-1" },
        ]);
        expect(c.ofType("aws:quicksight/folder:Folder")).to.have.length(1);
        expect(c.ofType("aws:quicksight/folderMembership:FolderMembership").map((m) => m.inputs.memberId)).to.have.members(["acme-lake-dev-bi-trips", "acme-lake-dev-bi-fares", "acme-lake-dev-bi-drivers"]);
    });

    it("refuses a dashboard of an unpublished dataset, and one without exactly one source", async () => {
        const bad = (dashboards: NonNullable<LakeBiArgs["settings"]["dashboards"]>) => run((a) => (a.settings = { ...a.settings, dashboards })).then(() => "", (e: Error) => e.message);
        expect(await bad([{ name: "x", title: "X", dataset: "internal_only", sourceTemplateArn: `arn:aws:quicksight:eu-west-1:${ACCOUNT}:template/t` }])).to.contain("dashboard 'x' shows dataset 'internal_only', which is not published");
        expect(await bad([{ name: "x", title: "X", dataset: "trips" }])).to.contain("dashboard 'x' needs exactly one of sourceAnalysisArn and sourceTemplateArn");
    });
});
