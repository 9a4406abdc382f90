/**
 * The dataset: the spine of the platform. A data team's YAML file is loaded and validated into this shape;
 * tables, locations, grants, crawlers, named queries (and later jobs, streams and BI datasets) hang from it.
 * Everything here is plain data, already validated and defaulted: components never re-check it.
 */
import type { Layer } from "../../contract";

export const FORMATS = ["parquet", "orc", "iceberg", "csv", "json", "avro"] as const;
export type DatasetFormat = (typeof FORMATS)[number];
/** Formats allowed only in the bronze (raw) layer. */
export const ROW_FORMATS: readonly DatasetFormat[] = ["csv", "json", "avro"];

export const CLASSIFICATIONS = ["public", "internal", "confidential", "pii"] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export interface Column {
    /** Lowercase Glue/Athena identifier. */
    name: string;
    /** Athena/Hive type: string, bigint, decimal(p,s), array<...>, struct<a:int,...>, map<k,v>, ... */
    type: string;
    comment?: string;
}

export const PROJECTION_UNITS = ["YEARS", "MONTHS", "WEEKS", "DAYS", "HOURS", "MINUTES", "SECONDS"] as const;

export type Projection =
    | { type: "date"; range: string; format: string; interval?: number; unit?: (typeof PROJECTION_UNITS)[number] }
    | { type: "integer"; range: string; interval?: number; digits?: number }
    | { type: "enum"; values: string[] }
    | { type: "injected" };

export interface PartitionProjection {
    /** One entry per partition key. */
    keys: Record<string, Projection>;
    /** `storage.location.template`: an `s3://` URI or a path relative to the location (e.g. `${dt}/`); undefined: `key=${key}/` per key
     * (see `projectionParameters`, which fills it in once the bucket is known). */
    locationTemplate?: string;
}

export interface Consumer {
    /** IAM role/user ARN (or another Lake Formation principal identifier). */
    principal: string;
    /** Column subset; undefined means all columns. */
    columns?: string[];
}

/** What a Firehose stream reads. Whoever writes into it (PUT records, or writes to the Kinesis stream) is in `producers`. */
export type FirehoseInput =
    /** Producers call Firehose PutRecord/PutRecordBatch directly. */
    | { type: "direct-put" }
    /** A Kinesis data stream the platform creates for the dataset; producers write to it, Firehose reads it. */
    | { type: "kinesis"; create: true }
    /** An existing Kinesis data stream (same partition as the stack), read by Firehose. */
    | { type: "kinesis"; arn: string };

/** Firehose buffering hints: a delivery happens when either is reached. */
export interface FirehoseBuffering {
    sizeMiB: number;
    intervalSeconds: number;
}

/** Formats Firehose converts records to (record format conversion, JSON in, columnar out); others are delivered as sent. */
export const FIREHOSE_CONVERTED_FORMATS: readonly DatasetFormat[] = ["parquet", "orc"];

/**
 * AWS's limits and defaults for Firehose buffering hints (Firehose API reference, BufferingHints: SizeInMBs 1-128,
 * IntervalInSeconds 0-900). With record format conversion AWS refuses a size under 64 MiB ("BufferingHints.SizeInMBs
 * must be at least 64 when data format conversion is enabled"); converted data defaults to the largest buffer
 * (fewer, bigger columnar files), the rest to AWS's own defaults.
 */
export const FIREHOSE_BUFFERING = {
    sizeMiB: { min: 1, max: 128, minConverted: 64 },
    intervalSeconds: { min: 0, max: 900 },
    defaults: { converted: { sizeMiB: 128, intervalSeconds: 300 }, delivered: { sizeMiB: 5, intervalSeconds: 300 } },
} as const;

/** How Firehose fills one partition key: from a record field (JQ metadata extraction) or from the arrival time. */
export type StreamPartition =
    /** The field's value as is, or (`format`) a timestamp field, ISO-8601 UTC, rendered in that Java date pattern. */
    | { key: string; from: "field"; field: string; format?: string }
    /** The record's arrival time (UTC) in this Java date pattern (`!{timestamp:...}`). */
    | { key: string; from: "arrival"; format: string };

/** A dataset delivered by Firehose (components/ingestion builds the delivery stream from this). */
export interface FirehoseSource {
    type: "firehose";
    input: FirehoseInput;
    buffering: FirehoseBuffering;
    /** One entry per partition key, in partitionKeys order (empty for Iceberg, which partitions itself). */
    partitioning: StreamPartition[];
    /** Principals allowed to put records (Firehose PutRecord*, or Kinesis PutRecord(s) on a created stream). */
    producers: string[];
    /** Key prefix in the dataset's layer bucket for records Firehose could not deliver; contains `!{firehose:error-output-type}`. */
    errorPrefix: string;
    /** Iceberg only: the columns that identify a row (Firehose updates/deletes by them). */
    uniqueKeys?: string[];
}

/**
 * Firehose limits the loader checks (Firehose developer guide, dynamic partitioning): at most 50 partition keys from
 * record fields (a buffer of at least `FIREHOSE_BUFFERING.sizeMiB.minConverted` then, as with conversion). Folder
 * formats take these Java date letters only: what timestamp namespaces, our JQ and the layout test all render.
 */
export const FIREHOSE_PARTITIONING = { maxQueryKeys: 50, dateLetters: ["yyyy", "MM", "dd", "HH", "mm", "ss"] } as const;

export type DatasetSource =
    /** Files land in S3 and a crawler keeps the schema/partitions up to date. */
    | { type: "s3"; crawl: boolean }
    /** Pulled from a relational source through a Glue JDBC connection (declared per stack). */
    | { type: "jdbc"; connection: string; path: string }
    /** Delivered by a Firehose stream (components/ingestion). Defaults filled in. */
    | FirehoseSource
    /**
     * Written by a Glue ETL job (the ETL component, next milestone). `inputs`: the datasets of the stack the job
     * reads (validated: existing, not itself, not a later layer, no cycle; see lineage.ts). Undefined while the file
     * doesn't declare them yet (they will become required); `[]` is a job that reads no dataset of the lake.
     */
    | JobSource;

/** How a job writes its dataset: replace the partitions it writes, or merge its rows into them by key. */
export const JOB_WRITE_MODES = ["overwrite", "merge"] as const;
export type JobWriteMode = (typeof JOB_WRITE_MODES)[number];

/**
 * A dataset written by a Glue job. The ETL fields are present only when the file declares them (components/etl
 * applies the defaults, see `jobPlan` in lineage.ts). `sql`: the Spark SQL file beside the dataset file
 * (`<name>.sql`), which makes the job silver_to_gold; set by the loader when it was given the stack's SQL files.
 */
export interface JobSource {
    type: "job";
    job: string;
    inputs?: string[];
    /** Input column -> declared column (bronze_to_silver). */
    renames?: Record<string, string>;
    /** Declared column -> Spark SQL expression over the renamed input (bronze_to_silver). */
    derive?: Record<string, string>;
    /** Columns identifying a row (dedup; the MERGE key of Iceberg targets). */
    key?: string[];
    /** Input columns ordering the rows of one key: the greatest wins (bronze_to_silver). */
    dedupOrder?: string[];
    writeMode?: JobWriteMode;
    /** `<name>.sql` beside the dataset file: repo-relative path and text. */
    sql?: { file: string; text: string };
}

export interface Dataset {
    /** Path of the YAML file it came from, relative to the repo root (for error messages). */
    file: string;
    /** Lowercase identifier; unique within the stack; becomes the Glue table name. */
    name: string;
    /** Owning domain/team, lowercase identifier; selects the Glue database `<prefix>_<env>_<layer>_<domain>`. */
    domain: string;
    /** Owner contact (team email). */
    owner: string;
    description: string;
    /** When the producer registered the dataset (ISO date), per the governance notes. */
    registeredOn: string;
    layer: Layer;
    format: DatasetFormat;
    columns: Column[];
    partitionKeys: Column[];
    projection?: PartitionProjection;
    /**
     * S3 URI of the data. Undefined: the layer's bucket + `<domain>/<name>/` (the component fills it in, since
     * bucket names come from the storage component).
     */
    location?: string;
    classification: Classification;
    /** Principals that write the data. */
    producers: string[];
    consumers: Consumer[];
    /** Days to keep data; undefined keeps it per the layer's lifecycle. */
    retentionDays?: number;
    source: DatasetSource;
    /** AWS cron expression for the crawler, e.g. `cron(0 3 * * ? *)`; undefined: crawler runs on demand. */
    crawlSchedule?: string;
    /** Written reason a silver/gold dataset has no partitions (e.g. a small dimension). */
    unpartitionedReason?: string;
    /** Published to QuickSight (gold only, issue 14): see `BiPublication` and components/bi. Undefined: not in BI. */
    bi?: BiPublication;
}

// ---------------------------------------------------------------------------------------------------------------
// BI publication (issue 14): a gold dataset's QuickSight dataset, in the service's own enum values.

/** QuickSight CreateDataSet ImportMode. */
export const BI_IMPORT_MODES = ["SPICE", "DIRECT_QUERY"] as const;
/** QuickSight RefreshFrequency Interval; MINUTE15/MINUTE30 are for incremental refreshes only. */
export const BI_REFRESH_INTERVALS = ["MINUTE15", "MINUTE30", "HOURLY", "DAILY", "WEEKLY", "MONTHLY"] as const;
/** QuickSight LookbackWindow SizeUnit. */
export const BI_LOOKBACK_UNITS = ["HOUR", "DAY", "WEEK"] as const;
/** QuickSight ScheduleRefreshOnEntity DayOfWeek. */
export const BI_WEEKDAYS = ["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"] as const;

export interface BiRefresh {
    interval: (typeof BI_REFRESH_INTERVALS)[number];
    /** `HH:MM` (DAILY, WEEKLY, MONTHLY). */
    timeOfDay?: string;
    /** WEEKLY only. */
    dayOfWeek?: (typeof BI_WEEKDAYS)[number];
    /** MONTHLY only: `1`-`31` or `LAST_DAY_OF_MONTH`. */
    dayOfMonth?: string;
    /** IANA time zone; undefined: the stack's `lake:bi.timezone`. */
    timezone?: string;
    /** Incremental refresh: only rows whose DATETIME `column` lies in the last `size` `unit`s are re-imported. */
    incremental?: { column: string; size: number; unit: (typeof BI_LOOKBACK_UNITS)[number] };
}

/** User-based row-level security: each group sees the rows whose `column` is one of its values (none listed: all rows). */
export interface BiRowLevelSecurity {
    column: string;
    rules: { group: string; values: string[] }[];
}

export interface BiPublication {
    importMode: (typeof BI_IMPORT_MODES)[number];
    /** SPICE only (required there). */
    refresh?: BiRefresh;
    /** QuickSight groups that may use the dataset (the platform creates each one; members are managed in QuickSight). */
    groups: string[];
    /** Published columns (and partition keys), in file order; every one unless the file lists a subset. */
    columns: string[];
    /** true when `columns` is a subset the file chose (the BI role is then granted only those columns). */
    columnSubset: boolean;
    rowLevelSecurity?: BiRowLevelSecurity;
    /** Column-level security: these columns are visible only to these groups. */
    restrictedColumns: { columns: string[]; groups: string[] }[];
    /** Why a confidential/pii dataset is published without row- or column-level restrictions. */
    unrestrictedReason?: string;
}

/**
 * A JDBC source as declared per stack (hosts, networks and secrets differ by environment).
 * The password is never in the repo: the platform creates the Secrets Manager secret (KMS-encrypted);
 * the database owner puts `{"username","password"}` into it.
 */
export interface JdbcConnection {
    file: string;
    name: string;
    engine: "postgresql" | "mysql" | "sqlserver";
    host: string;
    port: number;
    database: string;
    /** Subnet and security groups Glue uses to reach the database. */
    subnetId: string;
    securityGroupIds: string[];
    availabilityZone: string;
    /** Whether the driver must use TLS (JDBC_ENFORCE_SSL). @default true */
    enforceSsl: boolean;
}
