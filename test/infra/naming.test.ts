import { expect } from "chai";
import {
    BUCKET_PURPOSES,
    bucketNameProblems,
    checkBucketName,
    checkGlueName,
    connectionDerivedNames,
    datasetDerivedNames,
    invalidNames,
    longestBucketName,
    NAME_RULES,
    Namer,
    NameError,
    nameProblem,
    stackDerivedNames,
} from "../../contract";
import { datasetName, datasetResourceName } from "../../components/shared/names";

describe("naming", () => {
    const namer = new Namer({ prefix: "acme-lake", environment: "dev", accountId: "111111111111" });

    it("bucket names are prefix-env-purpose-account", () => {
        expect(namer.bucket("silver")).to.equal("acme-lake-dev-silver-111111111111");
    });
    it("Glue names use underscores and lowercase", () => {
        expect(namer.glue("gold", "sales-ops")).to.equal("acme_lake_dev_gold_sales_ops");
    });
    it("resource names use hyphens", () => {
        expect(namer.resource("crawler", "taxi")).to.equal("acme-lake-dev-crawler-taxi");
        expect(namer.kmsAlias("lake")).to.equal("alias/acme-lake-dev-lake");
    });
    it("longestBucketName matches the longest real bucket name", () => {
        expect(longestBucketName("acme-lake", "dev")).to.equal(namer.bucket("query-results").length);
    });
    it("a bucket name over 63 chars fails with the name and its length", () => {
        const long = new Namer({ prefix: "a".repeat(40), environment: "prod", accountId: "111111111111" });
        expect(() => long.bucket("query-results")).to.throw(NameError, /'a{40}-prod-query-results-111111111111' is not valid: length 72 is outside 3-63/);
    });
    it("bucket names reject uppercase, '..' and reserved affixes", () => {
        expect(() => checkBucketName("Acme-bucket")).to.throw(NameError, /only lowercase/);
        expect(() => checkBucketName("acme..bucket")).to.throw(NameError, /'\.\.' is not allowed/);
        expect(() => checkBucketName("xn--bucket")).to.throw(NameError, /reserved prefix/);
        expect(() => checkBucketName("bucket-s3alias")).to.throw(NameError, /reserved suffix/);
        expect(() => checkBucketName("192.168.1.1")).to.throw(NameError, /IP address/);
    });
    it("Glue names reject hyphens, uppercase and leading digits", () => {
        expect(() => checkGlueName("sales-db")).to.throw(NameError, /'sales-db' is not valid/);
        expect(() => checkGlueName("Sales")).to.throw(NameError);
        expect(() => checkGlueName("1sales")).to.throw(NameError);
        expect(checkGlueName("sales_2024")).to.equal("sales_2024");
    });
    it("resource names over 64 chars fail", () => {
        expect(() => namer.resource("x".repeat(60))).to.throw(NameError, /chars\) is not valid/);
    });

    it("bucket names reject every reserved prefix and suffix S3 lists", () => {
        for (const p of ["xn--", "sthree-", "amzn-s3-demo-"]) expect(bucketNameProblems(`${p}lake-dev-bronze`), p).to.deep.equal([`reserved prefix '${p}'`]);
        for (const s of ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]) expect(bucketNameProblems(`lake-dev${s}`), s).to.deep.equal([`reserved suffix '${s}'`]);
    });

    describe("one list of every derived name with its rule", () => {
        const args = namer.args;
        it("the stack's: five buckets, the key alias, the platform's roles, policy and workgroup, all valid for acme-lake", () => {
            const names = stackDerivedNames(args);
            expect(names.map((n) => n.name)).to.deep.equal([
                ...BUCKET_PURPOSES.map((p) => namer.bucket(p)),
                namer.kmsAlias("lake"),
                "acme-lake-dev-lf-registration",
                "acme-lake-dev-crawler",
                "acme-lake-dev-glue-security",
                "acme-lake-dev-etl-alerts",
                "acme-lake-dev-etl-job-failures",
                "acme-lake-dev-analysts",
                "acme-lake-dev-analysts-query",
                "acme-lake-dev-admin",
                "acme-lake-dev-admin-query",
                "acme-lake-dev-bi",
                "acme-lake-dev-bi-query",
                "acme-lake-dev-warehouse",
                "acme-lake-dev-warehouse-wg",
                "acme-lake-dev-spectrum",
                "acme-lake-dev-warehouse-sg",
                "acme-lake-dev-warehouse-endpoints-sg",
                "acme-lake-dev-quicksight",
                "acme-lake-dev-athena",
            ]);
            expect(invalidNames(names)).to.deep.equal([]);
        });
        it("a reserved bucket prefix (xn--lake) is found in the list, before any resource", () => {
            const bad = invalidNames(stackDerivedNames({ ...args, prefix: "xn--lake" }));
            expect(bad.map((b) => `${b.name.what}: ${b.problem}`)).to.deep.equal(BUCKET_PURPOSES.map((p) => `S3 bucket (${p}): reserved prefix 'xn--'`));
        });
        it("a dataset's: table, database, crawler, IAM-mode policies, named queries, with their AWS limits", () => {
            const names = datasetDerivedNames(args, { name: "raw_taxi_trips", domain: "mobility", layer: "bronze" });
            expect(Object.fromEntries(Object.entries(names).map(([k, n]) => [k, `${n.name} <= ${n.rule.max}`]))).to.deep.equal({
                table: "raw_taxi_trips <= 255",
                database: "acme_lake_dev_bronze_mobility <= 255",
                crawler: "acme-lake-dev-crawl-raw-taxi-trips <= 255",
                readerPolicy: "acme-lake-dev-read-raw-taxi-trips <= 128",
                writerPolicy: "acme-lake-dev-write-raw-taxi-trips <= 128",
                previewQuery: "raw_taxi_trips preview <= 128",
                partitionCountQuery: "raw_taxi_trips rows per partition <= 128",
            });
            expect(names.database.name).to.equal(namer.glue("bronze", "mobility"));
        });
        it("the components' helpers take their names from the same list", () => {
            const ds = { name: "raw_taxi_trips", domain: "mobility", layer: "bronze" as const };
            const names = datasetDerivedNames(args, ds);
            expect(datasetResourceName(namer, "crawl", ds.name, NAME_RULES.glueCrawler.max)).to.equal(names.crawler.name);
            expect(datasetResourceName(namer, "read", ds.name, NAME_RULES.iamPolicy.max)).to.equal(names.readerPolicy.name);
            expect(datasetName(namer, ds, "writerPolicy")).to.equal(names.writerPolicy.name);
            expect(datasetName(namer, { ...ds, name: "x".repeat(120) }, "previewQuery")).to.have.length(128);
            expect(() => datasetName(namer, { ...ds, name: "x".repeat(121) }, "previewQuery")).to.throw(NameError, /is 129 chars, Athena allows 128/);
        });
        it("a connection's secret and Glue connection", () => {
            expect(connectionDerivedNames(args, "crm_sqlserver").map((n) => `${n.what}: ${n.name}`)).to.deep.equal([
                "Secrets Manager secret: acme-lake-dev-jdbc-crm-sqlserver",
                "Glue connection: acme-lake-dev-jdbc-crm-sqlserver",
            ]);
        });
        it("nameProblem names the limit and who sets it, or the charset", () => {
            const table = datasetDerivedNames(args, { name: "x".repeat(256), domain: "d", layer: "gold" }).table;
            expect(nameProblem(table)).to.equal("is 256 chars, Glue allows 255");
            expect(nameProblem({ ...table, name: "Sales" })).to.equal("must be lowercase letters, digits and underscores, starting with a letter");
        });
    });
});
