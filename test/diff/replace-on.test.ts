/**
 * The curated replace-on table against the installed SDK: every type token names a resource module of
 * @pulumi/aws and every property exists in its `<Name>Args` interface (read from the .d.ts with the TypeScript
 * parser), so an SDK rename fails here instead of silently never matching. Plus the schema path.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { CURATED, loadReplaceOn, replaceOnFromSchema } from "../../tools/diff/replace-on";
import { REPO_ROOT } from "../../tools/lake/host";

const AWS = path.join(REPO_ROOT, "node_modules", "@pulumi", "aws");

/** `aws:s3/bucketPolicy:BucketPolicy` -> node_modules/@pulumi/aws/s3/bucketPolicy.d.ts, interface BucketPolicyArgs. */
function argsOf(token: string): { file: string; props: Set<string> } {
    const m = /^aws:([a-z0-9]+)\/([A-Za-z0-9]+):([A-Za-z0-9]+)$/.exec(token);
    if (!m) throw new Error(`${token}: not an aws resource token`);
    const file = path.join(AWS, m[1], `${m[2]}.d.ts`);
    expect(fs.existsSync(file), `${token}: ${file} exists`).to.equal(true);
    const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022);
    const props = new Set<string>();
    sf.forEachChild((n) => {
        if (ts.isInterfaceDeclaration(n) && n.name.text === `${m[3]}Args`) {
            for (const member of n.members) if (member.name && ts.isIdentifier(member.name)) props.add(member.name.text);
        }
    });
    expect(props.size, `${token}: interface ${m[3]}Args found in ${file}`).to.be.greaterThan(0);
    return { file, props };
}

describe("offline diff: replace-on table", () => {
    it("@pulumi/aws ships no schema here, so the curated table is used", () => {
        const r = loadReplaceOn([path.join(REPO_ROOT, "node_modules")]);
        if (r.source === "schema") return; // an SDK that ships one is used as it is
        expect(r.table).to.equal(CURATED);
    });

    for (const [token, props] of Object.entries(CURATED)) {
        it(`${token}: ${props.join(", ")} are inputs of the SDK`, () => {
            const { props: inputs } = argsOf(token);
            for (const p of props) expect(inputs.has(p), `${token}.${p} in ${[...inputs].join(", ")}`).to.equal(true);
        });
    }

    it("covers every custom resource type the lake's stacks use", () => {
        // The types of the dev and prod plans (test/identity/<stack>.urns lists every URN).
        const types = new Set<string>();
        for (const stack of ["dev", "prod"]) {
            for (const line of fs.readFileSync(path.join(REPO_ROOT, "test", "identity", `${stack}.urns`), "utf8").split("\n")) {
                const parts = line.trim().split("::");
                if (!line.startsWith("urn:") || parts.length < 4) continue;
                const type = parts[2].split("$").pop()!;
                if (type.startsWith("aws:")) types.add(type);
            }
        }
        expect(types.size).to.be.greaterThan(10);
        expect([...types].filter((t) => !(t in CURATED))).to.deep.equal([]);
    });

    it("a Pulumi schema (willReplaceOnChanges) wins over the curated table when one is found", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lake-schema-"));
        const file = path.join(dir, "schema.json");
        const schema = { resources: { "aws:s3/bucket:Bucket": { inputProperties: { bucket: { willReplaceOnChanges: true }, tags: {} } }, "aws:x/y:Z": { inputProperties: { a: {} } } } };
        fs.writeFileSync(file, JSON.stringify(schema));
        expect(replaceOnFromSchema(schema)).to.deep.equal({ "aws:s3/bucket:Bucket": ["bucket"] });
        const saved = process.env.LAKE_DIFF_SCHEMA;
        process.env.LAKE_DIFF_SCHEMA = file;
        try {
            const r = loadReplaceOn([]);
            expect(r.source).to.equal("schema");
            expect(r.of("aws:s3/bucket:Bucket")).to.deep.equal(["bucket"]);
            expect(r.of("aws:kms/key:Key")).to.equal(CURATED["aws:kms/key:Key"]);
        } finally {
            if (saved === undefined) delete process.env.LAKE_DIFF_SCHEMA;
            else process.env.LAKE_DIFF_SCHEMA = saved;
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
