/** Job inputs (lineage): validation across a stack's datasets, and the lineage module's edges and order. */
import { expect } from "chai";
import * as path from "path";
import { datasetLineage, loadStackDatasets } from "../../components/datasets";
import { stackConfig } from "../../tools/dataset/commands";
import { Expected, expectProblem, fileFor, loadObjects, loadTexts, problemsOf, textsOf, validDataset, validLake } from "./helpers";

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
        it(`of the example stack ${stack}: edges by kind, inputs before the datasets made from them`, () => {
            const config = stackConfig(ROOT, stack);
            const { datasets } = loadStackDatasets({ root: ROOT, stack, accountId: config.accountId, region: config.region });
            const lineage = datasetLineage(datasets);
            expect(lineage.order).to.deep.equal(["customer", "orders", "raw_taxi_trips", "subscription_events", "tenant_accounts", "taxi_trips", "venue", "ticket_sales"]);
            const edge = (e: (typeof lineage.edges)[number]) => `${e.from.type === "dataset" ? e.from.name : e.from.type} -${e.kind}-> ${e.to}`;
            expect(lineage.edges.map(edge)).to.deep.equal([
                "connection -jdbc-> customer",
                "connection -jdbc-> orders",
                "files -crawler-> raw_taxi_trips",
                "stream -stream-> subscription_events",
                "connection -jdbc-> tenant_accounts",
                "raw_taxi_trips -job-> taxi_trips",
                "venue -job-> ticket_sales",
            ]);
            expect(lineage.edges[0]!.from).to.deep.equal({ type: "connection", connection: "crm_sqlserver", path: "crm/dbo/Customer" });
            expect(lineage.edges[3]!.from).to.deep.equal({ type: "stream", input: { type: "direct-put" } });
            expect([lineage.cycles, lineage.undeclared]).to.deep.equal([[], []]);
        });
    }
});
