/** The producer contract: one JSON Schema per streaming dataset, published beside the dataset schemas and fresh. */
import Ajv from "ajv";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { loadStackDatasets } from "../../components/datasets";
import { eventSchema, FirehoseDataset, isStreamed, publishedEventSchemas, sampleRecord } from "../../components/ingestion";
import { EVENTS_SCHEMA_DIR } from "../../components/ingestion/events-schema";
import { namingFor } from "../datasets/helpers";

const REPO = path.resolve(__dirname, "..", "..");
const compile = (schema: object) => new Ajv({ strict: false, allErrors: true }).compile(schema);

describe("ingestion: producer event schemas", () => {
    const published = publishedEventSchemas(REPO);
    const streamed = (): FirehoseDataset[] => loadStackDatasets({ root: REPO, stack: "dev", accountId: namingFor("dev").accountId }).datasets.filter(isStreamed);

    it(`${EVENTS_SCHEMA_DIR}/ holds exactly the generated schemas (regenerate: npx tsx components/ingestion/events-schema.ts)`, () => {
        const onDisk = fs.readdirSync(path.join(REPO, EVENTS_SCHEMA_DIR)).sort();
        expect(onDisk).to.deep.equal(published.map((p) => path.basename(p.file)).sort());
        for (const p of published) expect(fs.readFileSync(path.join(REPO, p.file), "utf8"), p.file).to.equal(p.text);
    });
    it("one per streaming dataset, the examples included", () => {
        expect(published.map((p) => p.file)).to.include.members([`${EVENTS_SCHEMA_DIR}/web.clickstream.schema.json`, `${EVENTS_SCHEMA_DIR}/iot.device_readings.schema.json`]);
    });
    for (const ds of streamed()) {
        describe(`${ds.domain}.${ds.name}`, () => {
            const schema = eventSchema(ds);
            const validate = compile(schema);
            it("its example and a fresh sample record are valid events", () => {
                expect(validate((schema.examples as unknown[])[0]), JSON.stringify(validate.errors)).to.equal(true);
                expect(validate(sampleRecord(ds, new Date())), JSON.stringify(validate.errors)).to.equal(true);
            });
            it("has a property per column and no others", () => {
                expect(Object.keys(schema.properties as object)).to.deep.equal(ds.columns.map((c) => c.name));
                expect(validate({ ...sampleRecord(ds, new Date()), not_a_column: 1 })).to.equal(false);
            });
            const fields = ds.source.partitioning.flatMap((p) => (p.from === "field" ? [p.field] : []));
            if (fields.length) {
                it(`requires the partition fields (${fields.join(", ")}): without them Firehose sends the record to the error prefix`, () => {
                    expect(schema.required).to.include.members(fields);
                    for (const f of fields) {
                        const { [f]: _omit, ...rest } = sampleRecord(ds, new Date());
                        expect(validate(rest), f).to.equal(false);
                    }
                });
            }
        });
    }
    it("timestamps are ISO-8601 UTC (what OpenX and fromdateiso8601 read); enum-projected fields take only the table's folders", () => {
        const readings = streamed().find((d) => d.name === "device_readings")!;
        const validate = compile(eventSchema(readings));
        const ok = sampleRecord(readings, new Date(Date.UTC(2026, 0, 2, 3, 4, 5)));
        expect(ok.reading_time).to.equal("2026-01-02T03:04:05Z");
        expect(validate({ ...ok, reading_time: "2026-01-02T03:04:05.123Z" })).to.equal(true);
        expect(validate({ ...ok, reading_time: "2026-01-02T04:04:05+01:00" })).to.equal(false);
        expect(validate({ ...ok, reading_time: 1767322445 })).to.equal(false);
        expect(validate({ ...ok, device_kind: "drone" })).to.equal(false);
        expect(validate({ ...ok, battery_pct: 300 })).to.equal(false);
        expect(validate({ ...ok, humidity_pct: null })).to.equal(true);
    });
});
