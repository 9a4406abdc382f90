/**
 * The producer contract: one JSON Schema per streaming dataset of JSON records, derived from its columns, published as
 * `stacks/schema/events/<domain>.<name>.schema.json` so producers validate their events before sending them.
 * What conversion and partitioning need is required: the fields a partition is extracted from (else Firehose sends
 * the record to the error prefix) and Iceberg unique keys; timestamps are ISO-8601 UTC, which both the OpenX JSON
 * SerDe and the partitioning JQ (`fromdateiso8601`) read. Regenerate: `npx tsx components/ingestion/events-schema.ts`.
 */
import * as fs from "fs";
import * as path from "path";
import { Column, Dataset, discoverStacks, HiveType, JSON_RECORD_FORMATS, loadStackDatasets, parseHiveType } from "../datasets";
import { FirehoseDataset, isStreamed } from "./layout";

type JsonSchema = Record<string, unknown>;

export const EVENTS_SCHEMA_DIR = "stacks/schema/events";
export const ISO_UTC_PATTERN = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$";

const INT_RANGE: Record<string, [number, number]> = { tinyint: [-128, 127], smallint: [-32768, 32767], int: [-2147483648, 2147483647] };

function typeSchema(t: HiveType): JsonSchema {
    switch (t.kind) {
        case "decimal":
            return { type: "number", description: `decimal(${t.precision},${t.scale})` };
        case "char":
        case "varchar":
            return { type: "string", maxLength: t.length };
        case "array":
            return { type: "array", items: typeSchema(t.element) };
        case "map":
            return { type: "object", additionalProperties: typeSchema(t.value) };
        case "struct":
            return { type: "object", properties: Object.fromEntries(t.fields.map((f) => [f.name, typeSchema(f.type)])), additionalProperties: false };
        case "primitive":
            switch (t.name) {
                case "tinyint":
                case "smallint":
                case "int":
                    return { type: "integer", minimum: INT_RANGE[t.name]![0], maximum: INT_RANGE[t.name]![1] };
                case "bigint":
                    return { type: "integer" };
                case "float":
                case "double":
                    return { type: "number" };
                case "boolean":
                    return { type: "boolean" };
                case "date":
                    return { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" };
                case "timestamp":
                    return { type: "string", pattern: ISO_UTC_PATTERN, description: "ISO-8601 in UTC, e.g. 2026-05-01T12:30:00Z" };
                case "binary":
                    return { type: "string", contentEncoding: "base64" };
                case "string":
                    return { type: "string" };
            }
    }
}

export const eventSchemaFile = (ds: Pick<Dataset, "domain" | "name">) => `${EVENTS_SCHEMA_DIR}/${ds.domain}.${ds.name}.schema.json`;

/** The JSON Schema a producer's event must match (draft-07, like the dataset schemas). */
export function eventSchema(ds: FirehoseDataset): JsonSchema {
    const partitionFields = ds.source.partitioning.flatMap((p) => (p.from === "field" ? [p] : []));
    const required = [...new Set([...partitionFields.map((p) => p.field), ...(ds.source.uniqueKeys ?? [])])];
    const property = (c: Column): JsonSchema => {
        const base = typeSchema(parseHiveType(c.type));
        const partition = partitionFields.find((p) => p.field === c.name);
        const projected = partition && ds.projection?.keys[partition.key];
        // A field whose value is an enum-projected folder must be one of the folders the table reads.
        const enumValues = partition && partition.format === undefined && projected?.type === "enum" ? { enum: projected.values } : {};
        const described = { ...base, ...(c.comment ? { description: c.comment } : {}), ...enumValues };
        return required.includes(c.name) ? described : { anyOf: [described, { type: "null" }] };
    };
    return {
        $schema: "http://json-schema.org/draft-07/schema#",
        $id: `https://acme.example/lake/${eventSchemaFile(ds).replace(/^stacks\//, "")}`,
        title: `${ds.domain}.${ds.name} event`,
        description: `One record sent to the ${ds.domain}.${ds.name} stream (${ds.file}), as one JSON object. Generated from the dataset's columns: don't edit.`,
        type: "object",
        properties: Object.fromEntries(ds.columns.map((c) => [c.name, property(c)])),
        required,
        additionalProperties: false,
        examples: [sampleRecord(ds, new Date(Date.UTC(2026, 4, 1, 12, 30, 0)))],
    };
}

function sampleValue(t: HiveType, at: Date): unknown {
    switch (t.kind) {
        case "decimal":
            return 12.5;
        case "char":
        case "varchar":
            return "x".repeat(Math.min(3, t.length));
        case "array":
            return [sampleValue(t.element, at)];
        case "map":
            return { key: sampleValue(t.value, at) };
        case "struct":
            return Object.fromEntries(t.fields.map((f) => [f.name, sampleValue(f.type, at)]));
        case "primitive":
            switch (t.name) {
                case "tinyint":
                case "smallint":
                case "int":
                case "bigint":
                    return 42;
                case "float":
                case "double":
                    return 1.5;
                case "boolean":
                    return true;
                case "date":
                    return at.toISOString().slice(0, 10);
                case "timestamp":
                    return at.toISOString().replace(/\.000Z$/, "Z");
                case "binary":
                    return "AQID";
                case "string":
                    return "sample";
            }
    }
}

/** A record valid against the dataset's event schema, its timestamps at `at` (enum-partition fields take the first folder). */
export function sampleRecord(ds: FirehoseDataset, at: Date): Record<string, unknown> {
    const record: Record<string, unknown> = {};
    for (const c of ds.columns) {
        const partition = ds.source.partitioning.find((p) => p.from === "field" && p.field === c.name);
        const projected = partition && ds.projection?.keys[partition.key];
        record[c.name] = projected?.type === "enum" ? projected.values[0] : sampleValue(parseHiveType(c.type), at);
    }
    return record;
}

/** Every streaming dataset of every stack, once per file (columns never differ per stack). */
function streamingDatasets(root: string): FirehoseDataset[] {
    const byFile = new Map<string, FirehoseDataset>();
    for (const stack of discoverStacks(root)) {
        // The account only resolves principal shorthands, which the schemas don't contain.
        const { datasets } = loadStackDatasets({ root, stack, accountId: "000000000000" });
        // CSV and Avro records are delivered as sent: no JSON event to describe.
        for (const ds of datasets.filter(isStreamed)) if (JSON_RECORD_FORMATS.includes(ds.format) && !byFile.has(ds.file)) byFile.set(ds.file, ds);
    }
    return [...byFile.values()].sort((a, b) => a.file.localeCompare(b.file));
}

/** The published event schemas (repo-relative path and exact text). */
export function publishedEventSchemas(root: string): { file: string; text: string }[] {
    return streamingDatasets(root).map((ds) => ({ file: eventSchemaFile(ds), text: `${JSON.stringify(eventSchema(ds), null, 2)}\n` }));
}

if (require.main === module) {
    const root = path.resolve(__dirname, "..", "..");
    const dir = path.join(root, EVENTS_SCHEMA_DIR);
    fs.mkdirSync(dir, { recursive: true });
    const published = publishedEventSchemas(root);
    for (const f of fs.readdirSync(dir)) if (!published.some((p) => path.basename(p.file) === f)) fs.rmSync(path.join(dir, f));
    for (const p of published) fs.writeFileSync(path.join(root, p.file), p.text);
    console.log(`wrote ${published.length} event schema(s) to ${EVENTS_SCHEMA_DIR}/`);
}
