/**
 * Property-based tests of the loader: no input crashes it (anything thrown is a DatasetError), and every dataset
 * built from the grammar loads with its types normalised. Budgeted to a few seconds.
 */
import { expect } from "chai";
import fc from "fast-check";
import { stringify } from "yaml";
import { DatasetError, datasetLineage, formatProblem, HiveTypeError, isReserved, parseHiveType } from "../../components/datasets";
import { fileFor, loadTexts, validDataset } from "./helpers";

const FILE = "stacks/datasets/mobility/trips.yaml";
/** FUZZ_SCALE=20 npx mocha test/datasets/fuzz.test.ts runs a deeper search than the suite's few-second budget. */
const runs = (n: number) => ({ numRuns: n * Number(process.env.FUZZ_SCALE ?? 1) });

/** Loads and returns "ok" or "rejected"; anything but a DatasetError escapes and fails the property. */
function outcome(text: string, file = FILE): "ok" | "rejected" {
    try {
        loadTexts([{ file, text }]);
        return "ok";
    } catch (e) {
        if (e instanceof DatasetError) {
            for (const p of e.problems) {
                expect(p.file).to.equal(file);
                expect(p.line).to.be.a("number");
                expect(p.message).to.be.a("string").and.not.equal("");
            }
            return "rejected";
        }
        throw e;
    }
}

const yamlish = fc.stringMatching(/^[-a-z:{}\[\],"'#&*!|>%@ \n\t0-9.?_]{0,200}$/);
const keys = Object.keys(validDataset());

const ident = fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/).filter((s) => !isReserved(s));
const primitive = fc.constantFrom("tinyint", "SMALLINT", "int", "Integer", "bigint", "float", "double", "string", "boolean", "binary", "date", "timestamp");
const hiveType: fc.Arbitrary<string> = fc.letrec<{ t: string }>((tie) => ({
    t: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        primitive,
        fc.tuple(fc.integer({ min: 1, max: 38 }), fc.integer({ min: 0, max: 38 })).map(([p, s]) => `DECIMAL(${p},${Math.min(s, p)})`),
        fc.integer({ min: 1, max: 65535 }).map((n) => `varchar(${n})`),
        tie("t").map((t) => `array<${t}>`),
        fc.tuple(primitive, tie("t")).map(([k, v]) => `map<${k}, ${v}>`),
        fc.uniqueArray(fc.tuple(ident, tie("t")), { minLength: 1, maxLength: 3, selector: ([n]) => n }).map((fs) => `struct<${fs.map(([n, t]) => `${n}:${t}`).join(",")}>`),
    ),
})).t;

describe("datasets: loader fuzzing (fast-check)", () => {
    it("never crashes on arbitrary YAML-ish text", () => {
        fc.assert(fc.property(yamlish, (text) => void outcome(text)), runs(400));
    });

    it("never crashes when any top-level field holds any JSON value", () => {
        const mutated = fc.record(Object.fromEntries(keys.map((k) => [k, fc.option(fc.jsonValue({ maxDepth: 2 }), { freq: 3 })])) as Record<string, fc.Arbitrary<unknown>>);
        fc.assert(
            fc.property(mutated, fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }), (changes, extra) => {
                const ds: Record<string, unknown> = { ...validDataset(), ...extra };
                for (const [k, v] of Object.entries(changes)) if (v !== null) ds[k] = v;
                outcome(stringify(ds));
            }),
            runs(200),
        );
    });

    it("never crashes when nested dataset fields hold arbitrary values", () => {
        const anyValue = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }));
        const paths: ((d: Record<string, any>, v: unknown) => void)[] = [
            (d, v) => (d.columns[0].type = v),
            (d, v) => (d.columns[1].name = v),
            (d, v) => (d.partitionKeys[0] = v),
            (d, v) => (d.projection.keys.dt.range = v),
            (d, v) => (d.projection.keys.dt.type = v),
            (d, v) => (d.projection.locationTemplate = v),
            (d, v) => (d.consumers[0].columns = v),
            (d, v) => (d.consumers[0] = v),
            (d, v) => (d.source = { type: "jdbc", connection: v, path: "crm/dbo/x" }),
            (d, v) => (d.overrides = { dev: v }),
            (d, v) => (d.overrides = { prod: { consumers: [{ principal: v }] } }),
            (d, v) => { d.source = { type: "s3", crawl: true }; d.crawlSchedule = v; },
            (d, v) => (d.source = { type: "firehose", input: v }),
            (d, v) => (d.source = { type: "firehose", input: { kinesis: v } }),
            (d, v) => (d.source = { type: "firehose", buffering: v }),
            (d, v) => (d.source = { type: "firehose", buffering: { sizeMiB: v } }),
            (d, v) => (d.source = { type: "job", job: "x", inputs: v }),
            (d, v) => (d.source = { type: v, job: "x", inputs: ["trips"], crawl: v }),
        ];
        fc.assert(
            fc.property(fc.array(fc.tuple(fc.nat(paths.length - 1), anyValue), { minLength: 1, maxLength: 4 }), (edits) => {
                const ds = validDataset();
                for (const [i, v] of edits) {
                    try {
                        paths[i]!(ds, v);
                    } catch {
                        // An earlier edit replaced the parent (e.g. consumers[0] = false): this edit can't apply.
                    }
                }
                outcome(stringify(ds));
            }),
            runs(400),
        );
    });

    it("never crashes on any graph of job inputs, and orders every valid one inputs first", () => {
        const pool = ["a", "b", "c", "d", "e"];
        const dataset = fc.record({ name: fc.constantFrom(...pool), layer: fc.constantFrom("bronze", "silver", "gold"), inputs: fc.option(fc.uniqueArray(fc.constantFrom(...pool, "zz"), { maxLength: 3 }), { nil: undefined }) });
        fc.assert(
            fc.property(fc.uniqueArray(dataset, { minLength: 1, maxLength: 5, selector: (d) => d.name }), (specs) => {
                const files = specs.map((g) => {
                    const ds: Record<string, unknown> = { ...validDataset(), name: g.name, layer: g.layer, source: { type: "job", job: `${g.name}_job`, ...(g.inputs ? { inputs: g.inputs } : {}) } };
                    return { file: fileFor(ds), text: stringify(ds) };
                });
                try {
                    const { datasets } = loadTexts(files);
                    const { order, cycles } = datasetLineage(datasets);
                    expect(cycles).to.deep.equal([]);
                    for (const d of datasets) for (const i of d.source.type === "job" ? (d.source.inputs ?? []) : []) expect(order.indexOf(i)).to.be.lessThan(order.indexOf(d.name));
                } catch (e) {
                    if (!(e instanceof DatasetError)) throw e;
                    for (const p of e.problems) expect(p.line, formatProblem(p)).to.be.greaterThan(0);
                }
            }),
            runs(200),
        );
    });

    it("never lets the type parser throw anything but HiveTypeError", () => {
        fc.assert(
            fc.property(fc.stringMatching(/^[a-zA-Z0-9<>(),: ]{0,40}$/), (t) => {
                try {
                    parseHiveType(t);
                } catch (e) {
                    if (!(e instanceof HiveTypeError)) throw e;
                }
            }),
            runs(1000),
        );
    });

    it("loads every dataset built from the grammar, with types normalised to lowercase", () => {
        const generated = fc.record({
            name: ident,
            columns: fc.uniqueArray(fc.tuple(ident, hiveType), { minLength: 1, maxLength: 6, selector: ([n]) => n }),
            layer: fc.constantFrom("bronze", "silver", "gold"),
            format: fc.constantFrom("parquet", "orc", "iceberg"),
            classification: fc.constantFrom("public", "internal", "confidential", "pii"),
            retentionDays: fc.option(fc.integer({ min: 1, max: 3650 }), { nil: undefined }),
            consumers: fc.uniqueArray(ident, { maxLength: 3 }),
        });
        fc.assert(
            fc.property(generated, (g) => {
                const ds: Record<string, unknown> = {
                    ...validDataset(),
                    name: g.name,
                    layer: g.layer,
                    format: g.format,
                    classification: g.classification,
                    columns: g.columns.filter(([n]) => n !== "dt").map(([name, type]) => ({ name, type })),
                    consumers: g.consumers.map((c) => ({ principal: `role/${c}` })),
                    ...(g.retentionDays ? { retentionDays: g.retentionDays } : {}),
                };
                if (!(ds.columns as unknown[]).length) ds.columns = [{ name: "id", type: "bigint" }];
                if (g.format === "iceberg") delete ds.projection;
                const { datasets } = loadTexts([{ file: fileFor(ds), text: stringify(ds) }]);
                expect(datasets).to.have.length(1);
                for (const c of datasets[0]!.columns) expect(c.type).to.equal(c.type.toLowerCase().replace(/\s/g, ""));
            }),
            runs(200),
        );
    });
});
