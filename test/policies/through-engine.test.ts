/**
 * The packs through the offline engine (tools/engine), on plain @pulumi/aws programs that don't use
 * our components (test/fixtures/violations). Each program is planned under mocks and every pack is
 * started as a real policy-pack process speaking the analyzer protocol, as `pulumi preview
 * --policy-pack` would, with policies/config/<stack>.json.
 */
import { expect } from "chai";
import { execFile } from "child_process";
import * as path from "path";
import type { Violation } from "../../tools/engine/types";

const ROOT = path.resolve(__dirname, "../..");
const FIXTURES = path.join(ROOT, "test/fixtures/violations");

interface CheckOutput {
    violations: Violation[];
}

function check(program: string, stack: string): Promise<CheckOutput> {
    const cli = path.join(ROOT, "tools/lake/cli.ts");
    const args = ["--import", "tsx", cli, "check", "--program", path.join(FIXTURES, program), "--stack", stack, "--format", "json"];
    return new Promise((resolve, reject) => {
        execFile(process.execPath, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
            // Exit code 1 means mandatory violations: still a report.
            if (err && (err as { code?: number }).code !== 1) return reject(new Error(`${program} (${stack}): ${stderr || err.message}`));
            try {
                resolve(JSON.parse(stdout) as CheckOutput);
            } catch (e) {
                reject(new Error(`${program} (${stack}): not JSON: ${(e as Error).message}\n${stderr}`));
            }
        });
    });
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

    it("a plain program written to the rules passes every pack (no false positives)", () => {
        const out = results.get("clean-lake/dev")!;
        expect(out.violations.map((v) => `${v.policy} @ ${nameOf(v)}: ${v.message}`)).to.deep.equal([]);
    });
});
