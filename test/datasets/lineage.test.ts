/** Job inputs (lineage): validation across a stack's datasets, and the lineage module's edges and order. */
import { expect } from "chai";
import * as path from "path";
import { datasetLineage, etlPipelines, jobPlan, loadDatasetSources, loadStackDatasets, SourceText } from "../../components/datasets";
import { stackConfig } from "../../tools/dataset/commands";
import { ACCOUNT, DEV_CONNECTIONS, Expected, expectProblem, fileFor, loadObjects, loadTexts, namingFor, problemsOf, textsOf, validDataset, validLake } from "./helpers";

const ROOT = path.join(__dirname, "../..");
const [RAW, CLEAN, DAILY] = [0, 1, 2];

/** A case changes the valid lake (one field, or one added dataset) and names where the problem must be. */
interface LakeCase {
    title: string;
    change: (lake: Record<string, any>[]) => void;
    expect: Expected[];
}

const file = (name: string, domain = "mobility") => fileFor({ domain, name });
const zoneDaily = () => ({ ...validDataset(), name: "zone_daily", source: { type: "job", job: "zones_to_gold", inputs: ["trips_daily"] } });

const cases: LakeCase[] = [
    {
        title: "an input that is no dataset of the stack, with a suggestion",
        change: (l) => (l[DAILY].source.inputs = ["trips_clen"]),
        expect: [{ file: file("trips_daily"), field: "source.inputs[0]", line: "- trips_clen", message: /^no dataset 'trips_clen' in stack 'dev'; did you mean 'trips_clean'\?$/, value: "trips_clen" }],
    },
    {
        title: "the dataset itself as its input",
        change: (l) => void l[CLEAN].source.inputs.push("trips_clean"),
        expect: [{ file: file("trips_clean"), field: "source.inputs[1]", line: "- trips_clean", message: /can't be an input of itself/, value: "trips_clean" }],
    },
    {
        title: "an input of a later layer (silver reading gold)",
        change: (l) => {
            l[CLEAN].source.inputs.push("zone_daily");
            l.push({ ...zoneDaily(), source: { type: "job", job: "z", inputs: [] } });
        },
        expect: [{ file: file("trips_clean"), field: "source.inputs[1]", line: "- zone_daily", message: /'trips_clean' is silver but reads the gold dataset 'zone_daily': a job reads the same or an earlier layer \(bronze < silver < gold\), never a later one/, value: "zone_daily" }],
    },
    {
        title: "a cycle across datasets, at every dataset on it",
        change: (l) => {
            l[DAILY].source.inputs.push("zone_daily");
            l.push(zoneDaily());
        },
        expect: [
            { file: file("trips_daily"), field: "source.inputs[1]", line: "- zone_daily", message: /^inputs form a cycle: trips_daily reads zone_daily reads trips_daily;/, value: "zone_daily" },
            { file: file("zone_daily"), field: "source.inputs[0]", line: "- trips_daily", message: /^inputs form a cycle: zone_daily reads trips_daily reads zone_daily;/, value: "trips_daily" },
        ],
    },
    {
        title: "an input that deploys to another stack only",
        change: (l) => (l[RAW].stacks = ["prod"]),
        expect: [{ file: file("trips_clean"), field: "source.inputs[0]", line: "- raw_trips", message: /dataset 'raw_trips' does not deploy to stack 'dev' \(its stacks: prod\)/, value: "raw_trips" }],
    },
    {
        title: "inputs that aren't a list",
        change: (l) => (l[DAILY].source.inputs = "trips_clean"),
        expect: [{ file: file("trips_daily"), field: "source.inputs", line: "inputs: trips_clean", message: /must be a list/, value: "trips_clean" }],
    },
    {
        title: "an input that can't be a dataset name",
        change: (l) => (l[DAILY].source.inputs = ["Trips-Clean"]),
        expect: [{ file: file("trips_daily"), field: "source.inputs[0]", line: "- Trips-Clean", message: /must be lowercase letters, digits and underscores/, value: "Trips-Clean" }],
    },
    {
        title: "the same input twice",
        change: (l) => void l[DAILY].source.inputs.push("trips_clean"),
        expect: [{ file: file("trips_daily"), field: "source.inputs[1]", line: ["- trips_clean", 2], message: /^"trips_clean" is listed twice \(also inputs\[0\]\): list each once$/, value: "trips_clean" }],
    },
    {
        title: "inputs on a source that isn't a job",
        change: (l) => (l[RAW].source.inputs = ["trips_clean"]),
        expect: [{ file: file("raw_trips"), field: "source.inputs", line: "inputs:", message: /'inputs' does not apply to type 's3'/ }],
    },
];

describe("datasets: job inputs, one change to a valid lake at a time", () => {
    it("loads the valid lake with its inputs", () => {
        const { datasets } = loadObjects(validLake());
        expect(datasets.map((d) => [d.name, d.source.type === "job" ? d.source.inputs : d.source.type])).to.deep.equal([
            ["raw_trips", "s3"],
            ["trips_clean", ["raw_trips"]],
            ["trips_daily", ["trips_clean"]],
        ]);
    });

    for (const c of cases) {
        it(`reports ${c.title} at its file, line, field and value`, () => {
            const lake = validLake();
            c.change(lake);
            const texts = textsOf(lake);
            const problems = problemsOf(() => loadTexts(texts));
            for (const e of c.expect) expectProblem(problems, texts, e);
        });
    }

    it("accepts a job reading the same layer (a gold aggregate of a gold table) and one reading no dataset", () => {
        const lake = [...validLake(), { ...zoneDaily(), source: { type: "job", job: "z", inputs: ["trips_daily", "trips_clean", "raw_trips"] } }];
        lake[CLEAN]!.source.inputs = [];
        expect(loadObjects(lake).datasets.map((d) => d.name)).to.include("zone_daily");
    });

    it("keeps a job without inputs valid for now (they will become required)", () => {
        const lake = validLake();
        delete lake[DAILY]!.source.inputs;
        const daily = loadObjects(lake).datasets.find((d) => d.name === "trips_daily")!;
        expect(daily.source).to.deep.equal({ type: "job", job: "trips_silver_to_gold" });
    });

    it("doesn't call the input of a broken file unknown: only the broken file is reported", () => {
        const lake = validLake();
        lake[RAW]!.columns[0].type = "money";
        const problems = problemsOf(() => loadObjects(lake));
        expect(problems.map((p) => `${p.file} ${p.field}`)).to.deep.equal([`${file("raw_trips")} columns[0].type`]);
    });

    it("checks inputs per stack: prod has its own datasets", () => {
        const lake = validLake();
        lake[RAW]!.stacks = ["dev"];
        expect(loadObjects(lake, { stack: "dev" }).datasets).to.have.length(3);
        expectProblem(problemsOf(() => loadObjects(lake, { stack: "prod" })), textsOf(lake), {
            file: file("trips_clean"),
            field: "source.inputs[0]",
            line: "- raw_trips",
            message: /does not deploy to stack 'prod' \(its stacks: dev\)/,
        });
    });
});

describe("datasets: lineage", () => {
    it("orders a lake's datasets inputs first and names each edge's kind", () => {
        const { datasets } = loadObjects([...validLake()].reverse());
        const lineage = datasetLineage(datasets);
        expect(lineage.order).to.deep.equal(["raw_trips", "trips_clean", "trips_daily"]);
        expect(lineage.edges).to.deep.equal([
            { from: { type: "files" }, to: "raw_trips", kind: "crawler" },
            { from: { type: "dataset", name: "raw_trips" }, to: "trips_clean", kind: "job", job: "trips_bronze_to_silver" },
            { from: { type: "dataset", name: "trips_clean" }, to: "trips_daily", kind: "job", job: "trips_silver_to_gold" },
        ]);
        expect([lineage.cycles, lineage.undeclared]).to.deep.equal([[], []]);
    });

    it("reports cycles and jobs without declared inputs, and still orders every dataset", () => {
        const job = (name: string, inputs?: string[]) => ({ name, layer: "gold" as const, source: { type: "job" as const, job: `${name}_job`, ...(inputs ? { inputs } : {}) } });
        const lineage = datasetLineage([job("c", ["b"]), job("b", ["a"]), job("a", ["c"]), job("d"), job("e", ["e"])]);
        expect(lineage.cycles).to.deep.equal([["a", "c", "b"], ["e"]]);
        expect(lineage.undeclared).to.deep.equal(["d"]);
        expect([...lineage.order].sort()).to.deep.equal(["a", "b", "c", "d", "e"]);
        expect(lineage.order[0]).to.equal("d");
    });

    for (const stack of ["dev", "prod"]) {
        it(`of the example stack ${stack}: the TICKIT and taxi jobs as edges, every input before the datasets made from it`, () => {
            const config = stackConfig(ROOT, stack);
            const { datasets } = loadStackDatasets({ root: ROOT, stack, accountId: config.accountId, region: config.region });
            const lineage = datasetLineage(datasets);
            const edge = (e: (typeof lineage.edges)[number]) => `${e.from.type === "dataset" ? e.from.name : e.from.type} -${e.kind}-> ${e.to}`;
            expect(lineage.edges.filter((e) => e.kind === "job").map(edge)).to.deep.equal([
                "raw_sales -job-> sales",
                "raw_taxi_trips -job-> taxi_trips",
                "raw_venue -job-> venue",
                "sales -job-> ticket_sales",
                "ticket_sales -job-> venue_sales_daily",
                "venue -job-> venue_sales_daily",
            ]);
            for (const name of ["raw_sales", "raw_venue", "raw_taxi_trips"]) expect(lineage.edges.map(edge)).to.include(`files -crawler-> ${name}`);
            for (const e of lineage.edges) if (e.from.type === "dataset") expect(lineage.order.indexOf(e.from.name), edge(e)).to.be.lessThan(lineage.order.indexOf(e.to));
            expect(lineage.edges.find((e) => e.kind === "jdbc")!.from).to.deep.equal({ type: "connection", connection: "crm_sqlserver", path: "crm/dbo/Customer" });
            expect([lineage.cycles, lineage.undeclared]).to.deep.equal([[], []]);
        });

        it(`of the example stack ${stack}: one pipeline per connected part, jobs in lineage order, each with its script`, () => {
            const config = stackConfig(ROOT, stack);
            const { datasets } = loadStackDatasets({ root: ROOT, stack, accountId: config.accountId, region: config.region });
            expect(etlPipelines(datasets).map((p) => ({ name: p.name, sources: p.sources, jobs: p.jobs.map((j) => `${j.dataset} ${j.script} ${j.writeMode}${j.bookmarks ? " bookmarks" : ""}`) }))).to.deep.equal([
                {
                    name: "sales",
                    sources: ["raw_sales", "raw_venue"],
                    jobs: ["sales bronze_to_silver merge bookmarks", "venue bronze_to_silver overwrite bookmarks", "ticket_sales silver_to_gold overwrite", "venue_sales_daily silver_to_gold overwrite"],
                },
                { name: "mobility", sources: ["raw_taxi_trips"], jobs: ["taxi_trips bronze_to_silver merge"] },
            ]);
        });
    }
});


// ---------------------------------------------------------------------------------------------------------------
// Jobs: the ETL fields, the SQL file beside a dataset file, and what the loader checks across them.

/** The valid lake with what its jobs need: raw columns giving the silver ones (one renamed), and the gold SQL file. */
function etlLake(): Record<string, any>[] {
    const [raw, clean, daily] = validLake();
    raw!.columns = [{ name: "trip_id", type: "string" }, { name: "fare", type: "string" }, { name: "pickup_time", type: "string" }];
    clean!.source = { ...clean!.source, renames: { pickup_time: "pickup_at" }, key: ["trip_id"], dedupOrder: ["dt"], writeMode: "merge" };
    return [raw!, clean!, daily!];
}
const DAILY_SQL = "-- revenue per day\nSELECT COUNT(*) AS trips, CAST(SUM(fare) AS DECIMAL(12,2)) AS revenue, dt\nFROM trips_clean\nGROUP BY dt\n";
const sqlFile = (name: string, text = DAILY_SQL, domain = "mobility"): SourceText => ({ file: `stacks/datasets/${domain}/${name}.sql`, text });

function loadEtl(lake: Record<string, any>[], sql: SourceText[] = [sqlFile("trips_daily")]) {
    const texts = [...textsOf(lake), ...sql];
    const load = () => loadDatasetSources({ stack: "dev", accountId: ACCOUNT, naming: namingFor("dev"), datasets: textsOf(lake), connections: [DEV_CONNECTIONS], knownStacks: ["dev", "prod"], sqlFiles: sql });
    return { texts, load };
}

const jobCases: { title: string; change: (l: Record<string, any>[]) => void; sql?: SourceText[]; expect: Expected[] }[] = [
    {
        title: "a gold job over a silver input without its SQL file",
        change: () => undefined,
        sql: [],
        expect: [{ file: file("trips_daily"), field: "source.inputs", line: "inputs:", message: /^reads the silver dataset 'trips_clean', so its job runs SQL: add stacks\/datasets\/mobility\/trips_daily\.sql/, value: ["trips_clean"] }],
    },
    {
        title: "a SQL file with no dataset file beside it",
        change: () => undefined,
        sql: [sqlFile("trips_daily"), sqlFile("trips_dialy")],
        expect: [{ file: "stacks/datasets/mobility/trips_dialy.sql", field: "", line: "-- revenue per day", message: /^no dataset file stacks\/datasets\/mobility\/trips_dialy\.yaml beside it/ }],
    },
    {
        title: "an empty SQL file",
        change: () => undefined,
        sql: [sqlFile("trips_daily", "\n")],
        expect: [{ file: "stacks/datasets/mobility/trips_daily.sql", field: "", line: "", message: /^is empty: write one SELECT/ }],
    },
    {
        title: "a SQL file beside a dataset no job writes",
        change: () => undefined,
        sql: [sqlFile("trips_daily"), sqlFile("raw_trips", "SELECT 1")],
        expect: [{ file: file("raw_trips"), field: "source", line: "source:", message: /raw_trips\.sql is a job's SQL, but this dataset is not written by a job/, value: "s3" }],
    },
    {
        title: "a SQL file but no inputs",
        change: (l) => (l[DAILY].source.inputs = []),
        expect: [{ file: file("trips_daily"), field: "source.inputs", line: "inputs: []", message: /trips_daily\.sql is the job's SQL over its inputs, but source\.inputs is empty/ }],
    },
    {
        title: "an input the SQL never reads (comments don't count)",
        change: (l) => (l[DAILY].source.inputs = ["trips_clean", "raw_trips"]),
        sql: [sqlFile("trips_daily", `${DAILY_SQL}-- raw_trips\n`)],
        expect: [{ file: file("trips_daily"), field: "source.inputs[1]", line: "- raw_trips", message: /^input 'raw_trips' is not read by stacks\/datasets\/mobility\/trips_daily\.sql/, value: "raw_trips" }],
    },
    {
        title: "bronze_to_silver fields on a SQL job",
        change: (l) => (l[DAILY].source.renames = { trips: "n" }),
        expect: [{ file: file("trips_daily"), field: "source.renames", line: "renames:", message: /applies to bronze_to_silver \(no SQL file\)/ }],
    },
    {
        title: "a declared column no input column or derive gives",
        change: (l) => delete l[CLEAN].source.renames,
        expect: [{ file: file("trips_clean"), field: "source.inputs[0]", line: "- raw_trips", message: /^column 'pickup_at' comes from nowhere: 'raw_trips' has no such column .*rename one to it \(source\.renames\) or compute it \(source\.derive\)/, value: "pickup_at" }],
    },
    {
        title: "a rename of a column the input doesn't have",
        change: (l) => (l[CLEAN].source.renames = { pickup_tme: "pickup_at" }),
        expect: [{ file: file("trips_clean"), field: "source.renames.pickup_tme", line: "pickup_tme: pickup_at", message: /^no column 'pickup_tme' in the input 'raw_trips' .*did you mean 'pickup_time'\?/, value: "pickup_tme" }],
    },
    {
        title: "a derived column the dataset doesn't declare",
        change: (l) => (l[CLEAN].source.derive = { pickup_at: "pickup_time", fares: "fare" }),
        expect: [{ file: file("trips_clean"), field: "source.derive.fares", line: "fares: fare", message: /^derives 'fares', which is not a column of this dataset; did you mean 'fare'\?/ }],
    },
    {
        title: "a key column the dataset doesn't have",
        change: (l) => (l[CLEAN].source.key = ["trip"]),
        expect: [{ file: file("trips_clean"), field: "source.key[0]", line: "- trip", message: /^no column 'trip' in this dataset; did you mean 'trip_id'\?/, value: "trip" }],
    },
    {
        title: "a dedupOrder without a key",
        change: (l) => delete l[CLEAN].source.key,
        expect: [{ file: file("trips_clean"), field: "source.dedupOrder", line: "dedupOrder:", message: /orders the rows of one key: declare source\.key too/ }],
    },
    {
        title: "an Iceberg target without a key, and with overwrite",
        change: (l) => {
            Object.assign(l[CLEAN], { format: "iceberg" });
            delete l[CLEAN].projection;
            delete l[CLEAN].source.key;
            delete l[CLEAN].source.dedupOrder;
            l[CLEAN].source.writeMode = "overwrite";
        },
        expect: [
            { file: file("trips_clean"), field: "source.job", line: "job: trips_bronze_to_silver", message: /an Iceberg target is written with MERGE INTO on its key .*declare source\.key/ },
            { file: file("trips_clean"), field: "source.writeMode", line: "writeMode: overwrite", message: /writeMode is merge \(or leave it out\)/, value: "overwrite" },
        ],
    },
    {
        title: "a job writing bronze (wrong layer order)",
        change: (l) => l.push({ ...l[RAW], name: "raw_copy", source: { type: "job", job: "copy", inputs: ["raw_trips"] } }),
        expect: [{ file: file("raw_copy"), field: "source.inputs", line: "inputs:", message: /^bronze holds data as it landed; a job refines bronze into silver or gold, it never writes bronze/ }],
    },
    {
        title: "a dataset name too long for its job's IAM role",
        change: (l) => {
            l[CLEAN].name = `trips_clean_${"x".repeat(40)}`;
            l[DAILY].source.inputs = [l[CLEAN].name];
        },
        sql: [sqlFile("trips_daily", DAILY_SQL.replace("trips_clean", `trips_clean_${"x".repeat(40)}`))],
        expect: [{ file: file(`trips_clean_${"x".repeat(40)}`), field: "name", line: "name: trips_clean_x", message: /^derived IAM role \(Glue job\) name 'acme-lake-dev-etl-trips-clean-x+' is 70 chars, the platform \(IAM role names\) allows 64: shorten the dataset name to at most 46 chars in stack 'dev'$/ }],
    },
    {
        title: "ETL fields on a job without inputs",
        change: (l) => (l[DAILY].source = { type: "job", job: "external", inputs: [], key: ["trips"] }),
        sql: [],
        expect: [{ file: file("trips_daily"), field: "source.key", line: "key:", message: /configures the lake's job, which needs source\.inputs/ }],
    },
];

describe("datasets: jobs derived from the files", () => {
    it("loads the lake with its SQL file and derives each job with its defaults", () => {
        const { datasets } = loadEtl(etlLake()).load();
        expect(datasets.map((d) => jobPlan(d))).to.deep.equal([
            undefined,
            { dataset: "trips_clean", job: "trips_bronze_to_silver", script: "bronze_to_silver", inputs: ["raw_trips"], renames: { pickup_time: "pickup_at" }, derive: {}, key: ["trip_id"], dedupOrder: ["dt"], writeMode: "merge", bookmarks: true },
            { dataset: "trips_daily", job: "trips_silver_to_gold", script: "silver_to_gold", inputs: ["trips_clean"], renames: {}, derive: {}, key: [], dedupOrder: [], writeMode: "overwrite", sql: { file: "stacks/datasets/mobility/trips_daily.sql", text: DAILY_SQL }, bookmarks: false },
        ]);
        expect(etlPipelines(datasets).map((p) => [p.name, p.sources, p.jobs.map((j) => j.dataset)])).to.deep.equal([["mobility", ["raw_trips"], ["trips_clean", "trips_daily"]]]);
    });

    for (const c of jobCases) {
        it(`reports ${c.title} at its file, line, field and value`, () => {
            const lake = etlLake();
            c.change(lake);
            const { texts, load } = loadEtl(lake, c.sql);
            const problems = problemsOf(load);
            for (const e of c.expect) expectProblem(problems, texts, e);
        });
    }

    it("splits unconnected jobs into pipelines named by domain, numbered when a domain has two", () => {
        const lake = etlLake();
        const other = { ...lake[RAW], name: "raw_zones", columns: [{ name: "trip_id", type: "string" }, { name: "fare", type: "string" }, { name: "pickup_at", type: "string" }] };
        lake.push(other, { ...lake[CLEAN], name: "zones", source: { type: "job", job: "zones_job", inputs: ["raw_zones"] } });
        const { datasets } = loadEtl(lake).load();
        expect(etlPipelines(datasets).map((p) => [p.name, p.jobs.map((j) => j.dataset)])).to.deep.equal([["mobility", ["trips_clean", "trips_daily"]], ["mobility-2", ["zones"]]]);
    });
});
