/** The `bi:` block of a dataset file: what QuickSight would refuse is refused at load, with file, line, field and value. */
import { expect } from "chai";
import { DatasetError, quickSightType } from "../../components/datasets";
import { parseLakeConfig } from "../../infra/config";
import { devConfig, prodConfig } from "../helpers/mocks";
import { expectProblem, fileFor, loadObjects, toYaml } from "../datasets/helpers";
import { publishedDataset } from "./helpers";

/** The problems of one file (none: it loaded). */
function problemsOf(ds: Record<string, any>) {
    try {
        loadObjects([ds]);
        return [];
    } catch (e) {
        if (!(e instanceof DatasetError)) throw e;
        return e.problems;
    }
}

function expectBad(ds: Record<string, any>, field: string, line: string | [string, number], message: RegExp, value?: unknown) {
    const texts = [{ file: fileFor(ds), text: toYaml(ds) }];
    expectProblem(problemsOf(ds), texts, { file: fileFor(ds), field, line, message, ...(value !== undefined ? { value } : {}) });
}

const withBi = (change: (bi: Record<string, any>) => void, base = publishedDataset()) => {
    const ds = structuredClone(base);
    change(ds.bi);
    return ds;
};

describe("BI publication in dataset files", () => {
    it("a full publication loads into the model, with every default filled in", () => {
        const [ds] = loadObjects([publishedDataset()]).datasets;
        expect(ds!.bi).to.deep.equal({
            importMode: "SPICE",
            refresh: { interval: "DAILY", timeOfDay: "06:30", incremental: { column: "pickup_at", size: 2, unit: "DAY" } },
            groups: ["mobility-analysts", "finance-reporting"],
            columns: ["trip_id", "fare", "pickup_at", "dt"],
            columnSubset: false,
            rowLevelSecurity: { column: "dt", rules: [{ group: "finance-reporting", values: [] }, { group: "mobility-analysts", values: ["2026-01-01"] }] },
            restrictedColumns: [],
        });
        const direct = withBi((bi) => {
            bi.importMode = "DIRECT_QUERY";
            delete bi.refresh;
            bi.columns = ["trip_id", "fare", "dt"];
        });
        expect(loadObjects([direct]).datasets[0]!.bi).to.include({ importMode: "DIRECT_QUERY", columnSubset: true });
    });

    it("maps Athena types to QuickSight's, and refuses the ones QuickSight can't read", () => {
        expect(["bigint", "smallint", "double", "decimal(8,2)", "varchar(10)", "string", "timestamp", "date", "boolean", "binary", "array<string>"].map(quickSightType)).to.deep.equal([
            "INTEGER", "INTEGER", "DECIMAL", "DECIMAL", "STRING", "STRING", "DATETIME", "DATETIME", "BOOLEAN", undefined, undefined,
        ]);
        const ds = publishedDataset();
        ds.columns.push({ name: "tags", type: "array<string>" });
        expectBad(ds, "bi", "bi:", /column 'tags' is array<string>, which QuickSight can't read from Athena: list the columns to publish in bi.columns without it/);
        ds.bi.columns = ["trip_id", "tags"];
        expectBad(ds, "bi.columns[1]", "- tags", /QuickSight can't read/);
    });

    it("only gold datasets are published", () => {
        expectBad({ ...publishedDataset(), layer: "silver" }, "bi", "bi:", /only gold datasets are published to BI; this one is silver/);
    });

    it("SPICE needs a refresh; DIRECT_QUERY takes none", () => {
        expectBad(withBi((bi) => delete bi.refresh), "bi.importMode", "importMode:", /a SPICE dataset needs bi.refresh/, "SPICE");
        expectBad(withBi((bi) => (bi.importMode = "DIRECT_QUERY")), "bi.refresh", "refresh:", /DIRECT_QUERY datasets query Athena on every visual: remove bi.refresh/);
    });

    it("refresh schedules take only what QuickSight takes for their interval", () => {
        expectBad(withBi((bi) => delete bi.refresh.timeOfDay), "bi.refresh.interval", "interval:", /a DAILY refresh needs timeOfDay/, "DAILY");
        expectBad(withBi((bi) => (bi.refresh.interval = "HOURLY")), "bi.refresh.timeOfDay", "timeOfDay:", /an HOURLY refresh has no time of day/, "06:30");
        expectBad(withBi((bi) => { bi.refresh.interval = "MINUTE15"; delete bi.refresh.timeOfDay; delete bi.refresh.incremental; }), "bi.refresh.interval", "interval:", /every 15 minutes only incrementally/, "MINUTE15");
        expectBad(withBi((bi) => (bi.refresh.interval = "WEEKLY")), "bi.refresh.interval", "interval:", /a WEEKLY refresh needs dayOfWeek/);
        expectBad(withBi((bi) => (bi.refresh.dayOfWeek = "MONDAY")), "bi.refresh.dayOfWeek", "dayOfWeek:", /dayOfWeek is for WEEKLY refreshes only/, "MONDAY");
        expectBad(withBi((bi) => (bi.refresh.interval = "MONTHLY")), "bi.refresh.interval", "interval:", /a MONTHLY refresh needs dayOfMonth/);
        expectBad(withBi((bi) => (bi.refresh.timezone = "Europe/Dublinn")), "bi.refresh.timezone", "timezone:", /not an IANA time zone .*did you mean 'Europe\/Dublin'\?/, "Europe/Dublinn");
        expectBad(withBi((bi) => (bi.refresh.timeOfDay = "25:00")), "bi.refresh.timeOfDay", "timeOfDay:", /must be HH:MM/);
        expectBad(withBi((bi) => (bi.refresh.interval = "EVERY_HOUR")), "bi.refresh.interval", "interval:", /MINUTE15|must be one of/);
    });

    it("an incremental refresh looks back over a published date or timestamp column", () => {
        expectBad(withBi((bi) => (bi.refresh.incremental.column = "fare")), "bi.refresh.incremental.column", "column: fare", /the look-back column must be a date or timestamp; 'fare' is decimal\(10,2\)/, "fare");
        expectBad(withBi((bi) => (bi.refresh.incremental.column = "pickup")), "bi.refresh.incremental.column", "column: pickup", /'pickup' is not a published column/, "pickup");
        expectBad(withBi((bi) => (bi.refresh.incremental.unit = "MONTH")), "bi.refresh.incremental.unit", "unit:", /HOUR|must be one of/);
    });

    it("published columns, row rules and column rules name the dataset's columns and the publication's groups", () => {
        expectBad(withBi((bi) => (bi.columns = ["trip_id", "far"])), "bi.columns[1]", "- far", /not a column or partition key of the dataset; did you mean 'fare'\?/, "far");
        expectBad(withBi((bi) => (bi.columns = ["trip_id", "pickup_at"])), "bi.rowLevelSecurity.column", "column: dt", /'dt' is not a published column \(trip_id, pickup_at\)/, "dt");
        expectBad(withBi((bi) => (bi.rowLevelSecurity.rules[1].group = "sales")), "bi.rowLevelSecurity.rules[1].group", "group: sales", /group 'sales' is not in bi.groups/, "sales");
        expectBad(withBi((bi) => bi.rowLevelSecurity.rules.push({ group: "finance-reporting", values: ["x"] })), "bi.rowLevelSecurity.rules", "rules:", /group 'finance-reporting' has two rules/);
        expectBad(withBi((bi) => (bi.rowLevelSecurity = { column: "fare", rules: [{ group: "finance-reporting", values: ["cheap"] }] })), "bi.rowLevelSecurity.rules[0].values[0]", "- cheap", /'fare' is decimal\(10,2\): cheap is not a number/, "cheap");
        expectBad(withBi((bi) => (bi.restrictedColumns = [{ columns: ["fare"], groups: ["ops"] }])), "bi.restrictedColumns[0].groups[0]", "- ops", /group 'ops' is not in bi.groups/, "ops");
        expectBad(withBi((bi) => (bi.groups = ["Finance"])), "bi.groups[0]", "- Finance", /must be a QuickSight group name/);
    });

    it("confidential and pii data need row or column restrictions or a reason; the reason is only for them", () => {
        const secret: Record<string, any> = { ...publishedDataset(), classification: "pii" };
        delete secret.bi.rowLevelSecurity;
        expectBad(secret, "bi", "bi:", /a pii dataset is published with rowLevelSecurity or restrictedColumns, or an unrestrictedReason \(at least 20 characters\)/, "pii");
        expect(problemsOf({ ...secret, bi: { ...secret.bi, restrictedColumns: [{ columns: ["fare"], groups: ["finance-reporting"] }] } })).to.deep.equal([]);
        expect(problemsOf({ ...secret, bi: { ...secret.bi, unrestrictedReason: "Trip ids are hashes; no rider data is in the table." } })).to.deep.equal([]);
        expectBad({ ...secret, bi: { ...secret.bi, unrestrictedReason: "short" } }, "bi.unrestrictedReason", "unrestrictedReason:", /must NOT have fewer than 20 characters|at least 20/);
        expectBad(withBi((bi) => (bi.unrestrictedReason = "Trip ids are hashes; no rider data is in the table.")), "bi.unrestrictedReason", "unrestrictedReason:", /the dataset has row- or column-level restrictions: remove unrestrictedReason/);
    });

    it("lake:bi defaults: Enterprise, the default namespace, UTC, no groups or dashboards; enabled unset (on in prod only)", () => {
        const config = parseLakeConfig(prodConfig(), { project: "p", stack: "prod", stackFile: null });
        expect(config.bi).to.deep.equal({ edition: "ENTERPRISE", namespace: "default", adminGroup: "lake-bi-admins", groups: [], timezone: "UTC", dashboards: [] });
        expect(parseLakeConfig(devConfig(), { project: "p", stack: "dev", stackFile: null }).bi.enabled).to.equal(undefined);
    });
});
