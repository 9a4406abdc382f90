import { expect } from "chai";
import { athenaResultsIsolated } from "../../policies/lake-security/athena-results-isolated";
import { T } from "../../policies/lib/types";
import { res, runStack } from "./helpers";

const wg = (name: string, prefix: string) =>
    res(T.athenaWorkgroup, name, { name, configuration: { resultConfiguration: { outputLocation: `s3://results/${prefix}` } } });
const userPolicy = (workgroup: string, s3: string) =>
    res(T.iamPolicy, `${workgroup}-users`, {
        policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Action: ["athena:StartQueryExecution", "athena:GetQueryResults"], Resource: [`arn:aws:athena:eu-west-1:111111111111:workgroup/${workgroup}`] },
                { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: [s3] },
            ],
        }),
    });

describe("athena-results-isolated", () => {
    const sales = wg("sales", "sales/");
    const crm = wg("crm", "crm/");
    it("passes a workgroup per team, each policy scoped to its own results prefix", async () => {
        expect(await runStack(athenaResultsIsolated, [sales, crm, userPolicy("sales", "arn:aws:s3:::results/sales/*"), userPolicy("crm", "arn:aws:s3:::results/crm/*")])).to.deep.equal([]);
    });
    it("flags two workgroups sharing or nesting a results location", async () => {
        const v = await runStack(athenaResultsIsolated, [sales, wg("crm", "sales/crm/")]);
        expect(v).to.have.length(1);
        expect(v[0].message).to.match(/writes results to s3:\/\/results\/sales\/crm\/, which overlaps s3:\/\/results\/sales\//);
    });
    it("flags a results policy whose S3 access reaches another workgroup's results", async () => {
        const v = await runStack(athenaResultsIsolated, [sales, crm, userPolicy("sales", "arn:aws:s3:::results/*")]);
        expect(v).to.have.length(1);
        expect(v[0].message).to.contain("includes the results of aws.athena.Workgroup 'crm'");
    });
    it("ignores policies that read no results", async () => {
        const writer = res(T.iamPolicy, "w", { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::results/*"] }] }) });
        expect(await runStack(athenaResultsIsolated, [sales, crm, writer])).to.deep.equal([]);
    });
});
