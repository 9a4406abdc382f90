import { expect } from "chai";
import { PlannedResource, PlanResult } from "../types";
import { buildGraphModel, graphFormatFor, renderGraph, toDot } from "../graph";
import { GraphModel, GraphNode } from "../graph-model";
import { mermaidText } from "../graph-mermaid";

/** Builds plans the way the engine records them: URNs from the parent chain, stack first. */
class PlanBuilder {
    readonly resources: PlannedResource[] = [];
    readonly stack: string;

    constructor(readonly project = "lake", readonly stackName = "dev") {
        this.stack = this.add("pulumi:pulumi:Stack", `${project}-${stackName}`, { custom: false, parent: null });
    }

    add(
        type: string,
        name: string,
        o: { parent?: string | null; custom?: boolean; deps?: string[]; provider?: string } = {},
    ): string {
        const parent = o.parent === null ? undefined : (o.parent ?? this.stack);
        const parentType = parent ? this.resources.find((r) => r.urn === parent)!.type : undefined;
        const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
        const urn = `urn:pulumi:${this.stackName}::${this.project}::${qualified}::${name}`;
        this.resources.push({
            urn,
            type,
            name,
            parent,
            custom: o.custom ?? true,
            inputs: {},
            outputs: {},
            dependencies: o.deps ?? [],
            provider: o.provider,
            protect: false,
            retainOnDelete: false,
        });
        return urn;
    }

    component(type: string, name: string, parent?: string): string {
        return this.add(type, name, { custom: false, parent });
    }

    plan(): PlanResult {
        return { project: this.project, stack: this.stackName, resources: this.resources, outputs: {}, durationMs: 1 };
    }
}

const SATELLITES = [
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLogging:BucketLogging",
];

/** A bucket and its six config resources inside `parent`; returns the bucket URN. */
function bucketWithConfig(b: PlanBuilder, name: string, parent: string, kms?: string): string {
    const bucket = b.add("aws:s3/bucket:Bucket", name, { parent });
    for (const t of SATELLITES) {
        const suffix = t.split(":")[2].replace(/^Bucket/, "").toLowerCase();
        const deps = t.includes("ServerSideEncryption") && kms ? [bucket, kms] : [bucket];
        b.add(t, `${name}-${suffix}`, { parent, deps });
    }
    return bucket;
}

/** A small lake: providers, storage with one bucket, a catalog of many tables, nested components. */
function smallLake(): { plan: PlanResult; urns: Record<string, string> } {
    const b = new PlanBuilder();
    const provider = b.add("pulumi:providers:aws", "eu-west-1");
    const storage = b.component("lake:storage:LakeStorage", "raw");
    const raw = bucketWithConfig(b, "raw-bucket", storage);
    const policy = b.add("aws:s3/bucketPolicy:BucketPolicy", "raw-tls-only", { parent: storage, deps: [raw] });
    const catalog = b.component("lake:catalog:LakeCatalog", "sales");
    const db = b.add("aws:glue/catalogDatabase:CatalogDatabase", "sales", { parent: catalog, provider });
    const tables: string[] = [];
    for (let i = 0; i < 8; i++) {
        // Input dependency and explicit dependsOn on the same database: listed twice.
        tables.push(
            b.add("aws:glue/catalogTable:CatalogTable", `sales-t${i}`, { parent: catalog, deps: [db, raw, db, provider] }),
        );
    }
    const access = b.component("lake:access:Access", "analysts", catalog);
    const role = b.add("aws:iam/role:Role", "analysts", { parent: access });
    const grant = b.add("aws:lakeformation/permissions:Permissions", "analysts-sales", {
        parent: access,
        deps: [role, db, catalog],
    });
    return { plan: b.plan(), urns: { provider, storage, raw, policy, catalog, db, role, grant, t0: tables[0] } };
}

/** ~400 resources shaped like a real lake stack. */
function bigLake(): PlanResult {
    const b = new PlanBuilder("lake", "prod");
    const kmsComp = b.component("lake:security:LakeKeys", "keys");
    const key = b.add("aws:kms/key:Key", "lake", { parent: kmsComp });
    b.add("aws:kms/alias:Alias", "lake", { parent: kmsComp, deps: [key] });
    const storage = b.component("lake:storage:LakeStorage", "lake");
    const buckets = ["bronze", "silver", "gold", "logs", "athena-results"].map((l) =>
        bucketWithConfig(b, `${l}-bucket`, storage, key),
    );
    const athena = b.component("lake:query:Athena", "analytics");
    b.add("aws:athena/workgroup:Workgroup", "analytics", { parent: athena, deps: [buckets[4], key] });
    for (let d = 0; d < 35; d++) {
        const ds = b.component("lake:dataset:Dataset", `ds${d}`);
        const table = b.add("aws:glue/catalogTable:CatalogTable", `ds${d}`, { parent: ds, deps: [buckets[d % 3]] });
        const role = b.add("aws:iam/role:Role", `ds${d}-crawler`, { parent: ds });
        b.add("aws:iam/rolePolicy:RolePolicy", `ds${d}-crawler`, { parent: ds, deps: [role, buckets[d % 3]] });
        b.add("aws:glue/crawler:Crawler", `ds${d}`, { parent: ds, deps: [role, table] });
        b.add("aws:lakeformation/permissions:Permissions", `ds${d}-read`, { parent: ds, deps: [table] });
        b.add("aws:lakeformation/permissions:Permissions", `ds${d}-write`, { parent: ds, deps: [table] });
        const q = b.component("lake:query:NamedQueries", `ds${d}-queries`, ds);
        b.add("aws:athena/namedQuery:NamedQuery", `ds${d}-latest`, { parent: q, deps: [table] });
        b.add("aws:athena/namedQuery:NamedQuery", `ds${d}-count`, { parent: q, deps: [table] });
    }
    return b.plan();
}

const node = (m: GraphModel, urn: string): GraphNode => {
    const n = m.nodes.find((x) => x.members.includes(urn) || x.folded.includes(urn));
    if (!n) throw new Error(`no node draws ${urn}`);
    return n;
};
const clusterTypes = (m: GraphModel) => m.clusters.map((c) => c.type);

describe("graph model", () => {
    it("draws components as nested clusters and leaves out the stack and providers", () => {
        const { plan, urns } = smallLake();
        const m = buildGraphModel(plan);
        expect(clusterTypes(m)).to.deep.equal(["storage:LakeStorage", "catalog:LakeCatalog", "access:Access"]);
        const access = m.clusters.find((c) => c.type === "access:Access")!;
        const catalog = m.clusters.find((c) => c.type === "catalog:LakeCatalog")!;
        expect(access.parent).to.equal(catalog.id);
        expect(node(m, urns.role).cluster).to.equal(access.id);
        expect(m.nodes.some((n) => n.token.startsWith("pulumi:"))).to.equal(false);
        expect(m.providersOmitted).to.equal(1);
        expect(m.title).to.contain("1 provider resource not drawn");
    });

    it("folds a bucket's config resources (six plus its policy) into the bucket node", () => {
        const { plan, urns } = smallLake();
        const m = buildGraphModel(plan);
        const bucket = node(m, urns.raw);
        expect(bucket.members).to.have.length(1);
        expect([...bucket.satellites.values()].reduce((a, b) => a + b)).to.equal(7);
        expect(bucket.satellites.get("s3:BucketVersioning")).to.equal(1);
        // A bucket policy whose only dependency is the bucket is a satellite too.
        expect(node(m, urns.policy).id).to.equal(bucket.id);
        expect(m.nodes.filter((n) => n.cluster === m.clusters[0].id)).to.have.length(1);
    });

    it("folds config with extra dependencies into its bucket and draws those as edges", () => {
        const b = new PlanBuilder();
        const c = b.component("lake:storage:LakeStorage", "s");
        const key = b.add("aws:kms/key:Key", "k", { parent: c });
        const bucket = bucketWithConfig(b, "bkt", c, key);
        const logs = b.add("aws:s3/bucket:Bucket", "logs", { parent: c });
        const plan = b.plan();
        // Logging depends on two buckets: its `bucket` input says which one it configures.
        const logging = plan.resources.find((r) => r.name === "bkt-logging")!;
        logging.dependencies.push(logs);
        const m1 = buildGraphModel(plan);
        expect(m1.nodes.find((n) => n.type === "s3:BucketLogging")!.members).to.have.length(1);
        plan.resources.find((r) => r.urn === bucket)!.outputs.id = "lake-dev-bkt-1a2b3c";
        logging.inputs.bucket = "lake-dev-bkt-1a2b3c";
        const m = buildGraphModel(plan);
        const drawn = node(m, bucket);
        expect(drawn.folded).to.have.length(6);
        expect(m.nodes.map((n) => n.type)).to.deep.equal(["kms:Key", "s3:Bucket", "s3:Bucket"]);
        expect(m.edges).to.deep.equal([
            { from: node(m, key).id, to: drawn.id, count: 1 },
            { from: node(m, logs).id, to: drawn.id, count: 1 },
        ]);
    });

    it("collapses more than collapseThreshold same-type siblings and counts them", () => {
        const { plan, urns } = smallLake();
        const m = buildGraphModel(plan);
        const tables = node(m, urns.t0);
        expect(tables.members).to.have.length(8);
        expect(tables.type).to.equal("glue:CatalogTable");
        // Threshold is "more than": 8 tables stay separate at 8.
        const loose = buildGraphModel(plan, { collapseThreshold: 8 });
        expect(loose.nodes.filter((n) => n.type === "glue:CatalogTable")).to.have.length(8);
        expect(() => buildGraphModel(plan, { collapseThreshold: -1 })).to.throw(/collapseThreshold.*-1/);
    });

    it("deduplicates edges, counts merged ones and drops containment edges", () => {
        const { plan, urns } = smallLake();
        const m = buildGraphModel(plan);
        const db = node(m, urns.db).id;
        const tables = node(m, urns.t0).id;
        const raw = node(m, urns.raw).id;
        // Eight tables list the database twice each: one edge counted eight times, not sixteen.
        expect(m.edges.filter((e) => e.from === db && e.to === tables)).to.deep.equal([{ from: db, to: tables, count: 8 }]);
        expect(m.edges).to.deep.include({ from: raw, to: tables, count: 8 });
        // The grant depends on the catalog component that contains it: implied by containment.
        const grant = node(m, urns.grant).id;
        const catalog = m.clusters.find((c) => c.type === "catalog:LakeCatalog")!.id;
        expect(m.edges.some((e) => e.from === catalog && e.to === grant)).to.equal(false);
        expect(m.edges).to.deep.include({ from: db, to: grant, count: 1 });
        const keys = m.edges.map((e) => `${e.from}>${e.to}`);
        expect(new Set(keys).size).to.equal(keys.length);
        // Nothing points at a provider or from a resource to itself.
        expect(m.edges.every((e) => e.from !== e.to)).to.equal(true);
    });

    it("keeps a ~400 resource lake under 80 nodes by merging repeated components", () => {
        const plan = bigLake();
        expect(plan.resources.length).to.be.within(380, 420);
        const m = buildGraphModel(plan);
        expect(m.nodes.length).to.be.below(80);
        const datasets = m.clusters.find((c) => c.type === "dataset:Dataset")!;
        expect(datasets.members).to.have.length(35);
        const grants = m.nodes.find((n) => n.type === "lakeformation:Permissions")!;
        expect(grants.cluster).to.equal(datasets.id);
        expect(grants.members).to.have.length(70);
        const queries = m.clusters.find((c) => c.type === "query:NamedQueries")!;
        expect(queries.parent).to.equal(datasets.id);
        expect(m.nodes.find((n) => n.type === "athena:NamedQuery")!.members).to.have.length(70);
        const storageBuckets = m.nodes.filter((n) => n.type === "s3:Bucket");
        expect(storageBuckets).to.have.length(5);
        expect(m.resourceCount).to.equal(plan.resources.length - 1);
    });

    it("draws a component with nothing inside as a node", () => {
        const b = new PlanBuilder();
        const empty = b.component("lake:misc:Placeholder", "later");
        const m = buildGraphModel(b.plan());
        expect(m.clusters).to.have.length(0);
        expect(node(m, empty).component).to.equal(true);
    });
});

describe("graph rendering", () => {
    it("renders SVG from the bundled WebAssembly, with cluster titles and collapse counts", async function () {
        const { plan } = smallLake();
        const svg = await renderGraph(plan, { format: "svg" });
        expect(svg.startsWith("<svg")).to.equal(true);
        expect(svg.trimEnd().endsWith("</svg>")).to.equal(true);
        for (const text of ["storage:LakeStorage", "catalog:LakeCatalog", "access:Access", "glue:CatalogTable ×8", "+7 bucket config"]) {
            expect(svg, text).to.contain(text);
        }
        expect(svg).to.contain('class="cluster"');
        expect(svg).to.contain(">×8<");
    });

    it("escapes quotes, backslashes and URN punctuation in DOT and Mermaid", async () => {
        const b = new PlanBuilder();
        const c = b.component("lake:odd:Thing", 'say "hi" \\ #1 <b>');
        b.add("aws:s3/bucket:Bucket", 'quote"d\\name$with:colons/and/slashes', { parent: c });
        const plan = b.plan();
        const dot = toDot(buildGraphModel(plan));
        expect(dot).to.contain('say \\"hi\\" \\\\ #1 <b>');
        expect(dot).to.contain('quote\\"d\\\\name$with:colons/and/slashes');
        const svg = await renderGraph(plan, { format: "svg" });
        expect(svg).to.contain("say &quot;hi&quot; \\ #1 &lt;b&gt;");
        const mmd = await renderGraph(plan, { format: "mmd" });
        expect(mmd).to.contain("say #quot;hi#quot; \\ #35;1 #lt;b#gt;");
        expect(mermaidText('a"b')).to.equal("a#quot;b");
    });

    it("draws a dependency on a whole component as an edge from its cluster border", async () => {
        const b = new PlanBuilder();
        const storage = b.component("lake:storage:LakeStorage", "raw");
        b.add("aws:s3/bucket:Bucket", "raw", { parent: storage });
        const catalog = b.component("lake:catalog:LakeCatalog", "sales");
        const db = b.add("aws:glue/catalogDatabase:CatalogDatabase", "sales", { parent: catalog, deps: [storage] });
        const m = buildGraphModel(b.plan());
        const c1 = m.clusters.find((c) => c.type === "storage:LakeStorage")!.id;
        expect(m.edges).to.deep.equal([{ from: c1, to: node(m, db).id, count: 1 }]);
        expect(toDot(m)).to.contain(`-> ${node(m, db).id} [ltail=cluster_${c1}]`);
        expect(await renderGraph(b.plan(), { format: "mmd" })).to.contain(`  ${c1} --> ${node(m, db).id}\n`);
    });

    it("renders a Mermaid flowchart with balanced subgraphs, plain ids and counted edges", async () => {
        const mmd = await renderGraph(bigLake(), { format: "mmd" });
        const lines = mmd.trimEnd().split("\n");
        expect(lines.slice(0, 4)).to.deep.equal(["---", lines[1], "---", "flowchart LR"]);
        const opens = lines.filter((l) => /^\s*subgraph /.test(l)).length;
        const ends = lines.filter((l) => /^\s*end$/.test(l)).length;
        expect(opens).to.be.greaterThan(0);
        expect(opens).to.equal(ends);
        for (const l of lines.slice(4)) {
            const def = /^\s*(?:subgraph\s+)?([^\s[(]+)[[(]/.exec(l);
            if (def) expect(def[1], l).to.match(/^[a-z][a-z0-9]*$/);
            const edge = /^\s*(\S+) -->(?:\|×\d+\|)? (\S+)$/.exec(l);
            if (l.includes("-->")) {
                expect(edge, l).to.not.equal(null);
                expect(edge![1]).to.match(/^[nc]\d+$/);
                expect(edge![2]).to.match(/^[nc]\d+$/);
            }
        }
        expect(mmd).to.match(/-->\|×\d+\|/);
        expect(mmd).to.contain("dataset:Dataset ×35");
    });

    it("is deterministic: same plan, same bytes", async () => {
        const plan = bigLake();
        for (const format of ["svg", "mmd"] as const) {
            const a = await renderGraph(plan, { format });
            const b = await renderGraph(structuredClone(plan), { format });
            expect(a === b, format).to.equal(true);
        }
    });

    it("rejects unknown formats and --out extensions by name", async () => {
        expect(graphFormatFor("out/stack.SVG")).to.equal("svg");
        expect(graphFormatFor("docs/stack.mmd")).to.equal("mmd");
        expect(() => graphFormatFor("stack.png")).to.throw(/stack\.png.*"\.png"/);
        let err: unknown;
        await renderGraph(smallLake().plan, { format: "png" as "svg" }).catch((e) => (err = e));
        expect(String(err)).to.match(/format.*"png"/);
    });
});
