import { expect } from "chai";
import {
    avroSchema,
    Dataset,
    defaultLocation,
    formatTableParameters,
    partitionCountQuery,
    previewQuery,
    projectionParameters,
    renderDdl,
    serdeFor,
} from "../../components/datasets";
import { loadObjects, validDataset } from "./helpers";

const load = (change: (d: Record<string, any>) => void = () => {}): Dataset => {
    const d = validDataset();
    change(d);
    return loadObjects([d]).datasets[0]!;
};
const LOC = "s3://acme-lake-dev-gold-111111111111/mobility/trips/";

describe("datasets: storage formats, projection, DDL and named queries", () => {
    it("uses the real Hive classes per format", () => {
        expect(serdeFor("parquet")).to.deep.include({
            inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        });
        expect(serdeFor("orc")).to.deep.include({
            inputFormat: "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
            outputFormat: "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat",
            serializationLibrary: "org.apache.hadoop.hive.ql.io.orc.OrcSerde",
        });
        expect(serdeFor("csv")).to.deep.include({
            inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
            outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            serializationLibrary: "org.apache.hadoop.hive.serde2.OpenCSVSerde",
        });
        expect(serdeFor("csv")!.parameters).to.include({ separatorChar: ",", quoteChar: '"' });
        expect(serdeFor("csv")!.tableParameters).to.include({ "skip.header.line.count": "1", classification: "csv" });
        expect(serdeFor("json")!.serializationLibrary).to.equal("org.openx.data.jsonserde.JsonSerDe");
        expect(serdeFor("avro")).to.deep.include({
            inputFormat: "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat",
            outputFormat: "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat",
            serializationLibrary: "org.apache.hadoop.hive.serde2.avro.AvroSerDe",
        });
        expect(serdeFor("iceberg")).to.equal(undefined);
    });

    it("defaults the location to the layer bucket + domain/name/, keeping a written one", () => {
        const d = load();
        expect(defaultLocation(d, "acme-lake-dev-gold-111111111111")).to.equal(LOC);
        expect(defaultLocation({ ...d, location: "s3://other/x" }, "ignored")).to.equal("s3://other/x/");
    });

    it("writes complete projection parameters with the default location template", () => {
        expect(projectionParameters(load(), LOC)).to.deep.equal({
            "projection.enabled": "true",
            "projection.dt.type": "date",
            "projection.dt.range": "NOW-3YEARS,NOW",
            "projection.dt.format": "yyyy-MM-dd",
            "storage.location.template": `${LOC}dt=\${dt}/`,
        });
        expect(projectionParameters(load((d) => delete d.projection), LOC)).to.deep.equal({});
    });

    it("writes integer, enum and injected projections and resolves a relative template", () => {
        const d = load((d) => {
            d.partitionKeys = [{ name: "region", type: "string" }, { name: "hour", type: "int" }, { name: "tenant", type: "string" }];
            d.projection = {
                keys: { region: { type: "enum", values: ["eu", "us"] }, hour: { type: "integer", range: "0,23", digits: 2, interval: 1 }, tenant: { type: "injected" } },
                locationTemplate: "${tenant}/${region}/${hour}/",
            };
        });
        expect(projectionParameters(d, LOC)).to.deep.equal({
            "projection.enabled": "true",
            "projection.region.type": "enum",
            "projection.region.values": "eu,us",
            "projection.hour.type": "integer",
            "projection.hour.range": "0,23",
            "projection.hour.interval": "1",
            "projection.hour.digits": "2",
            "projection.tenant.type": "injected",
            "storage.location.template": `${LOC}\${tenant}/\${region}/\${hour}/`,
        });
        expect(partitionCountQuery(d, "db")).to.equal(
            'SELECT "region", "hour", "tenant", count(*) AS row_count\nFROM "db"."trips"\nWHERE "tenant" = ?\nGROUP BY "region", "hour", "tenant"\nORDER BY "region", "hour", "tenant"',
        );
    });

    it("renders the CREATE EXTERNAL TABLE Athena would show", () => {
        const ddl = renderDdl(load(), LOC, "acme_lake_dev_gold_mobility");
        expect(ddl).to.equal(
            [
                "CREATE EXTERNAL TABLE `acme_lake_dev_gold_mobility`.`trips`(",
                "  `trip_id` string COMMENT 'Trip hash',",
                "  `fare` decimal(10,2),",
                "  `pickup_at` timestamp)",
                "COMMENT 'One row per taxi trip, cleaned.'",
                "PARTITIONED BY (",
                "  `dt` string)",
                "ROW FORMAT SERDE",
                "  'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'",
                "WITH SERDEPROPERTIES (",
                "  'serialization.format'='1')",
                "STORED AS INPUTFORMAT",
                "  'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'",
                "OUTPUTFORMAT",
                "  'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'",
                "LOCATION",
                `  '${LOC}'`,
                "TBLPROPERTIES (",
                "  'classification'='parquet',",
                "  'projection.enabled'='true',",
                "  'projection.dt.type'='date',",
                "  'projection.dt.range'='NOW-3YEARS,NOW',",
                "  'projection.dt.format'='yyyy-MM-dd',",
                `  'storage.location.template'='${LOC}dt=\${dt}/');`,
            ].join("\n"),
        );
    });

    it("renders Iceberg as CREATE TABLE with table_type ICEBERG and partition columns in the schema", () => {
        const ddl = renderDdl(load((d) => { d.format = "iceberg"; delete d.projection; }), LOC);
        expect(ddl).to.match(/^CREATE TABLE `trips` \(/);
        expect(ddl).to.include("  `dt` string)");
        expect(ddl).to.include("PARTITIONED BY (`dt`)");
        expect(ddl).to.include("'table_type'='ICEBERG'");
        expect(ddl).to.include("'write_compression'='zstd'");
        expect(ddl).to.not.match(/^COMMENT/m);
        expect(ddl).to.not.include("SERDE");
    });

    it("renders CSV with OpenCSVSerde properties and header skipping, escaping quotes in comments", () => {
        const ddl = renderDdl(load((d) => { d.layer = "bronze"; d.format = "csv"; d.description = "Driver's raw export"; d.columns = [{ name: "trip_id", type: "string" }, { name: "fare", type: "double" }]; }), LOC);
        expect(ddl).to.include("'org.apache.hadoop.hive.serde2.OpenCSVSerde'");
        expect(ddl).to.include("'skip.header.line.count'='1'");
        expect(ddl).to.include("COMMENT 'Driver\\'s raw export'");
        expect(ddl).to.include("'escapeChar'='\\\\'");
    });

    it("puts an Avro schema literal matching the columns in the table parameters", () => {
        const d = load((d) => {
            d.layer = "bronze";
            d.format = "avro";
            d.columns.push({ name: "tags", type: "array<struct<k:string,v:bigint>>" });
        });
        const params = formatTableParameters(d);
        expect(params.classification).to.equal("avro");
        const schema = JSON.parse(params["avro.schema.literal"]!);
        expect(schema).to.deep.equal(avroSchema(d));
        expect(schema.fields.map((f: { name: string }) => f.name)).to.deep.equal(["trip_id", "fare", "pickup_at", "tags"]);
        expect(schema.fields[1].type).to.deep.equal(["null", { type: "bytes", logicalType: "decimal", precision: 10, scale: 2 }]);
        expect(schema.fields[3].type[1].items[1].fields[1].type).to.deep.equal(["null", "long"]);
    });

    it("previews 100 rows and counts rows per partition (or in total when unpartitioned)", () => {
        expect(previewQuery(load(), "db")).to.equal('SELECT *\nFROM "db"."trips"\nLIMIT 100');
        expect(partitionCountQuery(load(), "db")).to.equal('SELECT "dt", count(*) AS row_count\nFROM "db"."trips"\nGROUP BY "dt"\nORDER BY "dt"');
        const dim = load((d) => { d.layer = "silver"; delete d.partitionKeys; delete d.projection; d.unpartitionedReason = "Small dimension table."; });
        expect(partitionCountQuery(dim, "db")).to.equal('SELECT count(*) AS row_count\nFROM "db"."trips"');
    });

    it("asks for a value of every injected key in both queries, as Athena requires", () => {
        const d = load((d) => {
            d.partitionKeys = [{ name: "tenant", type: "string" }, { name: "dt", type: "string" }];
            d.projection = { keys: { tenant: { type: "injected" }, dt: { type: "date", range: "NOW-1YEARS,NOW", format: "yyyy-MM-dd" } } };
        });
        expect(previewQuery(d, "db")).to.equal('SELECT *\nFROM "db"."trips"\nWHERE "tenant" = ?\nLIMIT 100');
        expect(partitionCountQuery(d, "db")).to.equal(
            'SELECT "tenant", "dt", count(*) AS row_count\nFROM "db"."trips"\nWHERE "tenant" = ?\nGROUP BY "tenant", "dt"\nORDER BY "tenant", "dt"',
        );
    });
});
