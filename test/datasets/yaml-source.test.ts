/** YAML's traps, named with the fix: a flow mapping splits `decimal(8,2)` at its comma. */
import { expect } from "chai";
import { formatProblem } from "../../components/datasets";
import { lineOf, loadTexts, problemsOf, toYaml, validDataset } from "./helpers";

const FILE = "stacks/datasets/mobility/trips.yaml";
/** The valid dataset with its columns written as flow mappings, one per line. */
const withFlowColumns = (columns: string[], change: (d: Record<string, any>) => void = () => {}) => {
    const ds = validDataset();
    change(ds);
    return toYaml(ds).replace(/columns:\n(?: {2}[- ].*\n)+/, `columns:\n${columns.map((c) => `  - ${c}\n`).join("")}`);
};

describe("datasets: YAML flow mappings split at commas", () => {
    it("says to quote a decimal(8,2) written in a flow mapping, at its file, line, field and value", () => {
        const text = withFlowColumns(["{ name: trip_id, type: string }", "{ name: fare, type: decimal(8,2), comment: Total fare }"]);
        const problems = problemsOf(() => loadTexts([{ file: FILE, text }]));
        expect(problems.map(formatProblem)).to.deep.equal([
            `${FILE}:${lineOf(text, "name: fare")}:25 columns[1].type: YAML splits a flow mapping ({ ... }) at every comma, so this reads as "decimal(8" followed by a field '2)'; quote the type: type: "decimal(8,2)" ("decimal(8,2)")`,
        ]);
        expect(problems.some((p) => p.message.includes("unknown field"))).to.equal(false);
    });

    it("finds the split in nested types, in several pieces, with spaces after the commas", () => {
        const text = withFlowColumns(["{ name: trip_id, type: string }", "{ name: tags, type: map<string, int> }", "{ name: place, type: struct<city:string,zip:string,geo:array<double>> }"]);
        const problems = problemsOf(() => loadTexts([{ file: FILE, text }]));
        expect(problems.map((p) => [p.field, p.line, p.value])).to.deep.equal([
            ["columns[1].type", lineOf(text, "name: tags"), "map<string, int>"],
            ["columns[2].type", lineOf(text, "name: place"), "struct<city:string,zip:string,geo:array<double>>"],
        ]);
        expect(problems[1]!.message).to.match(/reads as "struct<city:string" followed by a field 'zip:string' and a field 'geo:array<double>>'; quote the type: type: "struct<city:string,zip:string,geo:array<double>>"$/);
    });

    it("still reports the file's other problems, with the type read as written", () => {
        const text = withFlowColumns(["{ name: trip_id, type: string }", "{ name: fare, type: decimal(40,2) }"], (d) => (d.layer = "platinum"));
        const problems = problemsOf(() => loadTexts([{ file: FILE, text }]));
        expect(problems.map((p) => p.field)).to.deep.equal(["layer", "columns[1].type"]);
        expect(problems[1]!.message).to.match(/quote the type: type: "decimal\(40,2\)"/);
    });

    it("loads the same columns quoted, or in block style", () => {
        const quoted = withFlowColumns(["{ name: trip_id, type: string }", '{ name: fare, type: "decimal(8,2)" }', "{ name: tags, type: 'map<string,int>' }"]);
        expect(loadTexts([{ file: FILE, text: quoted }]).datasets[0]!.columns.map((c) => c.type)).to.deep.equal(["string", "decimal(8,2)", "map<string,int>"]);
        const block = toYaml(validDataset());
        expect(block).to.include("type: decimal(10,2)");
        expect(loadTexts([{ file: FILE, text: block }]).datasets).to.have.length(1);
    });
});
