/**
 * The dataset CLI against the repo and against scratch copies of it. The tests about the process (exit code and
 * streams of the real binary) spawn it as data teams run it (node + tsx); the others run the same commander
 * program in this process (tools/dataset/program.ts, which the binary is a thin wrapper of), with the same
 * output and exit code, and without a node + tsx start-up per command.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findDatasetFiles } from "../../components/datasets";
import { runDatasetCli } from "../../tools/dataset/program";
import { lineOf } from "./helpers";

const ROOT = path.join(__dirname, "../..");
const CLI = path.join(ROOT, "tools/dataset/cli.ts");

interface CliRun {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** The binary, as a process. */
function spawnCli(args: string[], root = ROOT): CliRun {
    const r = spawnSync(process.execPath, ["--import=tsx", CLI, "--root", root, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same command line, run in-process. */
function run(args: string[], root = ROOT): CliRun {
    let stdout = "";
    let stderr = "";
    const code = runDatasetCli(["--root", root, ...args], { out: (t) => (stdout += t), err: (t) => (stderr += t) });
    return { code, stdout, stderr };
}

/** A scratch copy of the project's stacks and stack config, to add or break files in. */
function scratch(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "datasets-cli-"));
    for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"]) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    fs.cpSync(path.join(ROOT, "stacks"), path.join(dir, "stacks"), { recursive: true });
    // Pulumi.yaml's `main` must exist for the project to load; the CLI never runs it.
    fs.mkdirSync(path.join(dir, "infra"));
    fs.writeFileSync(path.join(dir, "infra/index.ts"), "// scratch copy: the dataset CLI reads only the stack config\n");
    return dir;
}

describe("datasets: CLI (npm run dataset -- ...)", () => {
    const dirs: string[] = [];
    const tmp = () => {
        const d = scratch();
        dirs.push(d);
        return d;
    };
    after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

    it("validate: exit 0 and a one-line summary for the repo's files (the binary: stdout, exit code)", () => {
        const r = spawnCli(["validate"]);
        expect(r.code, r.stderr).to.equal(0);
        const n = findDatasetFiles(ROOT).length;
        expect(n).to.be.greaterThan(10);
        expect(r.stdout).to.equal(`OK ${n} dataset files valid (dev: ${n} datasets, 3 connections; prod: ${n} datasets, 3 connections)\n`);
    });

    it("validate: exit 1 with file:line:col field: message for every error (the binary: stderr, exit code)", () => {
        const root = tmp();
        const file = path.join(root, "stacks/datasets/sales/venue.yaml");
        const text = fs.readFileSync(file, "utf8").replace("format: parquet", "format: csv").replace("type: varchar(100)", "type: varchar");
        fs.writeFileSync(file, text);
        const r = spawnCli(["validate"], root);
        expect(r.code).to.equal(1);
        const lines = r.stderr.trim().split("\n");
        expect(lines).to.deep.equal([
            `stacks/datasets/sales/venue.yaml:${lineOf(text, "format: csv")}:9 format: csv is a row format, allowed only in bronze; silver must be parquet, orc or iceberg (convert it in the bronze-to-silver job) ("csv")`,
            `stacks/datasets/sales/venue.yaml:${lineOf(text, "type: varchar")}:11 columns[1].type: varchar needs a length, e.g. varchar(255) at position 8 of 'varchar' ("varchar")`,
            "2 problems; see docs/datasets.md#faq",
        ]);
        expect(r.stdout).to.equal("");
    });

    it("validate --root: a directory that doesn't exist, or isn't the project, is an error, not 'OK 0 dataset files'", () => {
        const missing = path.join(os.tmpdir(), "no-such-lake-root");
        const r = run(["validate"], missing);
        expect(r.code).to.equal(1);
        expect(r.stdout).to.equal("");
        expect(r.stderr).to.equal(`--root ${missing}: no such directory\n`);
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "datasets-cli-empty-"));
        dirs.push(empty);
        expect(run(["validate"], empty)).to.deep.include({ code: 1, stderr: `${empty} is not the lake's project: it has no Pulumi.yaml (pass --root <repository root>)\n` });
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(empty, "Pulumi.yaml"));
        expect(run(["validate"], empty).stderr).to.match(/^no stacks: there is no Pulumi.<stack>.yaml in /);
        const noDatasets = tmp();
        fs.rmSync(path.join(noDatasets, "stacks/datasets"), { recursive: true });
        expect(run(["list"], noDatasets)).to.deep.include({ code: 1, stderr: `${noDatasets} has no stacks/datasets/ folder: dataset files live in stacks/datasets/<domain>/<name>.yaml\n` });
    });

    it("validate: a location into another dataset's prefix fails for the stack that sets it, with file, line, field and value", () => {
        const root = tmp();
        const file = path.join(root, "stacks/datasets/shop/orders.yaml");
        const crm = "s3://acme-lake-prod-bronze-222222222222/crm/customer/";
        const text = `${fs.readFileSync(path.join(ROOT, "stacks/datasets/shop/orders.yaml"), "utf8")}overrides:\n  prod:\n    location: ${crm}\n`;
        fs.writeFileSync(file, text);
        const r = run(["validate"], root);
        expect(r.code).to.equal(1);
        expect(r.stderr.split("\n")[0]).to.match(new RegExp(`^stacks/datasets/shop/orders.yaml:${lineOf(text, "location: s3://")}:15 overrides.prod.location: is in the lake's bronze bucket but outside this dataset's own prefix s3://acme-lake-prod-bronze-222222222222/shop/orders/.* \\("${crm}"\\)$`));
    });

    it("validate --stack: an unknown stack is a usage error", () => {
        const r = run(["validate", "--stack", "qa"]);
        expect(r.code).to.equal(1);
        expect(r.stderr).to.match(/unknown stack 'qa': there is no Pulumi.qa.yaml/);
    });

    it("list: a table of the stack's datasets", () => {
        const r = run(["list", "--stack", "dev"]);
        expect(r.code, r.stderr).to.equal(0);
        const lines = r.stdout.trim().split("\n");
        expect(lines[0]).to.match(/^STACK\s+NAME\s+DOMAIN\s+LAYER\s+FORMAT\s+PARTITIONS\s+CLASSIFICATION\s+CONSUMERS$/);
        expect(lines).to.have.length(1 + findDatasetFiles(ROOT).length);
        expect(lines.find((l) => l.includes("ticket_sales"))).to.match(/^dev\s+ticket_sales\s+sales\s+gold\s+parquet\s+sale_date \(projected\)\s+confidential\s+1$/);
    });

    it("describe: location in the stack's bucket, grants, DDL and named queries", () => {
        const r = run(["describe", "ticket_sales", "--stack", "prod"]);
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stdout).to.include("acme_lake_prod_gold_sales.ticket_sales  (stack prod, stacks/datasets/sales/ticket_sales.yaml)");
        expect(r.stdout).to.include("location:       s3://acme-lake-prod-gold-222222222222/sales/ticket_sales/");
        expect(r.stdout).to.include("SELECT (columns: sale_id, event_id, qty_sold, price_paid, commission, sale_date)  arn:aws:iam::222222222222:role/finance-reporting");
        expect(r.stdout).to.include("CREATE EXTERNAL TABLE `acme_lake_prod_gold_sales`.`ticket_sales`(");
        expect(r.stdout).to.include('GROUP BY "sale_date"');
    });

    it("describe: an unknown dataset exits 1 and lists the known ones", () => {
        const r = run(["describe", "tickets"]);
        expect(r.code).to.equal(1);
        expect(r.stdout).to.match(/no dataset 'tickets' in stack 'dev' \(datasets: .*ticket_sales/);
    });

    it("new: scaffolds a file that validate accepts, normalising names and types", () => {
        const root = tmp();
        const r = run(
            ["new", "--name", "zone_daily", "--domain", "mobility", "--layer", "gold", "--owner", "mobility-data@acme.example",
                "--description", "Trips and revenue per taxi zone and day", "--column", "zone_id:INT", "--column", "Trips:bigint",
                "--column", "revenue:DECIMAL(12,2)", "--partition", "trip_date:string", "--date-projection", "trip_date",
                "--consumer", "role/mobility-analyst", "--producer", "role/acme-lake-etl", "--source", "job:mobility_silver_to_gold"],
            root,
        );
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stdout).to.match(/^created stacks\/datasets\/mobility\/zone_daily.yaml/);
        const text = fs.readFileSync(path.join(root, "stacks/datasets/mobility/zone_daily.yaml"), "utf8");
        expect(text.split("\n")[0]).to.equal("# yaml-language-server: $schema=../../schema/dataset.schema.json");
        expect(text).to.include("  - name: trips\n    type: bigint");
        expect(text).to.include("type: decimal(12,2)");
        const v = run(["validate"], root);
        expect(v.code, v.stderr).to.equal(0);
        expect(v.stdout).to.match(new RegExp(`^OK ${findDatasetFiles(ROOT).length + 1} dataset files valid`));
        expect(run(["new", "--name", "zone_daily", "--domain", "mobility", "--layer", "gold", "--owner", "a@b.co", "--description", "duplicate file", "--column", "a:int"], root).stderr).to.match(/already exists/);
    });

    it("new: a job source with its inputs", () => {
        const root = tmp();
        const r = run(["new", "--name", "zone_daily", "--domain", "mobility", "--layer", "gold", "--owner", "mobility-data@acme.example", "--description", "Trips and revenue per taxi zone and day",
            "--column", "zone_id:int", "--partition", "trip_date:string", "--date-projection", "trip_date", "--source", "job:mobility_silver_to_gold:taxi_trips", "--dry-run"], root);
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stdout).to.include("source:\n  type: job\n  job: mobility_silver_to_gold\n  inputs:\n    - taxi_trips\n");
        const bad = run(["new", "--name", "zone_daily", "--domain", "mobility", "--layer", "gold", "--owner", "mobility-data@acme.example", "--description", "Trips and revenue per taxi zone and day",
            "--column", "zone_id:int", "--partition", "trip_date:string", "--date-projection", "trip_date", "--source", "job:mobility_silver_to_gold:taxi_trip"], root);
        expect(bad.code).to.equal(1);
        expect(bad.stderr).to.match(/zone_daily.yaml:\d+:\d+ source.inputs\[0\]: no dataset 'taxi_trip' in stack 'dev'; did you mean 'taxi_trips'\? \("taxi_trip"\)/);
    });

    it("validate: warns (exit 0) about a job that doesn't declare its inputs yet", () => {
        const root = tmp();
        const file = path.join(root, "stacks/datasets/mobility/taxi_trips.yaml");
        fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("  inputs: [raw_taxi_trips]\n", ""));
        const r = run(["validate"], root);
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stderr).to.equal("warning: stacks/datasets/mobility/taxi_trips.yaml source.inputs: job dataset 'taxi_trips' doesn't say which datasets it reads; add inputs: [...] (it will become required, see docs/datasets.md#24-sources)\n");
    });

    it("describe: what the dataset's job reads and which datasets read it", () => {
        const r = run(["describe", "taxi_trips", "--stack", "dev"]);
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stdout).to.include("source:         Glue job mobility_bronze_to_silver, reads raw_taxi_trips\n");
        expect(run(["describe", "raw_taxi_trips"]).stdout).to.include("read by:        taxi_trips\n");
    });

    it("schema: the committed schemas match the declaration; a stale one is reported, then rewritten", () => {
        expect(run(["schema", "--check"])).to.deep.include({ code: 0, stdout: "OK the published schemas match their declaration\n" });
        const root = tmp();
        const file = path.join(root, "stacks/schema/dataset.schema.json");
        const text = fs.readFileSync(file, "utf8");
        fs.writeFileSync(file, text.replace('"title": "Lake dataset"', '"title": "edited by hand"'));
        const stale = run(["schema", "--check"], root);
        expect(stale.code).to.equal(1);
        expect(stale.stderr).to.equal("stacks/schema/dataset.schema.json: differs from components/datasets/shape.ts; run npm run dataset -- schema\n");
        expect(run(["schema"], root)).to.deep.include({ code: 0, stdout: "wrote stacks/schema/dataset.schema.json\n" });
        expect(fs.readFileSync(file, "utf8")).to.equal(text);
    });

    it("new: refuses flags that make an invalid file, and writes nothing", () => {
        const root = tmp();
        const r = run(["new", "--name", "zones", "--domain", "mobility", "--layer", "silver", "--format", "csv", "--owner", "a@acme.example", "--description", "Taxi zones lookup", "--column", "zone_id:int"], root);
        expect(r.code).to.equal(1);
        expect(r.stderr).to.match(/stacks\/datasets\/mobility\/zones.yaml:\d+:\d+ format: csv is a row format/);
        expect(r.stderr).to.match(/partitionKeys: a silver dataset needs partitionKeys, or an unpartitionedReason/);
        expect(fs.existsSync(path.join(root, "stacks/datasets/mobility/zones.yaml"))).to.equal(false);
    });
});
