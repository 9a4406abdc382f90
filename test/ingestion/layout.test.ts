/**
 * The layout round trip, for every streaming dataset of every stack: render the Firehose prefix for sample records
 * and arrival times, then read the folder back through the table's own template (partition projection, or Hive
 * key=value) the way Athena does. The values must round-trip, so a new partition is queryable without MSCK REPAIR.
 */
import { expect } from "chai";
import * as path from "path";
import { Dataset, defaultLocation, loadStackDatasets, parseHiveType } from "../../components/datasets";
import { nowOffset, parseProjectedDate } from "../../components/datasets/projection";
import { FirehoseDataset, isStreamed, renderPrefix, resolvePartitions, sampleRecord, streamLayout, StreamLayout } from "../../components/ingestion";
import { namingFor } from "../datasets/helpers";

const REPO = path.resolve(__dirname, "..", "..");
const HOUR = 3600_000;

function streamingDatasets(stack: string): { ds: FirehoseDataset; location: string }[] {
    const naming = namingFor(stack);
    const { datasets } = loadStackDatasets({ root: REPO, stack, accountId: naming.accountId, region: "eu-west-1", naming });
    return datasets.filter(isStreamed).map((ds) => ({ ds, location: defaultLocation(ds, `acme-lake-${stack}-${ds.layer}-${naming.accountId}`) }));
}

/** The UTC fields a date pattern keeps, as `parseProjectedDate` orders them (missing fields at their minimum). */
function truncated(t: Date, format: string): number[] {
    const has = (letters: string) => format.replace(/'[^']*'/g, "").includes(letters);
    return [t.getUTCFullYear(), has("MM") ? t.getUTCMonth() + 1 : 1, has("dd") ? t.getUTCDate() : 1, has("HH") ? t.getUTCHours() : 0, has("mm") ? t.getUTCMinutes() : 0, has("ss") ? t.getUTCSeconds() : 0, 0];
}

/** Sample records: at several times (across a day boundary), one per enum folder for enum-projected fields. */
function samples(ds: FirehoseDataset, now: Date): { record: Record<string, unknown>; at: Date }[] {
    const times = [now, new Date(now.getTime() - 5 * HOUR), new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - 1000)];
    const out: { record: Record<string, unknown>; at: Date }[] = [];
    for (const at of times) {
        const base = sampleRecord(ds, at);
        out.push({ record: base, at });
        for (const p of ds.source.partitioning) {
            const projected = p.from === "field" ? ds.projection?.keys[p.key] : undefined;
            if (p.from === "field" && projected?.type === "enum") for (const v of projected.values.slice(1)) out.push({ record: { ...base, [p.field]: v }, at });
        }
    }
    // A fractional-second event time: the JQ drops the fraction before fromdateiso8601.
    out.push({ record: Object.fromEntries(Object.entries(sampleRecord(ds, now)).map(([k, v]) => [k, typeof v === "string" && /T.*Z$/.test(v) ? v.replace(/(\.\d+)?Z$/, ".123456Z") : v])), at: now });
    return out;
}

/** Why a folder the stream wrote is not the partition the record belongs to (empty: it round-trips). */
function roundTripProblems(ds: Dataset & FirehoseDataset, layout: StreamLayout, record: Record<string, unknown>, arrival: Date, now: Date): string[] {
    const folder = renderPrefix(layout, record, arrival);
    const resolved = resolvePartitions(ds, layout.template, folder);
    if ("problem" in resolved) return [resolved.problem];
    const problems: string[] = [];
    for (const key of ds.partitionKeys.map((k) => k.name)) {
        const p = ds.source.partitioning.find((q) => q.key === key)!;
        const value = resolved.values[key];
        if (value === undefined) {
            problems.push(`${key}: not in the folder ${folder}`);
            continue;
        }
        const projected = ds.projection?.keys[key];
        const source = p.from === "arrival" ? arrival : p.format !== undefined ? new Date(String(record[p.field])) : undefined;
        if (!source) {
            if (value !== String(record[(p as { field: string }).field])) problems.push(`${key}=${value}, but the record's ${(p as { field: string }).field} is ${String(record[(p as { field: string }).field])}`);
            continue;
        }
        const format = projected?.type === "date" ? projected.format : p.format!;
        const parsed = parseProjectedDate(format, value);
        if (!parsed || "problem" in parsed) {
            problems.push(`${key}=${value} is not a date in ${format}`);
            continue;
        }
        if (JSON.stringify(parsed.key) !== JSON.stringify(truncated(source, format))) problems.push(`${key}=${value} is not ${source.toISOString()} in ${format}`);
        if (projected?.type === "date") {
            const [lo, hi] = projected.range.split(",").map((s) => nowOffset(s));
            const offset = (source.getTime() - now.getTime()) / 1000;
            if (lo !== undefined && hi !== undefined && (offset < lo - 3600 || offset > hi + 3600)) problems.push(`${key}=${value} is outside the projection range ${projected.range}`);
        }
    }
    return problems;
}

describe("ingestion: the stream's layout is the table's layout (round trip)", () => {
    const now = new Date();
    for (const stack of ["dev", "prod"]) {
        describe(stack, () => {
            const streams = streamingDatasets(stack);
            it("covers every streaming dataset of the stack, the examples included", () => {
                const names = streams.map((s) => s.ds.name);
                expect(names).to.include.members(["clickstream", "device_readings", "subscription_events"]);
                const { datasets } = loadStackDatasets({ root: REPO, stack, accountId: namingFor(stack).accountId, naming: namingFor(stack) });
                expect(names.sort()).to.deep.equal(datasets.filter((d) => d.source.type === "firehose").map((d) => d.name).sort());
            });
            for (const { ds, location } of streams) {
                it(`${ds.name}: sample records and arrival times land in the folders its ${ds.projection ? "projection" : "Hive layout"} reads`, () => {
                    const layout = streamLayout(ds, location);
                    if (ds.format === "iceberg") {
                        // Firehose's Iceberg destination writes through the table: its location is the only prefix.
                        expect(layout.prefix).to.equal(location.replace(/^s3:\/\/[^/]+\//, ""));
                        return;
                    }
                    const cases = samples(ds, now);
                    expect(cases.length).to.be.greaterThan(2);
                    for (const { record, at } of cases) {
                        for (const arrival of [at, new Date(at.getTime() + 90_000)]) {
                            // Record-field partitions follow the record, arrival-time ones the arrival.
                            expect(roundTripProblems(ds, layout, record, arrival, now), `${JSON.stringify(record)} at ${arrival.toISOString()}: ${renderPrefix(layout, record, arrival)}`).to.deep.equal([]);
                        }
                    }
                    // Errors never land where the table reads.
                    expect(layout.errorPrefix.startsWith(location.replace(/^s3:\/\/[^/]+\//, ""))).to.equal(false);
                });
            }
        });
    }

    describe("a deliberately mismatched prefix fails the round trip", () => {
        const byName = Object.fromEntries(streamingDatasets("dev").map((s) => [s.ds.name, s]));
        const check = (name: string, prefix: string) => {
            const { ds, location } = byName[name]!;
            const layout = { ...streamLayout(ds, location), prefix };
            const { record, at } = samples(ds, now)[0]!;
            return roundTripProblems(ds, layout, record, at, now);
        };
        it("the right prefixes pass", () => {
            expect(check("clickstream", "web/clickstream/event_hour=!{partitionKeyFromQuery:event_hour}/")).to.deep.equal([]);
        });
        it("an hourly folder in another date format than the projection's", () => {
            expect(check("clickstream", "web/clickstream/event_hour=!{timestamp:yyyy/MM/dd/HH}/")[0]).to.match(/does not match the table's template/);
        });
        it("Hive key=value folders under a projection template without them", () => {
            expect(check("subscription_events", "billing/subscription_events/event_hour=!{timestamp:yyyy/MM/dd/HH}/")[0]).to.match(/does not match the table's template .*\$\{event_hour\}/);
        });
        it("partition keys in the wrong order", () => {
            expect(check("device_readings", "iot/device_readings/device_type=!{partitionKeyFromQuery:device_type}/dt=!{partitionKeyFromQuery:dt}/")[0]).to.match(/does not match/);
        });
        it("a day folder where the table reads hours", () => {
            expect(check("subscription_events", "billing/subscription_events/!{timestamp:yyyy/MM/dd}/")[0]).to.match(/does not match/);
        });
        it("the arrival time where the table reads the event time (values differ)", () => {
            const { ds, location } = byName.clickstream!;
            const layout = { ...streamLayout(ds, location), prefix: "web/clickstream/event_hour=!{timestamp:yyyy-MM-dd-HH}/" };
            const record = sampleRecord(ds, new Date(now.getTime() - 5 * HOUR));
            expect(roundTripProblems(ds, layout, record, now, now)[0]).to.match(/is not .* in yyyy-MM-dd-HH/);
        });
        it("a field value outside an enum projection's folders", () => {
            const { ds, location } = byName.device_readings!;
            const record = { ...sampleRecord(ds, now), device_kind: "drone" };
            expect(roundTripProblems(ds, streamLayout(ds, location), record, now, now)[0]).to.match(/does not match the table's template/);
        });
    });

    it("timestamps are parsed as the schema declares them", () => {
        expect(parseHiveType("timestamp")).to.deep.equal({ kind: "primitive", name: "timestamp" });
    });
});
