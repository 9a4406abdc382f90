/**
 * Dataset files written by someone else from public lake tutorials: what such files naturally contain loads,
 * and what this platform forbids fails with a message that says what to change.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { formatProblem } from "../../components/datasets";
import { externalLocations, lineOf, loadTexts, problemsOf } from "./helpers";

const DIR = "test/fixtures/datasets/tutorials";
const read = (name: string) => {
    const file = `${DIR}/${name}.yaml`;
    return { file, text: fs.readFileSync(path.join(__dirname, "../..", file), "utf8") };
};

describe("datasets: files written from public tutorials", () => {
    it("loads the Athena NYC taxi tutorial table, normalising INT, TIMESTAMP, DECIMAL(10,2), Parquet, raw and column case", () => {
        const [ds] = loadTexts([read("yellow_tripdata")]).datasets;
        expect(ds!.layer).to.equal("bronze");
        expect(ds!.format).to.equal("parquet");
        expect(ds!.columns.slice(0, 2)).to.deep.equal([
            { name: "vendorid", type: "int", comment: "1 = Creative Mobile Technologies, 2 = VeriFone" },
            { name: "tpep_pickup_datetime", type: "timestamp" },
        ]);
        expect(ds!.columns.find((c) => c.name === "fare_amount")!.type).to.equal("decimal(10,2)");
        expect(ds!.source).to.deep.equal({ type: "s3", crawl: true });
        expect(ds!.crawlSchedule).to.equal("cron(0 6 * * ? *)");
    });

    it("loads the Firehose partition projection example with its absolute location template", () => {
        // Firehose writes into the growth team's bucket, outside the lake: the stack allows that location.
        const [ds] = loadTexts([read("firehose_events")], { externalLocations: [externalLocations({ firehose_events: "s3://growth-clickstream-raw/events/" })] }).datasets;
        expect(ds!.format).to.equal("json");
        expect(ds!.columns.find((c) => c.name === "device")!.type).to.equal("struct<os:string,os_version:string,model:string>");
        expect(ds!.projection!.keys.datehour).to.deep.equal({ type: "date", range: "2021/01/01/00,NOW", format: "yyyy/MM/dd/HH", interval: 1, unit: "HOURS" });
        expect(ds!.location).to.equal("s3://growth-clickstream-raw/events/");
    });

    it("rejects the CloudFront log columns named after reserved words, and types OpenCSVSerde can't read", () => {
        const src = read("cloudfront_logs");
        const problems = problemsOf(() => loadTexts([src]));
        expect(problems.map((p) => `${p.field}:${p.line}`)).to.deep.equal([
            `columns[0].name:${lineOf(src.text, "- name: date")}`,
            `columns[0].type:${lineOf(src.text, "type: DATE")}`,
            `columns[1].name:${lineOf(src.text, "- name: time")}`,
            `columns[18].type:${lineOf(src.text, "type: FLOAT")}`,
        ]);
        expect(problems.filter((p) => p.field.endsWith(".name")).map(formatProblem)).to.deep.equal([
            `${src.file}:${lineOf(src.text, "- name: date")}:11 columns[0].name: 'date' is an Athena reserved word; every query would have to quote it. Rename it, e.g. 'date_value' or a more specific name ("date")`,
            `${src.file}:${lineOf(src.text, "- name: time")}:11 columns[1].name: 'time' is an Athena reserved word; every query would have to quote it. Rename it, e.g. 'time_value' or a more specific name ("time")`,
        ]);
    });

    it("loads the taxi zone CSV but rejects its date column, which OpenCSVSerde can't parse from yyyy-MM-dd", () => {
        const src = read("taxi_zone_lookup");
        const problems = problemsOf(() => loadTexts([src]));
        expect(problems.map(formatProblem)).to.deep.equal([
            `${src.file}:${lineOf(src.text, "type: date")}:11 columns[4].type: csv tables are read with OpenCSVSerde, which parses only string, boolean, int, bigint, double (timestamp only as epoch millis, date only as days since 1970): declare 'published_on' as string here and cast it in the silver job ("date")`,
        ]);
        const fixed = { ...src, text: src.text.replace("type: date", "type: string") };
        expect(loadTexts([fixed]).datasets[0]!.columns.map((c) => c.name)).to.deep.equal(["locationid", "borough", "zone", "service_zone", "published_on"]);
    });

    it("rejects TICKIT sales as CSV in gold, and unpartitioned without a reason", () => {
        const src = read("sales");
        const problems = problemsOf(() => loadTexts([src]));
        expect(problems.map((p) => [p.field, p.line])).to.deep.equal([
            ["partitionKeys", 2],
            ["format", lineOf(src.text, "format: csv")],
        ]);
        expect(problems[1]!.message).to.equal("csv is a row format, allowed only in bronze; gold must be parquet, orc or iceberg (convert it in the bronze-to-gold job)");
    });
});
