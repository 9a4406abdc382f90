/**
 * "No silent passes": policies/lib/coverage.ts (what the layer rules judged and what they could not), the
 * DDL reader behind it (policies/lib/ddl.ts), DDL exemptions, and the new rules at preview time.
 */
import { expect } from "chai";
import { unknownCheckingProxy } from "@pulumi/policy";
import { MARKERS } from "../../contract";
import { lakeLayerDetermined } from "../../policies/lake-data-layout/lake-layer-determined";
import { athenaDatabaseEncryption } from "../../policies/lake-security/athena-database-encryption";
import { athenaNoPrimaryWorkgroup } from "../../policies/lake-security/athena-no-primary-workgroup";
import { iamNoLakeFullAccess } from "../../policies/lake-security/iam-no-lake-full-access";
import { s3BucketPolicyNotPublic } from "../../policies/lake-security/s3-bucket-policy-not-public";
import { coverage } from "../../policies/lib/coverage";
import { parseTableDdl } from "../../policies/lib/ddl";
import { listExemptions } from "../../policies/lib/exemptions";
import { ORC, PARQUET } from "../../policies/lib/formats";
import { T } from "../../policies/lib/types";
import { res, runResource, runStack } from "./helpers";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownStringValue } = require("@pulumi/policy/proxy") as Record<string, unknown>;
const preview = (props: Record<string, unknown>) => unknownCheckingProxy(props) as Record<string, unknown>;

const urn = (type: string, name: string) => `urn:pulumi:dev::lake::${type}::${name}`;
const planned = (type: string, name: string, inputs: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ urn: urn(type, name), type, name, inputs, ...extra });

describe("policies/lib/ddl: Athena table DDL", () => {
    const one = (sql: string) => {
        const out = parseTableDdl(sql);
        expect(out).to.have.length(1);
        return out[0];
    };
    const table = (sql: string) => {
        const s = one(sql);
        if (s.kind !== "table") throw new Error(`unparsed: ${s.reason}`);
        return s.table;
    };

    it("reads a Hive DDL: name, database, partitions, SerDe, location, TBLPROPERTIES", () => {
        const t = table(`CREATE EXTERNAL TABLE IF NOT EXISTS \`sales_gold\`.\`clicks\` (
            id string COMMENT 'the id', payload struct<a:int,b:array<string>>)
            COMMENT 'clicks'
            PARTITIONED BY (dt string, region string)
            CLUSTERED BY (id) INTO 16 BUCKETS
            ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' WITH SERDEPROPERTIES ('ignore.malformed.json'='true')
            LOCATION 's3://acme-lake-gold/clicks/'
            TBLPROPERTIES ('lake:layer'='gold', 'has_encrypted_data'='true');`);
        expect(t).to.deep.include({ kind: "CREATE EXTERNAL TABLE", database: "sales_gold", table: "clicks" });
        expect(t.props).to.deep.include({
            databaseName: "sales_gold",
            partitionKeys: [{ name: "dt" }, { name: "region" }],
            parameters: { "lake:layer": "gold", has_encrypted_data: "true" },
        });
        expect(t.props.storageDescriptor).to.deep.include({ location: "s3://acme-lake-gold/clicks/" });
        expect((t.props.storageDescriptor as { serDeInfo: unknown }).serDeInfo).to.deep.equal({ serializationLibrary: "org.openx.data.jsonserde.JsonSerDe" });
    });
    it("applies Hive's defaults: TEXTFILE without STORED AS, LazySimpleSerDe without ROW FORMAT", () => {
        const t = table("CREATE EXTERNAL TABLE t (a int) LOCATION 's3://b/t/'");
        expect(t.props.storageDescriptor).to.deep.include({ inputFormat: "org.apache.hadoop.mapred.TextInputFormat" });
        expect(t.evidence["storageDescriptor.serDeInfo.serializationLibrary"]).to.contain("LazySimpleSerDe, the default");
        expect(t.database).to.equal(undefined);
    });
    it("maps STORED AS PARQUET/ORC and INPUTFORMAT/OUTPUTFORMAT to their classes", () => {
        expect(table("CREATE EXTERNAL TABLE t (a int) STORED AS PARQUET").props.storageDescriptor).to.deep.include({ inputFormat: PARQUET.inputFormat, outputFormat: PARQUET.outputFormat });
        expect(table("create external table t (a int) stored as orc").props.storageDescriptor).to.deep.include({ serDeInfo: { serializationLibrary: ORC.serializationLibrary } });
        const io = table(`CREATE EXTERNAL TABLE t (a int) ROW FORMAT SERDE '${PARQUET.serializationLibrary}' STORED AS INPUTFORMAT '${PARQUET.inputFormat}' OUTPUTFORMAT '${PARQUET.outputFormat}'`);
        expect(io.props.storageDescriptor).to.deep.include({ serDeInfo: { serializationLibrary: PARQUET.serializationLibrary } });
    });
    it("reads Iceberg DDL and CTAS (format default Parquet, table_type, locations, partitioning)", () => {
        const ice = table("CREATE TABLE db.e (id string, ts timestamp) PARTITIONED BY (day(ts), bucket(16, id)) LOCATION 's3://b/e/' TBLPROPERTIES ('table_type'='ICEBERG')");
        expect(ice.props).to.deep.include({ parameters: { table_type: "ICEBERG" }, partitionKeys: [{ name: "day(ts)" }, { name: "bucket(16,id)" }] });
        const ctas = table(`CREATE TABLE "db"."d" WITH (external_location = 's3://b/d/', partitioned_by = ARRAY['dt']) AS SELECT * FROM x`);
        expect(ctas).to.deep.include({ kind: "CREATE TABLE AS SELECT", database: "db", table: "d" });
        expect(ctas.props.storageDescriptor).to.deep.include({ location: "s3://b/d/", inputFormat: PARQUET.inputFormat });
        expect(ctas.evidence["storageDescriptor.inputFormat"]).to.contain("Parquet, the CTAS default");
        const iceCtas = table("CREATE TABLE awsdatacatalog.db.i WITH (table_type = 'ICEBERG', location = 's3://b/i/', partitioning = ARRAY['month(ts)']) AS SELECT 1");
        expect(iceCtas.props).to.deep.include({ databaseName: "db", parameters: { table_type: "ICEBERG" }, partitionKeys: [{ name: "month(ts)" }] });
    });
    it("reads every CREATE TABLE of a multi-statement text, skips comments and other statements", () => {
        const out = parseTableDdl("/* setup */ -- two tables\nCREATE EXTERNAL TABLE a.x (c int) STORED AS PARQUET; SELECT ';' ; CREATE TABLE a.y AS SELECT 1;\nCREATE VIEW v AS SELECT 1");
        expect(out.map((s) => (s.kind === "table" ? s.table.table : s.kind))).to.deep.equal(["x", "y"]);
        expect(parseTableDdl("SELECT * FROM t")).to.deep.equal([]);
    });
    it("returns what it can't read with the reason, instead of dropping it", () => {
        for (const [sql, reason] of [
            ["CREATE EXTERNAL TABLE a.x (c int) STORED AS FOOBAR", "STORED AS FOOBAR is not a file format"],
            ["CREATE EXTERNAL TABLE a.x (c int) LOCATION 's3://unterminated", "unterminated string literal"],
            ["CREATE EXTERNAL TABLE a.x (c int) STORED BY 'org.example.Handler'", "STORED BY (a Hive storage handler) is not Athena DDL"],
            ["CREATE EXTERNAL TABLE a.x (c int) LOCATION s3_path", "expected a quoted LOCATION"],
            ["CREATE TABLE a.x STORED AS PARQUET AS SELECT 1", "Athena CTAS takes WITH (format = ...)"],
            ["CREATE TABLE a.x WITH (format = 'XML') AS SELECT 1", "is not a CTAS format"],
            ["CREATE EXTERNAL TABLE a.x (c int", 'an unclosed "("'],
        ]) {
            const s = one(sql);
            expect(s.kind, sql).to.equal("unparsed");
            if (s.kind === "unparsed") expect(s.reason, sql).to.contain(reason);
        }
    });
});

describe("policies/lib/coverage", () => {
    const parquet = { inputFormat: PARQUET.inputFormat, outputFormat: PARQUET.outputFormat, serDeInfo: { serializationLibrary: PARQUET.serializationLibrary } };
    const byPolicy = (entries: ReturnType<typeof coverage>) => Object.fromEntries(entries.map((e) => [e.policy, e]));

    it("lists every layer-aware policy with what it judged and what not, and why", () => {
        const resources = [
            planned(T.glueCatalogDatabase, "gold", { name: "sales_gold" }),
            planned(T.glueCatalogTable, "orders", { name: "orders", databaseName: "sales_gold", storageDescriptor: { location: "s3://acme-gold/orders/", ...parquet } }),
            planned(T.glueCatalogTable, "dw-orders", { name: "orders", databaseName: "analytics_dw", storageDescriptor: { location: "s3://acme-dw/orders/", ...parquet } }),
            planned(T.glueCatalogTable, "sl-events", { name: "events", databaseName: "serverlessdb" }),
            planned(T.athenaNamedQuery, "bad-ddl", { database: "sales_gold", query: "CREATE EXTERNAL TABLE sales_gold.x (a int) STORED AS FOOBAR" }),
            planned(T.athenaNamedQuery, "ok-ddl", { database: "sales_gold", query: "CREATE EXTERNAL TABLE x (a int) STORED AS PARQUET" }),
            planned(T.athenaNamedQuery, "select", { database: "sales_gold", query: "SELECT 1" }),
            planned(T.firehose, "clicks", { destination: "extended_s3", extendedS3Configuration: { bucketArn: "arn:aws:s3:::acme-events", prefix: "clicks/" } }),
            planned(T.firehose, "to-gold", { destination: "extended_s3", extendedS3Configuration: { bucketArn: "arn:aws:s3:::acme-lake-gold" } }),
            planned(T.firehose, "to-redshift", { destination: "redshift" }),
        ];
        const c = coverage(resources);
        expect(c.map((e) => e.policy)).to.deep.equal(["curated-columnar-format", "curated-table-partitioning", "firehose-columnar-conversion", "lake-layer-determined"]);
        const p = byPolicy(c);
        expect(p["curated-columnar-format"].judged).to.equal(2);
        expect(p["curated-columnar-format"].unjudged.map((u) => u.urn.split("::").pop())).to.deep.equal(["dw-orders", "sl-events", "bad-ddl"]);
        expect(p["curated-columnar-format"].unjudged[0].reason).to.equal(
            'no lake:layer marker in the table parameters, and database name "analytics_dw", location "s3://acme-dw/orders/" match no layer pattern',
        );
        expect(p["curated-columnar-format"].unjudged[1].reason).to.contain('database name "serverlessdb" matches no layer pattern');
        expect(p["curated-columnar-format"].unjudged[2].reason).to.contain("STORED AS FOOBAR is not a file format");
        expect(p["curated-table-partitioning"]).to.deep.equal({ ...p["curated-columnar-format"], policy: "curated-table-partitioning" });
        expect(p["firehose-columnar-conversion"].judged).to.equal(1);
        expect(p["firehose-columnar-conversion"].unjudged).to.deep.equal([
            { urn: urn(T.firehose, "clicks"), reason: 'no lake:layer marker in the stream tags, and prefix "clicks/", bucket ARN "arn:aws:s3:::acme-events" match no layer pattern' },
        ]);
        // lake-layer-determined judges every table and S3 stream it can read; only the unreadable DDL escapes it.
        expect(p["lake-layer-determined"].judged).to.equal(6);
        expect(p["lake-layer-determined"].unjudged.map((u) => u.urn.split("::").pop())).to.deep.equal(["bad-ddl"]);
    });

    it("uses the same detection as the policies: database markers, bucket tags, provider defaultTags, dependencies", () => {
        const provider = planned("pulumi:providers:aws", "lake", { defaultTags: JSON.stringify({ tags: { [MARKERS.layer]: "bronze" } }) });
        const resources = [
            provider,
            planned(T.glueCatalogDatabase, "dw", { name: "analytics_dw", parameters: { [MARKERS.layer]: "gold" } }),
            planned(T.glueCatalogTable, "orders", { name: "orders", databaseName: "analytics_dw" }),
            planned(T.bucket, "events", { bucket: "acme-events", arn: "arn:aws:s3:::acme-events" }, { provider: `${provider.urn}::provider-id` }),
            planned(T.firehose, "clicks", { destination: "extended_s3", extendedS3Configuration: { bucketArn: "arn:aws:s3:::acme-events" } }),
            // Unknown database name at plan time: matched through its only database dependency, as the analyzer does.
            planned(T.glueCatalogDatabase, "silver", { name: "x", parameters: { [MARKERS.layer]: "silver" } }),
            planned(T.glueCatalogTable, "t2", { name: "t2" }, { dependencies: [urn(T.glueCatalogDatabase, "silver")] }),
        ];
        const p = byPolicy(coverage(resources));
        expect(p["curated-columnar-format"]).to.deep.equal({ policy: "curated-columnar-format", judged: 2, unjudged: [] });
        expect(p["firehose-columnar-conversion"]).to.deep.equal({ policy: "firehose-columnar-conversion", judged: 1, unjudged: [] });
    });

    it("has nothing to say about a plan without lake tables or streams", () => {
        expect(coverage([planned(T.bucket, "b", { bucket: "x" })]).map((e) => [e.judged, e.unjudged.length])).to.deep.equal([[0, 0], [0, 0], [0, 0], [0, 0]]);
    });
});

describe("DDL exemptions and preview time", () => {
    it("listExemptions lists a DDL table's TBLPROPERTIES reason on its query resource", () => {
        const q = planned(T.athenaNamedQuery, "dim-ddl", {
            database: "sales_gold",
            query: `CREATE EXTERNAL TABLE sales_gold.dim (a int) STORED AS PARQUET TBLPROPERTIES ('${MARKERS.unpartitionedReason}'='dimension table, 200 rows, replaced nightly')`,
        });
        expect(listExemptions([q]).map((e) => [e.name, e.type, e.valid])).to.deep.equal([["dim-ddl", T.athenaNamedQuery, true]]);
    });

    it("lake-layer-determined waits for a computed database name or query text", async () => {
        const table = res(T.glueCatalogTable, "orders", preview({ name: "orders", databaseName: unknownStringValue }));
        expect(await runStack(lakeLayerDetermined, [table])).to.deep.equal([]);
        const q = res(T.athenaNamedQuery, "q", preview({ database: "dw", query: unknownStringValue }));
        expect(await runStack(lakeLayerDetermined, [q])).to.deep.equal([]);
        const qdb = res(T.athenaNamedQuery, "q2", preview({ database: unknownStringValue, query: "CREATE EXTERNAL TABLE t (a int) STORED AS PARQUET" }));
        expect(await runStack(lakeLayerDetermined, [qdb])).to.deep.equal([]);
    });

    it("the security additions wait for computed values", async () => {
        expect(await runResource(athenaNoPrimaryWorkgroup, T.athenaNamedQuery, preview({ database: "d", query: "SELECT 1", workgroup: unknownStringValue }))).to.deep.equal([]);
        const policy = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }] });
        expect(await runResource(s3BucketPolicyNotPublic, T.bucketPolicy, preview({ bucket: unknownStringValue, policy: unknownStringValue }))).to.deep.equal([]);
        expect(await runResource(s3BucketPolicyNotPublic, T.bucketPolicy, preview({ bucket: unknownStringValue, policy }))).to.have.length(1);
        const partial = preview({ policy: { Statement: [{ Effect: "Allow", Action: "s3:*", Resource: [unknownStringValue] }] } });
        expect(await runResource(iamNoLakeFullAccess, T.iamPolicy, partial)).to.deep.equal([]);
        expect(await runResource(iamNoLakeFullAccess, T.iamRolePolicyAttachment, preview({ role: "r", policyArn: unknownStringValue }))).to.deep.equal([]);
        const db = res(T.athenaDatabase, "db", preview({ name: "x", encryptionConfiguration: unknownStringValue }));
        expect(await runStack(athenaDatabaseEncryption, [db])).to.deep.equal([]);
        const dbWg = res(T.athenaDatabase, "db", preview({ name: "x", workgroup: unknownStringValue }));
        expect(await runStack(athenaDatabaseEncryption, [dbWg])).to.deep.equal([]);
    });
});
