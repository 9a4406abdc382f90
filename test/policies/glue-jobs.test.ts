/** The Glue job policies of lake-security: each case starts from a passing job and flips one field. */
import { expect } from "chai";
import { glueJobBookmarksOrReason } from "../../policies/lake-security/glue-job-bookmarks-or-reason";
import { glueJobVersionPinned } from "../../policies/lake-security/glue-job-version-pinned";
import { T } from "../../policies/lib/types";
import { flip, runResource } from "./helpers";

/** A silver bronze_to_silver job as components/etl creates it (bookmarks on). */
const refine = {
    name: "acme-lake-prod-job-sales-refine-sales",
    glueVersion: "5.0",
    command: { name: "glueetl", pythonVersion: "3", scriptLocation: "s3://acme-lake-prod-gold-222222222222/_glue/jobs/sales-refine-sales/bronze_to_silver.0123456789abcdef.py" },
    defaultArguments: { "--job-bookmark-option": "job-bookmark-enable", "--target_database": "acme_lake_prod_silver_sales" },
    securityConfiguration: "acme-lake-prod-glue-security",
    tags: { "lake:layer": "silver" },
};
const REASON = "Iceberg target: Glue bookmarks don't track Iceberg; MERGE INTO on the key makes reruns idempotent.";

describe("Glue job policies", () => {
    describe("glue-job-version-pinned", () => {
        const run = (props: Record<string, unknown>, config?: Record<string, unknown>) => runResource(glueJobVersionPinned, T.glueJob, props, config ? { config } : {});
        it("passes a Spark job on Glue 5.0", async () => expect(await run(refine)).to.deep.equal([]));
        it("flags a job without glueVersion (AWS's old default)", async () => {
            const v = await run(flip(refine, "glueVersion", undefined));
            expect(v.map((r) => r.message)).to.deep.equal([`aws.glue.Job 'subject': glueVersion is not set (AWS then runs an old default version), not one of "5.0". Fix: set glueVersion: "5.0".`]);
        });
        it("flags an older version", async () => expect((await run(flip(refine, "glueVersion", "4.0")))[0]!.message).to.contain('glueVersion is "4.0", not one of "5.0"'));
        it("flags a streaming job too", async () => expect(await run(flip(flip(refine, "command.name", "gluestreaming"), "glueVersion", "3.0"))).to.have.length(1));
        it("leaves Python shell jobs alone (their own version line)", async () => expect(await run(flip(flip(refine, "command.name", "pythonshell"), "glueVersion", "3.0"))).to.deep.equal([]));
        it("takes the allowed versions from its config", async () => expect(await run(flip(refine, "glueVersion", "4.0"), { allowedVersions: ["4.0", "5.0"] })).to.deep.equal([]));
    });

    describe("glue-job-bookmarks-or-reason", () => {
        const run = (props: Record<string, unknown>, config?: Record<string, unknown>) => runResource(glueJobBookmarksOrReason, T.glueJob, props, config ? { config } : {});
        it("passes a silver job with bookmarks on", async () => expect(await run(refine)).to.deep.equal([]));
        it("flags a silver job with bookmarks off and no reason", async () => {
            const v = await run(flip(refine, ["defaultArguments", "--job-bookmark-option"], "job-bookmark-disable"));
            expect(v.map((r) => r.message)).to.deep.equal([
                `aws.glue.Job 'subject' writes the silver layer (job tag lake:layer="silver") with --job-bookmark-option "job-bookmark-disable", and no "lake:bookmark-reason" tag says why. ` +
                    `Fix: set defaultArguments["--job-bookmark-option"] = "job-bookmark-enable" for incremental sources, or tag "lake:bookmark-reason" with the reason (e.g. Iceberg MERGE INTO on a key, a full recompute).`,
            ]);
        });
        it("counts a missing option as disabled (Glue's default)", async () => {
            expect((await run(flip(refine, ["defaultArguments", "--job-bookmark-option"], undefined)))[0]!.message).to.contain("--job-bookmark-option not set (job-bookmark-disable)");
        });
        it("accepts bookmarks off with a written reason", async () => {
            const off = flip(refine, ["defaultArguments", "--job-bookmark-option"], "job-bookmark-disable");
            expect(await run(flip(off, ["tags", "lake:bookmark-reason"], REASON))).to.deep.equal([]);
        });
        it("flags a reason shorter than minReasonLength", async () => {
            const off = flip(refine, ["defaultArguments", "--job-bookmark-option"], "job-bookmark-disable");
            expect((await run(flip(off, ["tags", "lake:bookmark-reason"], "full reads")))[0]!.message).to.contain('tag "full reads" is 10 characters, under the minimum of 20');
        });
        it("finds the layer from --target_database when the job has no tag (programs not using our components)", async () => {
            const untagged = flip(flip(refine, "tags", undefined), ["defaultArguments", "--job-bookmark-option"], "job-bookmark-pause");
            expect((await run(untagged))[0]!.message).to.contain('writes the silver layer (--target_database argument "acme_lake_prod_silver_sales" matches the silver name pattern)');
        });
        it("leaves jobs writing bronze alone", async () => {
            expect(await run(flip(flip(refine, ["tags", "lake:layer"], "bronze"), ["defaultArguments", "--job-bookmark-option"], "job-bookmark-disable"))).to.deep.equal([]);
        });
    });
});
