/**
 * Item 2 of issue 10: the names validation checks are the names the components create. Every name-bearing resource
 * the dev lake registers (in both access modes) is in the lists of contract/naming.ts, so nothing can fail on a
 * name in the middle of a plan that the up-front check didn't see.
 */
import { expect } from "chai";
import * as path from "path";
import { etlPipelines, loadStackDatasets } from "../../components/datasets";
import { athenaTeamDerivedNames, connectionDerivedNames, datasetDerivedNames, pipelineDerivedNames, stackDerivedNames } from "../../contract";
import { parseLakeConfig } from "../../infra/config";
import { buildLake } from "../../infra/stack";
import { capture, devConfig } from "../helpers/mocks";

const REPO = path.resolve(__dirname, "..", "..");

/** Resource types whose `name` (or `bucket`) input the platform derives. */
const NAMED: Record<string, string> = {
    "aws:s3/bucket:Bucket": "bucket",
    "aws:kms/alias:Alias": "name",
    "aws:glue/catalogDatabase:CatalogDatabase": "name",
    "aws:glue/catalogTable:CatalogTable": "name",
    "aws:glue/crawler:Crawler": "name",
    "aws:glue/connection:Connection": "name",
    "aws:glue/securityConfiguration:SecurityConfiguration": "name",
    "aws:secretsmanager/secret:Secret": "name",
    "aws:athena/namedQuery:NamedQuery": "name",
    "aws:athena/workgroup:Workgroup": "name",
    "aws:iam/role:Role": "name",
    "aws:iam/policy:Policy": "name",
    "aws:glue/job:Job": "name",
    "aws:glue/workflow:Workflow": "name",
    "aws:glue/trigger:Trigger": "name",
    "aws:sns/topic:Topic": "name",
    "aws:cloudwatch/eventRule:EventRule": "name",
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": "name",
    "aws:kinesis/stream:Stream": "name",
    "aws:cloudwatch/logGroup:LogGroup": "name",
    "aws:quicksight/group:Group": "groupName",
    "aws:quicksight/dataSource:DataSource": "dataSourceId",
    "aws:quicksight/dataSet:DataSet": "dataSetId",
};

for (const lakeFormation of [true, false]) {
    describe(`hardening: derived names, as registered (Lake Formation ${lakeFormation ? "on" : "off"})`, () => {
        it("every name the components register is one the up-front check listed", async () => {
            const lf = lakeFormation ? { admins: ["arn:aws:iam::111111111111:role/lake-platform-admin"] } : { enabled: false };
            const raw = devConfig({ "lake:lakeFormation": JSON.stringify(lf) });
            const config = parseLakeConfig(raw, { project: "lake-test", stack: "dev", stackFile: null });
            const naming = { prefix: config.namePrefix, environment: config.environment, accountId: config.accountId };
            const { datasets, connections } = loadStackDatasets({ root: REPO, stack: "dev", accountId: config.accountId, region: config.region, naming });
            const listed = new Set([
                ...stackDerivedNames(naming).map((n) => n.name),
                ...datasets.flatMap((d) => Object.values(datasetDerivedNames(naming, d)).map((n) => n.name)),
                ...connections.flatMap((c) => connectionDerivedNames(naming, c.name).map((n) => n.name)),
                ...config.athena.teams.flatMap((t) => athenaTeamDerivedNames(naming, t.name).map((n) => n.name)),
                ...etlPipelines(datasets).flatMap((p) => Object.values(pipelineDerivedNames(naming, p.name)).map((n) => n.name)),
            ]);
            const c = await capture(() => buildLake(config, { root: REPO }), { stack: "dev", config: raw, mockEnv: { region: config.region, account: config.accountId } });
            const registered = c.resources.filter((r) => NAMED[r.type] && typeof r.inputs[NAMED[r.type]!] === "string").map((r) => `${r.type} ${r.inputs[NAMED[r.type]!]}`);
            expect(registered.length).to.be.greaterThan(30);
            expect(registered.filter((r) => !listed.has(r.slice(r.indexOf(" ") + 1)))).to.deep.equal([]);
            if (!lakeFormation) expect(registered.some((r) => r.includes("acme-lake-dev-read-"))).to.equal(true);
        });
    });
}
