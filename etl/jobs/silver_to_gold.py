"""Glue 5.0 job: a dataset's SQL file over its input datasets -> the gold (or any curated) dataset.

Reads each input through the Glue Data Catalog in full (no bookmark: an aggregate needs all its rows, and a
partial input with partition overwrite would replace a day with part of it), registers it as a temp view named
after the input dataset, runs the one SELECT in --sql_path, checks that the result has exactly the declared
columns and types (the data contract), and writes it like bronze_to_silver does (Parquet/ORC with dynamic
partition overwrite and catalog partitions, or MERGE INTO for Iceberg). Logic in lake_etl.

Every argument in ARGS is always passed; optional values are JSON null / [] / {}.
"""

from __future__ import annotations

import json
import sys

ARGS = [
    "JOB_NAME",
    "JOB_RUN_ID",
    "TempDir",
    "inputs",
    "sql_path",
    "target_database",
    "target_table",
    "target_path",
    "target_format",
    "target_schema",
    "location_template",
    "write_mode",
    "dedup_keys",
]


def main() -> None:
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark import SparkConf
    from pyspark.context import SparkContext

    from lake_etl.config import inputs_from_args, target_from_args
    from lake_etl.pipeline import checkpoint_dir, job_conf, silver_to_gold
    from lake_etl.sql import read_sql_file, statement
    from lake_etl.write import delete_path

    args = getResolvedOptions(sys.argv, ARGS)
    target = target_from_args(args)
    inputs = inputs_from_args(args)

    sc = SparkContext.getOrCreate(SparkConf().setAll(list(job_conf(target).items())))
    glue = GlueContext(sc)
    spark = glue.spark_session
    job = Job(glue)
    job.init(args["JOB_NAME"], args)

    sql_text = statement(read_sql_file(spark, args["sql_path"]))
    frames = {
        i.name: glue.create_dynamic_frame.from_catalog(database=i.database, table_name=i.table).toDF()
        for i in inputs
    }
    checkpoints = checkpoint_dir(args["TempDir"], args["JOB_RUN_ID"])
    try:
        report = silver_to_gold(spark, frames, sql_text, target, checkpoint_dir=checkpoints)
    finally:
        delete_path(spark, checkpoints)
    print("lake-etl silver_to_gold " + json.dumps(report, default=str))
    job.commit()


if __name__ == "__main__":
    main()
