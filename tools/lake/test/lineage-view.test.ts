/** `npm run graph -- --view lineage`: the data flow of the dataset files, grouped by layer and domain. */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { lineageDot, lineageMermaid, renderLineage, stackLineage } from "../lineage-view";
import { REPO_ROOT } from "../host";

describe("lineage view", function () {
    this.timeout(120_000);
    const prod = stackLineage(REPO_ROOT, "prod");
    const dev = stackLineage(REPO_ROOT, "dev");

    it("groups sources, then each layer by domain, then consumers by where they query", () => {
        expect(prod.groups.map((g) => g.label)).to.deep.equal(["sources", "bronze", "silver", "gold", "consumers"]);
        const gold = prod.groups.find((g) => g.label === "gold")!;
        expect(gold.groups.find((d) => d.label === "sales")!.nodes.map((n) => n.id)).to.deep.equal(["ds_ticket_sales", "ds_venue_sales_daily"]);
        const consumers = prod.groups.find((g) => g.label === "consumers")!.groups.map((g) => g.label);
        expect(consumers).to.include("Athena workgroup analysts");
        expect(consumers).to.include("Redshift", "the warehouse is on in prod");
        expect(dev.groups.find((g) => g.label === "consumers")!.groups.map((g) => g.label)).to.not.include("Redshift");
    });

    it("draws the TICKIT and taxi jobs as edges between datasets, labelled with job and pipeline, and the crawlers before them", () => {
        const jobs = prod.edges.filter((e) => e.kind === "job").map((e) => `${e.from} -> ${e.to}: ${e.label}`);
        expect(jobs).to.deep.equal([
            "ds_raw_sales -> ds_sales: Glue job sales_refine_sales (sales)",
            "ds_raw_taxi_trips -> ds_taxi_trips: Glue job mobility_bronze_to_silver (mobility)",
            "ds_raw_venue -> ds_venue: Glue job sales_bronze_to_silver (sales)",
            "ds_sales -> ds_ticket_sales: Glue job sales_silver_to_gold (sales)",
            "ds_ticket_sales -> ds_venue_sales_daily: Glue job sales_venue_sales_daily (sales)",
            "ds_venue -> ds_venue_sales_daily: Glue job sales_venue_sales_daily (sales)",
        ]);
        expect(prod.edges).to.deep.include({ from: "src_files_raw_sales", to: "ds_raw_sales", label: "Glue crawler", kind: "crawler" });
        expect(prod.edges).to.deep.include({ from: "src_jdbc_crm_sqlserver", to: "ds_customer", label: "crawl crm/dbo/Customer", kind: "jdbc" });
    });

    it("ends in the consumers the grants name, column subsets counted", () => {
        expect(prod.edges).to.deep.include({ from: "ds_ticket_sales", to: "use_Athena_workgroup_analysts_arn_aws_iam__222222222222_role_finance_reporting", label: "6 columns", kind: "read" });
        expect(dev.edges.filter((e) => e.from === "ds_ticket_sales" && e.kind === "read").map((e) => e.to)).to.include("use_Athena_workgroup_analysts_arn_aws_iam__111111111111_role_data_engineer");
    });

    it("renders Mermaid with subgraphs, dashed reads and labelled job edges", () => {
        const mmd = lineageMermaid(prod);
        expect(mmd.split("\n").slice(0, 5)).to.deep.equal(["---", `title: "Lineage of prod: ${prod.title.split(": ")[1]}"`, "---", "flowchart LR", '  subgraph sources["sources"]']);
        expect(mmd).to.contain('  ds_sales -->|"Glue job sales_silver_to_gold (sales)"| ds_ticket_sales');
        expect(mmd).to.contain('    subgraph layer_gold_sales["sales"]');
        expect(mmd).to.match(/ds_ticket_sales -\.->\|"6 columns"\| use_/);
        expect(lineageMermaid(prod)).to.equal(mmd);
    });

    it("renders SVG through Graphviz with padding, so the left-justified title isn't clipped", async () => {
        expect(lineageDot(prod)).to.contain("pad=0.5, labelloc=t, labeljust=l");
        const svg = await renderLineage(prod, "svg");
        expect(svg.startsWith("<svg")).to.equal(true);
        expect(svg).to.contain(prod.title);
        for (const name of ["venue_sales_daily", "Redshift Spectrum", "S3 landing"]) expect(svg).to.contain(name);
    });

    it("is npm run graph -- --view lineage: writes the file; an unknown view is a usage error", () => {
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lineage-")), "prod.mmd");
        const cli = (...args: string[]) => spawnSync(process.execPath, ["--require", require.resolve("tsx/cjs", { paths: [REPO_ROOT] }), path.join(REPO_ROOT, "tools/lake/cli.ts"), "graph", ...args], { cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, CI: "true" } });
        const run = cli("--view", "lineage", "--stack", "prod", "--out", out);
        expect(run.status, run.stderr).to.equal(0);
        expect(fs.readFileSync(out, "utf8")).to.equal(lineageMermaid(prod));
        const bad = cli("--view", "lineages");
        expect([bad.status, bad.stderr.trim()]).to.deep.equal([2, "--view lineages: use resources (the plan's resource graph, the default) or lineage (the data flow of the dataset files)"]);
    });
});
