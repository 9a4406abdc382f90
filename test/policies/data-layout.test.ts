import { expect } from "chai";
import { MARKERS } from "../../contract";
import { curatedColumnarFormat } from "../../policies/lake-data-layout/curated-columnar-format";
import { firehoseColumnarConversion } from "../../policies/lake-data-layout/firehose-columnar-conversion";
import { partitionProjectionConsistency } from "../../policies/lake-data-layout/partition-projection-consistency";
import { curatedTablePartitioning } from "../../policies/lake-data-layout/curated-table-partitioning";
import { ORC, PARQUET } from "../../policies/lib/formats";
import { T } from "../../policies/lib/types";
import { flip, res, runResource, runStack } from "./helpers";

const CSV = {
    inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
    outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
    serDeInfo: { serializationLibrary: "org.apache.hadoop.hive.serde2.OpenCSVSerde" },
};

/** A gold Parquet table partitioned by dt with complete projection: passes every data-layout rule. */
const goldTable = {
    name: "orders",
    databaseName: "sales_gold",
    tableType: "EXTERNAL_TABLE",
    parameters: {
        [MARKERS.layer]: "gold",
        classification: "parquet",
        "projection.enabled": "true",
        "projection.dt.type": "date",
        "projection.dt.range": "2024-01-01,NOW",
        "projection.dt.format": "yyyy-MM-dd",
        "projection.dt.interval": "1",
        "projection.dt.interval.unit": "DAYS",
        "storage.location.template": "s3://acme-lake-gold/sales/orders/dt=${dt}/",
    },
    partitionKeys: [{ name: "dt", type: "string" }],
    storageDescriptor: {
        location: "s3://acme-lake-gold/sales/orders/",
        inputFormat: PARQUET.inputFormat,
        outputFormat: PARQUET.outputFormat,
        serDeInfo: { serializationLibrary: PARQUET.serializationLibrary },
        columns: [{ name: "order_id", type: "string" }],
    },
};

const table = (props: object, name = "orders") => res(T.glueCatalogTable, name, props as Record<string, unknown>);

describe("lake-data-layout", () => {
    describe("curated-columnar-format", () => {
        const run = (props: object, extra: ReturnType<typeof res>[] = []) =>
            runStack(curatedColumnarFormat, [...extra, table(props)]);

        it("passes a Parquet gold table", async () => {
            expect(await run(goldTable)).to.deep.equal([]);
        });
        it("passes an ORC gold table", async () => {
            const orc = flip(goldTable, "storageDescriptor", { ...ORC, serDeInfo: { serializationLibrary: ORC.serializationLibrary } });
            expect(await run(orc)).to.deep.equal([]);
        });
        it("passes an Iceberg gold table with no storage classes", async () => {
            const ice = flip(flip(goldTable, "storageDescriptor", { location: "s3://acme-lake-gold/x/" }), "openTableFormatInput", {
                icebergInput: { metadataOperation: "CREATE", version: "2" },
            });
            expect(await run(ice)).to.deep.equal([]);
        });
        it("passes CSV in bronze", async () => {
            const bronze = flip(flip(goldTable, ["parameters", MARKERS.layer], "bronze"), "storageDescriptor", CSV);
            expect(await run(bronze)).to.deep.equal([]);
        });
        it("flags CSV in gold, naming the class and the layer evidence", async () => {
            const v = await run(flip(goldTable, "storageDescriptor", CSV));
            expect(v).to.have.length(1);
            expect(v[0].message).to.match(/aws\.glue\.CatalogTable 'orders' is in the gold layer \(table parameter lake:layer="gold"\)/);
            expect(v[0].message).to.contain("OpenCSVSerde").and.contain("Fix:").and.contain(PARQUET.serializationLibrary);
            expect(v[0].urn).to.contain("orders");
        });
        it("flags JSON SerDe in silver", async () => {
            const json = flip(flip(goldTable, ["parameters", MARKERS.layer], "silver"), "storageDescriptor.serDeInfo.serializationLibrary", "org.openx.data.jsonserde.JsonSerDe");
            expect((await run(json))[0].message).to.contain("(json)");
        });
        it("flags Avro in gold", async () => {
            const avro = flip(goldTable, "storageDescriptor.inputFormat", "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat");
            expect((await run(avro))[0].message).to.contain("(avro)");
        });
        it("flags a gold table with no format at all", async () => {
            const none = flip(goldTable, "storageDescriptor", { location: "s3://acme-lake-gold/x/" });
            expect((await run(none))[0].message).to.contain("declares no storage format");
        });
        it("flags mixed Parquet and ORC classes", async () => {
            const mixed = flip(goldTable, "storageDescriptor.inputFormat", ORC.inputFormat);
            expect((await run(mixed))[0].message).to.contain("mixes");
        });
        it("flags a missing output format", async () => {
            const v = await run(flip(goldTable, "storageDescriptor.outputFormat", undefined));
            expect(v[0].message).to.contain("storageDescriptor.outputFormat is not set");
        });
        it("flags an unrecognised class", async () => {
            const v = await run(flip(goldTable, "storageDescriptor.serDeInfo.serializationLibrary", "com.example.MySerDe"));
            expect(v[0].message).to.contain("unrecognised");
        });
        it("takes the layer from the database resource's marker", async () => {
            const noMarker = flip(flip(goldTable, ["parameters", MARKERS.layer], undefined), "databaseName", "sales");
            const loc = flip(flip(noMarker, "storageDescriptor", CSV), "storageDescriptor.location", "s3://acme-lake/sales/orders/");
            const db = res(T.glueCatalogDatabase, "salesDb", { name: "sales", parameters: { [MARKERS.layer]: "gold" } });
            const v = await run(loc, [db]);
            expect(v[0].message).to.contain(`database 'salesDb' parameter lake:layer="gold"`);
            const bronzeDb = res(T.glueCatalogDatabase, "salesDb", { name: "sales", parameters: { [MARKERS.layer]: "bronze" } });
            expect(await run(loc, [bronzeDb])).to.deep.equal([]);
        });
        it("falls back to the database name pattern", async () => {
            const plain = flip(flip(goldTable, "parameters", {}), "storageDescriptor", CSV);
            const v = await run(flip(plain, "storageDescriptor.location", "s3://acme/x/"));
            expect(v[0].message).to.contain('database name "sales_gold" matches the gold name pattern');
        });
        it("uses the database resource's locationUri before the table location", async () => {
            const plain = flip(flip(flip(goldTable, "parameters", {}), "storageDescriptor", CSV), "databaseName", "sales");
            const db = res(T.glueCatalogDatabase, "salesDb", { name: "sales", locationUri: "s3://acme-lake/silver/sales/" });
            const v = await run(flip(plain, "storageDescriptor.location", "s3://acme/orders/"), [db]);
            expect(v[0].message).to.contain(`database 'salesDb' locationUri "s3://acme-lake/silver/sales/" matches the silver name pattern`);
        });
        it("falls back to the location pattern, and honours configured patterns", async () => {
            const plain = flip(flip(flip(goldTable, "parameters", {}), "storageDescriptor", CSV), "databaseName", "sales");
            const curated = flip(plain, "storageDescriptor.location", "s3://acme-curated-zone/orders/");
            expect((await run(curated))[0].message).to.contain("location");
            const custom = flip(plain, "storageDescriptor.location", "s3://acme-platinum/orders/");
            expect(await run(custom)).to.deep.equal([]);
            const v = await runStack(curatedColumnarFormat, [table(custom)], { layerPatterns: { gold: "platinum" } });
            expect(v).to.have.length(1);
        });
        it("ignores tables with no layer evidence", async () => {
            const plain = flip(flip(flip(goldTable, "parameters", {}), "storageDescriptor", CSV), "databaseName", "sales");
            expect(await run(flip(plain, "storageDescriptor.location", "s3://acme/orders/"))).to.deep.equal([]);
        });
    });

    describe("curated-table-partitioning", () => {
        const run = (props: object) => runStack(curatedTablePartitioning, [table(props)]);

        it("passes a partitioned gold table", async () => {
            expect(await run(goldTable)).to.deep.equal([]);
        });
        it("flags a gold table without partition keys", async () => {
            const v = await run(flip(flip(goldTable, "partitionKeys", undefined), "parameters", { [MARKERS.layer]: "gold" }));
            expect(v).to.have.length(1);
            expect(v[0].message).to.contain("declares no partitionKeys").and.contain(MARKERS.unpartitionedReason);
        });
        it("flags an empty partitionKeys list with projection on", async () => {
            const v = await run(flip(goldTable, "partitionKeys", []));
            expect(v[0].message).to.contain("enables partition projection without declaring partitionKeys");
        });
        it("accepts an exempted dimension table with a reason", async () => {
            const dim = flip(flip(goldTable, "partitionKeys", undefined), "parameters", {
                [MARKERS.layer]: "gold",
                [MARKERS.unpartitionedReason]: "dimension table, 200 rows, replaced nightly",
            });
            expect(await run(dim)).to.deep.equal([]);
        });
        it("flags an exemption whose reason is too short", async () => {
            const dim = flip(flip(goldTable, "partitionKeys", undefined), "parameters", {
                [MARKERS.layer]: "gold",
                [MARKERS.unpartitionedReason]: "small",
            });
            const v = await run(dim);
            expect(v[0].message).to.contain('="small" is 5 characters');
            expect(await runStack(curatedTablePartitioning, [table(dim)], { minReasonLength: 5 })).to.deep.equal([]);
        });
        it("passes unpartitioned bronze tables", async () => {
            const raw = flip(flip(goldTable, "partitionKeys", undefined), "parameters", { [MARKERS.layer]: "raw" });
            expect(await run(raw)).to.deep.equal([]);
        });
        it("judges Iceberg tables by their partition spec", async () => {
            const ice = flip(flip(goldTable, "partitionKeys", undefined), "openTableFormatInput", {
                icebergInput: { metadataOperation: "CREATE" },
            });
            expect((await run(ice))[0].message).to.contain("Iceberg table");
            const spec = flip(ice, "openTableFormatInput.icebergInput.icebergTableInput", {
                location: "s3://acme-lake-gold/ice/",
                schema: { fields: [{ id: 1, name: "dt", type: "date", required: true }] },
                partitionSpec: { fields: [{ name: "dt_day", sourceId: 1, transform: "day", fieldId: 1000 }] },
            });
            expect(await run(spec)).to.deep.equal([]);
        });
    });

    describe("partition-projection-consistency", () => {
        const run = (props: object, config: Record<string, unknown> = {}) =>
            runResource(partitionProjectionConsistency, T.glueCatalogTable, props as Record<string, unknown>, { name: "orders", config });
        const param = (key: string, value: unknown) => flip(goldTable, ["parameters", key], value);

        it("passes complete date projection", async () => {
            expect(await run(goldTable)).to.deep.equal([]);
        });
        it("passes tables without projection", async () => {
            const none = flip(goldTable, "parameters", { [MARKERS.layer]: "gold" });
            expect(await run(none)).to.deep.equal([]);
        });
        it("passes enum, integer and injected keys and NOW-relative ranges", async () => {
            const t = flip(
                flip(goldTable, "partitionKeys", [
                    { name: "region", type: "string" },
                    { name: "bucket", type: "int" },
                    { name: "tenant", type: "string" },
                    { name: "dt", type: "string" },
                ]),
                "parameters",
                {
                    "projection.enabled": "TRUE",
                    "projection.region.type": "enum",
                    "projection.region.values": "eu-west-1,us-east-1",
                    "projection.bucket.type": "integer",
                    "projection.bucket.range": "0,15",
                    "projection.bucket.digits": "2",
                    "projection.tenant.type": "injected",
                    "projection.dt.type": "date",
                    "projection.dt.range": "NOW-3YEARS,NOW",
                    "projection.dt.format": "yyyy/MM/dd/HH",
                    "storage.location.template": "s3://b/t/${region}/${bucket}/${tenant}/${dt}/",
                },
            );
            expect(await run(t)).to.deep.equal([]);
        });
        const cases: [string, string, unknown, RegExp][] = [
            ["a missing type", "projection.dt.type", undefined, /projection\.dt\.type"\] is not set/],
            ["an unknown type", "projection.dt.type", "datetime", /"datetime" is not a projection type/],
            ["a missing date range", "projection.dt.range", undefined, /projection\.dt\.range"\] is required for type date/],
            ["a missing date format", "projection.dt.format", undefined, /projection\.dt\.format"\] is required/],
            ["a range not in the format", "projection.dt.range", "2024/01/01,NOW", /"2024\/01\/01" match neither the format "yyyy-MM-dd"/],
            ["a one-sided range", "projection.dt.range", "2024-01-01", /is not "start,end"/],
            ["a bad interval unit", "projection.dt.interval.unit", "FORTNIGHTS", /"FORTNIGHTS" is not a unit/],
            ["a zero interval", "projection.dt.interval", "0", /"0" is not a positive integer/],
            ["a template missing a key", "storage.location.template", "s3://acme-lake-gold/sales/orders/", /lacks placeholder\(s\) \$\{dt\}/],
            ["a template with a foreign key", "storage.location.template", "s3://acme-lake-gold/o/${dt}/${hour}/", /\$\{hour\} that are not partition keys/],
            ["a template that is not s3", "storage.location.template", "acme-lake-gold/o/${dt}/", /is not an s3:\/\/bucket\/prefix URI/],
            ["no template", "storage.location.template", undefined, /storage\.location\.template"\] is not set/],
            ["projection for a non-partition column", "projection.hour.type", "integer", /"hour" is not a partition key/],
        ];
        for (const [what, key, value, re] of cases) {
            it(`flags ${what}`, async () => {
                const v = await run(param(key, value));
                expect(v.map((x) => x.message).join("\n")).to.match(re);
                expect(v[0].message).to.match(/^aws\.glue\.CatalogTable 'orders' .*Fix: /);
            });
        }
        it("flags integer range problems", async () => {
            const t = flip(flip(param("projection.dt.type", "integer"), ["parameters", "projection.dt.range"], "9,1"), ["parameters", "projection.dt.format"], undefined);
            expect((await run(t))[0].message).to.contain("min greater than max");
            const t2 = flip(t, ["parameters", "projection.dt.range"], "a-b");
            expect((await run(t2))[0].message).to.contain('is not "min,max" integers');
        });
        it("flags an enum with no values", async () => {
            const t = flip(param("projection.dt.type", "enum"), ["parameters", "projection.dt.values"], undefined);
            expect((await run(t)).map((x) => x.message).join()).to.contain("projection.dt.values");
        });
        it("flags projection settings without projection.enabled", async () => {
            const v = await run(param("projection.enabled", undefined));
            expect(v[0].message).to.contain('parameters["projection.enabled"] is not set, so Athena ignores the projection');
        });
        it("lets the template be optional by config", async () => {
            expect(await run(param("storage.location.template", undefined), { requireLocationTemplate: false })).to.deep.equal([]);
        });
    });

    describe("firehose-columnar-conversion", () => {
        const bucket = res(T.bucket, "goldBucket", { bucket: "acme-lake-gold", arn: "arn:aws:s3:::acme-lake-gold", tags: { [MARKERS.layer]: "gold" } });
        const stream = {
            destination: "extended_s3",
            extendedS3Configuration: {
                bucketArn: "arn:aws:s3:::acme-lake-gold",
                roleArn: "arn:aws:iam::123456789012:role/firehose",
                prefix: "events/dt=!{timestamp:yyyy-MM-dd}/",
                errorOutputPrefix: "errors/!{firehose:error-output-type}/",
                bufferingSize: 128,
                dataFormatConversionConfiguration: {
                    enabled: true,
                    inputFormatConfiguration: { deserializer: { openXJsonSerDe: {} } },
                    outputFormatConfiguration: { serializer: { parquetSerDe: { compression: "SNAPPY" } } },
                    schemaConfiguration: { databaseName: "events_gold", tableName: "events", roleArn: "arn:aws:iam::123456789012:role/firehose" },
                },
            },
        };
        const run = (props: object, withBucket = true) =>
            runStack(firehoseColumnarConversion, [...(withBucket ? [bucket] : []), res(T.firehose, "events", props as Record<string, unknown>)]);

        it("passes Parquet conversion into gold", async () => {
            expect(await run(stream)).to.deep.equal([]);
        });
        it("flags a gold stream with no conversion (layer from the bucket's tag)", async () => {
            const v = await run(flip(stream, "extendedS3Configuration.dataFormatConversionConfiguration", undefined));
            expect(v).to.have.length(1);
            expect(v[0].message).to.contain(`bucket 'goldBucket' tag lake:layer="gold"`).and.contain("parquetSerDe");
        });
        it("flags disabled conversion", async () => {
            const v = await run(flip(stream, "extendedS3Configuration.dataFormatConversionConfiguration.enabled", false));
            expect(v[0].message).to.contain("enabled is false");
        });
        it("flags a serializer that is neither Parquet nor ORC", async () => {
            const v = await run(flip(stream, "extendedS3Configuration.dataFormatConversionConfiguration.outputFormatConfiguration.serializer", {}));
            expect(v[0].message).to.contain("neither parquetSerDe nor orcSerDe");
        });
        it("passes raw JSON delivery into bronze and judges bucket ARNs by pattern without a bucket resource", async () => {
            const raw = flip(flip(stream, "extendedS3Configuration.dataFormatConversionConfiguration", undefined), "extendedS3Configuration.bucketArn", "arn:aws:s3:::acme-lake-raw");
            expect(await run(raw, false)).to.deep.equal([]);
            const gold = flip(raw, "extendedS3Configuration.bucketArn", "arn:aws:s3:::acme-lake-gold");
            expect((await run(gold, false))[0].message).to.contain('bucket ARN "arn:aws:s3:::acme-lake-gold" matches the gold name pattern');
        });
        it("passes Iceberg destinations", async () => {
            expect(await run({ destination: "iceberg", icebergConfiguration: { catalogArn: "arn:aws:glue:eu-west-1:123456789012:catalog", roleArn: "r" } })).to.deep.equal([]);
        });
    });
});
