"""Glue 5.0 job: refine a bronze dataset into a silver (or any typed) dataset.

Reads the bronze table through the Glue Data Catalog (Lake Formation vends the credentials; the job bookmark
keyed by transformation_ctx="source" hands over only files no committed run has read), renames and derives
columns, casts to --target_schema with try_cast, sends rows that fail a cast to --error_path, drops duplicates,
and writes the target: Parquet/ORC with dynamic partition overwrite (or a partition-level merge) and the new
partitions added to the catalog, or MERGE INTO for Iceberg. All logic is in lake_etl (etl/jobs/lake_etl),
shipped with --extra-py-files; this file only wires Glue to it.

Every argument in ARGS is always passed (getResolvedOptions fails on a missing one); optional values are JSON
null / [] / {}. JOB_NAME and JOB_RUN_ID are Glue's own; --TempDir is Glue's temporary directory, set by the job.
"""

from __future__ import annotations

import json
import sys

ARGS = [
    "JOB_NAME",
    "JOB_RUN_ID",
    "TempDir",
    "source_database",
    "source_table",
    "target_database",
    "target_table",
    "target_path",
    "target_format",
    "target_schema",
    "location_template",
    "write_mode",
    "renames",
    "derive",
    "dedup_keys",
    "dedup_order",
    "error_path",
]


def main() -> None:
    # awsglue exists only inside Glue: imported here so the module (and its ARGS) loads anywhere.
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark import SparkConf
    from pyspark.context import SparkContext

    from lake_etl.config import refine_from_args, target_from_args
    from lake_etl.pipeline import bronze_to_silver, checkpoint_dir, job_conf
    from lake_etl.write import delete_path

    args = getResolvedOptions(sys.argv, ARGS)
    # Validate every argument before Spark starts: a wrong one fails the run at once, naming the argument.
    target = target_from_args(args)
    refine = refine_from_args(args, target.schema)

    sc = SparkContext.getOrCreate(SparkConf().setAll(list(job_conf(target).items())))
    glue = GlueContext(sc)
    spark = glue.spark_session
    job = Job(glue)
    job.init(args["JOB_NAME"], args)

    source = glue.create_dynamic_frame.from_catalog(
        database=args["source_database"],
        table_name=args["source_table"],
        transformation_ctx="source",
    ).toDF()
    checkpoints = checkpoint_dir(args["TempDir"], args["JOB_RUN_ID"])
    try:
        report = bronze_to_silver(spark, source, refine, target, error_path=args["error_path"],
                                  run_id=args["JOB_RUN_ID"], checkpoint_dir=checkpoints)
    finally:
        delete_path(spark, checkpoints)
    print("lake-etl bronze_to_silver " + json.dumps(report, default=str))
    # The bookmark advances only here: a run that failed above reads the same files again next time.
    job.commit()


if __name__ == "__main__":
    main()
