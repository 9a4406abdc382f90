/**
 * Item 3 of issue 10, the files themselves: bytes that aren't UTF-8 are refused with their offset and line (never
 * read as U+FFFD into a description), and a dataset file sits at stacks/datasets/<domain>/<name>.yaml, no deeper.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { decodeSource, findDatasetFiles, firstInvalidUtf8, formatProblem, loadStackDatasets } from "../../components/datasets";
import { ACCOUNT, namingFor, problemsOf, toYaml, validDataset } from "./helpers";

/** A scratch repo root holding `files` (repo-relative path -> bytes or text). */
function root(files: Record<string, string | Buffer>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "datasets-files-"));
    for (const [file, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), content);
    }
    return dir;
}
const load = (dir: string) => loadStackDatasets({ root: dir, stack: "dev", accountId: ACCOUNT, naming: namingFor("dev") });

describe("datasets: file encoding", () => {
    const dirs: string[] = [];
    after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

    it("refuses a Latin-1 byte in a description, with its byte offset, line and column", () => {
        const text = toYaml({ ...validDataset(), description: "Trips by caf\u00e9 district, cleaned." });
        const at = Buffer.from(text.slice(0, text.indexOf("\u00e9")), "utf8").length;
        const bytes = Buffer.concat([Buffer.from(text.slice(0, text.indexOf("\u00e9")), "utf8"), Buffer.from([0xe9]), Buffer.from(text.slice(text.indexOf("\u00e9") + 1), "utf8")]);
        const file = "stacks/datasets/mobility/trips.yaml";
        const dir = root({ [file]: bytes });
        dirs.push(dir);
        const problems = problemsOf(() => load(dir));
        const line = text.split("\n").findIndex((l) => l.includes("caf")) + 1;
        const column = at - Buffer.from(text.split("\n").slice(0, line - 1).join("\n") + "\n", "utf8").length + 1;
        expect(problems.map(formatProblem)).to.deep.equal([
            `${file}:${line}:${column} (file): not UTF-8: byte 0xE9 at byte offset ${at} (line ${line}) is not valid UTF-8; save the file as UTF-8 (it would otherwise reach Glue and Athena as U+FFFD replacement characters)`,
        ]);
    });

    it("loads the same text saved as UTF-8, accents and all", () => {
        const file = "stacks/datasets/mobility/trips.yaml";
        const dir = root({ [file]: toYaml({ ...validDataset(), description: "Trips by caf\u00e9 district, cleaned." }) });
        dirs.push(dir);
        expect(load(dir).datasets[0]!.description).to.equal("Trips by caf\u00e9 district, cleaned.");
    });

    it("finds the first ill-formed sequence: stray continuation, overlong, surrogate, truncated", () => {
        expect(firstInvalidUtf8(Buffer.from("caf\u00e9 \u20ac \u{1f600}", "utf8"))).to.equal(undefined);
        expect(firstInvalidUtf8(Buffer.from([0x61, 0x80]))).to.equal(1);
        expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0xaf]))).to.equal(1);
        expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).to.equal(0);
        expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xe2, 0x82]))).to.equal(2);
        expect(decodeSource("x.yaml", Buffer.from("a\nb\n\xff", "latin1")).invalidUtf8).to.deep.equal({ offset: 4, byte: 0xff, line: 3, column: 1 });
    });
});

describe("datasets: file layout stacks/datasets/<domain>/<name>.yaml", () => {
    const dirs: string[] = [];
    after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

    for (const [title, file, where] of [
        ["nested one folder deeper", "stacks/datasets/mobility/2026/trips.yaml", "2 folders deep"],
        ["directly in stacks/datasets", "stacks/datasets/trips.yaml", "directly in stacks/datasets/, not in a domain folder"],
    ] as const) {
        it(`refuses a file ${title}, naming the file`, () => {
            const dir = root({ [file]: toYaml(validDataset()) });
            dirs.push(dir);
            expect(findDatasetFiles(dir)).to.deep.equal([file]);
            const problems = problemsOf(() => load(dir));
            expect(problems[0]).to.deep.include({ file, line: 1, column: 1, field: "", value: file });
            expect(problems[0]!.message).to.equal(`a dataset file is stacks/datasets/<domain>/<name>.yaml; this one is ${where}: move it to stacks/datasets/<its domain>/trips.yaml`);
        });
    }
});
