/**
 * The file shape is declared once (components/datasets/shape.ts): the committed JSON Schemas are exactly what the
 * declaration generates, and the loader validates with that same schema.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { datasetJsonSchema, FORMATS, OVERRIDABLE, publishedSchemas } from "../../components/datasets";

const ROOT = path.join(__dirname, "../..");
type Schema = { properties: Record<string, any>; required?: string[] };

describe("datasets: one declaration of the file shape", () => {
    for (const { file, text } of publishedSchemas()) {
        it(`${file} is what the declaration generates (npm run dataset -- schema writes it)`, () => {
            expect(fs.readFileSync(path.join(ROOT, file), "utf8")).to.equal(text);
        });
    }

    it("overrides.<stack> allows exactly the OVERRIDABLE fields, each with its top-level schema", () => {
        const schema = datasetJsonSchema() as Schema;
        const overrides = schema.properties.overrides.additionalProperties as Schema;
        expect(Object.keys(overrides.properties)).to.deep.equal([...OVERRIDABLE]);
        expect(overrides.required ?? []).to.deep.equal([]);
        for (const field of OVERRIDABLE) expect(overrides.properties[field], field).to.deep.equal(schema.properties[field]);
        expect(OVERRIDABLE).to.deep.equal(["owner", "producers", "consumers", "retentionDays", "crawlSchedule", "location"]);
    });

    it("lists the model's values and the source variants in the published schema", () => {
        const schema = datasetJsonSchema() as Schema;
        expect(schema.properties.format.enum).to.deep.equal([...FORMATS]);
        const variants = schema.properties.source.oneOf as Schema[];
        expect(variants.map((v) => v.properties.type.const)).to.deep.equal(["s3", "jdbc", "firehose", "job"]);
        expect(Object.keys(variants[2]!.properties)).to.deep.equal(["type", "input", "buffering", "partitioning", "producers", "errorPrefix", "uniqueKeys"]);
        expect(variants[2]!.properties.buffering.properties.sizeMiB).to.include({ minimum: 1, maximum: 128 });
        expect(variants[2]!.properties.buffering.properties.intervalSeconds).to.include({ minimum: 0, maximum: 900 });
        expect(Object.keys(variants[3]!.properties)).to.deep.equal(["type", "job", "inputs", "renames", "derive", "key", "dedupOrder", "writeMode"]);
        expect(variants[3]!.required).to.deep.equal(["type", "job"]);
    });
});
