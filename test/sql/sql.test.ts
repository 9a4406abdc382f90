/**
 * SQL is code: every statement the stacks send is parsed here by a real parser of its dialect, so a typo fails this
 * test, not a deploy. Athena (engine v3, Trino): Trino's own parser (tools/sql/trino.ts, pinned jars on Java 17).
 * Redshift's CREATE EXTERNAL SCHEMA: no available parser accepts it (tools/sql/redshift.ts says which were tried),
 * so its documented grammar is checked. Gold SQL (stacks/datasets/**\/*.sql) is Spark SQL, run on local Spark by the
 * ETL tests (etl/tests/test_gold.py), which parse and execute every file.
 */
import { expect } from "chai";
import { parseExternalSchema } from "../../tools/sql/redshift";
import { parseTrino, ParseResult } from "../../tools/sql/trino";
import { planOwnStack } from "../helpers/own-stacks";
import type { PlannedResource } from "../../tools/engine/types";

describe("SQL the stacks send, parsed by real parsers", function () {
    this.timeout(300_000);
    const plans: Record<string, PlannedResource[]> = {};
    let queries: { stack: string; name: string; sql: string }[] = [];
    /** The parser's answers to `queries`, then to BITES: one JVM (about two seconds) for the whole file. */
    let parsed: ParseResult[] = [];
    const BITES = ["SELECT *\nFORM \"db\".\"t\"\nLIMIT 100", "SELECT * FROM t DISTRIBUTE BY a", 'SELECT "k", count(*) AS row_count FROM "d"."t" WHERE "dt" = ? GROUP BY "k"'];
    before(async () => {
        // The plans of the shared own-stack checks (test/helpers/own-stacks.ts): a check plans exactly as a plan does.
        for (const stack of ["dev", "prod"]) plans[stack] = (await planOwnStack(stack)).plan.resources;
        queries = Object.entries(plans).flatMap(([stack, rs]) =>
            rs.filter((r) => r.type === "aws:athena/namedQuery:NamedQuery").map((r) => ({ stack, name: r.name, sql: String(r.inputs.query) })),
        );
        // Each statement is parsed on its own (ParseTrino.java), so one batch answers exactly as two would.
        parsed = parseTrino([...queries.map((q) => q.sql), ...BITES]);
    });

    it("every Athena named query of both stacks parses with Trino's parser (one JVM for all of them)", () => {
        expect(queries.length).to.be.greaterThan(20);
        const results = parsed.slice(0, queries.length);
        expect(results.filter((r) => !r.ok).map((r, i) => `${queries[i]!.stack} ${queries[i]!.name}: ${r.error}\n${r.sql}`)).to.deep.equal([]);
    });

    it("the parser bites: a typo or a Hive-only construct is refused with line and column", () => {
        const [typo, hive, ok] = parsed.slice(queries.length);
        expect(typo!.ok).to.equal(false);
        expect(typo!.error).to.match(/^2:\d+ /);
        expect(hive!.ok).to.equal(false);
        expect(ok!.ok).to.equal(true);
    });

    it("prod's external schemas match Redshift's CREATE EXTERNAL SCHEMA grammar: IF NOT EXISTS, DATA CATALOG, IAM_ROLE default, an existing Glue database", () => {
        const statements = plans.prod!.filter((r) => r.type === "aws:redshiftdata/statement:Statement");
        const glue = new Set(plans.prod!.filter((r) => r.type === "aws:glue/catalogDatabase:CatalogDatabase").map((r) => r.inputs.name));
        expect(statements.length).to.be.greaterThan(0);
        for (const s of statements) {
            const parsed = parseExternalSchema(String(s.inputs.sql));
            expect(parsed, s.name).to.not.have.property("error");
            const p = parsed as Exclude<typeof parsed, { error: string }>;
            expect(p.ifNotExists, s.name).to.equal(true);
            // An explicit ARN is stripped by Redshift from the stored SQL: a replacement on every refresh (pulumi-aws#5076).
            expect(p.iamRole, s.name).to.equal("default");
            expect(glue.has(p.database), `${s.name}: ${p.database}`).to.equal(true);
            expect(p.database).to.match(/_(silver|gold)_/);
            expect(s.inputs.database).to.equal("dev");
        }
        expect(plans.dev!.filter((r) => r.type === "aws:redshiftdata/statement:Statement")).to.deep.equal([]);
    });

    it("the Redshift shape check bites", () => {
        expect(parseExternalSchema("CREATE EXTERNAL SCHEMA s FROM DATA CATALOG DATABASE 'd' IAM_ROLE default")).to.deep.equal({ ifNotExists: false, schema: "s", database: "d", iamRole: "default" });
        expect(parseExternalSchema("CREATE EXTERNAL SCHEMA s FROM DATA CATALOG DATABASE 'd' IAM_ROLE 'arn:aws:iam::123456789012:role/r'")).to.deep.include({ iamRole: "'arn:aws:iam::123456789012:role/r'" });
        for (const bad of ["CREATE EXTERNAL SCHEMA s FROM DATA CATALOG DATABASE d IAM_ROLE default", "CREATE SCHEMA s", "CREATE EXTERNAL SCHEMA s FROM DATA CATALOG DATABASE 'd' IAM_ROLE deafult"]) {
            expect(parseExternalSchema(bad), bad).to.have.property("error");
        }
    });
});
