/**
 * Item 1 of issue 10: a dataset's location is its own prefix of its layer bucket. Each case starts from what a
 * hostile but ordinary team writes (another domain's prefix, a bucket root, another bucket, a `..` path, a template
 * or a prod-only override into another prefix) and must fail at its file, line, field and value.
 */
import { expect } from "chai";
import { formatProblem, SourceText } from "../../components/datasets";
import { bucketOf, expectProblem, externalLocations, fileFor, loadTexts, problemsOf, textsOf, toYaml, validDataset } from "./helpers";

const BRONZE = bucketOf("bronze");
const GOLD = bucketOf("gold");
const CRM = `s3://${BRONZE}/crm/customer/`;

/** A bronze shop dataset (the attacker) next to the crm customer table (the victim). */
function shopAndCrm(): Record<string, any>[] {
    const shop: Record<string, any> = { ...validDataset(), name: "orders", domain: "shop", layer: "bronze", format: "json" };
    delete shop.projection;
    const crm: Record<string, any> = { ...shop, name: "customer", domain: "crm", classification: "pii" };
    return [shop, crm];
}

interface LocationCase {
    title: string;
    change: (shop: Record<string, any>) => void;
    stack?: string;
    field: string;
    line: string;
    message: RegExp;
    value: unknown;
}

const cases: LocationCase[] = [
    { title: "another domain's prefix in the same bucket (the CRM personal data)", change: (d) => (d.location = CRM), field: "location", line: "location:", message: /is in the lake's bronze bucket but outside this dataset's own prefix s3:\/\/acme-lake-dev-bronze-111111111111\/shop\/orders\//, value: CRM },
    { title: "the bucket root", change: (d) => (d.location = `s3://${BRONZE}/`), field: "location", line: "location:", message: /outside this dataset's own prefix/, value: `s3://${BRONZE}/` },
    { title: "the domain's prefix (every shop dataset)", change: (d) => (d.location = `s3://${BRONZE}/shop/`), field: "location", line: "location:", message: /outside this dataset's own prefix/, value: `s3://${BRONZE}/shop/` },
    { title: "another layer's bucket", change: (d) => (d.location = `s3://${GOLD}/shop/orders/`), field: "location", line: "location:", message: /is in the lake's gold bucket but outside/, value: `s3://${GOLD}/shop/orders/` },
    { title: "the query results bucket", change: (d) => (d.location = `s3://${bucketOf("query-results")}/analysts/`), field: "location", line: "location:", message: /is in the lake's query-results bucket/, value: `s3://${bucketOf("query-results")}/analysts/` },
    { title: "another bucket, not allowed by the stack", change: (d) => (d.location = "s3://acme-cloudfront-logs/cf/"), field: "location", line: "location:", message: /is outside the lake: .* unless stacks\/dev\/external-locations.yaml allows it/, value: "s3://acme-cloudfront-logs/cf/" },
    { title: "a '..' path out of its own prefix", change: (d) => (d.location = `s3://${BRONZE}/shop/orders/../../crm/customer/`), field: "location", line: "location:", message: /must not contain '\.' or '\.\.' segments/, value: `s3://${BRONZE}/shop/orders/../../crm/customer/` },
    { title: "an empty path segment", change: (d) => (d.location = `s3://${BRONZE}/shop//orders/`), field: "location", line: "location:", message: /empty segment/, value: `s3://${BRONZE}/shop//orders/` },
    {
        title: "a projection template into another prefix",
        change: (d) => {
            d.partitionKeys = [{ name: "dt", type: "string" }];
            d.projection = { keys: { dt: { type: "date", range: "NOW-1YEARS,NOW", format: "yyyy-MM-dd" } }, locationTemplate: `s3://${BRONZE}/crm/customer/\${dt}/` };
        },
        field: "projection.locationTemplate",
        line: "locationTemplate:",
        message: /an s3:\/\/ template must stay inside the dataset's location s3:\/\/acme-lake-dev-bronze-111111111111\/shop\/orders\//,
        value: `s3://${BRONZE}/crm/customer/\${dt}/`,
    },
    {
        title: "a relative projection template climbing out with '..'",
        change: (d) => {
            d.partitionKeys = [{ name: "dt", type: "string" }];
            d.projection = { keys: { dt: { type: "date", range: "NOW-1YEARS,NOW", format: "yyyy-MM-dd" } }, locationTemplate: "../../crm/customer/${dt}/" };
        },
        field: "projection.locationTemplate",
        line: "locationTemplate:",
        message: /'\.\.' segments/,
        value: "../../crm/customer/${dt}/",
    },
    { title: "a prod-only override into the CRM prefix", stack: "prod", change: (d) => (d.overrides = { prod: { location: `s3://${bucketOf("bronze", "prod")}/crm/customer/` } }), field: "overrides.prod.location", line: "location:", message: /is in the lake's bronze bucket but outside this dataset's own prefix s3:\/\/acme-lake-prod-bronze-/, value: `s3://${bucketOf("bronze", "prod")}/crm/customer/` },
    { title: "retentionDays on an external location", change: (d) => Object.assign(d, { location: "s3://acme-cloudfront-logs/cf/", retentionDays: 30 }), field: "retentionDays", line: "retentionDays:", message: /can't be enforced on an external location .*lifecycle rules cover only its own buckets/, value: 30 },
];

describe("datasets: locations stay in the dataset's own prefix", () => {
    it("accepts the default location, a location below the own prefix, and a relative template", () => {
        const [shop, crm] = shopAndCrm();
        shop!.location = `s3://${BRONZE}/shop/orders/v2/`;
        crm!.partitionKeys = [{ name: "dt", type: "string" }];
        crm!.projection = { keys: { dt: { type: "date", range: "NOW-1YEARS,NOW", format: "yyyy-MM-dd" } }, locationTemplate: "${dt}/" };
        expect(loadTexts(textsOf([shop!, crm!])).datasets.map((d) => d.location ?? "(default)")).to.deep.equal([`s3://${BRONZE}/shop/orders/v2/`, "(default)"]);
        crm!.projection.locationTemplate = `s3://${BRONZE}/crm/customer/\${dt}/`;
        expect(loadTexts(textsOf([crm!])).datasets[0]!.projection!.locationTemplate).to.equal(`s3://${BRONZE}/crm/customer/\${dt}/`);
        expect(loadTexts(textsOf([validDataset()])).datasets[0]!.location).to.equal(undefined);
    });

    for (const c of cases) {
        it(`rejects ${c.title}`, () => {
            const [shop, crm] = shopAndCrm();
            c.change(shop!);
            const texts = textsOf([shop!, crm!]);
            const problems = problemsOf(() => loadTexts(texts, { stack: c.stack ?? "dev" }));
            expectProblem(problems, texts, { file: fileFor(shop!), field: c.field, line: c.line, message: c.message, value: c.value });
        });
    }

    it("is judged per stack: the same file is fine in dev and refused in prod", () => {
        const [shop, crm] = shopAndCrm();
        shop!.overrides = { prod: { location: `s3://${bucketOf("bronze", "prod")}/crm/customer/` } };
        expect(loadTexts(textsOf([shop!, crm!]), { stack: "dev" }).datasets).to.have.length(2);
        expect(() => loadTexts(textsOf([shop!, crm!]), { stack: "prod" })).to.throw(/overrides\.prod\.location: is in the lake's bronze bucket/);
    });
});

describe("datasets: external locations need the stack's written permission", () => {
    const cloudfront = (): Record<string, any> => ({ ...shopAndCrm()[0]!, location: "s3://acme-cloudfront-logs/cf/" });

    it("loads an external location the stack allows, with its reason", () => {
        const ds = loadTexts(textsOf([cloudfront()]), { externalLocations: [externalLocations({ orders: "s3://acme-cloudfront-logs/cf" })] }).datasets[0]!;
        expect(ds.location).to.equal("s3://acme-cloudfront-logs/cf/");
    });

    it("refuses a location other than the one allowed", () => {
        const texts = textsOf([cloudfront()]);
        const problems = problemsOf(() => loadTexts(texts, { externalLocations: [externalLocations({ orders: "s3://acme-cloudfront-logs/other/" })] }));
        expectProblem(problems, texts, { file: fileFor(cloudfront()), field: "location", line: "location:", message: /stacks\/dev\/external-locations.yaml:\d+ allows s3:\/\/acme-cloudfront-logs\/other\/ for 'orders', not this location/, value: "s3://acme-cloudfront-logs/cf/" });
    });

    it("can't allow a prefix inside the lake's buckets", () => {
        const [shop] = shopAndCrm();
        shop!.location = CRM;
        const texts = textsOf([shop!]);
        const problems = problemsOf(() => loadTexts(texts, { externalLocations: [externalLocations({ orders: CRM })] }));
        expectProblem(problems, texts, { file: fileFor(shop!), field: "location", line: "location:", message: /is in the lake's bronze bucket/, value: CRM });
    });

    it("reports entries for unknown datasets and entries no dataset needs, at their line", () => {
        const file = externalLocations({ orderz: "s3://acme-cloudfront-logs/cf/", customer: "s3://acme-cloudfront-logs/x/" });
        const problems = problemsOf(() => loadTexts(textsOf(shopAndCrm()), { externalLocations: [file] }));
        expectProblem(problems, [file], { file: file.file, field: "locations[0].dataset", line: "dataset: orderz", message: /no dataset 'orderz' in stack 'dev'; did you mean 'orders'\?/, value: "orderz" });
        expectProblem(problems, [file], { file: file.file, field: "locations[1].dataset", line: "dataset: customer", message: /keeps its data in its own prefix .*: remove this entry/, value: "customer" });
    });

    it("allows one entry per dataset", () => {
        const reason = "Another system writes it; read in place.";
        const text = toYaml({ locations: [{ dataset: "orders", location: "s3://acme-cloudfront-logs/cf/", reason }, { dataset: "orders", location: "s3://acme-cloudfront-logs/cf/", reason }] });
        const file: SourceText = { file: "stacks/dev/external-locations.yaml", text };
        const problems = problemsOf(() => loadTexts(textsOf([cloudfront()]), { externalLocations: [file] }));
        expectProblem(problems, [file], { file: file.file, field: "locations[1].dataset", line: ["dataset: orders", 2], message: /dataset 'orders' is listed twice \(also stacks\/dev\/external-locations.yaml:2\)/, value: "orders" });
    });

    it("validates the file itself: a reason of at least 20 characters, S3 URIs", () => {
        const text = toYaml({
            locations: [
                { dataset: "orders", location: "s3://acme-cloudfront-logs/cf/", reason: "logs" },
                { dataset: "orders", location: "https://example.com/x", reason: "Another system writes it; read in place." },
            ],
        });
        const file: SourceText = { file: "stacks/dev/external-locations.yaml", text };
        const problems = problemsOf(() => loadTexts(textsOf([cloudfront()]), { externalLocations: [file] }));
        expect(problems.filter((p) => p.file === file.file).map((p) => `${p.field}: ${p.message}`)).to.deep.equal([
            "locations[0].reason: must NOT have fewer than 20 characters",
            "locations[1].location: must be an S3 URI, s3://<bucket>/<prefix>/",
        ]);
    });
});

describe("datasets: no two datasets share a prefix", () => {
    it("reports both datasets when one location contains the other", () => {
        const [a, b] = shopAndCrm();
        a!.location = "s3://acme-cloudfront-logs/cf/";
        b!.location = "s3://acme-cloudfront-logs/cf/eu/";
        const texts = textsOf([a!, b!]);
        const problems = problemsOf(() => loadTexts(texts, { externalLocations: [externalLocations({ orders: a!.location, customer: b!.location })] }));
        expect(problems.map(formatProblem)).to.have.length(2);
        expectProblem(problems, texts, { file: fileFor(a!), field: "location", line: "location:", message: /contains the location of dataset 'customer'/, value: a!.location });
        expectProblem(problems, texts, { file: fileFor(b!), field: "location", line: "location:", message: /is inside the location of dataset 'orders'/, value: b!.location });
    });

    it("reports the same location twice", () => {
        const [a, b] = shopAndCrm();
        a!.location = b!.location = "s3://acme-cloudfront-logs/cf/";
        const texts = textsOf([a!, b!]);
        const problems = problemsOf(() => loadTexts(texts, { externalLocations: [externalLocations({ orders: a!.location, customer: b!.location })] }));
        expect(problems.map((p) => p.message)).to.satisfy((ms: string[]) => ms.every((m) => /is also the location of dataset/.test(m)));
    });

    it("doesn't call datasets whose names share a beginning overlapping (trailing slashes)", () => {
        const [a] = shopAndCrm();
        const b = { ...a!, name: "orders_eu" };
        expect(loadTexts(textsOf([a!, b])).datasets).to.have.length(2);
    });
});
