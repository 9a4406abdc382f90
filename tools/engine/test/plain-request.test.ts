/** The pack host's plain requests answer every getter @pulumi/policy calls exactly as the protobuf messages do. */
import { expect } from "chai";
import { AnalyzeItem, analyzeRequest, stackRequest } from "../analyzer-proto";
import { plainAnalyzeRequest, plainStackRequest } from "../child/plain-request";

const m = {
    analyzerPb: require("@pulumi/pulumi/proto/analyzer_pb"),
    Struct: require("google-protobuf/google/protobuf/struct_pb").Struct,
};

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const items: AnalyzeItem[] = [
    {
        type: "aws:s3/bucket:Bucket",
        urn: "urn:pulumi:dev::p::aws:s3/bucket:Bucket::raw",
        name: "raw",
        props: {
            tags: { z: "1", a: "2", "10": "x", "2": "y" },
            bucket: UNKNOWN,
            nested: [{ b: 1, a: null, u: undefined }, undefined, NaN, -0, 1.5],
            skipped: undefined,
            secret: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s" },
        },
        options: { protect: true, ignoreChanges: ["tags"], deleteBeforeReplace: false, additionalSecretOutputs: ["x"], aliases: ["a"], parent: "urn:parent" },
        provider: { type: "pulumi:providers:aws", name: "default_7_48_0", urn: "urn:provider", props: { region: "eu-west-1", defaultTags: '{"tags":{"b":"1","a":"2"}}' } },
        parent: "urn:parent",
        dependencies: ["urn:key"],
    },
    {
        type: "aws:kms/key:Key",
        urn: "urn:pulumi:dev::p::aws:kms/key:Key::k",
        name: "k",
        props: {},
        options: { protect: false, ignoreChanges: [], additionalSecretOutputs: [], aliases: [], parent: "" },
    },
];

/** Everything server.js reads from a request, as plain data. */
function view(r: any, stack: boolean): unknown {
    const o = r.getOptions();
    const p = r.getProvider();
    const deps = r.getPropertydependenciesMap?.();
    return {
        type: r.getType(),
        urn: r.getUrn(),
        name: r.getName(),
        props: JSON.stringify(r.getProperties().toJavaScript()),
        options: [o.getProtect(), o.getIgnorechangesList(), o.getAliasesList(), o.getCustomtimeouts(), o.getAdditionalsecretoutputsList(), o.getDeletebeforereplacedefined(), o.getDeletebeforereplace(), o.getParent()],
        provider: p && [p.getType(), p.getName(), p.getUrn(), JSON.stringify(p.getProperties().toJavaScript())],
        stack: stack ? [r.getParent(), r.getDependenciesList(), deps ? [...deps.entries()] : []] : undefined,
    };
}

describe("pack host plain requests", () => {
    it("Analyze: same answers as the AnalyzeRequest message, key order included", () => {
        for (const item of items) expect(view(plainAnalyzeRequest(m, item), false)).to.deep.equal(view(analyzeRequest(m, item), false));
    });

    it("AnalyzeStack: same answers as the AnalyzerResource messages", () => {
        const plain = plainStackRequest(m, items).getResourcesList();
        const real = stackRequest(m, items).getResourcesList();
        expect(plain.map((r: any) => view(r, true))).to.deep.equal(real.map((r: any) => view(r, true)));
    });

    it("answers getters it doesn't define from the real message", () => {
        expect(plainAnalyzeRequest(m, items[0]).serializeBinary()).to.deep.equal(analyzeRequest(m, items[0]).serializeBinary());
    });
});
