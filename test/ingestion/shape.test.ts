/** Streaming sources in dataset files: what AWS would refuse is a validation error naming file, line, field and value. */
import { expect } from "chai";
import { ACCOUNT, expectProblem, fileFor, loadObjects, problemsOf, textsOf, validDataset } from "../datasets/helpers";

/** A valid silver clickstream: JSON in, Parquet out, partitioned by the hour of a record field. */
function clicks(): Record<string, any> {
    return {
        ...validDataset(),
        name: "clicks",
        domain: "web",
        layer: "silver",
        columns: [
            { name: "event_id", type: "string" },
            { name: "event_type", type: "string" },
            { name: "event_time", type: "timestamp" },
            { name: "tags", type: "array<string>" },
        ],
        partitionKeys: [{ name: "event_hour", type: "string" }],
        projection: { keys: { event_hour: { type: "date", range: "NOW-1YEARS,NOW", format: "yyyy-MM-dd-HH", interval: 1, unit: "HOURS" } } },
        source: { type: "firehose", partitioning: { event_hour: { field: "event_time" } }, producers: ["role/collector"] },
    };
}
/** An Iceberg table fed by a Kinesis stream the platform creates. */
function icebergOrders(): Record<string, any> {
    const d: Record<string, any> = { ...clicks(), name: "orders", format: "iceberg", source: { type: "firehose", input: { kinesis: { create: true } }, uniqueKeys: ["event_id"] } };
    delete d.projection;
    return d;
}

const STREAM_ARN = `arn:aws:kinesis:eu-west-1:${ACCOUNT}:stream/clicks`;

interface Case {
    title: string;
    start?: () => Record<string, any>;
    change: (d: Record<string, any>) => void;
    field: string;
    line: string | [string, number];
    message: RegExp;
    value?: unknown;
}

const cases: Case[] = [
    {
        title: "a buffer under 64 MiB with dynamic partitioning (JSON delivered as sent)",
        change: (d) => Object.assign(d, { layer: "bronze", format: "json", source: { ...d.source, buffering: { sizeMiB: 32 } } }),
        field: "source.buffering.sizeMiB",
        line: "sizeMiB: 32",
        message: /records are partitioned by their fields \(dynamic partitioning\), and AWS requires a buffer of at least 64 MiB/,
        value: 32,
    },
    {
        title: "a buffer under 64 MiB with format conversion",
        change: (d) => (d.source.buffering = { sizeMiB: 16 }),
        field: "source.buffering.sizeMiB",
        line: "sizeMiB: 16",
        message: /record format conversion\), and AWS requires a buffer of at least 64 MiB/,
        value: 16,
    },
    {
        title: "an error prefix without !{firehose:error-output-type} (prefix expressions need one)",
        change: (d) => (d.source.errorPrefix = "_errors/web/clicks/"),
        field: "source.errorPrefix",
        line: "errorPrefix:",
        message: /must contain !\{firehose:error-output-type\}: AWS refuses an error prefix without it once the prefix has expressions/,
        value: "_errors/web/clicks/",
    },
    {
        title: "an error prefix inside the table's location",
        change: (d) => (d.source.errorPrefix = "web/clicks/errors/!{firehose:error-output-type}/"),
        field: "source.errorPrefix",
        line: "errorPrefix:",
        message: /lies inside the dataset's location web\/clicks\/: Athena would read failed records as rows/,
        value: "web/clicks/errors/!{firehose:error-output-type}/",
    },
    {
        title: "a partition key expression in the error prefix",
        change: (d) => (d.source.errorPrefix = "_errors/!{firehose:error-output-type}/!{partitionKeyFromQuery:event_hour}/"),
        field: "source.errorPrefix",
        line: "errorPrefix:",
        message: /AWS refuses partitionKeyFromQuery in the error prefix/,
    },
    {
        title: "a partition field that is not a column",
        change: (d) => (d.source.partitioning.event_hour = { field: "event_tme" }),
        field: "source.partitioning.event_hour.field",
        line: "field: event_tme",
        message: /no column 'event_tme' in this dataset: JQ can only extract a field the records have; did you mean 'event_time'\?/,
        value: "event_tme",
    },
    {
        title: "partitioning for a key that is not a partition key",
        change: (d) => (d.source.partitioning.event_day = { arrivalTime: true }),
        field: "source.partitioning.event_day",
        line: "event_day:",
        message: /'event_day' is not a partition key \(partitionKeys: event_hour\)/,
        value: "event_day",
    },
    {
        title: "more partition keys from fields than Firehose allows",
        change: (d) => {
            d.columns = Array.from({ length: 51 }, (_, i) => ({ name: `c${i}`, type: "string" }));
            d.partitionKeys = Array.from({ length: 51 }, (_, i) => ({ name: `k${i}`, type: "string" }));
            delete d.projection;
            d.source.partitioning = Object.fromEntries(d.partitionKeys.map((k: { name: string }, i: number) => [k.name, { field: `c${i}` }]));
        },
        field: "source.partitioning",
        line: "partitioning:",
        message: /Firehose dynamic partitioning takes at most 50 keys from record fields/,
        value: 51,
    },
    {
        title: "a folder format the projection does not read",
        change: (d) => (d.source.partitioning.event_hour = { field: "event_time", format: "yyyy/MM/dd/HH" }),
        field: "source.partitioning.event_hour.format",
        line: "format: yyyy/MM/dd/HH",
        message: /the projection of 'event_hour' reads folders in format yyyy-MM-dd-HH; Firehose would write yyyy\/MM\/dd\/HH/,
        value: "yyyy/MM/dd/HH",
    },
    {
        title: "date letters Firehose and JQ can't render",
        change: (d) => {
            delete d.projection;
            d.source.partitioning.event_hour = { arrivalTime: true, format: "yyyy-'W'ww" };
        },
        field: "source.partitioning.event_hour.format",
        line: "W'ww",
        message: /Firehose and JQ render only yyyy MM dd HH mm ss/,
        value: "yyyy-'W'ww",
    },
    {
        title: "an arrival-time key without a format or a date projection",
        change: (d) => {
            delete d.projection;
            d.source.partitioning.event_hour = { arrivalTime: true };
        },
        field: "source.partitioning.event_hour",
        line: "event_hour:",
        message: /arrival-time partitions need a folder format/,
    },
    {
        title: "a partition key nothing fills",
        change: (d) => {
            delete d.projection;
            delete d.source.partitioning;
        },
        field: "source.partitioning",
        line: "source:",
        message: /partition key 'event_hour' has no date projection Firehose can render, so say how Firehose fills it/,
    },
    {
        title: "a complex column as a folder name",
        change: (d) => {
            d.projection.keys.event_hour = { type: "injected" };
            d.source.partitioning.event_hour = { field: "tags" };
        },
        field: "source.partitioning.event_hour.field",
        line: "field: tags",
        message: /column 'tags' is array<string>: a folder name needs a scalar value/,
        value: "tags",
    },
    {
        title: "a record field partition of CSV records (JQ reads only JSON)",
        change: (d) => Object.assign(d, { layer: "bronze", format: "csv", columns: [{ name: "event_id", type: "string" }, { name: "event_time", type: "string" }], source: { ...d.source, partitioning: { event_hour: { field: "event_time" } } } }),
        field: "source.partitioning.event_hour.field",
        line: "field: event_time",
        message: /JQ extracts fields from JSON records; a csv dataset's records are delivered as sent, so partition it by arrivalTime/,
        value: "event_time",
    },
    {
        title: "unique keys on a Parquet table",
        change: (d) => (d.source.uniqueKeys = ["event_id"]),
        field: "source.uniqueKeys",
        line: "uniqueKeys:",
        message: /unique keys need Firehose's Iceberg destination \(format: iceberg\)/,
    },
    {
        title: "an Iceberg unique key that is not a column",
        start: icebergOrders,
        change: (d) => (d.source.uniqueKeys = ["order_id"]),
        field: "source.uniqueKeys[0]",
        line: "- order_id",
        message: /no column 'order_id' in this dataset/,
        value: "order_id",
    },
    {
        title: "partitioning on an Iceberg table",
        start: icebergOrders,
        change: (d) => (d.source.partitioning = { event_hour: { field: "event_time", format: "yyyy-MM-dd-HH" } }),
        field: "source.partitioning",
        line: "partitioning:",
        message: /an Iceberg table partitions by its own partition spec/,
    },
    {
        title: "producers for a Kinesis stream the platform doesn't manage",
        change: (d) => (d.source.input = { kinesis: { arn: STREAM_ARN } }),
        field: "source.producers",
        line: ["producers:", 2],
        message: /producers write to the existing Kinesis stream, which the platform doesn't manage/,
        value: ["role/collector"],
    },
    {
        title: "a producer that is not a principal",
        change: (d) => (d.source.producers = ["collector"]),
        field: "source.producers[0]",
        line: "- collector",
        message: /not a principal IAM can grant to/,
        value: "collector",
    },
    {
        title: "a misspelt partitioning entry",
        change: (d) => (d.source.partitioning.event_hour = { fild: "event_time" }),
        field: "source.partitioning.event_hour",
        line: ["event_hour:", 2],
        message: /must be \{field: <column>, format\?: <pattern>\} or \{arrivalTime: true, format\?: <pattern>\}/,
    },
];

describe("ingestion: streaming fields of a dataset file, one flipped field at a time", () => {
    it("the examples start valid", () => {
        const [c, o] = loadObjects([clicks(), icebergOrders()]).datasets;
        expect(c!.source).to.deep.equal({
            type: "firehose",
            input: { type: "direct-put" },
            buffering: { sizeMiB: 128, intervalSeconds: 300 },
            partitioning: [{ key: "event_hour", from: "field", field: "event_time", format: "yyyy-MM-dd-HH" }],
            producers: [`arn:aws:iam::${ACCOUNT}:role/collector`],
            errorPrefix: "_errors/web/clicks/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
        });
        expect(o!.source).to.deep.include({ input: { type: "kinesis", create: true }, partitioning: [], uniqueKeys: ["event_id"] });
    });
    it("a key with a date projection and no partitioning is filled from the arrival time in the projection's format", () => {
        const d = clicks();
        delete d.source.partitioning;
        const [ds] = loadObjects([d]).datasets;
        expect(ds!.source.type === "firehose" && ds!.source.partitioning).to.deep.equal([{ key: "event_hour", from: "arrival", format: "yyyy-MM-dd-HH" }]);
    });
    for (const c of cases) {
        it(`reports ${c.title} at its file, line, field and value`, () => {
            const ds = (c.start ?? clicks)();
            c.change(ds);
            const texts = textsOf([ds]);
            const problems = problemsOf(() => loadObjects([ds]));
            expectProblem(problems, texts, { file: fileFor(ds), field: c.field, line: c.line, message: c.message, ...("value" in c ? { value: c.value } : {}) });
        });
    }
});
