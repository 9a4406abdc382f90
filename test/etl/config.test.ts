/** `lake:etl` in the stack config: defaults, the stack files' values, and every bad value at its line. */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ConfigError, parseLakeConfig } from "../../infra/config";
import { loadProject } from "../../tools/engine/project";
import { devConfig } from "../helpers/mocks";

const REPO = path.resolve(__dirname, "..", "..");
const ctx = { project: "lake-test", stack: "dev", stackFile: null } as const;

function messages(etl: unknown, extra: Record<string, string> = {}): string[] {
    try {
        parseLakeConfig(devConfig({ "lake:etl": JSON.stringify(etl), ...extra }), ctx);
    } catch (e) {
        expect(e).to.be.instanceOf(ConfigError);
        return (e as ConfigError).problems.map((p) => `${p.key}: ${p.message}`);
    }
    throw new Error("expected a ConfigError");
}

describe("lake:etl config", () => {
    it("defaults to a small nightly job, one retry, no subscribers (execution class left to the environment)", () => {
        expect(parseLakeConfig(devConfig(), ctx).etl).to.deep.equal({
            schedule: "cron(0 4 * * ? *)", schedules: {}, workerType: "G.1X", numberOfWorkers: 2, maxRetries: 1, timeoutMinutes: 120, maxConcurrentRuns: 1, alerts: [],
        });
    });

    it("reads the stack files: FLEX in dev, STANDARD with a pager in prod", () => {
        const of = (stack: string) => parseLakeConfig(loadProject(REPO, stack).config, { project: "lake-test", stack, stackFile: { file: `Pulumi.${stack}.yaml`, text: fs.readFileSync(path.join(REPO, `Pulumi.${stack}.yaml`), "utf8") } }).etl;
        expect(of("dev")).to.deep.include({ executionClass: "FLEX", workerType: "G.1X", maxRetries: 0, alerts: [{ protocol: "email", endpoint: "data-engineering@acme.example" }] });
        expect(of("prod")).to.deep.include({ executionClass: "STANDARD", workerType: "G.2X", numberOfWorkers: 5, schedules: { mobility: "cron(0 7 * * ? *)" } });
    });

    it("rejects a schedule that is no AWS cron, in schedule and per pipeline", () => {
        const m = messages({ schedule: "0 4 * * *", schedules: { sales: "cron(0 25 * * ? *)" } });
        expect(m.some((x) => x.startsWith("lake:etl.schedule: '0 4 * * *' is not an AWS cron expression"))).to.equal(true, m.join("\n"));
        expect(m.some((x) => x.startsWith("lake:etl.schedules.sales: ") && /hours/.test(x))).to.equal(true, m.join("\n"));
    });

    it("rejects FLEX on G.4X/G.8X workers, also when FLEX is dev's default", () => {
        expect(messages({ workerType: "G.4X" })).to.deep.equal(["lake:etl.workerType: FLEX jobs run on G.1X or G.2X workers only (executionClass defaults to FLEX in dev): use G.2X, or set etl.executionClass: STANDARD"]);
        expect(() => parseLakeConfig(devConfig({ "lake:etl": JSON.stringify({ workerType: "G.4X", executionClass: "STANDARD" }) }), ctx)).to.not.throw();
    });

    it("rejects out-of-range numbers, unknown worker types and bad subscribers", () => {
        const m = messages({ numberOfWorkers: 1, maxRetries: 11, timeoutMinutes: 20000, workerType: "G.16X", alerts: [{ protocol: "email", endpoint: "oncall" }, { protocol: "sms", endpoint: "+1" }] });
        expect(m).to.include.members([
            "lake:etl.numberOfWorkers: must be >= 2 (a driver and an executor)",
            "lake:etl.maxRetries: must be 0-10",
            "lake:etl.timeoutMinutes: must be 1-10080 minutes",
            "lake:etl.workerType: must be one of G.1X, G.2X, G.4X, G.8X",
            "lake:etl.alerts.0.endpoint: must be an email address",
        ]);
        expect(m.some((x) => x.startsWith("lake:etl.alerts.1"))).to.equal(true, m.join("\n"));
    });

    it("refuses an expiry on the gold bucket, which holds the jobs' scripts", () => {
        expect(messages({}, { "lake:storage": JSON.stringify({ gold: { expireDays: 400 } }) })).to.deep.equal([
            "lake:storage.gold.expireDays: the gold bucket holds the Glue job scripts and library (_glue/), which must never expire: expire gold datasets with their retentionDays instead",
        ]);
    });
});
