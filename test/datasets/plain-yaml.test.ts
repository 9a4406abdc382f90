/**
 * The fast reader of plain YAML against the yaml package: whatever it returns is exactly what yaml's toJS() gives
 * for a file without errors, on every YAML file of the repository, the bench's generated mix, yaml's own output for
 * random values and random edits of real files (any edit it cannot read the same way, it must decline).
 */
import { expect } from "chai";
import fc from "fast-check";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { parseDocument, stringify } from "yaml";
import { readPlainYaml } from "../../components/datasets/plain-yaml";
import { generateDatasets } from "../../tools/bench/generate";

const ROOT = path.resolve(__dirname, "../..");
const runs = (n: number) => ({ numRuns: n * Number(process.env.FUZZ_SCALE ?? 1) });

function yamlFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) return e.name === "node_modules" ? [] : yamlFiles(p);
        return /\.ya?ml$/.test(e.name) ? [p] : [];
    });
}

/** What yaml reads, or undefined when it reports an error (the loader then reports it from yaml's document). */
function yamlValue(text: string): unknown {
    const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
    return doc.errors.length ? undefined : doc.toJS({ maxAliasCount: 100 });
}

/** The property: declined, or the very value yaml reads. */
function agrees(text: string): boolean {
    const fast = readPlainYaml(text);
    return fast === undefined || isDeepStrictEqual(fast, yamlValue(text));
}

describe("datasets: the fast plain-YAML reader", () => {
    const repoFiles = ["stacks", "test", "examples", "docs"].filter((d) => fs.existsSync(path.join(ROOT, d))).flatMap((d) => yamlFiles(path.join(ROOT, d)));
    const datasetFiles = repoFiles.filter((f) => f.includes(`${path.sep}datasets${path.sep}`));

    it("reads every dataset file of the repository as yaml does, and reads most of them itself", () => {
        let read = 0;
        for (const file of repoFiles) {
            const text = fs.readFileSync(file, "utf8");
            const fast = readPlainYaml(text);
            if (fast === undefined) continue;
            read++;
            expect(fast, path.relative(ROOT, file)).to.deep.equal(yamlValue(text));
        }
        expect(datasetFiles.length).to.be.greaterThan(5);
        expect(read).to.be.greaterThan(datasetFiles.length / 2);
    });

    it("reads the bench's whole generated mix itself, as yaml does", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plain-yaml-"));
        try {
            generateDatasets(dir, 60);
            const files = yamlFiles(path.join(dir, "stacks"));
            expect(files).to.have.length(60);
            for (const file of files) {
                const text = fs.readFileSync(file, "utf8");
                expect(readPlainYaml(text), path.relative(dir, file)).to.deep.equal(yamlValue(text));
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("declines what it does not read the way yaml does", () => {
        const declined = [
            "a: |\n  text\n",
            "a: >-\n  folded\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "---\na: 1\n",
            "a: 1\na: 2\n",
            "a:\tb\n",
            "a: b\r\n",
            "a: multi\n  line\n",
            "a: 0x1F\n",
            "a: 1e3\n",
            "a: +5\n",
            "a: 007\n",
            "a: -0\n",
            "a: .inf\n",
            "'quoted key': 1\n",
            "true: 1\n",
            "__proto__: 1\n",
            "a: { type: decimal(8,2) }\n",
            "a: [1, 2,]\n",
            "a: [x: y]\n",
            "a: b: c\n",
            "a: \"unclosed\n",
            "a: \"\\x41\"\n",
            "- 1\n",
            "  a: 1\n",
            "a: 1\n b: 2\n",
            "a:\n  - - 1\n",
            "? a\n: b\n",
            "",
        ];
        for (const text of declined) expect(readPlainYaml(text), JSON.stringify(text)).to.equal(undefined);
    });

    it("reads the everyday forms as yaml does", () => {
        const texts = [
            "a: 1\nb: -2\nc: 1.50\nd: true\ne: False\nf: ~\ng: null\nh:\ni: 2026-01-31\nj: yes\nk: 1_000\n",
            'a: "x \\"y\\" \\u00e9\\n"\nb: \'it\'\'s\'\nc: s3://bucket/prefix/ # comment\nd: a#b\n',
            "list:\n- a\n- b\nnext:\n  - name: x\n    type: decimal(10,2)\n    comment: yyyy-MM-dd HH:mm:ss, UTC\n  -\n    name: y\n",
            "flow: { kinesis: { create: true }, arn: 'x' }\nseq: [a, \"b, c\", [1, 2], {k: v}]\nempty: []\nnone: {}\n",
            "cron: cron(15 2 * * ? *)\ntype: struct<a:int,b:array<string>>\nmap: { type: \"map<string,int>\", t: struct<a:int> }\n",
        ];
        for (const text of texts) {
            const fast = readPlainYaml(text);
            expect(fast, JSON.stringify(text)).to.not.equal(undefined);
            expect(fast).to.deep.equal(yamlValue(text));
        }
    });

    it("agrees with yaml on yaml's own output for random values, in block and flow style", () => {
        const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,8}$/);
        const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.constantFrom("true", "null", "1.5", "007", "-", "a: b", "#x", "x #y", "[a]", "{b}", "'q'", "é ü"));
        const value = fc.letrec<{ v: unknown }>((tie) => ({
            v: fc.oneof({ depthSize: "small" }, scalar, fc.array(tie("v"), { maxLength: 4 }), fc.dictionary(key, tie("v"), { maxKeys: 4 })),
        })).v;
        const doc = fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 });
        fc.assert(
            fc.property(doc, fc.constantFrom<{ flowLevel?: number; defaultStringType?: "PLAIN" | "QUOTE_DOUBLE" | "QUOTE_SINGLE" }>({}, { flowLevel: 1 }, { flowLevel: 2 }, { defaultStringType: "QUOTE_DOUBLE" }, { defaultStringType: "QUOTE_SINGLE" }), (value, options) => {
                expect(agrees(stringify(value, options))).to.equal(true);
            }),
            runs(400),
        );
    });

    it("agrees with yaml on random edits of real dataset files", () => {
        const texts = datasetFiles.map((f) => fs.readFileSync(f, "utf8"));
        const edit = fc.record({
            file: fc.nat({ max: texts.length - 1 }),
            at: fc.double({ min: 0, max: 1, noNaN: true }),
            remove: fc.nat({ max: 3 }),
            insert: fc.stringMatching(/^[-a-z0-9:{}\[\],"'#&*!|>%@ \n.?_~\\]{0,4}$/),
        });
        fc.assert(
            fc.property(edit, ({ file, at, remove, insert }) => {
                const text = texts[file]!;
                const i = Math.floor(at * text.length);
                expect(agrees(text.slice(0, i) + insert + text.slice(i + remove))).to.equal(true);
            }),
            runs(1500),
        );
    });
});
