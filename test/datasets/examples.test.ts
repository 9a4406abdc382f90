/** The stacks' own dataset files: they load for dev and prod and cover the range the platform supports. */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";
import { CLASSIFICATIONS, Dataset, findDatasetFiles, FORMATS, JdbcConnection, loadStackDatasets } from "../../components/datasets";
import { LAYERS } from "../../contract";
import { stackConfig } from "../../tools/dataset/commands";

const ROOT = path.join(__dirname, "../..");
const loaded: Record<string, { datasets: Dataset[]; connections: JdbcConnection[]; accountId: string }> = {};
for (const stack of ["dev", "prod"]) {
    const { accountId, region, namePrefix, environment } = stackConfig(ROOT, stack);
    // With the stack's naming, as the program loads them: locations and derived names are checked too.
    loaded[stack] = { ...loadStackDatasets({ root: ROOT, stack, accountId, region, naming: { prefix: namePrefix, environment, accountId } }), accountId };
}
const byName = (stack: string, name: string) => loaded[stack]!.datasets.find((d) => d.name === name)!;

describe("datasets: the stacks' example files", () => {
    for (const stack of ["dev", "prod"]) {
        it(`load for ${stack} with every principal in the ${stack} account`, () => {
            const { datasets, accountId } = loaded[stack]!;
            expect(datasets.map((d) => d.name).sort()).to.deep.equal([
                "clickstream", "customer", "device_readings", "orders", "raw_sales", "raw_taxi_trips", "raw_venue", "sales",
                "subscription_events", "taxi_trips", "tenant_accounts", "ticket_sales", "venue", "venue_sales_daily",
            ]);
            for (const d of datasets) {
                for (const p of [...d.producers, ...d.consumers.map((c) => c.principal)]) expect(p).to.match(new RegExp(`^arn:aws:iam::${accountId}:role/`));
            }
        });

        it(`declare PostgreSQL, MySQL and SQL Server connections for ${stack}`, () => {
            expect(loaded[stack]!.connections.map((c) => c.engine).sort()).to.deep.equal(["mysql", "postgresql", "sqlserver"]);
            for (const c of loaded[stack]!.connections) expect(c.file).to.equal(`stacks/${stack}/connections.yaml`);
        });
    }

    it("include a partitioned Parquet fact table in gold with date projection", () => {
        const d = byName("prod", "ticket_sales");
        expect([d.layer, d.format, d.projection?.keys.sale_date?.type]).to.deep.equal(["gold", "parquet", "date"]);
    });

    it("include an unpartitioned silver dimension with its exemption", () => {
        const d = byName("prod", "venue");
        expect([d.layer, d.partitionKeys.length]).to.deep.equal(["silver", 0]);
        expect(d.unpartitionedReason!.length).to.be.greaterThan(10);
    });

    it("include an Iceberg table", () => expect(byName("prod", "taxi_trips").format).to.equal("iceberg"));

    it("include a JDBC-sourced bronze table with a crawl schedule", () => {
        const d = byName("prod", "customer");
        expect(d.layer).to.equal("bronze");
        expect(d.source).to.deep.equal({ type: "jdbc", connection: "crm_sqlserver", path: "crm/dbo/Customer" });
        expect(d.crawlSchedule).to.equal("cron(0 1 * * ? *)");
    });

    it("use each JDBC engine's include path shape", () => {
        expect(byName("prod", "orders").source).to.deep.equal({ type: "jdbc", connection: "shop_mysql", path: "shop/orders" });
        expect(byName("prod", "tenant_accounts").source).to.deep.equal({ type: "jdbc", connection: "saas_postgres", path: "saas/public/accounts" });
    });

    it("declare what their jobs read, and what their stream delivers", () => {
        expect(byName("prod", "taxi_trips").source).to.deep.equal({
            type: "job",
            job: "mobility_bronze_to_silver",
            inputs: ["raw_taxi_trips"],
            renames: { vendorid: "vendor_id", tpep_pickup_datetime: "pickup_at", tpep_dropoff_datetime: "dropoff_at", pulocationid: "pickup_location_id", dolocationid: "dropoff_location_id" },
            derive: {
                trip_id: "sha2(concat_ws('|', try_cast(vendor_id AS int), try_cast(pickup_at AS timestamp), try_cast(pickup_location_id AS int), try_cast(dropoff_location_id AS int)), 256)",
                pickup_date: "to_date(try_cast(pickup_at AS timestamp))",
                tip_amount: "NULL",
                surcharges: "NULL",
            },
            key: ["trip_id", "pickup_date"],
            writeMode: "merge",
        });
        // A gold job's SQL is the <name>.sql beside its file, attached by the loader.
        const sqlFile = "stacks/datasets/sales/ticket_sales.sql";
        expect(byName("prod", "ticket_sales").source).to.deep.equal({
            type: "job",
            job: "sales_silver_to_gold",
            inputs: ["sales"],
            key: ["sale_id"],
            writeMode: "overwrite",
            sql: { file: sqlFile, text: fs.readFileSync(path.join(ROOT, sqlFile), "utf8") },
        });
        expect(byName("prod", "venue").source).to.deep.equal({
            type: "job",
            job: "sales_bronze_to_silver",
            inputs: ["raw_venue"],
            renames: { venueid: "venue_id", venuename: "venue_name", venuecity: "venue_city", venuestate: "venue_state", venueseats: "venue_seats" },
            derive: { venue_seats: "coalesce(nullif(trim(venue_seats), ''), '0')" },
            key: ["venue_id"],
            dedupOrder: ["export_date"],
            writeMode: "overwrite",
        });
        expect(byName("prod", "subscription_events").source).to.deep.equal({
            type: "firehose",
            input: { type: "direct-put" },
            buffering: { sizeMiB: 5, intervalSeconds: 300 },
            // No partitioning in the file: the hourly date projection is filled from the arrival time.
            partitioning: [{ key: "event_hour", from: "arrival", format: "yyyy/MM/dd/HH" }],
            producers: [],
            errorPrefix: "_errors/billing/subscription_events/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
        });
    });

    it("include a raw CSV table with a scheduled crawler", () => {
        const d = byName("prod", "raw_taxi_trips");
        expect([d.layer, d.format, d.source, d.crawlSchedule]).to.deep.equal(["bronze", "csv", { type: "s3", crawl: true }, "cron(30 5 * * ? *)"]);
    });

    it("differ between stacks only where overrides say so", () => {
        expect(byName("dev", "ticket_sales").retentionDays).to.equal(90);
        expect(byName("prod", "ticket_sales").retentionDays).to.equal(1825);
        expect(byName("dev", "ticket_sales").consumers).to.have.length(1);
        expect(byName("prod", "ticket_sales").consumers).to.have.length(2);
        expect(byName("dev", "ticket_sales").columns).to.deep.equal(byName("prod", "ticket_sales").columns);
    });
});

describe("datasets: the published JSON Schemas", () => {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "stacks/schema/dataset.schema.json"), "utf8"));

    it("list the same layers, formats and classifications as the model", () => {
        expect(schema.properties.layer.enum).to.deep.equal([...LAYERS]);
        expect(schema.properties.format.enum).to.deep.equal([...FORMATS]);
        expect(schema.properties.classification.enum).to.deep.equal([...CLASSIFICATIONS]);
    });

    it("accept every example file as an editor would see it, referenced from its first line", () => {
        const ajv = new Ajv({ allErrors: true, strictTypes: false });
        addFormats(ajv, ["date", "email"]);
        // Message keywords VS Code's YAML/JSON language services show; ajv must be told they only annotate.
        ajv.addVocabulary(["errorMessage", "patternErrorMessage"]);
        const validate = ajv.compile(schema);
        for (const file of findDatasetFiles(ROOT)) {
            const text = fs.readFileSync(path.join(ROOT, file), "utf8");
            expect(text.split("\n")[0], file).to.equal("# yaml-language-server: $schema=../../schema/dataset.schema.json");
            expect(validate(parse(text)), `${file}: ${JSON.stringify(validate.errors)}`).to.equal(true);
        }
    });

    it("each stack has an external-locations file (empty: no dataset reads data outside the lake) with its schema line", () => {
        for (const stack of ["dev", "prod"]) {
            const text = fs.readFileSync(path.join(ROOT, `stacks/${stack}/external-locations.yaml`), "utf8");
            expect(text.split("\n")[0]).to.equal("# yaml-language-server: $schema=../schema/external-locations.schema.json");
            expect(parse(text)).to.deep.equal({ locations: [] });
        }
    });

    it("are registered for VS Code", () => {
        const settings = JSON.parse(fs.readFileSync(path.join(ROOT, ".vscode/settings.json"), "utf8"));
        expect(settings["yaml.schemas"]).to.deep.equal({
            "./stacks/schema/dataset.schema.json": "stacks/datasets/**/*.yaml",
            "./stacks/schema/connections.schema.json": "stacks/*/connections.yaml",
        });
    });
});

describe("datasets: schema documentation for editors", () => {
    /** Every property an editor completes shows a description on hover. */
    function undocumented(node: unknown, at: string, out: string[]): string[] {
        if (Array.isArray(node)) node.forEach((n, i) => undocumented(n, `${at}[${i}]`, out));
        else if (node && typeof node === "object") {
            const o = node as Record<string, unknown>;
            if (o.properties && !at.includes("allOf")) {
                for (const [k, v] of Object.entries(o.properties as Record<string, unknown>)) {
                    if (v && typeof v === "object" && !("description" in v)) out.push(`${at}.${k}`);
                }
            }
            for (const [k, v] of Object.entries(o)) undocumented(v, `${at}.${k}`, out);
        }
        return out;
    }
    for (const file of ["dataset.schema.json", "connections.schema.json", "external-locations.schema.json"]) {
        it(`${file} describes every field`, () => {
            const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "stacks/schema", file), "utf8"));
            expect(undocumented(schema, "", [])).to.deep.equal([]);
        });
    }
});
