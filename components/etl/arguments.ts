/**
 * A Glue job's default arguments, a pure function of its plan and resolved names: Glue's own settings
 * (`--enable-*`, `--job-bookmark-option`, `--extra-py-files`, `--datalake-formats`, `--conf`) and exactly the
 * arguments its script reads (etl/README.md's table; test/etl checks both sides against etl/tools/job_args.py).
 */
import type { Column, Dataset, JobPlan } from "../datasets";

/** Keys Glue itself reads (not the script): what the argument test leaves out when it compares with the script's list. */
export const GLUE_ARGUMENTS = [
    "--job-language",
    "--enable-metrics",
    "--enable-observability-metrics",
    "--enable-glue-datacatalog",
    "--job-bookmark-option",
    "--extra-py-files",
    "--datalake-formats",
    "--conf",
] as const;

/** Spark's handle of the Glue Data Catalog for Iceberg (lake_etl.iceberg.glue_catalog_conf uses the same). */
export const ICEBERG_CATALOG = "glue_catalog";

export interface JobArgumentRefs {
    /** `s3://.../` Glue temporary directory of the job. */
    tempDir: string;
    /** `s3://` URI of lake_etl.zip. */
    libraryUri: string;
    /** `s3://` URI of the uploaded SQL file (silver_to_gold). */
    sqlUri?: string;
    target: { database: string; table: string; location: string };
    /** Catalog names of each input, in the plan's order. */
    inputs: { name: string; database: string; table: string }[];
    /** `s3://.../` prefix for rejected rows (bronze_to_silver). */
    errorPath: string;
}

const json = (v: unknown) => JSON.stringify(v);
const schemaOf = (cols: Column[]) => cols.map((c) => ({ name: c.name, type: c.type.trim().toLowerCase() }));

/** `projection.locationTemplate` relative to the location (the job resolves it there), or null. */
export function relativeTemplate(ds: Pick<Dataset, "projection">, location: string): string | null {
    const t = ds.projection?.locationTemplate;
    if (t === undefined) return null;
    return t.startsWith("s3://") ? t.slice(location.length) : t;
}

export function jobArguments(plan: JobPlan, ds: Dataset, r: JobArgumentRefs): Record<string, string> {
    const iceberg = ds.format === "iceberg";
    const glue: Record<string, string> = {
        "--job-language": "python",
        "--enable-metrics": "true",
        "--enable-observability-metrics": "true",
        "--enable-glue-datacatalog": "true",
        // Bookmarks hand bronze_to_silver only the files it hasn't read; Iceberg and SQL jobs read in full (see jobPlan).
        "--job-bookmark-option": plan.bookmarks ? "job-bookmark-enable" : "job-bookmark-disable",
        "--extra-py-files": r.libraryUri,
        ...(iceberg
            ? {
                  "--datalake-formats": "iceberg",
                  "--conf": [
                      "spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
                      `spark.sql.catalog.${ICEBERG_CATALOG}=org.apache.iceberg.spark.SparkCatalog`,
                      `spark.sql.catalog.${ICEBERG_CATALOG}.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog`,
                      `spark.sql.catalog.${ICEBERG_CATALOG}.io-impl=org.apache.iceberg.aws.s3.S3FileIO`,
                      `spark.sql.catalog.${ICEBERG_CATALOG}.warehouse=${r.target.location}`,
                  ].join(" --conf "),
              }
            : {}),
    };
    const target: Record<string, string> = {
        "--TempDir": r.tempDir,
        "--target_database": r.target.database,
        "--target_table": r.target.table,
        "--target_path": r.target.location,
        "--target_format": ds.format,
        "--target_schema": json({ columns: schemaOf(ds.columns), partitionKeys: schemaOf(ds.partitionKeys) }),
        "--location_template": json(relativeTemplate(ds, r.target.location)),
        "--write_mode": plan.writeMode,
        "--dedup_keys": json(plan.key),
    };
    if (plan.script === "silver_to_gold") {
        if (!r.sqlUri) throw new Error(`job ${plan.job}: silver_to_gold needs the SQL file's S3 URI`);
        return { ...glue, ...target, "--inputs": json(r.inputs), "--sql_path": r.sqlUri };
    }
    const [source] = r.inputs;
    return {
        ...glue,
        ...target,
        "--source_database": source!.database,
        "--source_table": source!.table,
        "--renames": json(plan.renames),
        "--derive": json(plan.derive),
        "--dedup_order": json(plan.dedupOrder),
        "--error_path": r.errorPath,
    };
}
