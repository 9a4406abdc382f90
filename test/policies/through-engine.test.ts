/**
 * The packs through the offline engine (tools/engine), on plain @pulumi/aws programs that don't use
 * our components (test/fixtures/violations). Each program is planned under mocks and every pack is
 * started as a real policy-pack process speaking the analyzer protocol, as `pulumi preview
 * --policy-pack` would, with policies/config/<stack>.json.
 */
import { expect } from "chai";
import * as path from "path";
import type { Violation } from "../../tools/engine/types";
import { coverage } from "../../policies/lib/coverage";
import { checkJson } from "../../tools/engine/reports/check";
import { runCheck, runPlan } from "../../tools/lake/host";

const FIXTURES = path.resolve(__dirname, "../fixtures/violations");

interface CheckOutput {
    violations: Violation[];
}

/**
 * The check `npm run check -- --program <fixture> --stack <stack> --format json --type-check off` prints, run in
 * this process: the CLI process adds nothing these tests look at (tools/lake/test covers it), the program and
 * packs still run as their own processes. Not type-checked: a type check only adds warnings, never a verdict, and
 * each fixture is another program, so each would be a cold check of its own (the engine's tests cover it).
 */
async function check(program: string, stack: string): Promise<CheckOutput> {
    try {
        return checkJson(await runCheck({ programDir: path.join(FIXTURES, program), stack, typeCheck: "off" }));
    } catch (e) {
        throw new Error(`${program} (${stack}): ${(e as Error).message}`);
    }
}

/** Which policies must fire on which program, and on which resource (logical name; "-" = the stack). */
const EXPECTED: Record<string, { stack: string; fires: [policy: string, resource: string][] }> = {
    "csv-in-gold": {
        stack: "dev",
        fires: [
            ["curated-columnar-format", "orders"],
            ["curated-table-partitioning", "orders"],
            ["glue-catalog-encryption", "-"],
            ["required-tags", "sales"],
        ],
    },
    "bad-projection": {
        stack: "dev",
        fires: [
            ["partition-projection-consistency", "events"],
            ["partition-projection-consistency", "sessions"],
            ["curated-table-partitioning", "sessions"],
        ],
    },
    // Checked as prod: the S3 rules plus prod-data-protection, all mandatory.
    "unprotected-buckets": {
        stack: "prod",
        fires: [
            ["s3-bucket-kms-encryption", "landing"],
            ["s3-bucket-kms-encryption", "exports-sse"],
            ["s3-public-access-block", "landing"],
            ["s3-public-access-block", "exports-pab"],
            ["s3-tls-only", "landing"],
            ["s3-tls-only", "exports"],
            ["required-tags", "landing"],
            ["prod-data-protection", "landing"],
            ["prod-data-protection", "exports"],
        ],
    },
    "shared-results-retention": {
        stack: "dev",
        fires: [
            ["athena-results-isolated", "crm"],
            ["dataset-retention-enforced", "customer"],
        ],
    },
    "athena-open": {
        stack: "dev",
        fires: [
            ["athena-workgroup-encryption", "adhoc"],
            ["athena-workgroup-encryption", "reporting"],
            ["athena-bytes-scanned-cutoff", "adhoc"],
            ["athena-bytes-scanned-cutoff", "reporting"],
        ],
    },
    "firehose-json-to-gold": {
        stack: "dev",
        fires: [
            ["firehose-columnar-conversion", "clicks"],
            ["stream-encryption", "clicks"],
            ["stream-encryption", "orders"],
        ],
    },
    "redshift-glue-secrets": {
        stack: "dev",
        fires: [
            ["redshift-encryption", "legacy"],
            ["redshift-encryption", "analytics"],
            ["redshift-not-public", "legacy"],
            ["redshift-not-public", "analytics"],
            ["glue-security-configuration", "raw-crawler"],
            ["glue-security-configuration", "etl"],
            ["glue-catalog-encryption", "-"],
            ["secretsmanager-cmk", "jdbc"],
            ["kms-key-rotation", "warehouse"],
            ["glue-job-version-pinned", "compact"],
            ["glue-job-bookmarks-or-reason", "orders-to-gold"],
        ],
    },
    "quicksight-open": {
        stack: "dev",
        fires: [
            ["quicksight-data-source-secure", "athena"],
            ["quicksight-dataset-restricted", "customers"],
        ],
    },
    // Checked as prod: lake-layer-determined is mandatory there.
    "unjudged-layers": {
        stack: "prod",
        fires: [
            ["lake-layer-determined", "dw-orders"],
            ["lake-layer-determined", "sl-events"],
            ["lake-layer-determined", "clicks"],
        ],
    },
    "athena-ddl-in-curated": {
        stack: "dev",
        fires: [
            ["curated-columnar-format", "clicks-json"],
            ["curated-columnar-format", "orders-text"],
            ["curated-table-partitioning", "orders-text"],
            ["lake-layer-determined", "dw-ddl"],
        ],
    },
    "athena-unencrypted-databases": {
        stack: "dev",
        fires: [
            ["athena-database-encryption", "reporting"],
            ["athena-database-encryption", "scratch"],
            ["athena-no-primary-workgroup", "top-customers"],
            ["athena-no-primary-workgroup", "orders-by-day"],
            ["glue-catalog-encryption", "-"],
        ],
    },
    "open-bucket-policy": {
        stack: "dev",
        fires: [
            ["s3-bucket-policy-not-public", "exports-policy"],
            ["s3-bucket-policy-not-public", "landing"],
        ],
    },
    "iam-full-access": {
        stack: "dev",
        fires: [
            ["iam-no-lake-full-access", "etl-s3"],
            ["iam-no-lake-full-access", "etl-glue"],
            ["iam-no-lake-full-access", "etl-inline"],
            ["iam-no-lake-full-access", "analysts"],
            ["iam-no-lake-full-access", "admin"],
        ],
    },
};

const nameOf = (v: Violation) => (v.urn ? v.urn.split("::").pop()! : "-");

describe("policy packs through the offline engine (plain @pulumi/aws programs)", function () {
    this.timeout(600_000);
    const results = new Map<string, CheckOutput>();

    before(async () => {
        const runs: [string, string][] = [
            ...Object.entries(EXPECTED).map(([p, e]) => [p, e.stack] as [string, string]),
            ["clean-lake", "dev"],
        ];
        // Two at a time: each run starts three pack processes.
        for (let i = 0; i < runs.length; i += 2) {
            const batch = runs.slice(i, i + 2);
            const outs = await Promise.all(batch.map(([p, s]) => check(p, s)));
            batch.forEach(([p, s], j) => results.set(`${p}/${s}`, outs[j]));
        }
    });

    for (const [program, { stack, fires }] of Object.entries(EXPECTED)) {
        it(`${program}: ${[...new Set(fires.map((f) => f[0]))].join(", ")} fire`, () => {
            const out = results.get(`${program}/${stack}`)!;
            const seen = out.violations.map((v) => `${v.policy} @ ${nameOf(v)}`);
            for (const [policy, resource] of fires) expect(seen).to.include(`${policy} @ ${resource}`);
            // dev config: everything advisory; prod: everything mandatory.
            const levels = new Set(out.violations.map((v) => v.level));
            expect([...levels]).to.deep.equal([stack === "prod" ? "mandatory" : "advisory"]);
            for (const v of out.violations) expect(v.message).to.contain("Fix:");
        });
    }

    it("every policy of every pack fires on at least one program", () => {
        const fired = new Set([...results.values()].flatMap((o) => o.violations.map((v) => v.policy)));
        const { policies: layout } = require("../../policies/lake-data-layout/policies");
        const { policies: security } = require("../../policies/lake-security/policies");
        const { policies: hygiene } = require("../../policies/lake-hygiene/policies");
        const all = [...layout, ...security, ...hygiene].map((p: { name: string }) => p.name);
        expect(all.filter((n) => !fired.has(n))).to.deep.equal([]);
    });

    it("prod config turns prod-data-protection on: unprotected buckets and forceDestroy", () => {
        const prot = results.get("unprotected-buckets/prod")!.violations.filter((v) => v.policy === "prod-data-protection");
        expect(prot.some((v) => v.message.includes("forceDestroy is true"))).to.equal(true);
        expect(prot.filter((v) => v.message.includes("without protect: true"))).to.have.length(2);
        // dev config leaves it off.
        expect(results.get("csv-in-gold/dev")!.violations.some((v) => v.policy === "prod-data-protection")).to.equal(false);
    });

    it("the DDL fixture's passing CTAS and the lake's clean saved queries are not flagged", () => {
        const ddl = results.get("athena-ddl-in-curated/dev")!.violations.map(nameOf);
        expect(ddl).to.not.include("daily-ctas");
        // The storage-handler DDL can't be read: coverage reports it (below), no rule passes judgement on it.
        expect(ddl).to.not.include("handler-ddl");
    });

    it("coverage() over the engine's plans names what the layer rules could not judge, and why", async () => {
        const plan = async (program: string) => (await runPlan({ programDir: path.join(FIXTURES, program), stack: "dev" })).plan.resources;
        const unjudged = (entries: ReturnType<typeof coverage>, policy: string) =>
            entries.find((e) => e.policy === policy)!.unjudged.map((u) => `${u.urn.split("::").pop()}: ${u.reason}`);

        const layers = coverage(await plan("unjudged-layers"));
        expect(unjudged(layers, "curated-columnar-format")).to.deep.equal([
            'dw-orders: no lake:layer marker in the table parameters or database \'analytics-dw\' parameters, and database name "analytics_dw", location "s3://acme-dw/orders/" match no layer pattern',
            'sl-events: no lake:layer marker in the table parameters or database \'serverlessdb\' parameters, and database name "serverlessdb", location "s3://acme-serverless/events/" match no layer pattern',
        ]);
        expect(unjudged(layers, "firehose-columnar-conversion")).to.have.length(1);
        expect(unjudged(layers, "firehose-columnar-conversion")[0]).to.match(/^clicks: no lake:layer marker in the stream tags or bucket 'events' tags/);

        const ddl = coverage(await plan("athena-ddl-in-curated"));
        const columnar = ddl.find((e) => e.policy === "curated-columnar-format")!;
        expect(columnar.judged).to.equal(3);
        const ddlUnjudged = unjudged(ddl, "curated-columnar-format");
        expect(ddlUnjudged).to.have.length(2);
        expect(ddlUnjudged[0]).to.equal(
            "dw-ddl: aws.athena.NamedQuery 'dw-ddl' (CREATE EXTERNAL TABLE analytics_dw.facts): no lake:layer marker in the table parameters, and database name \"analytics_dw\", location \"s3://acme-dw/facts/\" match no layer pattern",
        );
        expect(ddlUnjudged[1]).to.match(/^handler-ddl: query "CREATE EXTERNAL TABLE sales_gold\.kv .*": could not read the CREATE TABLE statement: STORED BY \(a Hive storage handler\) is not Athena DDL/);
    });

    it("a plain program written to the rules passes every pack (no false positives)", () => {
        const out = results.get("clean-lake/dev")!;
        expect(out.violations.map((v) => `${v.policy} @ ${nameOf(v)}: ${v.message}`)).to.deep.equal([]);
    });
});
