/**
 * The shape of dataset and connection files, declared once (zod 4). Everything else is derived from it:
 *
 * - the JSON Schemas editors read (`stacks/schema/*.schema.json`) are generated from it by `publishedSchemas()`,
 *   written by `npm run dataset -- schema` and proven identical to the committed files by a test;
 * - the loader validates with ajv against that same generated JSON Schema, so a file the editor accepts is a file
 *   the loader's schema step accepts (zod is the declaration language here, never the validator: don't `.parse()`
 *   with these, a few JSON Schema keywords such as `uniqueItems` or `format` are carried in `.meta()` only);
 * - `DatasetFile` / `ConnectionsFile` are the TypeScript types of a file that passed the schema;
 * - `OVERRIDABLE` is the key list of `overridable`, the fields `overrides.<stack>` may set.
 *
 * Adding a field: add it here (to `overridable` if it may differ per stack), then use it where the Dataset is built.
 * Plain-words messages for patterns and unions live here too (`patternErrorMessage`, `errorMessage`), which the VS
 * Code YAML extension shows as well.
 */
import { z } from "zod";
import { LAYERS, MIN_EXEMPTION_REASON_LENGTH } from "../../contract";
import { BI_IMPORT_MODES, BI_LOOKBACK_UNITS, BI_REFRESH_INTERVALS, BI_WEEKDAYS, CLASSIFICATIONS, FIREHOSE_BUFFERING, FORMATS, PROJECTION_UNITS } from "./model";

/** A string matching `re`, with the message an editor and the loader show when it doesn't. */
const matching = (re: RegExp, patternErrorMessage: string) => z.string().regex(re).meta({ patternErrorMessage });
/** JSON Schema `uniqueItems` (zod has no array uniqueness check; ajv enforces it from the generated schema). */
const unique = <T extends z.ZodType>(item: T) => z.array(item).meta({ uniqueItems: true });

export const IDENT_PATTERN = /^[a-z][a-z0-9_]*$/;
const IDENT_HELP = "must be lowercase letters, digits and underscores, starting with a letter";
const identifier = () => matching(IDENT_PATTERN, IDENT_HELP).max(255);
const S3_URI = matching(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, "must be an S3 URI, s3://<bucket>/<prefix>/");
const PRINCIPAL = "`role/<name>` or `user/<name>` (this stack's account), or a full IAM, SAML or QuickSight ARN.";
/** A Kinesis data stream ARN in any partition (the loader checks it is the stack's). */
export const KINESIS_STREAM_ARN = /^arn:aws(-[a-z]+)*:kinesis:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:stream\/[A-Za-z0-9_.-]{1,128}$/;

const column = z.strictObject({
    name: z.string().min(1).meta({ description: "Column name: lowercase letters, digits, underscores, starting with a letter (upper case is lowercased, as Glue does)." }),
    type: z.string().min(1).meta({
        description: "Athena/Hive type: tinyint smallint int bigint float double decimal(p,s) char(n) varchar(n) string boolean binary date timestamp array<T> map<K,V> struct<name:T,...>. Case-insensitive. In a flow mapping ({ name: x, type: ... }) quote types with commas: type: \"decimal(8,2)\".",
        examples: ["string", "bigint", "decimal(10,2)", "timestamp", "array<string>", "struct<city:string,zip:string>"],
    }),
    comment: z.string().max(255).optional().meta({ description: "Shown in Athena and the Glue console." }),
});

// Fields several projection variants share are declared once, so each variant renders the same JSON Schema.
const projectionRange = z.string().meta({ description: "date: 'start,end' in the format or NOW-relative (NOW-3YEARS,NOW); integer: 'min,max'." });
const projectionInterval = z.number().int().min(1).optional().meta({ description: "date/integer: step between partitions. @default 1" });
const projectionType = <T extends string>(type: T, description: string) => z.literal(type).meta({ description });
const projectionKey = z
    .discriminatedUnion("type", [
        z.strictObject({
            type: projectionType("date", "date: dates in `format` between the two ends of `range`."),
            range: projectionRange,
            format: z.string().meta({ description: "date only: Java DateTimeFormatter pattern, e.g. yyyy-MM-dd." }),
            interval: projectionInterval,
            unit: z.enum(PROJECTION_UNITS).optional().meta({
                description: "date only: unit of the interval (YEARS ... SECONDS). Athena infers DAYS/MONTHS/YEARS from day-level formats; hourly or finer formats (HH, mm, ss) must set it.",
            }),
        }),
        z.strictObject({
            type: projectionType("integer", "integer: whole numbers between the two ends of `range`."),
            range: projectionRange,
            interval: projectionInterval,
            digits: z.number().int().min(1).optional().meta({ description: "integer only: zero-pad to this many digits." }),
        }),
        z.strictObject({
            type: projectionType("enum", "enum: the values listed in `values`."),
            values: z.array(z.string().min(1)).min(1).meta({ description: "enum only: the partition values." }),
        }),
        z.strictObject({ type: projectionType("injected", "injected: queries must give the value (WHERE key = '...').") }),
    ])
    .meta({ description: "date, integer, enum (values listed) or injected (queries must give the value)." });

const sourceType = <T extends string>(type: T, description: string) => z.literal(type).meta({ description });
const firehoseInput = z
    .union([
        z.literal("direct-put").meta({ description: "Producers PUT records to the Firehose stream." }),
        z.strictObject({
            kinesis: z
                .strictObject({
                    create: z.literal(true).optional().meta({ description: "The platform creates a Kinesis data stream for the dataset; producers write to it." }),
                    arn: matching(KINESIS_STREAM_ARN, "must be a Kinesis data stream ARN, arn:<partition>:kinesis:<region>:<account>:stream/<name>")
                        .optional()
                        .meta({ description: "An existing Kinesis data stream Firehose reads." }),
                })
                .meta({ description: "Firehose reads a Kinesis data stream: `create: true` or `arn: <stream ARN>`." }),
        }),
    ])
    .meta({
        description: "What the stream reads: direct-put (producers PUT records), {kinesis: {create: true}} or {kinesis: {arn: <stream ARN>}}. @default direct-put",
        errorMessage: "must be direct-put, {kinesis: {create: true}} or {kinesis: {arn: <Kinesis stream ARN>}}",
    });
const { sizeMiB, intervalSeconds } = FIREHOSE_BUFFERING;
const firehoseBuffering = z.strictObject({
    sizeMiB: z.number().int().min(sizeMiB.min).max(sizeMiB.max).optional().meta({
        description: `Deliver when this many MiB are buffered (${sizeMiB.min}-${sizeMiB.max}; at least ${sizeMiB.minConverted} for parquet/orc, which Firehose converts). @default ${FIREHOSE_BUFFERING.defaults.converted.sizeMiB} for parquet/orc, ${FIREHOSE_BUFFERING.defaults.delivered.sizeMiB} otherwise`,
    }),
    intervalSeconds: z.number().int().min(intervalSeconds.min).max(intervalSeconds.max).optional().meta({
        description: `Deliver at least this often, in seconds (${intervalSeconds.min}-${intervalSeconds.max}). @default ${FIREHOSE_BUFFERING.defaults.converted.intervalSeconds}`,
    }),
});

const streamPartition = z
    .union([
        z.strictObject({
            field: matching(IDENT_PATTERN, IDENT_HELP).meta({ description: "The column whose value (JQ metadata extraction) names the partition." }),
            format: z.string().min(1).optional().meta({
                description: "For a timestamp column (ISO-8601 UTC, e.g. 2026-05-01T12:30:00Z): the Java date pattern of the value, e.g. yyyy-MM-dd-HH. @default the key's date projection format; none for other columns",
            }),
        }),
        z.strictObject({
            arrivalTime: z.literal(true).meta({ description: "The time Firehose received the record (UTC)." }),
            format: z.string().min(1).optional().meta({ description: "Java date pattern of the folder, e.g. yyyy/MM/dd/HH. @default the key's date projection format" }),
        }),
    ])
    .meta({ errorMessage: "must be {field: <column>, format?: <pattern>} or {arrivalTime: true, format?: <pattern>}" });

const source = z
    .discriminatedUnion("type", [
        z.strictObject({
            type: sourceType("s3", "s3: files land in the location, written by the producers."),
            crawl: z.boolean().optional().meta({ description: "s3 only: run a Glue crawler over the location (partitions and schema drift). @default false" }),
        }),
        z.strictObject({
            type: sourceType("jdbc", "jdbc: copied from a connection declared in stacks/<stack>/connections.yaml."),
            connection: z.string().meta({ description: "jdbc only: a connection declared in stacks/<stack>/connections.yaml." }),
            path: z.string().meta({ description: "jdbc only: the crawler include path, e.g. crm/dbo/customer (database/schema/table; MySQL: database/table)." }),
        }),
        z.strictObject({
            type: sourceType("firehose", "firehose: delivered by a Firehose stream (converted to Parquet/ORC for those formats)."),
            input: firehoseInput.optional(),
            buffering: firehoseBuffering.optional().meta({ description: "Firehose buffering hints; a delivery happens when either is reached." }),
            partitioning: z.record(z.string(), streamPartition).optional().meta({
                description: "How Firehose fills each partition key (key: a partitionKeys name): {field: <column>} (JQ metadata extraction, dynamic partitioning) or {arrivalTime: true}. @default arrivalTime for keys with a date projection",
            }),
            producers: unique(z.string().min(1).meta({ description: PRINCIPAL }))
                .optional()
                .meta({ description: "Principals that may put records: firehose:PutRecord/PutRecordBatch on the delivery stream, or kinesis:PutRecord(s) on the stream the platform creates. @default none" }),
            errorPrefix: z.string().min(1).max(1024).optional().meta({
                description: "Key prefix in the layer bucket for records Firehose could not deliver or convert; must contain !{firehose:error-output-type} and lie outside the dataset's location. @default _errors/<domain>/<name>/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
            }),
            uniqueKeys: unique(matching(IDENT_PATTERN, IDENT_HELP)).min(1).optional().meta({
                description: "iceberg only: columns identifying a row; Firehose then updates and deletes rows by them. @default none (appends only)",
            }),
        }),
        z.strictObject({
            type: sourceType("job", "job: written by a Glue job."),
            job: z.string().meta({ description: "job only: the name of the job that writes the dataset (lineage, descriptions); with inputs, the platform creates it as the Glue job <prefix>-<env>-job-<dataset>." }),
            inputs: unique(matching(IDENT_PATTERN, IDENT_HELP)).optional().meta({
                description: "job only: the datasets of the stack the job reads (lineage): the same or an earlier layer, never a later one. One bronze input and no <name>.sql beside the file: bronze_to_silver; a <name>.sql beside the file: silver_to_gold over these inputs. Will become required.",
            }),
            // The ETL fields (issue 11): what etl/jobs read as job arguments; see docs/etl.md.
            renames: z.record(matching(IDENT_PATTERN, IDENT_HELP), matching(IDENT_PATTERN, IDENT_HELP)).optional().meta({
                description: "job only, bronze_to_silver: input column -> declared column, applied before derive and the casts. @default none",
            }),
            derive: z.record(matching(IDENT_PATTERN, IDENT_HELP), z.string().min(1)).optional().meta({
                description: "job only, bronze_to_silver: declared column -> Spark SQL expression over the renamed input columns, evaluated before the casts. @default none",
            }),
            key: unique(matching(IDENT_PATTERN, IDENT_HELP)).min(1).optional().meta({
                description: "job only: columns identifying a row: one row per key (duplicates rejected or superseded), and the MERGE key of an Iceberg target (required there). @default none: exact duplicates only",
            }),
            dedupOrder: unique(matching(IDENT_PATTERN, IDENT_HELP)).min(1).optional().meta({
                description: "job only, bronze_to_silver, with key: input columns ordering the rows of one key; the greatest wins. @default none: conflicting rows of a key are rejected",
            }),
            writeMode: z.enum(["overwrite", "merge"]).optional().meta({
                description: "job only: overwrite replaces the partitions the run writes; merge merges the run's rows into them by key (Iceberg: MERGE INTO, its only mode). @default overwrite (merge for iceberg)",
            }),
        }),
    ])
    .meta({ description: "Where the data comes from. @default {type: s3, crawl: false}" });

// BI publication (issue 14, components/bi, docs/bi.md): QuickSight's own enum values, checked further in build.ts.
const BI_GROUP = matching(/^[a-z][a-z0-9-]{0,62}[a-z0-9]$/, "must be a QuickSight group name: 2-64 lowercase letters, digits and hyphens, starting with a letter");
const biPublication = z
    .strictObject({
        importMode: z.enum(BI_IMPORT_MODES).meta({ description: "SPICE (imported, refreshed on `refresh`) or DIRECT_QUERY (every visual queries Athena in the BI workgroup)." }),
        refresh: z
            .strictObject({
                interval: z.enum(BI_REFRESH_INTERVALS).meta({ description: "MINUTE15 and MINUTE30 only with incremental; HOURLY, DAILY, WEEKLY, MONTHLY." }),
                timeOfDay: matching(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM, e.g. 06:30").optional().meta({ description: "DAILY, WEEKLY, MONTHLY: start time HH:MM in the time zone (required there)." }),
                dayOfWeek: z.enum(BI_WEEKDAYS).optional().meta({ description: "WEEKLY only (required there)." }),
                dayOfMonth: matching(/^([1-9]|[12]\d|3[01]|LAST_DAY_OF_MONTH)$/, "must be 1-31 or LAST_DAY_OF_MONTH").optional().meta({ description: "MONTHLY only (required there)." }),
                timezone: z.string().min(1).optional().meta({ description: "IANA time zone, e.g. Europe/Dublin. @default lake:bi.timezone of the stack" }),
                incremental: z
                    .strictObject({
                        column: matching(IDENT_PATTERN, IDENT_HELP).meta({ description: "A date or timestamp column (or partition key of type date/timestamp)." }),
                        size: z.number().int().min(1).meta({ description: "Length of the look-back window." }),
                        unit: z.enum(BI_LOOKBACK_UNITS).meta({ description: "HOUR, DAY or WEEK." }),
                    })
                    .optional()
                    .meta({ description: "Incremental refresh: re-import only the rows of the last size x unit by column. @default none: full refresh" }),
            })
            .optional()
            .meta({ description: "SPICE only (required there): when the import runs." }),
        groups: unique(BI_GROUP).min(1).meta({ description: "QuickSight groups that may use the dataset (viewer permissions); the platform creates any not yet declared in the stack's lake:bi.groups." }),
        columns: unique(matching(IDENT_PATTERN, IDENT_HELP)).min(1).optional().meta({
            description: "Only these columns/partition keys are published (and granted to QuickSight's role). @default every column and partition key",
        }),
        rowLevelSecurity: z
            .strictObject({
                column: matching(IDENT_PATTERN, IDENT_HELP).meta({ description: "The published column the rules filter on." }),
                rules: z
                    .array(
                        z.strictObject({
                            group: BI_GROUP.meta({ description: "One of groups." }),
                            values: z.array(z.union([z.string(), z.number()])).optional().meta({ description: "The values of column this group sees. @default none listed: every row" }),
                        }),
                    )
                    .min(1)
                    .meta({ description: "A group without a rule sees no rows." }),
            })
            .optional()
            .meta({ description: "Row-level security by one column (a permissions dataset the platform builds). @default none" }),
        restrictedColumns: z
            .array(
                z.strictObject({
                    columns: unique(matching(IDENT_PATTERN, IDENT_HELP)).min(1).meta({ description: "Published columns hidden from every group but these." }),
                    groups: unique(BI_GROUP).min(1).meta({ description: "The groups (of groups) that see these columns." }),
                }),
            )
            .optional()
            .meta({ description: "Column-level security: these columns are visible only to these groups. @default none" }),
        unrestrictedReason: z.string().min(MIN_EXEMPTION_REASON_LENGTH).optional().meta({
            description: `Why a confidential or pii dataset is published without rowLevelSecurity or restrictedColumns (at least ${MIN_EXEMPTION_REASON_LENGTH} characters).`,
        }),
    })
    .meta({ description: "Publish this gold dataset to QuickSight (docs/bi.md). @default not published" });

const consumer = z.strictObject({
    principal: z.string().min(1).meta({ description: PRINCIPAL }),
    columns: unique(z.string()).min(1).optional().meta({ description: "Column subset this consumer may SELECT (column-level Lake Formation grant). Omit for all columns." }),
});

/** What may differ between stacks (`overrides.<stack>`): who reads and writes, how long data lives; never the schema. */
const overridable = {
    owner: z.string().meta({ description: "Owner contact (team email).", format: "email" }),
    producers: unique(z.string().min(1).meta({ description: PRINCIPAL }))
        .optional()
        .meta({ description: "Principals that write the data (Lake Formation INSERT/DELETE + data location access, or IAM write)." }),
    consumers: z.array(consumer).optional().meta({ description: "Principals that read: SELECT and DESCRIBE, optionally a column subset." }),
    retentionDays: z.number().int().min(1).optional().meta({ description: "Days to keep the data. @default the layer's lifecycle from the stack config" }),
    crawlSchedule: z.string().optional().meta({
        description: "AWS cron for the crawler: cron(minutes hours day-of-month month day-of-week year), exactly one of day-of-month/day-of-week is '?'.",
        examples: ["cron(0 3 * * ? *)"],
    }),
    location: S3_URI.optional().meta({
        description: "S3 URI of the data: inside the dataset's own s3://<layer bucket>/<domain>/<name>/, unless stacks/<stack>/external-locations.yaml allows this location with a reason. @default s3://<layer bucket>/<domain>/<name>/",
    }),
};

export const datasetFile = z
    .strictObject({
        name: identifier().meta({ description: "Table name, unique per stack; the file must be named <name>.yaml." }),
        domain: identifier().meta({ description: "Owning domain/team; selects the Glue database <prefix>_<env>_<layer>_<domain>." }),
        description: z.string().min(10).max(2048).meta({ description: "What a row is, for people finding the table in the catalog." }),
        registeredOn: z.string().meta({ description: "ISO date the producer registered the dataset (governance).", format: "date" }),
        layer: z.enum(LAYERS).meta({ description: "bronze (raw), silver (cleaned) or gold (curated). 'raw' is accepted for bronze." }),
        format: z.enum(FORMATS).optional().meta({ description: "Storage format. csv, json and avro only in bronze. @default parquet" }),
        classification: z.enum(CLASSIFICATIONS).meta({
            description: "Data classification, tagged on the dataset's resources and stamped on the table: public, internal, confidential or pii.",
        }),
        columns: z.array(column).min(1).meta({ description: "Data columns (partition keys go in partitionKeys, not here)." }),
        partitionKeys: z.array(column).optional().meta({ description: "Partition columns, in path order. @default none (silver/gold then need unpartitionedReason)" }),
        projection: z
            .strictObject({
                keys: z.record(z.string(), projectionKey).meta({ description: "One entry per partition key.", minProperties: 1 }),
                locationTemplate: z.string().min(1).optional().meta({
                    description: "storage.location.template with ${key} for each partition key: a path relative to the dataset's location (keeps the file identical across stacks, whose buckets differ), or a full s3:// URI inside that location. @default <location><key>=${key}/ per key",
                }),
            })
            .optional()
            .meta({ description: "Athena partition projection: partitions computed from the query, no crawler or MSCK needed." }),
        ...overridable,
        source: source.optional(),
        unpartitionedReason: z.string().min(MIN_EXEMPTION_REASON_LENGTH).optional().meta({ description: "Why a silver/gold dataset has no partitions (e.g. a small dimension rewritten daily)." }),
        bi: biPublication.optional(),
        stacks: unique(matching(/^[a-z][a-z0-9-]*$/, "must be a stack name: lowercase letters, digits and hyphens"))
            .min(1)
            .optional()
            .meta({ description: "Stacks this dataset deploys to. @default every stack" }),
        overrides: z
            .record(z.string(), z.strictObject(overridable).partial())
            .optional()
            .meta({ description: "Per-stack values (key: stack name). The schema stays identical across stacks; who reads/writes and how long data lives may differ." }),
    })
    .meta({ description: "One dataset of the analytics lake. See docs/datasets.md." });

/** A dataset file that passed the schema (before normalisation of case happened: see normalise.ts). */
export type DatasetFile = z.input<typeof datasetFile>;
export type DatasetFileSource = NonNullable<DatasetFile["source"]>;
export type OverridableField = keyof typeof overridable;
/** Fields `overrides.<stack>` may set, in declaration order. */
export const OVERRIDABLE = Object.keys(overridable) as OverridableField[];

export const connectionsFile = z
    .strictObject({
    connections: z
        .array(
            z.strictObject({
                name: identifier().meta({ description: "Referenced by datasets as source.connection." }),
                engine: z.enum(["postgresql", "mysql", "sqlserver"]).meta({ description: "Database engine; selects the JDBC URL form and the default port." }),
                host: matching(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, "must be a DNS name: letters, digits, dots and hyphens").meta({ description: "DNS name of the database." }),
                port: z.number().int().min(1).max(65535).optional().meta({ description: "@default 5432 (postgresql), 3306 (mysql), 1433 (sqlserver)" }),
                database: matching(/^[A-Za-z_][A-Za-z0-9_$-]*$/, "must be a database name: letters, digits, _, $ and -, not starting with a digit").meta({
                    description: "Database the connection opens; the first segment of a dataset's source.path.",
                }),
                subnetId: matching(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id like subnet-0a1b2c3d4e5f60711").meta({
                    description: "Private subnet Glue places its network interface in (must route to the database).",
                }),
                securityGroupIds: unique(matching(/^sg-[0-9a-f]{8,17}$/, "must be a security group id like sg-0d1e2f3a4b5c60711"))
                    .min(1)
                    .meta({ description: "Security groups of Glue's network interface: must allow it to reach the database port and itself (Glue requires a self-referencing rule)." }),
                availabilityZone: matching(/^[a-z]{2}-[a-z]+-\d[a-z]$/, "must be an availability zone like eu-west-1a").meta({ description: "Availability zone of subnetId." }),
                enforceSsl: z.boolean().optional().meta({ description: "JDBC_ENFORCE_SSL. @default true" }),
            }),
        )
        .meta({ description: "JDBC sources reachable from this stack's account. Credentials live in Secrets Manager, never here." }),
    })
    .meta({ description: "The JDBC sources of one stack (stacks/<stack>/connections.yaml). See docs/datasets.md." });
export type ConnectionsFile = z.input<typeof connectionsFile>;

export const externalLocationsFile = z
    .strictObject({
        locations: z
            .array(
                z.strictObject({
                    dataset: identifier().meta({ description: "The dataset (its name) whose location this stack lets live outside the lake's buckets." }),
                    location: S3_URI.meta({ description: "Exactly the location the dataset sets for this stack (location or overrides.<stack>.location), e.g. s3://acme-cloudfront-logs/cf/." }),
                    reason: z.string().min(MIN_EXEMPTION_REASON_LENGTH).meta({
                        description: `Why the data can't be in the dataset's own <layer bucket>/<domain>/<name>/ prefix (at least ${MIN_EXEMPTION_REASON_LENGTH} characters); reviewed with the stack's owners.`,
                    }),
                }),
            )
            .meta({ description: "Datasets of this stack allowed a location outside their own prefix of the lake's layer bucket, each with a written reason." }),
    })
    .meta({ description: "External dataset locations allowed in one stack (stacks/<stack>/external-locations.yaml). See docs/datasets.md." });
export type ExternalLocationsFile = z.input<typeof externalLocationsFile>;

export type JsonSchema = Record<string, unknown>;

/**
 * Render a declaration as the JSON Schema (draft-07, what the VS Code YAML extension reads). The tidy-up keeps the
 * output what a hand-written schema would say: no `type` beside an `enum` (one error, not two, for a wrong value),
 * no safe-integer bounds zod adds to integers, no `propertyNames: {type: string}` (keys are strings anyway).
 */
function render(schema: z.ZodType, head: { id: string; title: string }): JsonSchema {
    const json = z.toJSONSchema(schema, {
        target: "draft-07",
        io: "input",
        override: ({ jsonSchema }) => {
            const j = jsonSchema as JsonSchema;
            if (Array.isArray(j.enum)) delete j.type;
            if (j.type === "integer") {
                if (j.maximum === Number.MAX_SAFE_INTEGER) delete j.maximum;
                if (j.minimum === Number.MIN_SAFE_INTEGER) delete j.minimum;
            }
            if (JSON.stringify(j.propertyNames) === '{"type":"string"}') delete j.propertyNames;
        },
    }) as JsonSchema;
    const { $schema, description, ...rest } = json;
    return { $schema, $id: `https://acme.example/lake/schema/${head.id}`, title: head.title, description, ...rest };
}

export const datasetJsonSchema = (): JsonSchema => render(datasetFile, { id: "dataset.schema.json", title: "Lake dataset" });
export const connectionsJsonSchema = (): JsonSchema => render(connectionsFile, { id: "connections.schema.json", title: "Lake JDBC connections of one stack" });
export const externalLocationsJsonSchema = (): JsonSchema => render(externalLocationsFile, { id: "external-locations.schema.json", title: "Lake external dataset locations of one stack" });

/** The published schema files (repo-relative path and exact text), as `npm run dataset -- schema` writes them. */
export function publishedSchemas(): { file: string; text: string }[] {
    return [
        { file: "stacks/schema/dataset.schema.json", text: `${JSON.stringify(datasetJsonSchema(), null, 2)}\n` },
        { file: "stacks/schema/connections.schema.json", text: `${JSON.stringify(connectionsJsonSchema(), null, 2)}\n` },
        { file: "stacks/schema/external-locations.schema.json", text: `${JSON.stringify(externalLocationsJsonSchema(), null, 2)}\n` },
    ];
}
