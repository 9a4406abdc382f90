import { expect } from "chai";
import { checkBucketName, checkGlueName, longestBucketName, Namer, NameError } from "../../contract";

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
});
