import { expect } from "chai";
import { consumingTeams, workgroupUserPolicy } from "../../components/query";
import { principalId } from "../../components/shared/principals";
import { ConfigError, parseLakeConfig } from "../../infra/config";
import type { Capture } from "../helpers/mocks";
import { devConfig } from "../helpers/mocks";
import { DEV_ACCOUNT, json, lake, PROD_ACCOUNT, role } from "./helpers";

const WG = "aws:athena/workgroup:Workgroup";
const NQ = "aws:athena/namedQuery:NamedQuery";
const ATTACH = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const GIB = 1024 ** 3;

/** A stack with a sales team (the sales analyst) and a marketing team, an admin and a BI member. */
const teams = (account: string) => ({
    athena: {
        bytesScannedCutoffPerQuery: 10 * GIB,
        teams: [
            { name: "analysts", members: [] },
            { name: "sales", members: [role("sales-analyst", account)], bytesScannedCutoffPerQuery: 2 * GIB, requesterPaysEnabled: true },
            { name: "marketing", description: "Campaigns.", members: [role("marketing-analyst", account)] },
        ],
        admin: { members: [role("lake-platform-admin", account)], bytesScannedCutoffPerQuery: 50 * GIB },
        bi: { members: [role("quicksight-lake", account)] },
    },
});

describe("LakeQuery: Athena workgroups per team", function () {
    this.timeout(120_000);
    let dev: Capture;
    let prod: Capture;
    let plain: Capture;
    before(async () => {
        dev = await lake("dev", teams(DEV_ACCOUNT));
        prod = await lake("prod", teams(PROD_ACCOUNT));
        plain = await lake("dev");
    });

    it("one workgroup per team plus admin and bi, each engine v3, enforced, encrypted with the lake key under its own prefix, with CloudWatch metrics and its cutoff", () => {
        const expected: Record<string, [string, number, boolean]> = {
            "lake-workgroup": ["analysts", 10 * GIB, false],
            "lake-sales-workgroup": ["sales", 2 * GIB, true],
            "lake-marketing-workgroup": ["marketing", 10 * GIB, false],
            "lake-admin-workgroup": ["admin", 50 * GIB, false],
            "lake-bi-workgroup": ["bi", 10 * GIB, false],
        };
        for (const [env, c, account] of [["dev", dev, DEV_ACCOUNT], ["prod", prod, PROD_ACCOUNT]] as const) {
            expect(c.ofType(WG).map((w) => w.name).sort(), env).to.deep.equal(Object.keys(expected).sort());
            for (const [resName, [team, cutoff, requesterPays]] of Object.entries(expected)) {
                const wg = c.named(resName);
                expect(wg.inputs.name).to.equal(`acme-lake-${env}-${team}`);
                expect(wg.inputs.state).to.equal("ENABLED");
                expect(wg.inputs.forceDestroy, `${env} ${resName}`).to.equal(env === "dev");
                expect(wg.inputs.configuration).to.deep.equal({
                    enforceWorkgroupConfiguration: true,
                    publishCloudwatchMetricsEnabled: true,
                    bytesScannedCutoffPerQuery: cutoff,
                    ...(requesterPays ? { requesterPaysEnabled: true } : {}),
                    engineVersion: { selectedEngineVersion: "Athena engine version 3" },
                    resultConfiguration: {
                        outputLocation: `s3://acme-lake-${env}-query-results-${account}/${team}/`,
                        encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: wg.inputs.configuration.resultConfiguration.encryptionConfiguration.kmsKeyArn },
                    },
                });
                // The lake key's ARN, as the storage component outputs it.
                expect(wg.inputs.configuration.resultConfiguration.encryptionConfiguration.kmsKeyArn).to.match(new RegExp(`^arn:aws:kms:eu-west-1:${account}:key/`));
            }
        }
        expect(dev.named("lake-marketing-workgroup").inputs.description).to.equal("Campaigns.");
    });

    it("the analysts' workgroup keeps the lake's first workgroup's identity: component alias to no parent, children aliased to the catalog", () => {
        const component = dev.resources.find((r) => r.type === "lake:query:AthenaWorkgroup" && r.name === "lake")!;
        expect(component.urn).to.equal("urn:pulumi:dev::lake-test::lake:query:LakeQuery$lake:query:AthenaWorkgroup::lake");
        const others = dev.resources.filter((r) => r.type === "lake:query:AthenaWorkgroup").map((r) => r.name).sort();
        expect(others).to.deep.equal(["lake", "lake-admin", "lake-bi", "lake-marketing", "lake-sales"]);
        for (const r of dev.resources.filter((x) => x.type === "lake:query:AthenaWorkgroup")) expect(dev.byUrn(r.parent)!.type).to.equal("lake:query:LakeQuery");
    });

    it("each workgroup's policy runs queries only there and reads only its results prefix with the lake key", () => {
        for (const [env, c, account] of [["dev", dev, DEV_ACCOUNT], ["prod", prod, PROD_ACCOUNT]] as const) {
            for (const team of ["analysts", "sales", "marketing", "admin", "bi"]) {
                const resName = team === "analysts" ? "lake-workgroup-users" : `lake-${team}-workgroup-users`;
                const p = c.named(resName);
                expect(p.inputs.name).to.equal(`acme-lake-${env}-${team}-query`);
                const doc = json(p.inputs.policy);
                const wgArn = `arn:aws:athena:eu-west-1:${account}:workgroup/acme-lake-${env}-${team}`;
                const bucket = `acme-lake-${env}-query-results-${account}`;
                expect(doc.Statement.map((s: { Sid: string }) => s.Sid)).to.deep.equal(["UseWorkgroup", "QueryResultsObjects", "QueryResultsList0", "LakeKey", "OnlyThisWorkgroup"]);
                expect(doc.Statement[0].Resource).to.deep.equal([wgArn]);
                expect(doc.Statement[1].Resource).to.deep.equal([`arn:aws:s3:::${bucket}/${team}/*`]);
                expect(doc.Statement[2].Condition).to.deep.equal({ StringLike: { "s3:prefix": [`${team}/`, `${team}/*`] } });
                expect(doc.Statement[4]).to.deep.equal({
                    Sid: "OnlyThisWorkgroup",
                    Effect: "Deny",
                    Action: ["athena:StartQueryExecution", "athena:StopQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:GetQueryResultsStream"],
                    NotResource: [wgArn],
                });
            }
        }
    });

    it("members get their workgroup's policy only; dataset consumers in no workgroup get the analysts' (as before teams)", () => {
        const attachments = (c: Capture) => Object.fromEntries(c.ofType(ATTACH).map((a) => [a.name, a.inputs.role]));
        const dev1 = attachments(dev);
        expect(dev1[`lake-sales-workgroup-user-${principalId(role("sales-analyst"))}`]).to.equal("sales-analyst");
        expect(dev1[`lake-marketing-workgroup-user-${principalId(role("marketing-analyst"))}`]).to.equal("marketing-analyst");
        expect(dev1[`lake-admin-workgroup-user-${principalId(role("lake-platform-admin"))}`]).to.equal("lake-platform-admin");
        expect(dev1[`lake-bi-workgroup-user-${principalId(role("quicksight-lake"))}`]).to.equal("quicksight-lake");
        // The sales analyst consumes datasets but is in the sales team: no analysts' attachment.
        expect(dev1[`lake-workgroup-user-${principalId(role("sales-analyst"))}`]).to.equal(undefined);
        expect(dev1[`lake-workgroup-user-${principalId(role("crm-analyst"))}`]).to.equal("crm-analyst");
        const byRole = new Map<string, string[]>();
        for (const a of dev.ofType(ATTACH).filter((x) => x.name.includes("workgroup-user"))) byRole.set(a.inputs.role, [...(byRole.get(a.inputs.role) ?? []), a.name]);
        for (const [r, names] of byRole) expect(names, r).to.have.length(1);
        // Without teams every consumer runs queries in the analysts' workgroup, as the lake always did.
        expect(Object.keys(attachments(plain)).filter((n) => n.startsWith("lake-workgroup-user-")).length).to.equal(plain.ofType(ATTACH).filter((a) => a.name.includes("workgroup-user")).length);
    });

    it("a dataset's named queries go to the workgroups of the teams consuming it", () => {
        const where = (c: Capture, ds: string) => c.ofType(NQ).filter((q) => q.inputs.name === `${ds} preview`).map((q) => `${q.name} -> ${q.inputs.workgroup}`).sort();
        // orders: read only by the sales analyst.
        expect(where(dev, "orders")).to.deep.equal(["lake-orders-sales-preview -> acme-lake-dev-sales"]);
        // venue: the sales analyst (sales) and finance reporting (no team: analysts).
        expect(where(dev, "venue")).to.deep.equal(["lake-venue-preview -> acme-lake-dev-analysts", "lake-venue-sales-preview -> acme-lake-dev-sales"]);
        expect(where(dev, "customer")).to.deep.equal(["lake-customer-preview -> acme-lake-dev-analysts"]);
        // No team consumes anything of marketing's yet; admin and BI hold no saved queries.
        expect(dev.ofType(NQ).filter((q) => /marketing|admin|-bi-/.test(q.inputs.workgroup))).to.deep.equal([]);
        const q = dev.named("lake-orders-sales-partition-counts");
        expect(q.inputs).to.deep.include({ name: "orders rows per partition", workgroup: "acme-lake-dev-sales" });
        expect(q.inputs.database).to.match(/^acme_lake_dev_[a-z]+_shop$/);
        expect(q.inputs.query).to.match(/^SELECT /);
        expect(prod.ofType(NQ).length).to.be.greaterThan(0);
    });

    it("consumingTeams: members decide; consumers in no team (and datasets nobody reads) go to the default team", () => {
        const t = [{ name: "analysts", members: [] }, { name: "sales", members: ["a"] }, { name: "ops", members: ["b"] }];
        expect(consumingTeams({ consumers: [{ principal: "a" }] }, t, "analysts")).to.deep.equal(["sales"]);
        expect(consumingTeams({ consumers: [{ principal: "a" }, { principal: "b" }, { principal: "c" }] }, t, "analysts")).to.deep.equal(["analysts", "sales", "ops"]);
        expect(consumingTeams({ consumers: [] }, t, "analysts")).to.deep.equal(["analysts"]);
        expect(consumingTeams({ consumers: [{ principal: "x" }] }, t, "analysts", new Set(["x"]))).to.deep.equal([]);
    });

    it("workgroupUserPolicy is a pure function of names", () => {
        const doc = workgroupUserPolicy({ partition: "aws-cn", region: "cn-north-1", accountId: "123456789012", workgroup: "wg", results: { bucket: "b", prefix: "t" }, kmsKeyArn: "k" });
        expect(doc.Statement[0]).to.deep.include({ Resource: ["arn:aws-cn:athena:cn-north-1:123456789012:workgroup/wg"] });
    });

    it("exposes every workgroup for other capabilities (BI binds to workgroups.bi)", () => {
        const component = dev.resources.find((r) => r.type === "lake:query:LakeQuery")!;
        expect(component.name).to.equal("lake");
    });
});

describe("stack config: lake:athena teams", () => {
    const parse = (athena: unknown, text?: string) =>
        parseLakeConfig(devConfig({ "lake:athena": JSON.stringify(athena) }), { project: "p", stack: "dev", stackFile: text ? { file: "Pulumi.dev.yaml", text } : null });
    const problems = (athena: unknown, text?: string): string[] => {
        try {
            parse(athena, text);
            return [];
        } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
            return e.problems.map((p) => `${p.line !== undefined ? `${p.line}: ` : ""}${p.key}: ${p.message}`);
        }
    };

    it("defaults to the analysts team only, with the stack cutoff", () => {
        const c = parseLakeConfig(devConfig(), { project: "p", stack: "dev", stackFile: null });
        expect(c.athena.teams).to.deep.equal([{ name: "analysts", members: [] }]);
        expect(c.athena.admin).to.deep.equal({ members: [] });
        expect(c.athena.bytesScannedCutoffPerQuery).to.equal(10 * GIB);
    });

    it("refuses duplicate and reserved names, a missing analysts team, a principal in two workgroups, a cutoff under 10 MB, unknown fields", () => {
        const a = role("a");
        expect(
            problems({
                teams: [
                    { name: "sales", members: [a], bytesScannedCutoffPerQuery: 1000 },
                    { name: "sales", members: [] },
                    { name: "bi", members: [] },
                    { name: "Ops", members: [], colour: "red" },
                ],
                admin: { members: [a] },
            }),
        ).to.deep.equal([
            "lake:athena.teams.0.bytesScannedCutoffPerQuery: must be >= 10485760 (10 MB, the Athena minimum)",
            "lake:athena.teams.3.name: must be 2-32 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen",
            "lake:athena.teams.3: unknown field(s) colour",
            "lake:athena.teams.1.name: is declared twice: team names are unique",
            "lake:athena.teams.2.name: is reserved for the platform's own workgroups (admin, bi, primary)",
            "lake:athena.teams: must include the 'analysts' team: dataset consumers in no other team run their queries there, and its workgroup is the lake's first one",
            `lake:athena.admin.members.0: is already a member of the 'sales' team workgroup: a principal runs queries in one workgroup only`,
        ]);
    });

    it("names the line of the stack file", () => {
        const text = [
            "config:",
            "  lake:athena:",
            "    teams:",
            "      - name: analysts",
            "      - name: primary",
            "",
        ].join("\n");
        expect(problems({ teams: [{ name: "analysts" }, { name: "primary" }] }, text)).to.deep.equal([
            "5: lake:athena.teams.1.name: is reserved for the platform's own workgroups (admin, bi, primary)",
        ]);
    });
});
