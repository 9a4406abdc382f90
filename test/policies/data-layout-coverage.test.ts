/**
 * The "no silent passes" additions to lake-data-layout: lake-layer-determined, and tables created by DDL in
 * Athena saved queries judged by the columnar and partitioning rules. Same habit as data-layout.test.ts:
 * start from a passing resource and flip one field.
 */
import { expect } from "chai";
import { MARKERS } from "../../contract";
import { curatedColumnarFormat } from "../../policies/lake-data-layout/curated-columnar-format";
import { curatedTablePartitioning } from "../../policies/lake-data-layout/curated-table-partitioning";
import { lakeLayerDetermined } from "../../policies/lake-data-layout/lake-layer-determined";
import { PARQUET } from "../../policies/lib/formats";
import { T } from "../../policies/lib/types";
import { flip, res, runStack } from "./helpers";

/** A gold Parquet table in a plain-named database, placed by its marker: passes every layout rule. */
const markedTable = {
    name: "orders",
    databaseName: "analytics_dw",
    parameters: { [MARKERS.layer]: "gold" },
    partitionKeys: [{ name: "dt", type: "string" }],
    storageDescriptor: {
        location: "s3://acme-dw/orders/",
        inputFormat: PARQUET.inputFormat,
        outputFormat: PARQUET.outputFormat,
        serDeInfo: { serializationLibrary: PARQUET.serializationLibrary },
    },
};

/** A JSON table DDL in a gold database: the shape the public programs used. */
const JSON_DDL = `CREATE EXTERNAL TABLE IF NOT EXISTS sales_gold.clicks (
  id string,
  ts timestamp
)
PARTITIONED BY (dt string)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
LOCATION 's3://acme-lake-gold/clicks/'`;

const PARQUET_DDL = JSON_DDL.replace("ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'", "STORED AS PARQUET");

const namedQuery = (query: string, extra: Record<string, unknown> = {}, name = "clicks-ddl") =>
    res(T.athenaNamedQuery, name, { name, database: "sales_gold", workgroup: "lake-analysts", query, ...extra });

describe("lake-data-layout: coverage additions", () => {
    describe("lake-layer-determined", () => {
        const run = (props: object, extra: ReturnType<typeof res>[] = [], config: Record<string, unknown> = {}) =>
            runStack(lakeLayerDetermined, [...extra, res(T.glueCatalogTable, "orders", props as Record<string, unknown>)], config);

        it("passes a table with a lake:layer marker", async () => {
            expect(await run(markedTable)).to.deep.equal([]);
        });
        it("flags a table in analytics_dw without a marker, naming the evidence and the fix", async () => {
            const v = await run(flip(markedTable, "parameters", {}));
            expect(v).to.have.length(1);
            expect(v[0].urn).to.contain("orders");
            expect(v[0].message)
                .to.contain("aws.glue.CatalogTable 'orders' is in no lake layer")
                .and.contain("no lake:layer marker in the table parameters")
                .and.contain('database name "analytics_dw", location "s3://acme-dw/orders/" match no layer pattern')
                .and.contain("curated-columnar-format and curated-table-partitioning don't judge it")
                .and.contain(`Fix: set parameters["${MARKERS.layer}"]`)
                .and.contain("raw|bronze|landing")
                .and.contain("layerPatterns");
        });
        it("passes when the database resource carries the marker", async () => {
            const db = res(T.glueCatalogDatabase, "dw", { name: "analytics_dw", parameters: { [MARKERS.layer]: "silver" } });
            expect(await run(flip(markedTable, "parameters", {}), [db])).to.deep.equal([]);
        });
        it("names the database resource it looked at", async () => {
            const db = res(T.glueCatalogDatabase, "dw", { name: "analytics_dw" });
            const v = await run(flip(markedTable, "parameters", {}), [db]);
            expect(v[0].message).to.contain("table parameters or database 'dw' parameters");
        });
        it("passes a database name with a layer word", async () => {
            expect(await run(flip(flip(markedTable, "parameters", {}), "databaseName", "serverless_raw"))).to.deep.equal([]);
        });
        it("flags an unrecognised marker value", async () => {
            const v = await run(flip(markedTable, ["parameters", MARKERS.layer], "platinum"));
            expect(v[0].message).to.contain('table parameter lake:layer="platinum" is not bronze, silver, gold or raw');
        });
        it("honours configured layerPatterns", async () => {
            const plain = flip(markedTable, "parameters", {});
            expect(await run(plain, [], { layerPatterns: { gold: "_dw$" } })).to.deep.equal([]);
        });
        it("flags a Firehose S3 destination with no layer, and passes a tagged bucket", async () => {
            const bucket = res(T.bucket, "events", { bucket: "acme-events", arn: "arn:aws:s3:::acme-events" });
            const stream = res(T.firehose, "clicks", {
                destination: "extended_s3",
                extendedS3Configuration: { bucketArn: "arn:aws:s3:::acme-events", prefix: "clicks/" },
            });
            const v = await runStack(lakeLayerDetermined, [bucket, stream]);
            expect(v).to.have.length(1);
            expect(v[0].message)
                .to.contain("aws.kinesis.FirehoseDeliveryStream 'clicks' delivers to no lake layer")
                .and.contain("no lake:layer marker in the stream tags or bucket 'events' tags")
                .and.contain('prefix "clicks/", bucket ARN "arn:aws:s3:::acme-events", bucket name "acme-events" match no layer pattern')
                .and.contain("Fix: tag the stream or its destination bucket lake:layer=bronze|silver|gold");
            const tagged = res(T.bucket, "events", { bucket: "acme-events", arn: "arn:aws:s3:::acme-events", tags: { [MARKERS.layer]: "bronze" } });
            expect(await runStack(lakeLayerDetermined, [tagged, stream])).to.deep.equal([]);
            const redshift = res(T.firehose, "toRedshift", { destination: "redshift" });
            expect(await runStack(lakeLayerDetermined, [redshift])).to.deep.equal([]);
        });
        it("flags a DDL-created table with no layer, telling it to use TBLPROPERTIES", async () => {
            const ddl = namedQuery(PARQUET_DDL.replace("sales_gold.clicks", "dw.clicks").replace("acme-lake-gold", "acme-dw"));
            const v = await runStack(lakeLayerDetermined, [ddl]);
            expect(v).to.have.length(1);
            expect(v[0].message).to.contain("aws.athena.NamedQuery 'clicks-ddl' (CREATE EXTERNAL TABLE dw.clicks) is in no lake layer").and.contain("TBLPROPERTIES");
            const marked = namedQuery(PARQUET_DDL.replace("sales_gold.clicks", "dw.clicks").replace("acme-lake-gold", "acme-dw") + " TBLPROPERTIES ('lake:layer'='gold')");
            expect(await runStack(lakeLayerDetermined, [marked])).to.deep.equal([]);
        });
    });

    describe("curated-columnar-format on Athena DDL", () => {
        const run = (query: string, extra: Record<string, unknown> = {}) => runStack(curatedColumnarFormat, [namedQuery(query, extra)]);

        it("passes a Parquet table DDL in gold", async () => {
            expect(await run(PARQUET_DDL)).to.deep.equal([]);
        });
        it("flags a JSON SerDe table DDL in gold, saying it as the DDL does", async () => {
            const v = await run(JSON_DDL);
            expect(v).to.have.length(1);
            expect(v[0].urn).to.contain("clicks-ddl");
            expect(v[0].message)
                .to.contain("aws.athena.NamedQuery 'clicks-ddl' (CREATE EXTERNAL TABLE sales_gold.clicks) is in the gold layer (database name \"sales_gold\" matches the gold name pattern)")
                .and.contain("ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' (json)")
                .and.contain("Fix: write STORED AS PARQUET");
        });
        it("flags STORED AS TEXTFILE, and a DDL with no STORED AS (TEXTFILE is the default)", async () => {
            const text = await run(PARQUET_DDL.replace("STORED AS PARQUET", "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' STORED AS TEXTFILE"));
            expect(text[0].message).to.contain("STORED AS TEXTFILE (text)").and.contain("ROW FORMAT DELIMITED (LazySimpleSerDe) (csv)");
            const none = await run(PARQUET_DDL.replace("STORED AS PARQUET", ""));
            expect(none[0].message).to.contain("no STORED AS clause (TEXTFILE, the default) (text)");
        });
        it("passes the same JSON DDL in a bronze database", async () => {
            expect(await run(JSON_DDL.replace("sales_gold.clicks", "sales_raw.clicks").replace("acme-lake-gold", "acme-lake-raw"))).to.deep.equal([]);
        });
        it("takes an unqualified table's database from the query's database input and its database resource", async () => {
            const unqualified = JSON_DDL.replace("sales_gold.clicks", "clicks").replace("acme-lake-gold", "acme-lake");
            const db = res(T.glueCatalogDatabase, "salesDb", { name: "sales", parameters: { [MARKERS.layer]: "silver" } });
            const q = res(T.athenaNamedQuery, "q", { database: "sales", workgroup: "lake", query: unqualified }, { refs: { database: [db] } });
            const v = await runStack(curatedColumnarFormat, [db, q]);
            expect(v[0].message).to.contain("(CREATE EXTERNAL TABLE sales.clicks) is in the silver layer (database 'salesDb' parameter lake:layer=\"silver\")");
        });
        it("judges CTAS: Parquet by default and Iceberg pass, JSON format is flagged", async () => {
            const ctas = "CREATE TABLE sales_gold.daily WITH (partitioned_by = ARRAY['dt']) AS SELECT id, dt FROM sales_raw.clicks";
            expect(await run(ctas)).to.deep.equal([]);
            expect(await run(ctas.replace("WITH (", "WITH (table_type = 'ICEBERG', location = 's3://acme-lake-gold/daily/', "))).to.deep.equal([]);
            const json = await run(ctas.replace("WITH (", "WITH (format = 'JSON', "));
            expect(json[0].message).to.contain("(CREATE TABLE AS SELECT sales_gold.daily)").and.contain("WITH (format = 'JSON') (json)").and.contain("WITH (format = 'PARQUET')");
        });
        it("passes an Iceberg CREATE TABLE", async () => {
            const ice = "CREATE TABLE sales_gold.events (id string, ts timestamp) PARTITIONED BY (day(ts)) LOCATION 's3://acme-lake-gold/events/' TBLPROPERTIES ('table_type'='ICEBERG')";
            expect(await run(ice)).to.deep.equal([]);
        });
        it("judges prepared statements' CTAS too, and ignores SELECTs", async () => {
            const ps = res(T.athenaPreparedStatement, "ps", { workgroup: "lake", queryStatement: "CREATE TABLE sales_gold.d WITH (format = 'TEXTFILE') AS SELECT * FROM t WHERE dt = ?" });
            expect((await runStack(curatedColumnarFormat, [ps]))[0].message).to.contain("aws.athena.PreparedStatement 'ps'");
            expect(await run("SELECT * FROM sales_gold.orders LIMIT 10")).to.deep.equal([]);
        });
    });

    describe("curated-table-partitioning on Athena DDL", () => {
        const run = (query: string) => runStack(curatedTablePartitioning, [namedQuery(query)]);

        it("passes a partitioned gold DDL", async () => {
            expect(await run(PARQUET_DDL)).to.deep.equal([]);
        });
        it("flags a gold DDL without PARTITIONED BY", async () => {
            const v = await run(PARQUET_DDL.replace("PARTITIONED BY (dt string)", ""));
            expect(v[0].message).to.contain("its CREATE EXTERNAL TABLE declares no partitions").and.contain("Fix: add PARTITIONED BY (dt string)");
        });
        it("accepts a written exemption in TBLPROPERTIES", async () => {
            const dim = `${PARQUET_DDL.replace("PARTITIONED BY (dt string)", "")} TBLPROPERTIES ('${MARKERS.unpartitionedReason}'='dimension table, 200 rows, replaced nightly')`;
            expect(await run(dim)).to.deep.equal([]);
        });
        it("flags an unpartitioned gold CTAS", async () => {
            const v = await run("CREATE TABLE sales_gold.daily AS SELECT * FROM sales_raw.clicks");
            expect(v[0].message).to.contain("Fix: add partitioned_by = ARRAY['dt']");
        });
    });
});
