/**
 * Issue 10, "validate means deployable": every bad input a hostile but ordinary data team (or a platform engineer
 * editing stack settings) writes fails BEFORE any resource is registered. Each row edits a scratch copy of the
 * repository, runs the real program path (config from Pulumi.<stack>.yaml as Pulumi hands it over, then
 * `buildLake`) under Pulumi's mocks, and asserts: zero registrations, and the error names the file, the line, the
 * field and the bad value.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DatasetError, DatasetProblem, formatProblem } from "../../components/datasets";
import { ConfigError, ConfigProblem, parseLakeConfig } from "../../infra/config";
import { buildLake } from "../../infra/stack";
import { loadProject } from "../../tools/engine/project";
import { capture } from "../helpers/mocks";

const REPO = path.resolve(__dirname, "..", "..");
const PROD_BRONZE = "acme-lake-prod-bronze-222222222222";
const DEV_BRONZE = "acme-lake-dev-bronze-111111111111";
const REASON = "CloudFront writes its logs to the distribution's own bucket; the lake reads them in place.";

/** A scratch copy of what the program reads: the project and stack files, and stacks/. */
function scratch(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lake-bad-inputs-"));
    for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"]) fs.copyFileSync(path.join(REPO, f), path.join(dir, f));
    fs.cpSync(path.join(REPO, "stacks"), path.join(dir, "stacks"), { recursive: true });
    fs.mkdirSync(path.join(dir, "infra"));
    fs.writeFileSync(path.join(dir, "infra/index.ts"), "// scratch copy: Pulumi.yaml's main must exist\n");
    return dir;
}

type Edit = (root: string) => void;
const edit = (file: string, from: string | RegExp, to: string): Edit => (root) => {
    const abs = path.join(root, file);
    const text = fs.readFileSync(abs, "utf8");
    const next = text.replace(from, to);
    if (next === text) throw new Error(`edit of ${file}: '${String(from)}' not found`);
    fs.writeFileSync(abs, next);
};
const append = (file: string, text: string): Edit => (root) => fs.appendFileSync(path.join(root, file), text);
const write = (file: string, content: string | Buffer): Edit => (root) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
};
/** Move a file, editing its text on the way. */
const move = (from: string, to: string, change: (t: string) => string = (t) => t): Edit => (root) => {
    const text = change(fs.readFileSync(path.join(root, from), "utf8"));
    fs.rmSync(path.join(root, from));
    write(to, text)(root);
};
const externalLocations = (stack: string, entries: Record<string, string>): Edit =>
    write(`stacks/${stack}/external-locations.yaml`, `locations:\n${Object.entries(entries).map(([dataset, location]) => `  - dataset: ${dataset}\n    location: ${location}\n    reason: ${REASON}\n`).join("")}`);

/** Where the error must point: a text on the line (its nth occurrence), in the file as edited. */
type Line = string | [string, number];
interface DatasetExpectation {
    file: string;
    field: string;
    line: Line;
    value: unknown;
    message: RegExp;
}
interface ConfigExpectation {
    key: string;
    line: Line;
    value: unknown;
    message: RegExp;
}

interface BadInput {
    item: string;
    title: string;
    stack: "dev" | "prod";
    edits: Edit[];
    dataset?: DatasetExpectation;
    config?: ConfigExpectation;
}

const SHOP = "stacks/datasets/shop/orders.yaml";
const CRM = "stacks/datasets/crm/customer.yaml";
const VENUE = "stacks/datasets/sales/venue.yaml";
const TICKETS = "stacks/datasets/sales/ticket_sales.yaml";
const EVENTS = "stacks/datasets/billing/subscription_events.yaml";
const TAXI = "stacks/datasets/mobility/taxi_trips.yaml";
const LONG = "o".repeat(120);
const DOMAIN = "d".repeat(250);

const cases: BadInput[] = [
    // 1. Locations
    { item: "1", title: "a shop dataset's location in the prod CRM prefix", stack: "prod", edits: [append(SHOP, `location: s3://${PROD_BRONZE}/crm/customer/\n`)], dataset: { file: SHOP, field: "location", line: "location:", value: `s3://${PROD_BRONZE}/crm/customer/`, message: /is in the lake's bronze bucket but outside this dataset's own prefix s3:\/\/acme-lake-prod-bronze-222222222222\/shop\/orders\// } },
    { item: "1", title: "the bucket root", stack: "dev", edits: [append(SHOP, `location: s3://${DEV_BRONZE}/\n`)], dataset: { file: SHOP, field: "location", line: "location:", value: `s3://${DEV_BRONZE}/`, message: /outside this dataset's own prefix/ } },
    { item: "1", title: "another bucket, not allowed by the stack", stack: "dev", edits: [append(SHOP, "location: s3://acme-cloudfront-logs/cf/\n")], dataset: { file: SHOP, field: "location", line: "location:", value: "s3://acme-cloudfront-logs/cf/", message: /is outside the lake: .*unless stacks\/dev\/external-locations.yaml allows it/ } },
    { item: "1", title: "a /../ path", stack: "dev", edits: [append(SHOP, `location: s3://${DEV_BRONZE}/shop/orders/../../crm/customer/\n`)], dataset: { file: SHOP, field: "location", line: "location:", value: `s3://${DEV_BRONZE}/shop/orders/../../crm/customer/`, message: /'\.' or '\.\.' segments/ } },
    { item: "1", title: "a projection locationTemplate into another prefix", stack: "dev", edits: [edit(EVENTS, "locationTemplate: ${event_hour}/", `locationTemplate: s3://${DEV_BRONZE}/crm/customer/\${event_hour}/`)], dataset: { file: EVENTS, field: "projection.locationTemplate", line: "locationTemplate:", value: `s3://${DEV_BRONZE}/crm/customer/\${event_hour}/`, message: /an s3:\/\/ template must stay inside the dataset's location/ } },
    { item: "1", title: "a prod-only overrides.prod.location (dev passes)", stack: "prod", edits: [append(SHOP, `overrides:\n  prod:\n    location: s3://${PROD_BRONZE}/crm/customer/\n`)], dataset: { file: SHOP, field: "overrides.prod.location", line: "location:", value: `s3://${PROD_BRONZE}/crm/customer/`, message: /is in the lake's bronze bucket but outside/ } },
    { item: "1", title: "retentionDays on an allowed external location", stack: "dev", edits: [append(VENUE, "location: s3://acme-cloudfront-logs/cf/\nretentionDays: 30\n"), externalLocations("dev", { venue: "s3://acme-cloudfront-logs/cf/" })], dataset: { file: VENUE, field: "retentionDays", line: "retentionDays:", value: 30, message: /can't be enforced on an external location/ } },
    { item: "1", title: "two datasets whose locations overlap", stack: "dev", edits: [append(VENUE, "location: s3://acme-cloudfront-logs/cf/\n"), append(TAXI, "location: s3://acme-cloudfront-logs/cf/2026/\n"), externalLocations("dev", { venue: "s3://acme-cloudfront-logs/cf/", taxi_trips: "s3://acme-cloudfront-logs/cf/2026/" })], dataset: { file: TAXI, field: "location", line: "location: s3://", value: "s3://acme-cloudfront-logs/cf/2026/", message: /is inside the location of dataset 'venue'/ } },
    { item: "1", title: "an external location allowed for a dataset the stack doesn't have", stack: "dev", edits: [externalLocations("dev", { venu: "s3://acme-cloudfront-logs/cf/" })], dataset: { file: "stacks/dev/external-locations.yaml", field: "locations[0].dataset", line: "dataset: venu", value: "venu", message: /no dataset 'venu' in stack 'dev'; did you mean 'venue'\?/ } },
    { item: "1", title: "an external location with a reason too short", stack: "dev", edits: [write("stacks/dev/external-locations.yaml", "locations:\n  - dataset: venue\n    location: s3://acme-cloudfront-logs/cf/\n    reason: logs\n")], dataset: { file: "stacks/dev/external-locations.yaml", field: "locations[0].reason", line: "reason: logs", value: "logs", message: /fewer than 20 characters/ } },
    // 2. Derived names
    { item: "2", title: "a 120-char dataset name", stack: "dev", edits: [move(VENUE, `stacks/datasets/sales/${LONG}.yaml`, (t) => t.replace("name: venue", `name: ${LONG}`))], dataset: { file: `stacks/datasets/sales/${LONG}.yaml`, field: "name", line: `name: ${LONG}`, value: LONG, message: /derived IAM role \(Glue job\) name .* is 138 chars, the platform \(IAM role names\) allows 64 \(so would the IAM writer policy \(IAM mode\).*at most 46 chars/ } },
    { item: "2", title: "a 250-char domain", stack: "dev", edits: [move(VENUE, `stacks/datasets/${DOMAIN}/venue.yaml`, (t) => t.replace("domain: sales", `domain: ${DOMAIN}`))], dataset: { file: `stacks/datasets/${DOMAIN}/venue.yaml`, field: "domain", line: `domain: ${DOMAIN}`, value: DOMAIN, message: /derived Glue database name .* is 271 chars, Glue allows 255/ } },
    { item: "2", title: "a name prefix S3 reserves (xn--)", stack: "dev", edits: [edit("Pulumi.dev.yaml", "lake:namePrefix: acme-lake", "lake:namePrefix: xn--lake")], config: { key: "lake:namePrefix", line: "lake:namePrefix:", value: "xn--lake", message: /gives invalid S3 bucket names, e\.g\. xn--lake-dev-bronze-<account>: reserved prefix 'xn--'/ } },
    { item: "2", title: "a connection name too long for its secret", stack: "dev", edits: [edit("stacks/dev/connections.yaml", "name: saas_postgres", `name: saas_${"p".repeat(50)}`)], dataset: { file: "stacks/dev/connections.yaml", field: "connections[2].name", line: "name: saas_ppp", value: `saas_${"p".repeat(50)}`, message: /derived Secrets Manager secret name .* is 74 chars/ } },
    // 3. Silently accepted before
    { item: "3", title: "a non-UTF-8 byte in a description", stack: "dev", edits: [(root) => {
        const abs = path.join(root, VENUE);
        const text = fs.readFileSync(abs, "utf8").replace("current state", "current \u0000state");
        fs.writeFileSync(abs, Buffer.from(text, "utf8").map((b) => (b === 0 ? 0xe9 : b)));
    }], dataset: { file: VENUE, field: "", line: "current", value: undefined, message: /^not UTF-8: byte 0xE9 at byte offset \d+ \(line \d+\)/ } },
    { item: "3", title: "a projection date that doesn't exist (2024-13-45)", stack: "dev", edits: [edit(SHOP, "range: 2024-01-01,NOW", "range: 2024-13-45,NOW")], dataset: { file: SHOP, field: "projection.keys.ingest_date.range", line: "range:", value: "2024-13-45,NOW", message: /2024-13-45 is not a date: month 13 is not 1-12/ } },
    { item: "3", title: "a projection range whose start is after its end (NOW+1YEARS,NOW-5YEARS)", stack: "dev", edits: [edit(TICKETS, "range: NOW-3YEARS,NOW", "range: NOW+1YEARS,NOW-5YEARS")], dataset: { file: TICKETS, field: "projection.keys.sale_date.range", line: "range:", value: "NOW+1YEARS,NOW-5YEARS", message: /start NOW\+1YEARS is after end NOW-5YEARS/ } },
    { item: "3", title: "a region that doesn't exist (eu-fake-9)", stack: "dev", edits: [edit("Pulumi.dev.yaml", "aws:region: eu-west-1", "aws:region: eu-fake-9")], config: { key: "aws:region", line: "aws:region:", value: "eu-fake-9", message: /is not an AWS region/ } },
    { item: "3", title: "a dataset file nested a folder deeper", stack: "dev", edits: [move(VENUE, "stacks/datasets/sales/dims/venue.yaml")], dataset: { file: "stacks/datasets/sales/dims/venue.yaml", field: "", line: "# yaml-language-server", value: "stacks/datasets/sales/dims/venue.yaml", message: /a dataset file is stacks\/datasets\/<domain>\/<name>\.yaml; this one is 2 folders deep/ } },
    { item: "3", title: "a dataset file directly in stacks/datasets", stack: "dev", edits: [move(VENUE, "stacks/datasets/venue.yaml")], dataset: { file: "stacks/datasets/venue.yaml", field: "", line: "# yaml-language-server", value: "stacks/datasets/venue.yaml", message: /this one is directly in stacks\/datasets\// } },
    { item: "3", title: 'a quoted number at the top level (lake:kmsKeyDeletionWindowDays: "7")', stack: "dev", edits: [edit("Pulumi.dev.yaml", "lake:kmsKeyDeletionWindowDays: 7", 'lake:kmsKeyDeletionWindowDays: "7"')], config: { key: "lake:kmsKeyDeletionWindowDays", line: "lake:kmsKeyDeletionWindowDays:", value: "7", message: /is quoted, so it is text, not a number: write lake:kmsKeyDeletionWindowDays: 7 without quotes/ } },
    { item: "3", title: 'a quoted boolean at the top level (lake:allowDataDestroy: "false")', stack: "prod", edits: [edit("Pulumi.prod.yaml", "lake:allowDataDestroy: false", 'lake:allowDataDestroy: "false"')], config: { key: "lake:allowDataDestroy", line: "lake:allowDataDestroy:", value: "false", message: /is quoted, so it is text, not a boolean/ } },
    // 4. Misleading messages
    { item: "4", title: "costCenter: 1234 (a number, not missing)", stack: "dev", edits: [edit("Pulumi.dev.yaml", "costCenter: cc-1234", "costCenter: 1234")], config: { key: "lake:tags.costCenter", line: "costCenter", value: 1234, message: /^must be a string: quote it \("1234"\)/ } },
    { item: "4", title: "lake:tags as a list (not missing)", stack: "dev", edits: [edit("Pulumi.dev.yaml", /  lake:tags:\n(    .*\n)+/, "  lake:tags: [data-platform@acme.example, cc-1234]\n")], config: { key: "lake:tags", line: "lake:tags:", value: ["data-platform@acme.example", "cc-1234"], message: /^must be a mapping of owner, costCenter and \(optionally\) dataClassification/ } },
    { item: "4", title: "a bad connection entry: its datasets point at it", stack: "dev", edits: [edit("stacks/dev/connections.yaml", "engine: sqlserver", "engine: mssql")], dataset: { file: CRM, field: "source.connection", line: "connection: crm_sqlserver", value: "crm_sqlserver", message: /^connection 'crm_sqlserver' is declared in stacks\/dev\/connections.yaml:\d+ but that entry is invalid \(connections\[0\]\.engine: must be one of postgresql, mysql, sqlserver\); fix it there$/ } },
    { item: "4", title: "a password in a connection", stack: "prod", edits: [edit("stacks/prod/connections.yaml", "    database: shop\n", "    database: shop\n    password: s3cr3t-Passw0rd\n")], dataset: { file: "stacks/prod/connections.yaml", field: "connections[1].password", line: "password:", value: undefined, message: /^credentials never go in a connection file .*secret 'acme-lake-prod-jdbc-shop-mysql'.*aws secretsmanager put-secret-value --secret-id acme-lake-prod-jdbc-shop-mysql/ } },
    // The kinds validation already caught, through the same path.
    { item: "existing", title: "CSV in silver", stack: "dev", edits: [edit(VENUE, "format: parquet", "format: csv")], dataset: { file: VENUE, field: "format", line: "format: csv", value: "csv", message: /csv is a row format, allowed only in bronze/ } },
    { item: "existing", title: "an unknown field", stack: "dev", edits: [edit(VENUE, "unpartitionedReason:", "unpartitioned_reason:")], dataset: { file: VENUE, field: "unpartitioned_reason", line: "unpartitioned_reason:", value: undefined, message: /unknown field 'unpartitioned_reason'; did you mean 'unpartitionedReason'\?/ } },
    { item: "existing", title: "a reserved column name", stack: "dev", edits: [edit(VENUE, "name: venue_city", "name: date")], dataset: { file: VENUE, field: "columns[2].name", line: "name: date", value: "date", message: /'date' is an Athena reserved word/ } },
    // The parser notices the unclosed '[' on the next line, and says so there.
    { item: "existing", title: "YAML syntax", stack: "dev", edits: [edit(VENUE, "layer: silver", "layer: [silver")], dataset: { file: VENUE, field: "", line: "format: parquet", value: undefined, message: /^YAML syntax/ } },
    { item: "existing", title: "a principal that isn't one", stack: "dev", edits: [edit(VENUE, "principal: role/sales-analyst", "principal: sales-analysts")], dataset: { file: VENUE, field: "consumers[0].principal", line: "principal: sales-analysts", value: "sales-analysts", message: /not a principal Lake Formation can grant to/ } },
    { item: "existing", title: "a job input that isn't a dataset", stack: "dev", edits: [edit(TAXI, "inputs: [raw_taxi_trips]", "inputs: [raw_taxi_trip]")], dataset: { file: TAXI, field: "source.inputs[0]", line: "inputs:", value: "raw_taxi_trip", message: /no dataset 'raw_taxi_trip' in stack 'dev'; did you mean 'raw_taxi_trips'\?/ } },
    { item: "existing", title: "an undeclared connection", stack: "dev", edits: [edit(CRM, "connection: crm_sqlserver", "connection: crm_sqlsrv")], dataset: { file: CRM, field: "source.connection", line: "connection: crm_sqlsrv", value: "crm_sqlsrv", message: /no connection 'crm_sqlsrv' in stacks\/dev\/connections.yaml; did you mean 'crm_sqlserver'\?/ } },
    { item: "existing", title: "allowDataDestroy in prod", stack: "prod", edits: [edit("Pulumi.prod.yaml", "lake:allowDataDestroy: false", "lake:allowDataDestroy: true")], config: { key: "lake:allowDataDestroy", line: "lake:allowDataDestroy:", value: true, message: /must be false when lake:environment is prod/ } },
    { item: "existing", title: "an uppercase name prefix", stack: "prod", edits: [edit("Pulumi.prod.yaml", "lake:namePrefix: acme-lake", "lake:namePrefix: Acme")], config: { key: "lake:namePrefix", line: "lake:namePrefix:", value: "Acme", message: /must be 2-40 lowercase letters/ } },
    { item: "existing", title: "a misspelt setting", stack: "dev", edits: [edit("Pulumi.dev.yaml", "lake:kmsKeyDeletionWindowDays: 7", "lake:kmsKeyDeletionWindow: 7")], config: { key: "lake:kmsKeyDeletionWindow", line: "lake:kmsKeyDeletionWindow", value: "7", message: /unknown setting/ } },
    // Streaming: what Firehose or CloudWatch Logs would refuse, through the same path.
    { item: "existing", title: "a stream's partition field that isn't a column", stack: "dev", edits: [edit("stacks/datasets/web/clickstream.yaml", "event_hour: { field: event_time }", "event_hour: { field: event_tme }")], dataset: { file: "stacks/datasets/web/clickstream.yaml", field: "source.partitioning.event_hour.field", line: "field: event_tme", value: "event_tme", message: /no column 'event_tme' in this dataset: JQ can only extract a field the records have/ } },
    { item: "existing", title: "a converted stream buffering under 64 MiB", stack: "prod", edits: [edit("stacks/datasets/web/clickstream.yaml", "sizeMiB: 64", "sizeMiB: 32")], dataset: { file: "stacks/datasets/web/clickstream.yaml", field: "source.buffering.sizeMiB", line: "sizeMiB: 32", value: 32, message: /AWS requires a buffer of at least 64 MiB/ } },
    { item: "existing", title: "a log retention CloudWatch Logs refuses", stack: "prod", edits: [edit("Pulumi.prod.yaml", "logRetentionDays: 90", "logRetentionDays: 45")], config: { key: "lake:streaming.logRetentionDays", line: "logRetentionDays:", value: 45, message: /must be one of 1, 3, 5, 7, 14, 30/ } },
    // BI (issue 14): what QuickSight would refuse, through the same path.
    { item: "existing", title: "a daily SPICE refresh without a time of day", stack: "prod", edits: [edit(TICKETS, '    timeOfDay: "08:30"\n', "")], dataset: { file: TICKETS, field: "bi.refresh.interval", line: "interval: DAILY", value: "DAILY", message: /a DAILY refresh needs timeOfDay \(HH:MM\)/ } },
    { item: "existing", title: "a confidential dataset published with no row or column restriction", stack: "dev", edits: [edit(TICKETS, /  restrictedColumns:\n(    .*\n)+/, "")], dataset: { file: TICKETS, field: "bi", line: "bi:", value: "confidential", message: /a confidential dataset is published with rowLevelSecurity or restrictedColumns, or an unrestrictedReason/ } },
    { item: "existing", title: "BI in prod on a Standard QuickSight subscription", stack: "prod", edits: [edit("Pulumi.prod.yaml", "edition: ENTERPRISE", "edition: STANDARD")], config: { key: "lake:bi.edition", line: "edition:", value: "STANDARD", message: /needs QuickSight Enterprise/ } },
];

/** 1-based line of the nth line containing `needle`, in `text`. */
function lineOf(text: string, line: Line): number {
    const [needle, nth] = typeof line === "string" ? [line, 1] : line;
    let seen = 0;
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) if (lines[i]!.includes(needle) && ++seen === nth) return i + 1;
    throw new Error(`'${needle}' not in:\n${text}`);
}

/** The program's path: config as Pulumi hands it over (read from the stack file), then the whole lake. */
async function runProgram(root: string, stack: string): Promise<{ error: unknown; registered: number }> {
    const project = loadProject(root, stack);
    let error: unknown;
    const c = await capture(
        () => {
            try {
                const file = `Pulumi.${stack}.yaml`;
                const config = parseLakeConfig(project.config, { project: project.name, stack, stackFile: { file, text: fs.readFileSync(path.join(root, file), "utf8") } });
                buildLake(config, { root });
            } catch (e) {
                error = e;
            }
        },
        { stack, config: project.config, mockEnv: { region: "eu-west-1", account: stack === "prod" ? "222222222222" : "111111111111" } },
    );
    return { error, registered: c.resources.length };
}

describe("hardening: every bad input fails before any resource is registered, naming file, line, field and value", () => {
    const dirs: string[] = [];
    after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
    const fresh = () => {
        const d = scratch();
        dirs.push(d);
        return d;
    };

    for (const stack of ["dev", "prod"] as const) {
        it(`the unedited scratch copy builds the ${stack} lake (so the zeros below are the inputs' doing)`, async () => {
            const { error, registered } = await runProgram(fresh(), stack);
            expect(error).to.equal(undefined);
            expect(registered).to.be.greaterThan(100);
        });
    }

    for (const c of cases) {
        it(`[${c.item}] ${c.title}`, async () => {
            const root = fresh();
            for (const e of c.edits) e(root);
            const { error, registered } = await runProgram(root, c.stack);
            expect(registered, "resources registered before the error").to.equal(0);
            if (c.dataset) {
                expect(error, String(error)).to.be.instanceOf(DatasetError);
                const problems = (error as DatasetError).problems;
                const e = c.dataset;
                const p = problems.find((x: DatasetProblem) => x.file === e.file && x.field === e.field && e.message.test(x.message));
                expect(p, `no problem in ${e.file} on '${e.field}' matching ${e.message}; got:\n${problems.map(formatProblem).join("\n")}`).to.not.equal(undefined);
                const text = fs.readFileSync(path.join(root, e.file), "latin1");
                expect(p!.line, formatProblem(p!)).to.equal(lineOf(text, e.line));
                expect(p!.column).to.be.greaterThan(0);
                expect(p!.value).to.deep.equal(e.value);
                expect(formatProblem(p!)).to.match(new RegExp(`^${e.file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:${p!.line}:${p!.column} `));
            } else {
                const e = c.config!;
                expect(error, String(error)).to.be.instanceOf(ConfigError);
                const err = error as ConfigError;
                const p = err.problems.find((x: ConfigProblem) => x.key === e.key && e.message.test(x.message));
                expect(p, `no problem on ${e.key} matching ${e.message}; got:\n${err.message}`).to.not.equal(undefined);
                const text = fs.readFileSync(path.join(root, `Pulumi.${c.stack}.yaml`), "utf8");
                expect(p!.line, err.message).to.equal(lineOf(text, e.line));
                expect(p!.value).to.deep.equal(e.value);
                expect(err.file).to.equal(`Pulumi.${c.stack}.yaml`);
                expect(err.message).to.contain(`Pulumi.${c.stack}.yaml:${p!.line}:${p!.column} ${e.key} = ${JSON.stringify(e.value)}: `);
            }
        });
    }

    it("a dataset root that doesn't exist is an error, not a lake without tables", async () => {
        const root = fresh();
        fs.rmSync(path.join(root, "stacks/datasets"), { recursive: true });
        const { error, registered } = await runProgram(root, "dev");
        expect(registered).to.equal(0);
        expect(error).to.be.instanceOf(DatasetError);
        expect((error as DatasetError).problems[0]!.message).to.match(/^no such folder: dataset files live in stacks\/datasets\/<domain>\/<name>\.yaml/);
    });

    it("covers every item of the issue", () => {
        expect([...new Set(cases.map((c) => c.item))]).to.deep.equal(["1", "2", "3", "4", "existing"]);
    });
});
