import { expect } from "chai";
import { datasetResourceName, isCrawled } from "../../components/catalog";
import { s3LocationArn } from "../../components/access/lake-formation";
import { datasetPrincipals } from "../../components/catalog/dataset";
import { crawlerPolicy } from "../../components/catalog/iam";
import { icebergTableInput } from "../../components/catalog/iceberg";
import { jdbcUrl } from "../../components/connections/jdbc";
import { s3Statements, serviceTrust } from "../../components/shared/iam";
import { parseIamPrincipal, parseS3Uri, principalId } from "../../components/shared/principals";
import { markerParameters, tableInputs } from "../../components/catalog/table";
import { ArnContext, Namer } from "../../contract";
import { build, customerJdbc, DEV_ACCOUNT, ordersIceberg, rawTripsCsv, tripsFact, venueDim } from "./fixtures";

const ctx: ArnContext = { partition: "aws", region: "eu-west-1", accountId: DEV_ACCOUNT };

describe("catalog building blocks", () => {
    it("JDBC URLs follow each driver's shape", () => {
        const at = { host: "db.internal", database: "crm" };
        expect(jdbcUrl({ ...at, engine: "postgresql", port: 5432 })).to.equal("jdbc:postgresql://db.internal:5432/crm");
        expect(jdbcUrl({ ...at, engine: "mysql", port: 3306 })).to.equal("jdbc:mysql://db.internal:3306/crm");
        expect(jdbcUrl({ ...at, engine: "sqlserver", port: 1433 })).to.equal("jdbc:sqlserver://db.internal:1433;databaseName=crm");
    });

    it("parses IAM principals (paths included) and leaves other principals alone", () => {
        expect(parseIamPrincipal("arn:aws:iam::111111111111:role/service-role/team/etl")).to.deep.equal({ kind: "role", accountId: "111111111111", name: "etl" });
        expect(parseIamPrincipal("arn:aws:iam::111111111111:user/uploader")).to.deep.equal({ kind: "user", accountId: "111111111111", name: "uploader" });
        expect(parseIamPrincipal("arn:aws:iam::111111111111:saml-provider/okta:user/ana")).to.equal(undefined);
        expect(parseIamPrincipal("arn:aws:quicksight:eu-west-1:111111111111:group/default/analysts")).to.equal(undefined);
        expect(principalId("arn:aws:iam::111111111111:role/a")).to.match(/^[0-9a-f]{8}$/).and.not.equal(principalId("arn:aws:iam::111111111111:role/b"));
    });

    it("splits S3 URIs and builds Lake Formation location ARNs without the trailing slash", () => {
        expect(parseS3Uri("s3://b/x/y/")).to.deep.equal({ bucket: "b", prefix: "x/y" });
        expect(parseS3Uri("s3://b/")).to.deep.equal({ bucket: "b", prefix: "" });
        expect(() => parseS3Uri("https://b/x")).to.throw("location 'https://b/x' is not an s3://bucket/prefix URI");
        expect(s3LocationArn("aws", "s3://b/x/y/")).to.equal("arn:aws:s3:::b/x/y");
    });

    it("limits ListBucket to the prefixes, one statement per bucket", () => {
        const s = s3Statements(ctx, "R", [{ bucket: "a", prefix: "p" }, { bucket: "a", prefix: "q" }, { bucket: "b", prefix: "" }], ["s3:GetObject"]);
        expect(s.map((x) => x.Sid)).to.deep.equal(["RObjects", "RList0", "RList1"]);
        expect(s[0].Resource).to.deep.equal(["arn:aws:s3:::a/p/*", "arn:aws:s3:::a/q/*", "arn:aws:s3:::b/*"]);
        expect(s[1].Condition).to.deep.equal({ StringLike: { "s3:prefix": ["p/", "p/*", "q/", "q/*"] } });
        expect(s[2].Condition).to.equal(undefined);
        expect(s3Statements(ctx, "R", [], ["s3:GetObject"])).to.deep.equal([]);
    });

    it("a crawler policy without JDBC has no network, secret or connection statements", () => {
        const doc = crawlerPolicy({ ...ctx, kmsKeyArn: "k", crawledPrefixes: [{ bucket: "b", prefix: "d/t" }], crawledTables: [{ database: "db", table: "t" }], jdbcTargets: [], connectionNames: [], secretArns: [], networks: [], lakeFormation: false });
        expect(doc.Statement.map((s) => s.Sid)).to.deep.equal(["ReadCrawledDataObjects", "ReadCrawledDataList0", "LakeKey", "CrawlerLogs", "SecurityConfiguration", "UpdateDefinedTables"]);
        expect(serviceTrust("glue.amazonaws.com", ctx).Statement[0]).to.not.have.property("Resource");
    });

    it("maps Hive types to Iceberg types with ids unique across nesting", () => {
        const input = icebergTableInput(
            { columns: [{ name: "a", type: "struct<x:tinyint,y:map<string,array<double>>>" }, { name: "b", type: "char(3)" }, { name: "c", type: "binary", comment: "raw" }], partitionKeys: [] },
            "s3://b/p/",
        );
        const fields = input.schema.fields;
        expect(JSON.parse(fields[0].type)).to.deep.equal({
            type: "struct",
            fields: [
                { id: 4, name: "x", required: false, type: "int" },
                { id: 5, name: "y", required: false, type: { type: "map", "key-id": 6, key: "string", "value-id": 7, value: { type: "list", "element-id": 8, element: "double", "element-required": false }, "value-required": false } },
            ],
        });
        expect(JSON.parse(fields[1].type)).to.equal("string");
        expect(fields[2]).to.include({ id: 3, name: "c", doc: "raw" });
        expect(input.partitionSpec).to.equal(undefined);
    });

    it("markers name layer, dataset, domain, classification and the exemption only when there is one", () => {
        expect(markerParameters(tripsFact())).to.not.have.property("lake:unpartitioned-reason");
        expect(markerParameters(venueDim())).to.include({ "lake:layer": "silver", "lake:unpartitioned-reason": "dimension table, about 200 rows, replaced nightly" });
        expect(tableInputs({ ...venueDim(), retentionDays: 400 }, "s3://b/sales/venue/").retention).to.equal(400);
    });

    it("JSON and Avro tables get their SerDe and, for Avro, the schema literal Athena needs", () => {
        const json = tableInputs({ ...rawTripsCsv(), format: "json" }, "s3://b/p/");
        expect(json.storageDescriptor!.serDeInfo!.serializationLibrary).to.equal("org.openx.data.jsonserde.JsonSerDe");
        const avro = tableInputs({ ...rawTripsCsv(), format: "avro" }, "s3://b/p/");
        expect(avro.storageDescriptor!.serDeInfo!.serializationLibrary).to.equal("org.apache.hadoop.hive.serde2.avro.AvroSerDe");
        expect(JSON.parse(avro.parameters!["avro.schema.literal"]).fields.map((f: { name: string }) => f.name)).to.deep.equal(["vendorid", "fare_amount"]);
        const orc = tableInputs({ ...tripsFact(), format: "orc" }, "s3://b/p/");
        expect(orc.storageDescriptor!.inputFormat).to.equal("org.apache.hadoop.hive.ql.io.orc.OrcInputFormat");
    });

    it("crawls JDBC datasets and S3 datasets with crawl: true, never Iceberg", () => {
        expect([customerJdbc(), rawTripsCsv(), venueDim(), tripsFact()].map(isCrawled)).to.deep.equal([true, true, false, false]);
        expect(isCrawled({ ...ordersIceberg(), source: { type: "s3", crawl: true } })).to.equal(false);
    });

    it("lists each principal once, consumers first", () => {
        expect(datasetPrincipals({ consumers: [{ principal: "a" }, { principal: "b" }], producers: ["b", "c"] })).to.deep.equal(["a", "b", "c"]);
    });

    it("derived names respect AWS limits and say what to shorten", () => {
        const namer = new Namer({ prefix: "acme-lake", environment: "dev", accountId: DEV_ACCOUNT });
        expect(datasetResourceName(namer, "crawl", "raw_taxi_trips", 255)).to.equal("acme-lake-dev-crawl-raw-taxi-trips");
        expect(() => datasetResourceName(namer, "read", "x".repeat(120), 128)).to.throw(/derived read name .* is 139 chars, AWS allows 128; shorten the dataset name/);
    });

    it("a location outside the registered buckets gets no DATA_LOCATION_ACCESS grants", async () => {
        const external = { ...tripsFact(), location: "s3://acme-cloudfront-logs/cf/" };
        const c = await build({ datasets: [external] });
        expect(c.resources.filter((r) => r.name.startsWith("catalog-taxi_trips-location-"))).to.deep.equal([]);
        expect(c.named("catalog-taxi_trips-table").inputs.storageDescriptor.location).to.equal("s3://acme-cloudfront-logs/cf/");
        const inBucket = await build({ datasets: [{ ...tripsFact(), location: `s3://acme-lake-dev-gold-${DEV_ACCOUNT}/custom/trips/` }] });
        expect(inBucket.resources.filter((r) => r.name.startsWith("catalog-taxi_trips-location-"))).to.have.length(1);
    });
});
