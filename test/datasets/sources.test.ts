/** Source variants carry their configuration: Firehose input and buffering (AWS's limits), defaults per format. */
import { expect } from "chai";
import { FIREHOSE_BUFFERING } from "../../components/datasets";
import { ACCOUNT, expectProblem, fileFor, loadObjects, problemsOf, textsOf, validDataset } from "./helpers";

/** A valid gold Parquet dataset delivered by Firehose (converted to Parquet), direct PUT, default buffering. */
const streamed = (): Record<string, any> => ({ ...validDataset(), source: { type: "firehose" } });
/** The same as bronze JSON, delivered as sent (unpartitioned: without a projection Firehose can't fill `dt`). */
const streamedJson = (): Record<string, any> => {
    const d = streamed();
    Object.assign(d, { layer: "bronze", format: "json" });
    delete d.projection;
    delete d.partitionKeys;
    return d;
};
/** The error prefix Firehose gets unless the file says otherwise: outside the dataset's location. */
const ERROR_PREFIX = "_errors/mobility/trips/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/";
/** `dt` has a date projection and no partitioning entry: Firehose fills it from the arrival time. */
const ARRIVAL_DT = [{ key: "dt", from: "arrival", format: "yyyy-MM-dd" }];
const STREAM_ARN = `arn:aws:kinesis:eu-west-1:${ACCOUNT}:stream/trips`;

interface SourceCase {
    title: string;
    start?: () => Record<string, any>;
    source: Record<string, unknown>;
    region?: string;
    field: string;
    line: string;
    message: RegExp;
    value?: unknown;
}

const cases: SourceCase[] = [
    { title: "a converted (Parquet) stream buffering under 64 MiB", source: { type: "firehose", buffering: { sizeMiB: 32 } }, field: "source.buffering.sizeMiB", line: "sizeMiB: 32", message: /a parquet dataset is converted by Firehose \(record format conversion\), and AWS requires a buffer of at least 64 MiB/, value: 32 },
    { title: "a buffer larger than AWS allows", source: { type: "firehose", buffering: { sizeMiB: 129 } }, field: "source.buffering.sizeMiB", line: "sizeMiB: 129", message: /^must be <= 128$/, value: 129 },
    { title: "an empty buffer", start: streamedJson, source: { type: "firehose", buffering: { sizeMiB: 0 } }, field: "source.buffering.sizeMiB", line: "sizeMiB: 0", message: /^must be >= 1$/, value: 0 },
    { title: "a buffering interval over 900 s", source: { type: "firehose", buffering: { intervalSeconds: 901 } }, field: "source.buffering.intervalSeconds", line: "intervalSeconds: 901", message: /^must be <= 900$/, value: 901 },
    { title: "a negative buffering interval", source: { type: "firehose", buffering: { intervalSeconds: -1 } }, field: "source.buffering.intervalSeconds", line: "intervalSeconds: -1", message: /^must be >= 0$/, value: -1 },
    { title: "a fractional buffer size", source: { type: "firehose", buffering: { sizeMiB: 64.5 } }, field: "source.buffering.sizeMiB", line: "sizeMiB: 64.5", message: /must be an integer/, value: 64.5 },
    { title: "a misspelt buffering field", source: { type: "firehose", buffering: { sizeMB: 64 } }, field: "source.buffering.sizeMB", line: "sizeMB: 64", message: /unknown field 'sizeMB'; did you mean 'sizeMiB'\?/ },
    { title: "an input that is neither direct-put nor kinesis", source: { type: "firehose", input: "kinesis" }, field: "source.input", line: "input: kinesis", message: /^must be direct-put, \{kinesis: \{create: true\}\} or \{kinesis: \{arn: <Kinesis stream ARN>\}\}$/, value: "kinesis" },
    { title: "a kinesis input that says neither create nor arn", source: { type: "firehose", input: { kinesis: {} } }, field: "source.input.kinesis", line: "kinesis: {}", message: /say which Kinesis data stream: create: true .* or arn: <stream ARN>/, value: {} },
    { title: "a kinesis input with both create and arn", source: { type: "firehose", input: { kinesis: { create: true, arn: STREAM_ARN } } }, field: "source.input.kinesis", line: "kinesis:", message: /either create: true .* or arn: <stream ARN> .*, not both/ },
    { title: "create: false", source: { type: "firehose", input: { kinesis: { create: false } } }, field: "source.input.kinesis.create", line: "create: false", message: /^must be true$/, value: false },
    { title: "a stream ARN that isn't one", source: { type: "firehose", input: { kinesis: { arn: "arn:aws:sqs:eu-west-1:111111111111:trips" } } }, field: "source.input.kinesis.arn", line: "arn: arn:aws:sqs", message: /must be a Kinesis data stream ARN, arn:<partition>:kinesis:<region>:<account>:stream\/<name>/, value: "arn:aws:sqs:eu-west-1:111111111111:trips" },
    { title: "a stream ARN of another partition than the stack's", source: { type: "firehose", input: { kinesis: { arn: STREAM_ARN } } }, region: "cn-north-1", field: "source.input.kinesis.arn", line: "arn: arn:aws:kinesis", message: /is in partition 'aws', but stack 'dev' deploys to cn-north-1 \(partition 'aws-cn'\)/, value: STREAM_ARN },
    { title: "a job field on a stream", source: { type: "firehose", inputs: ["trips"] }, field: "source.inputs", line: "inputs:", message: /^'inputs' does not apply to type 'firehose'$/ },
    { title: "buffering on a job", source: { type: "job", job: "x", buffering: { sizeMiB: 64 } }, field: "source.buffering", line: "buffering:", message: /^'buffering' does not apply to type 'job'$/ },
    { title: "a source without a type", source: { job: "x" }, field: "source.type", line: "source:", message: /^missing required field 'type'$/ },
];

describe("datasets: source configuration, one flipped field at a time", () => {
    for (const c of cases) {
        it(`reports ${c.title} at its file, line, field and value`, () => {
            const ds = (c.start ?? streamed)();
            ds.source = c.source;
            const texts = textsOf([ds]);
            const problems = problemsOf(() => loadObjects([ds], c.region ? { region: c.region } : {}));
            expectProblem(problems, texts, { file: fileFor(ds), field: c.field, line: c.line, message: c.message, ...("value" in c ? { value: c.value } : {}) });
        });
    }
});

describe("datasets: source defaults", () => {
    const load = (ds: Record<string, any>, region?: string) => loadObjects([ds], region ? { region } : {}).datasets[0]!.source;

    it("a converted (Parquet/ORC) stream: direct PUT, 128 MiB / 300 s", () => {
        expect(load(streamed())).to.deep.equal({
            type: "firehose",
            input: { type: "direct-put" },
            buffering: { sizeMiB: 128, intervalSeconds: 300 },
            partitioning: ARRIVAL_DT,
            producers: [],
            errorPrefix: ERROR_PREFIX,
        });
        expect(load({ ...streamed(), format: "orc" })).to.deep.include({ buffering: FIREHOSE_BUFFERING.defaults.converted });
    });

    it("a stream delivered as sent (JSON in bronze): AWS's 5 MiB / 300 s", () => {
        expect(load(streamedJson())).to.deep.equal({
            type: "firehose",
            input: { type: "direct-put" },
            buffering: { sizeMiB: 5, intervalSeconds: 300 },
            partitioning: [],
            producers: [],
            errorPrefix: ERROR_PREFIX,
        });
    });

    it("keeps what the file says: 64 MiB is enough for conversion, an interval alone keeps the default size", () => {
        expect(load({ ...streamed(), source: { type: "firehose", input: "Direct-Put", buffering: { sizeMiB: 64, intervalSeconds: 0 } } })).to.deep.equal({
            type: "firehose",
            input: { type: "direct-put" },
            buffering: { sizeMiB: 64, intervalSeconds: 0 },
            partitioning: ARRIVAL_DT,
            producers: [],
            errorPrefix: ERROR_PREFIX,
        });
        expect(load({ ...streamedJson(), source: { type: "firehose", buffering: { intervalSeconds: 60 } } })).to.deep.include({ buffering: { sizeMiB: 5, intervalSeconds: 60 } });
        expect(load({ ...streamedJson(), source: { type: "firehose", buffering: { sizeMiB: 1 } } })).to.deep.include({ buffering: { sizeMiB: 1, intervalSeconds: 300 } });
    });

    it("reads from a Kinesis stream the platform creates, or an existing one in the stack's partition", () => {
        expect(load({ ...streamed(), source: { type: "firehose", input: { kinesis: { create: true } } } })).to.deep.include({ input: { type: "kinesis", create: true } });
        expect(load({ ...streamed(), source: { type: "firehose", input: { kinesis: { arn: STREAM_ARN } } } }, "eu-west-1")).to.deep.include({ input: { type: "kinesis", arn: STREAM_ARN } });
        const cn = `arn:aws-cn:kinesis:cn-north-1:${ACCOUNT}:stream/trips`;
        expect(load({ ...streamed(), source: { type: "firehose", input: { kinesis: { arn: cn } } } }, "cn-north-1")).to.deep.include({ input: { type: "kinesis", arn: cn } });
    });

    it("keeps the other sources as they were: s3, jdbc and job fields unchanged", () => {
        expect(load({ ...validDataset(), source: { type: "s3" } })).to.deep.equal({ type: "s3", crawl: false });
        expect(load(validDataset())).to.deep.equal({ type: "job", job: "trips_job" });
    });
});
