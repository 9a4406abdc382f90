import { expect } from "chai";
import { DatasetError, formatProblem } from "../../components/datasets";
import { ACCOUNT, fileFor, lineOf, loadObjects, loadTexts, problemsOf, toYaml, validDataset } from "./helpers";

/** A case flips one thing in the valid dataset and names the field, the line (a text on it) and the message. */
interface BadCase {
    title: string;
    change: (ds: Record<string, any>) => void;
    field: string;
    /** Text on the line the problem must point at, or [text, occurrence] when it appears more than once. */
    line: string | [string, number];
    message: RegExp;
}

const cases: BadCase[] = [
    // Schema
    { title: "a description too short to help anyone", change: (d) => (d.description = "trips"), field: "description", line: "description: trips", message: /must NOT have fewer than 10 characters/ },
    { title: "an unknown source type", change: (d) => (d.source = { type: "kafka" }), field: "source.type", line: "type: kafka", message: /must be one of s3, jdbc, firehose, job/ },
    { title: "producers not a list", change: (d) => (d.producers = "role/etl"), field: "producers", line: "producers: role/etl", message: /must be a list/ },
    { title: "a column comment longer than Glue allows", change: (d) => (d.columns[0].comment = "x".repeat(300)), field: "columns[0].comment", line: "comment: xxx", message: /must NOT have more than 255 characters/ },
    { title: "a stack name that can't be one", change: (d) => (d.stacks = ["Prod!"]), field: "stacks[0]", line: "- Prod!", message: /must be a stack name/ },
    { title: "a missing required field", change: (d) => delete d.owner, field: "owner", line: "name: trips", message: /missing required field 'owner'/ },
    { title: "an unknown field, with a suggestion", change: (d) => (d.partition_keys = d.partitionKeys), field: "partition_keys", line: "partition_keys:", message: /unknown field 'partition_keys'; did you mean 'partitionKeys'\?/ },
    { title: "a misspelt column field", change: (d) => (d.columns[1].typ = "int"), field: "columns[1].typ", line: "typ: int", message: /did you mean 'type'/ },
    { title: "an unknown layer", change: (d) => (d.layer = "platinum"), field: "layer", line: "layer: platinum", message: /must be one of bronze, silver, gold/ },
    { title: "an unknown format", change: (d) => (d.format = "textfile"), field: "format", line: "format: textfile", message: /must be one of parquet, orc, iceberg, csv, json, avro/ },
    { title: "an unknown classification", change: (d) => (d.classification = "secret"), field: "classification", line: "classification: secret", message: /must be one of public, internal, confidential, pii/ },
    { title: "columns not a list", change: (d) => (d.columns = "trip_id string"), field: "columns", line: "columns: trip_id string", message: /must be a list/ },
    { title: "no columns", change: (d) => (d.columns = []), field: "columns", line: "columns: []", message: /must NOT have fewer than 1 items/ },
    { title: "a registration date that isn't a date", change: (d) => (d.registeredOn = "15/01/2026"), field: "registeredOn", line: "registeredOn:", message: /ISO date/ },
    { title: "an owner that isn't an email", change: (d) => (d.owner = "the mobility team"), field: "owner", line: "owner: the mobility team", message: /email/ },
    { title: "retention that isn't a positive integer", change: (d) => (d.retentionDays = 0), field: "retentionDays", line: "retentionDays: 0", message: /must be >= 1/ },
    { title: "fractional retention", change: (d) => (d.retentionDays = 1.5), field: "retentionDays", line: "retentionDays: 1.5", message: /must be an integer/ },
    { title: "a consumer without a principal", change: (d) => (d.consumers = [{ columns: ["fare"] }]), field: "consumers[0].principal", line: "- columns:", message: /missing required field 'principal'/ },
    { title: "a jdbc source without a connection", change: (d) => (d.source = { type: "jdbc", path: "crm/dbo/customer" }), field: "source.connection", line: "source:", message: /missing required field 'connection'/ },
    { title: "a field that doesn't apply to the source type", change: (d) => (d.source = { type: "job", job: "x", crawl: true }), field: "source.crawl", line: "crawl: true", message: /'crawl' does not apply to type 'job'/ },
    { title: "an enum projection without values", change: (d) => (d.projection.keys.dt = { type: "enum" }), field: "projection.keys.dt.values", line: "dt:", message: /missing required field 'values'/ },
    { title: "a short unpartitioned reason", change: (d) => { delete d.partitionKeys; delete d.projection; d.unpartitionedReason = "small table"; }, field: "unpartitionedReason", line: "unpartitionedReason: small table", message: /fewer than 20 characters/ },
    { title: "an invalid location", change: (d) => (d.location = "https://bucket/x"), field: "location", line: "location: https://bucket/x", message: /must be an S3 URI, s3:\/\/<bucket>\/<prefix>\// },
    // Names
    { title: "a name invalid for Glue", change: (d) => (d.name = "Trips-2"), field: "name", line: "name: Trips-2", message: /lowercase letters, digits and underscores/ },
    { title: "a file name that doesn't match the name", change: (d) => (d.name = "trip"), field: "name", line: "name: trip", message: /file is named 'trips.yaml' but the dataset is 'trip'/ },
    { title: "a domain that doesn't match the folder", change: (d) => (d.domain = "taxi"), field: "domain", line: "domain: taxi", message: /under stacks\/datasets\/mobility\/ but its domain is 'taxi'/ },
    { title: "a reserved column name", change: (d) => (d.columns[2].name = "timestamp"), field: "columns[2].name", line: "name: timestamp", message: /'timestamp' is an Athena reserved word/ },
    { title: "a reserved partition key", change: (d) => { d.partitionKeys[0].name = "date"; d.projection.keys = { date: d.projection.keys.dt }; }, field: "partitionKeys[0].name", line: "name: date", message: /'date' is an Athena reserved word/ },
    { title: "a column name invalid for Athena", change: (d) => (d.columns[1].name = "fare-usd"), field: "columns[1].name", line: "name: fare-usd", message: /column name must be 1-255 lowercase letters/ },
    { title: "a duplicate column", change: (d) => (d.columns[2].name = "trip_id"), field: "columns[2].name", line: ["name: trip_id", 2], message: /duplicate column 'trip_id' \(also columns\[0\]\)/ },
    { title: "a partition key repeated in columns", change: (d) => d.columns.push({ name: "dt", type: "string" }), field: "partitionKeys[0].name", line: ["- name: dt", 2], message: /partition key 'dt' is also listed in columns/ },
    // Types
    { title: "an unknown type", change: (d) => (d.columns[1].type = "money"), field: "columns[1].type", line: "type: money", message: /unknown type 'money'/ },
    { title: "a decimal out of range", change: (d) => (d.columns[1].type = "decimal(40,2)"), field: "columns[1].type", line: "type: decimal(40,2)", message: /precision 40 must be 1-38/ },
    { title: "a complex partition key", change: (d) => (d.partitionKeys[0].type = "array<string>"), field: "partitionKeys[0].type", line: "type: array<string>", message: /partition key must have a primitive type/ },
    // Layer rules
    { title: "CSV in silver", change: (d) => { d.layer = "silver"; d.format = "csv"; }, field: "format", line: "format: csv", message: /csv is a row format, allowed only in bronze; silver must be parquet, orc or iceberg/ },
    { title: "JSON in gold", change: (d) => (d.format = "json"), field: "format", line: "format: json", message: /json is a row format/ },
    { title: "an unpartitioned gold table without a reason", change: (d) => { delete d.partitionKeys; delete d.projection; }, field: "partitionKeys", line: "name: trips", message: /a gold dataset needs partitionKeys, or an unpartitionedReason/ },
    { title: "a reason on a partitioned table", change: (d) => (d.unpartitionedReason = "small dimension table"), field: "unpartitionedReason", line: "unpartitionedReason:", message: /remove unpartitionedReason/ },
    // Projection
    { title: "projection for a key that isn't a partition key", change: (d) => (d.projection.keys.day = { type: "integer", range: "1,31" }), field: "projection.keys.day", line: "day:", message: /'day' is not a partition key \(partitionKeys: dt\)/ },
    { title: "a partition key without projection", change: (d) => { d.partitionKeys.push({ name: "hour", type: "string" }); }, field: "projection.keys", line: "keys:", message: /partition key 'hour' has no projection/ },
    { title: "a date range that doesn't parse", change: (d) => (d.projection.keys.dt.range = "last 3 years"), field: "projection.keys.dt.range", line: "range: last 3 years", message: /a date range is 'start,end'/ },
    { title: "a date range not in the format", change: (d) => (d.projection.keys.dt.range = "2024/01/01,NOW"), field: "projection.keys.dt.range", line: "range: 2024/01/01,NOW", message: /each a date in the format yyyy-MM-dd/ },
    { title: "a date range that ends before it starts", change: (d) => (d.projection.keys.dt.range = "2025-01-01,2024-01-01"), field: "projection.keys.dt.range", line: "range: 2025-01-01,2024-01-01", message: /start 2025-01-01 is after end 2024-01-01/ },
    { title: "a date that isn't one (month 13, day 45)", change: (d) => (d.projection.keys.dt.range = "2024-13-45,NOW"), field: "projection.keys.dt.range", line: "range: 2024-13-45,NOW", message: /^2024-13-45 is not a date: month 13 is not 1-12$/ },
    { title: "a day the month doesn't have", change: (d) => (d.projection.keys.dt.range = "2023-02-29,2024-01-01"), field: "projection.keys.dt.range", line: "range: 2023-02-29", message: /^2023-02-29 is not a date: day 29 is not in 1-28 for month 2$/ },
    { title: "an hour past 23", change: (d) => (d.projection.keys.dt = { type: "date", range: "2024/01/01/24,NOW", format: "yyyy/MM/dd/HH", interval: 1, unit: "HOURS" }), field: "projection.keys.dt.range", line: "range: 2024/01/01/24", message: /hour 24 is not 0-23/ },
    { title: "a NOW-relative range that ends before it starts", change: (d) => (d.projection.keys.dt.range = "NOW+1YEARS,NOW-5YEARS"), field: "projection.keys.dt.range", line: "range: NOW+1YEARS", message: /^start NOW\+1YEARS is after end NOW-5YEARS$/ },
    { title: "NOW-relative ends in different units, reversed", change: (d) => (d.projection.keys.dt.range = "NOW-1DAYS,NOW-3WEEKS"), field: "projection.keys.dt.range", line: "range: NOW-1DAYS", message: /^start NOW-1DAYS is after end NOW-3WEEKS$/ },
    { title: "an enum value with a '/' (it becomes a folder)", change: (d) => (d.projection.keys.dt = { type: "enum", values: ["eu", "../crm"] }), field: "projection.keys.dt.values[1]", line: "- ../crm", message: /an enum value is one folder name in the data's path: no '\/', '\.' or '\.\.'/ },
    { title: "a date format Athena doesn't know", change: (d) => (d.projection.keys.dt.format = "yyyy-QQ"), field: "projection.keys.dt.format", line: "format: yyyy-QQ", message: /not a date format/ },
    { title: "an hourly date format without a unit", change: (d) => (d.projection.keys.dt.format = "yyyy/MM/dd/HH"), field: "projection.keys.dt", line: "dt:", message: /finer than a day: set interval and unit/ },
    { title: "an integer range that doesn't parse", change: (d) => (d.projection.keys.dt = { type: "integer", range: "1-31" }), field: "projection.keys.dt.range", line: "range: 1-31", message: /an integer range is 'min,max'/ },
    { title: "an integer range reversed", change: (d) => (d.projection.keys.dt = { type: "integer", range: "31,1" }), field: "projection.keys.dt.range", line: "range: 31,1", message: /min 31 is greater than max 1/ },
    { title: "a location template missing a key", change: (d) => (d.projection.locationTemplate = "s3://b/trips/${day}/"), field: "projection.locationTemplate", line: "locationTemplate:", message: /each partition key once as \$\{key\} \(\$\{dt\}\); unknown: day/ },
    { title: "projection on Iceberg", change: (d) => (d.format = "iceberg"), field: "projection", line: "projection:", message: /does not apply to Iceberg/ },
    // Principals
    { title: "a principal that isn't an ARN or shorthand", change: (d) => (d.consumers[0].principal = "analysts"), field: "consumers[0].principal", line: "principal: analysts", message: /not a principal Lake Formation can grant to/ },
    { title: "a producer that isn't a principal", change: (d) => (d.producers = ["arn:aws:s3:::bucket"]), field: "producers[0]", line: "- arn:aws:s3:::bucket", message: /not a principal/ },
    { title: "a consumer column that doesn't exist", change: (d) => (d.consumers[0].columns = ["fair"]), field: "consumers[0].columns[0]", line: "- fair", message: /no column 'fair' in this dataset; did you mean 'fare'\?/ },
    { title: "the same consumer twice", change: (d) => d.consumers.push({ principal: "arn:aws:iam::111111111111:role/analyst" }), field: "consumers[1].principal", line: "principal: arn:aws:iam", message: /already a consumer \(consumers\[0\]\)/ },
    // Sources and schedules
    { title: "a jdbc source naming an undeclared connection", change: (d) => (d.source = { type: "jdbc", connection: "crm_sqlsrv", path: "crm/dbo/customer" }), field: "source.connection", line: "connection: crm_sqlsrv", message: /no connection 'crm_sqlsrv' in stacks\/dev\/connections.yaml; did you mean 'crm_sqlserver'\?/ },
    { title: "a jdbc path of the wrong shape", change: (d) => (d.source = { type: "jdbc", connection: "crm_sqlserver", path: "customer" }), field: "source.path", line: "path: customer", message: /a sqlserver include path is database\/schema\/table/ },
    { title: "a jdbc path for another database", change: (d) => (d.source = { type: "jdbc", connection: "shop_mysql", path: "crm/orders" }), field: "source.path", line: "path: crm/orders", message: /connection 'shop_mysql' is to database 'shop'/ },
    { title: "an invalid crawl schedule", change: (d) => { d.source = { type: "s3", crawl: true }; d.crawlSchedule = "cron(0 3 * * * *)"; }, field: "crawlSchedule", line: "crawlSchedule:", message: /exactly one of day-of-month/ },
    { title: "a schedule without a crawler", change: (d) => (d.crawlSchedule = "cron(0 3 * * ? *)"), field: "crawlSchedule", line: "crawlSchedule:", message: /no crawler to schedule/ },
    { title: "a crawler on an Iceberg table", change: (d) => { d.format = "iceberg"; delete d.projection; d.source = { type: "s3", crawl: true }; }, field: "source.crawl", line: "crawl: true", message: /Iceberg tables keep their own metadata/ },
    // Stacks
    { title: "an override for an unknown stack", change: (d) => (d.overrides = { prd: { retentionDays: 30 } }), field: "overrides.prd", line: "prd:", message: /unknown stack 'prd' \(stacks: dev, prod\); did you mean 'prod'\?/ },
    { title: "an override of a schema field", change: (d) => (d.overrides = { dev: { columns: [] } }), field: "overrides.dev.columns", line: "columns: []", message: /unknown field 'columns'/ },
    { title: "a stacks entry that doesn't exist", change: (d) => (d.stacks = ["dev", "qa"]), field: "stacks[1]", line: "- qa", message: /unknown stack 'qa'/ },
    { title: "a bad principal in an override", change: (d) => (d.overrides = { dev: { consumers: [{ principal: "bob" }] } }), field: "overrides.dev.consumers[0].principal", line: "principal: bob", message: /not a principal/ },
];

describe("datasets: loader, one flipped field at a time", () => {
    it("loads the valid dataset", () => {
        const { datasets } = loadObjects([validDataset()]);
        expect(datasets.map((d) => d.name)).to.deep.equal(["trips"]);
    });

    for (const c of cases) {
        it(`reports ${c.title} at its file, line and field`, () => {
            const ds = validDataset();
            c.change(ds);
            const text = toYaml(ds);
            const file = "stacks/datasets/mobility/trips.yaml";
            const problems = problemsOf(() => loadTexts([{ file, text }]));
            const p = problems.find((x) => x.field === c.field && c.message.test(x.message));
            expect(p, `no problem on ${c.field} matching ${c.message}; got:\n${problems.map(formatProblem).join("\n")}\n---\n${text}`).to.not.equal(undefined);
            expect(p!.file).to.equal(file);
            const [needle, nth] = typeof c.line === "string" ? [c.line, 1] : c.line;
            let line = 0;
            for (let i = 0; i < nth; i++) line = lineOf(text, needle, line);
            expect(p!.line, `line of ${formatProblem(p!)} in\n${text}`).to.equal(line);
            expect(p!.column).to.be.greaterThan(0);
        });
    }
});

describe("datasets: loader, across files and stacks", () => {
    it("reports every problem of every file at once, as file:line:col field: message (value)", () => {
        const a = validDataset();
        a.layer = "silver";
        a.format = "csv";
        const b = { ...validDataset(), name: "zones", columns: [{ name: "select", type: "int" }] };
        const err = (() => {
            try {
                loadObjects([a, b]);
            } catch (e) {
                return e as DatasetError;
            }
            throw new Error("no error");
        })();
        expect(err).to.be.instanceOf(DatasetError);
        expect(err.problems.map((p) => p.file)).to.include.members([fileFor(a), fileFor(b)]);
        expect(err.message).to.match(/stacks\/datasets\/mobility\/trips.yaml:\d+:\d+ format: csv is a row format.* \("csv"\)/);
        expect(err.message).to.match(/stacks\/datasets\/mobility\/zones.yaml:\d+:\d+ columns\[0\].name: 'select' is an Athena reserved word/);
    });

    it("rejects a dataset name defined twice in a stack, naming both files", () => {
        const a = validDataset();
        const b = validDataset();
        const problems = problemsOf(() =>
            loadTexts([
                { file: "stacks/datasets/mobility/trips.yaml", text: toYaml(a) },
                { file: "stacks/datasets/mobility/trips.yml", text: toYaml(b) },
            ]),
        );
        expect(problems).to.have.length(1);
        expect(problems[0]!.file).to.equal("stacks/datasets/mobility/trips.yml");
        expect(problems[0]!.field).to.equal("name");
        expect(problems[0]!.message).to.match(/duplicate dataset name in stack 'dev': stacks\/datasets\/mobility\/trips.yaml already defines it/);
    });

    it("reports YAML syntax errors and duplicate keys with their line", () => {
        const text = "name: trips\nname: again\ncolumns: [\n";
        const problems = problemsOf(() => loadTexts([{ file: "stacks/datasets/mobility/trips.yaml", text }]));
        expect(problems[0]!.message).to.match(/YAML syntax/);
        expect(problems.some((p) => p.line === 2)).to.equal(true);
    });

    it("rejects a file that isn't a mapping", () => {
        const problems = problemsOf(() => loadTexts([{ file: "stacks/datasets/mobility/trips.yaml", text: "- name: trips\n" }]));
        expect(problems[0]!.message).to.match(/expected a mapping of fields/);
    });

    it("registers nothing when one file of many is bad", () => {
        const bad = { ...validDataset(), name: "zones", format: "csv" };
        expect(() => loadObjects([validDataset(), bad])).to.throw(DatasetError);
    });

    it("rejects invalid connection files with their line", () => {
        const text = "connections:\n  - name: crm\n    engine: oracle\n    host: db\n    database: crm\n    subnetId: subnet-123\n    securityGroupIds: []\n    availabilityZone: eu-west-1a\n";
        const problems = problemsOf(() => loadTexts([], { connections: [{ file: "stacks/dev/connections.yaml", text }] }));
        const byField = Object.fromEntries(problems.map((p) => [p.field, p]));
        expect(byField["connections[0].engine"]!.message).to.match(/postgresql, mysql, sqlserver/);
        expect(byField["connections[0].engine"]!.line).to.equal(3);
        expect(byField["connections[0].subnetId"]!.line).to.equal(6);
        expect(byField["connections[0].subnetId"]!.message).to.equal("must be a subnet id like subnet-0a1b2c3d4e5f60711");
        expect(byField["connections[0].securityGroupIds"]!.message).to.match(/fewer than 1 items/);
    });
});

describe("datasets: loader, defaults and normalisation", () => {
    const load = (change: (d: Record<string, any>) => void, stack = "dev") => {
        const ds = validDataset();
        change(ds);
        return loadObjects([ds], { stack }).datasets[0]!;
    };

    it("defaults format to parquet, source to s3 without crawler, no location, no retention", () => {
        const d = load((d) => {
            delete d.format;
            delete d.source;
        });
        expect(d.format).to.equal("parquet");
        expect(d.source).to.deep.equal({ type: "s3", crawl: false });
        expect(d.location).to.equal(undefined);
        expect(d.retentionDays).to.equal(undefined);
        expect(d.file).to.equal("stacks/datasets/mobility/trips.yaml");
    });

    it("normalises unambiguous case: Parquet, GOLD, DECIMAL(10,2), INT, upper-case column names", () => {
        const d = load((d) => {
            d.format = "Parquet";
            d.layer = "GOLD";
            d.classification = "Internal";
            d.columns[1] = { name: "Fare", type: "DECIMAL(10, 2)" };
            d.columns.push({ name: "VendorID", type: "INTEGER" });
            d.consumers = [{ principal: "role/analyst", columns: ["FARE"] }];
        });
        expect([d.format, d.layer, d.classification]).to.deep.equal(["parquet", "gold", "internal"]);
        expect(d.columns[1]).to.deep.equal({ name: "fare", type: "decimal(10,2)" });
        expect(d.columns[3]).to.deep.equal({ name: "vendorid", type: "int" });
        expect(d.consumers[0]!.columns).to.deep.equal(["fare"]);
    });

    it("reads 'raw' as the bronze layer", () => {
        expect(load((d) => (d.layer = "raw")).layer).to.equal("bronze");
    });

    it("resolves role/ and user/ shorthands with the stack's account and keeps full ARNs", () => {
        const d = load((d) => {
            d.producers = ["role/etl", "user/loader"];
            d.consumers = [
                { principal: "role/team/analyst" },
                { principal: "arn:aws:iam::333333333333:role/partner" },
                { principal: "arn:aws:iam::111111111111:saml-provider/okta:group/analysts" },
                { principal: "arn:aws:quicksight:eu-west-1:111111111111:group/default/bi-authors" },
            ];
        });
        expect(d.producers).to.deep.equal([`arn:aws:iam::${ACCOUNT}:role/etl`, `arn:aws:iam::${ACCOUNT}:user/loader`]);
        expect(d.consumers.map((c) => c.principal)).to.deep.equal([
            `arn:aws:iam::${ACCOUNT}:role/team/analyst`,
            "arn:aws:iam::333333333333:role/partner",
            "arn:aws:iam::111111111111:saml-provider/okta:group/analysts",
            "arn:aws:quicksight:eu-west-1:111111111111:group/default/bi-authors",
        ]);
    });

    it("applies overrides only to their stack", () => {
        const change = (d: Record<string, any>) => (d.overrides = { prod: { retentionDays: 730, consumers: [{ principal: "role/bi" }] } });
        expect(load(change, "dev").retentionDays).to.equal(undefined);
        const prod = load(change, "prod");
        expect(prod.retentionDays).to.equal(730);
        expect(prod.consumers).to.deep.equal([{ principal: `arn:aws:iam::${ACCOUNT}:role/bi` }]);
    });

    it("leaves a dataset out of stacks it isn't listed for", () => {
        const ds = { ...validDataset(), stacks: ["prod"] };
        expect(loadObjects([ds], { stack: "dev" }).datasets).to.deep.equal([]);
        expect(loadObjects([ds], { stack: "prod" }).datasets).to.have.length(1);
    });

    it("accepts leap days, NOW-relative ranges in either unit order, and equal ends", () => {
        for (const range of ["2024-02-29,NOW", "NOW-3YEARS,NOW", "NOW-2WEEKS,NOW-1DAYS", "2024-01-01,2024-01-01", "NOW,NOW+1DAYS"]) {
            expect(load((d) => (d.projection.keys.dt.range = range)).projection!.keys.dt, range).to.deep.include({ range });
        }
    });

    it("keeps projection settings and accepts NOW-relative and literal ranges", () => {
        const d = load((d) => {
            d.partitionKeys = [{ name: "dt", type: "string" }, { name: "region", type: "string" }, { name: "hour", type: "int" }, { name: "tenant", type: "string" }];
            d.projection = {
                keys: {
                    dt: { type: "date", range: "2020-01-01, NOW", format: "yyyy-MM-dd", interval: 1, unit: "days" },
                    region: { type: "enum", values: ["eu", "us"] },
                    hour: { type: "integer", range: "0,23", digits: 2 },
                    tenant: { type: "injected" },
                },
                locationTemplate: "${tenant}/${dt}/${region}/${hour}/",
            };
        });
        expect(d.projection).to.deep.equal({
            keys: {
                dt: { type: "date", range: "2020-01-01,NOW", format: "yyyy-MM-dd", interval: 1, unit: "DAYS" },
                region: { type: "enum", values: ["eu", "us"] },
                hour: { type: "integer", range: "0,23", digits: 2 },
                tenant: { type: "injected" },
            },
            locationTemplate: "${tenant}/${dt}/${region}/${hour}/",
        });
    });

    it("accepts an unpartitioned silver dimension with its reason", () => {
        const d = load((d) => {
            d.layer = "silver";
            delete d.partitionKeys;
            delete d.projection;
            d.unpartitionedReason = "Small dimension rewritten nightly.";
        });
        expect(d.partitionKeys).to.deep.equal([]);
        expect(d.unpartitionedReason).to.equal("Small dimension rewritten nightly.");
    });

    it("accepts row formats and no partitions in bronze", () => {
        const d = load((d) => {
            d.layer = "bronze";
            d.format = "CSV";
            d.columns = [{ name: "trip_id", type: "string" }, { name: "fare", type: "DOUBLE" }, { name: "paid", type: "boolean" }];
            delete d.partitionKeys;
            delete d.projection;
        });
        expect(d.format).to.equal("csv");
    });

    it("loads a jdbc source against the stack's connections with defaults", () => {
        const r = loadObjects([{ ...validDataset(), layer: "bronze", source: { type: "jdbc", connection: "crm_sqlserver", path: "crm/dbo/customer" }, crawlSchedule: "cron(0 1 * * ? *)" }]);
        expect(r.datasets[0]!.source).to.deep.equal({ type: "jdbc", connection: "crm_sqlserver", path: "crm/dbo/customer" });
        const crm = r.connections.find((c) => c.name === "crm_sqlserver")!;
        expect(crm).to.include({ engine: "sqlserver", port: 1433, enforceSsl: true, file: "stacks/dev/connections.yaml" });
        expect(r.connections.find((c) => c.name === "shop_mysql")!.port).to.equal(3306);
    });
});
