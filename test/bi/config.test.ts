/** lake:bi in the stack config: QuickSight's prerequisites and limits checked before any resource is registered. */
import { expect } from "chai";
import { ConfigError, parseLakeConfig } from "../../infra/config";
import { devConfig, prodConfig } from "../helpers/mocks";

const TEMPLATE = "arn:aws:quicksight:eu-west-1:111111111111:template/acme-lake-dev-dash-ticket-sales";
const ANALYSIS = "arn:aws:quicksight:eu-west-1:111111111111:analysis/ticket-sales";

function problems(bi: unknown, env: "dev" | "prod" = "dev"): string[] {
    const raw = (env === "dev" ? devConfig : prodConfig)({ "lake:bi": JSON.stringify(bi) });
    try {
        parseLakeConfig(raw, { project: "p", stack: env, stackFile: null });
        return [];
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        return e.problems.map((p) => `${p.key}: ${p.message}`);
    }
}

describe("lake:bi config", () => {
    it("accepts the stacks' settings", () => {
        const groups = [{ name: "sales-analysts", description: "Sales." }, { name: "finance-reporting" }];
        expect(problems({ enabled: true, identityRegion: "us-east-1", groups, timezone: "Europe/Dublin", dashboards: [{ name: "ticket-sales", title: "Ticket sales", dataset: "ticket_sales", sourceAnalysisArn: ANALYSIS, shareWithAccounts: ["222222222222"] }] })).to.deep.equal([]);
        expect(problems({ groups, dashboards: [{ name: "ticket-sales", title: "Ticket sales", dataset: "ticket_sales", sourceTemplateArn: TEMPLATE }] }, "prod")).to.deep.equal([]);
    });

    it("a Standard subscription is refused where BI is on (prod by default), accepted where it is off", () => {
        expect(problems({ edition: "STANDARD" }, "prod")).to.deep.equal([
            "lake:bi.edition: BI is on (the default in prod) and needs QuickSight Enterprise (row- and column-level security, folders): upgrade the account's subscription, then set edition: ENTERPRISE",
        ]);
        expect(problems({ edition: "STANDARD", enabled: true })[0]).to.contain("BI is on and needs QuickSight Enterprise");
        expect(problems({ edition: "STANDARD" })).to.deep.equal([]);
    });

    it("refuses unknown time zones and regions, duplicate groups, bad names and ARNs, unknown fields", () => {
        expect(problems({ timezone: "Europe/Dublinn", identityRegion: "us-fake-1" })).to.deep.equal([
            "lake:bi.timezone: is not an IANA time zone; did you mean 'Europe/Dublin'?",
            "lake:bi.identityRegion: is not an AWS region (QuickSight's identity region, e.g. us-east-1)",
        ]);
        expect(problems({ groups: [{ name: "lake-bi-admins" }, { name: "a-team" }, { name: "a-team" }] })).to.deep.equal([
            "lake:bi.groups.0.name: is declared twice (or is the adminGroup): group names are unique",
            "lake:bi.groups.2.name: is declared twice (or is the adminGroup): group names are unique",
        ]);
        expect(problems({ groups: [{ name: "Sales" }], adminGroup: "x" })).to.have.length(2);
        expect(problems({ dashboards: [{ name: "dash", title: "D", dataset: "ticket_sales", sourceTemplateArn: "arn:aws:quicksight:eu-west-1:111111111111:dashboard/x" }] })[0]).to.match(/sourceTemplateArn: must be a QuickSight template ARN/);
        expect(problems({ enable: true })[0]).to.match(/lake:bi: unknown field\(s\) enable/);
    });

    it("a dashboard has exactly one source; only a template this stack makes is shared", () => {
        const d = { name: "ticket-sales", title: "T", dataset: "ticket_sales" };
        expect(problems({ dashboards: [d] })).to.deep.equal(["lake:bi.dashboards.0: needs exactly one of sourceAnalysisArn (the analysis a template is made from, in this account) and sourceTemplateArn (a template promoted from another stack)"]);
        expect(problems({ dashboards: [{ ...d, sourceAnalysisArn: ANALYSIS, sourceTemplateArn: TEMPLATE }] })).to.have.length(1);
        expect(problems({ dashboards: [{ ...d, sourceTemplateArn: TEMPLATE, shareWithAccounts: ["222222222222"] }] })).to.deep.equal([
            "lake:bi.dashboards.0.shareWithAccounts: shares the template this stack makes from sourceAnalysisArn: it needs sourceAnalysisArn",
        ]);
        expect(problems({ dashboards: [{ ...d, sourceTemplateArn: TEMPLATE }, { ...d, sourceTemplateArn: TEMPLATE }] })).to.deep.equal(["lake:bi.dashboards.1.name: is declared twice: dashboard names are unique"]);
    });
});
