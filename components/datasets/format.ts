/**
 * Pure functions from a validated Dataset to what Glue and Athena need: storage classes, projection parameters,
 * the DDL Athena would show and the named queries. The catalog component and the CLI share them, so what
 * `describe` prints is what gets deployed.
 */
import { HiveType, parseHiveType } from "./hive-types";
import type { Dataset, DatasetFormat } from "./model";

export interface StorageFormat {
    inputFormat: string;
    outputFormat: string;
    serializationLibrary: string;
    /** SerDe parameters (`serdeInfo.parameters`). */
    parameters: Record<string, string>;
    /** Table parameters the format needs (Glue's `classification`, header skipping). */
    tableParameters: Record<string, string>;
}

const TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat";
const TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";

/**
 * Real Hive classes per format. Iceberg has none: Glue creates its storage descriptor through
 * `openTableFormatInput`, so the result is undefined.
 *
 * CSV uses OpenCSVSerde rather than LazySimpleSerDe: raw exports from operational systems quote fields that
 * contain the delimiter, and only OpenCSVSerde honours quotes. The first line is a header (skipped).
 */
export function serdeFor(format: DatasetFormat): StorageFormat | undefined {
    switch (format) {
        case "parquet":
            return {
                inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                parameters: { "serialization.format": "1" },
                tableParameters: { classification: "parquet" },
            };
        case "orc":
            return {
                inputFormat: "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
                outputFormat: "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat",
                serializationLibrary: "org.apache.hadoop.hive.ql.io.orc.OrcSerde",
                parameters: { "serialization.format": "1" },
                tableParameters: { classification: "orc" },
            };
        case "csv":
            return {
                inputFormat: TEXT_INPUT,
                outputFormat: TEXT_OUTPUT,
                serializationLibrary: "org.apache.hadoop.hive.serde2.OpenCSVSerde",
                parameters: { separatorChar: ",", quoteChar: '"', escapeChar: "\\" },
                tableParameters: { classification: "csv", "skip.header.line.count": "1" },
            };
        case "json":
            return {
                inputFormat: TEXT_INPUT,
                outputFormat: TEXT_OUTPUT,
                serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
                parameters: { "ignore.malformed.json": "FALSE", "case.insensitive": "TRUE" },
                tableParameters: { classification: "json" },
            };
        case "avro":
            return {
                inputFormat: "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat",
                outputFormat: "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat",
                serializationLibrary: "org.apache.hadoop.hive.serde2.avro.AvroSerDe",
                parameters: {},
                tableParameters: { classification: "avro" },
            };
        case "iceberg":
            return undefined;
    }
}

/** `s3://<bucket>/<domain>/<name>/` unless the file sets a location (always with a trailing slash). */
export function defaultLocation(ds: Pick<Dataset, "domain" | "name" | "location">, bucketName: string): string {
    if (ds.location) return ds.location.endsWith("/") ? ds.location : `${ds.location}/`;
    return `s3://${bucketName}/${ds.domain}/${ds.name}/`;
}

/** The folders of a Firehose prefix before its first `!{...}` expression: every key it renders starts with them. */
export function prefixBeforeExpression(prefix: string): string {
    const at = prefix.indexOf("!{");
    return at < 0 ? prefix : prefix.slice(0, prefix.lastIndexOf("/", at) + 1);
}

/**
 * The key prefix in the dataset's layer bucket where its rejected records go: a stream's error output up to its first
 * `!{...}` expression, else `_errors/<domain>/<name>/` (the rows a job's casts reject). Outside every table's location,
 * and expired with the dataset's `retentionDays` like its data.
 */
export function datasetErrorPrefix(ds: Pick<Dataset, "domain" | "name" | "source">): string {
    if (ds.source.type === "firehose") return prefixBeforeExpression(ds.source.errorPrefix);
    return `_errors/${ds.domain}/${ds.name}/`;
}

/** `key=${key}/` per partition key under the location: the layout Hive, Glue crawlers and Spark write. */
export function defaultLocationTemplate(location: string, keys: readonly string[]): string {
    const base = location.endsWith("/") ? location : `${location}/`;
    return base + keys.map((k) => `${k}=\${${k}}/`).join("");
}

/**
 * Athena partition projection table parameters (empty when the dataset has none). The location template is the
 * dataset's own (absolute, or relative to `location`) when written, else `key=${key}/` per key under `location`.
 */
export function projectionParameters(ds: Dataset, location: string): Record<string, string> {
    if (!ds.projection) return {};
    const params: Record<string, string> = { "projection.enabled": "true" };
    for (const key of ds.partitionKeys) {
        const p = ds.projection.keys[key.name];
        if (!p) continue;
        const at = `projection.${key.name}`;
        params[`${at}.type`] = p.type;
        switch (p.type) {
            case "date":
                params[`${at}.range`] = p.range;
                params[`${at}.format`] = p.format;
                if (p.interval !== undefined) params[`${at}.interval`] = String(p.interval);
                if (p.unit !== undefined) params[`${at}.interval.unit`] = p.unit;
                break;
            case "integer":
                params[`${at}.range`] = p.range;
                if (p.interval !== undefined) params[`${at}.interval`] = String(p.interval);
                if (p.digits !== undefined) params[`${at}.digits`] = String(p.digits);
                break;
            case "enum":
                params[`${at}.values`] = p.values.join(",");
                break;
            case "injected":
                break;
        }
    }
    const template = ds.projection.locationTemplate;
    params["storage.location.template"] = !template
        ? defaultLocationTemplate(location, ds.partitionKeys.map((k) => k.name))
        : template.startsWith("s3://")
          ? template
          : (location.endsWith("/") ? location : `${location}/`) + template.replace(/^\/+/, "");
    return params;
}

/** Avro schema for `avro.schema.literal` (Athena requires it on Avro tables). Columns are nullable. */
export function avroSchema(ds: Dataset): object {
    const toAvro = (t: HiveType, name: string): unknown => {
        switch (t.kind) {
            case "primitive":
                return {
                    tinyint: "int", smallint: "int", int: "int", bigint: "long", float: "float", double: "double",
                    string: "string", boolean: "boolean", binary: "bytes",
                    date: { type: "int", logicalType: "date" },
                    timestamp: { type: "long", logicalType: "timestamp-millis" },
                }[t.name];
            case "decimal":
                return { type: "bytes", logicalType: "decimal", precision: t.precision, scale: t.scale };
            case "char":
            case "varchar":
                return "string";
            case "array":
                return { type: "array", items: nullable(toAvro(t.element, `${name}_item`)) };
            case "map":
                return { type: "map", values: nullable(toAvro(t.value, `${name}_value`)) };
            case "struct":
                return {
                    type: "record",
                    name: `${name}_record`,
                    fields: t.fields.map((f) => ({ name: f.name, type: nullable(toAvro(f.type, `${name}_${f.name}`)), default: null })),
                };
        }
    };
    const nullable = (t: unknown) => ["null", t];
    return {
        type: "record",
        name: ds.name,
        namespace: ds.domain,
        fields: ds.columns.map((c) => ({
            name: c.name,
            type: nullable(toAvro(parseHiveType(c.type), c.name)),
            default: null,
            ...(c.comment ? { doc: c.comment } : {}),
        })),
    };
}

/** Every table parameter that follows from the format (and, for Avro, the columns). */
export function formatTableParameters(ds: Dataset): Record<string, string> {
    const params = { ...(serdeFor(ds.format)?.tableParameters ?? {}) };
    if (ds.format === "avro") params["avro.schema.literal"] = JSON.stringify(avroSchema(ds));
    return params;
}

/** Hive string literal: backslash escapes, so both `\` and `'` are escaped. */
const sqlString = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const ddlIdent = (s: string) => `\`${s}\``;
const dmlIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

function ddlProperties(props: Record<string, string>): string {
    return Object.entries(props)
        .map(([k, v]) => `  ${sqlString(k)}=${sqlString(v)}`)
        .join(",\n");
}

/**
 * The `CREATE EXTERNAL TABLE` Athena's "Generate table DDL" shows for this dataset (Iceberg: `CREATE TABLE ...
 * TBLPROPERTIES ('table_type'='ICEBERG')`, with partition keys as ordinary columns partitioned by identity).
 */
export function renderDdl(ds: Dataset, location: string, database?: string): string {
    const table = database ? `${ddlIdent(database)}.${ddlIdent(ds.name)}` : ddlIdent(ds.name);
    const column = (c: { name: string; type: string; comment?: string }) =>
        `  ${ddlIdent(c.name)} ${c.type}${c.comment ? ` COMMENT ${sqlString(c.comment)}` : ""}`;
    const lines: string[] = [];
    if (ds.format === "iceberg") {
        // Athena's Iceberg CREATE TABLE has no table COMMENT clause; the description lives in Glue.
        lines.push(`CREATE TABLE ${table} (`, [...ds.columns, ...ds.partitionKeys].map(column).join(",\n") + ")");
        if (ds.partitionKeys.length) lines.push(`PARTITIONED BY (${ds.partitionKeys.map((k) => ddlIdent(k.name)).join(", ")})`);
        lines.push("LOCATION", `  ${sqlString(location)}`);
        lines.push("TBLPROPERTIES (", ddlProperties({ table_type: "ICEBERG", format: "parquet", write_compression: "zstd" }) + ")");
        return lines.join("\n") + ";";
    }
    const storage = serdeFor(ds.format)!;
    lines.push(`CREATE EXTERNAL TABLE ${table}(`, ds.columns.map(column).join(",\n") + ")");
    if (ds.description) lines.push(`COMMENT ${sqlString(ds.description)}`);
    if (ds.partitionKeys.length) lines.push("PARTITIONED BY (", ds.partitionKeys.map(column).join(",\n") + ")");
    lines.push("ROW FORMAT SERDE", `  ${sqlString(storage.serializationLibrary)}`);
    if (Object.keys(storage.parameters).length) lines.push("WITH SERDEPROPERTIES (", ddlProperties(storage.parameters) + ")");
    lines.push("STORED AS INPUTFORMAT", `  ${sqlString(storage.inputFormat)}`, "OUTPUTFORMAT", `  ${sqlString(storage.outputFormat)}`);
    lines.push("LOCATION", `  ${sqlString(location)}`);
    const props = { ...formatTableParameters(ds), ...projectionParameters(ds, location) };
    lines.push("TBLPROPERTIES (", ddlProperties(props) + ")");
    return lines.join("\n") + ";";
}

/**
 * Athena needs a value for every `injected` projected key in every query, so those become `?` parameters the
 * console asks for when the saved query runs.
 */
function injectedKeyFilter(ds: Dataset): string {
    const injected = ds.partitionKeys.filter((k) => ds.projection?.keys[k.name]?.type === "injected");
    return injected.length ? `\nWHERE ${injected.map((k) => `${dmlIdent(k.name)} = ?`).join(" AND ")}` : "";
}

/** Rows to eyeball the data: the first 100 (Athena bills per byte scanned, LIMIT keeps it small on columnar data). */
export function previewQuery(ds: Dataset, database: string): string {
    return `SELECT *\nFROM ${dmlIdent(database)}.${dmlIdent(ds.name)}${injectedKeyFilter(ds)}\nLIMIT 100`;
}

/** Rows per partition (a plain count when unpartitioned). */
export function partitionCountQuery(ds: Dataset, database: string): string {
    const from = `FROM ${dmlIdent(database)}.${dmlIdent(ds.name)}`;
    if (!ds.partitionKeys.length) return `SELECT count(*) AS row_count\n${from}`;
    const keys = ds.partitionKeys.map((k) => dmlIdent(k.name)).join(", ");
    const where = injectedKeyFilter(ds);
    return `SELECT ${keys}, count(*) AS row_count\n${from}${where}\nGROUP BY ${keys}\nORDER BY ${keys}`;
}
