"""Small helpers shared by the Spark tests: targets built from dataset files, catalog tables standing in for
the Glue tables the platform creates, and what a written folder holds."""

from __future__ import annotations

import json
import os
from pathlib import Path

from pyspark.sql import SparkSession

from lake_datasets import Dataset, bronze_to_silver_args, target_args
from lake_etl.config import Refine, Target, refine_from_args, target_from_args
from lake_etl.schema import TargetSchema
from samples import schema_of


def configs_for(d: Dataset, *, database: str, path: str, **overrides: str) -> tuple[Refine, Target]:
    """The job configuration the platform's arguments give for `d` (through the same parsing the job does)."""
    if d.source.get("type") == "job" and d.sql_path is None:
        args = bronze_to_silver_args(d, source_database="bronze", target_database=database, target_path=path,
                                     error_path=str(Path(path).parent / "errors"), temp_dir="/tmp/lake-etl-unused/")
    else:  # a dataset no refine job writes: only its target arguments
        args = {**target_args(d, database=database, path=path), "renames": "{}", "derive": "{}", "dedup_order": "[]"}
    args.update(overrides)
    target = target_from_args(args)
    return refine_from_args(args, target.schema), target


def create_catalog_table(spark: SparkSession, target: Target) -> None:
    """The Glue table the platform creates (here in the local Hive metastore): external, at the dataset's
    location, partitioned by its keys, in its format."""
    schema: TargetSchema = target.schema
    spark.sql(f"CREATE DATABASE IF NOT EXISTS `{target.database}`")
    columns = ", ".join(f"`{c.name}` {c.spark_type.simpleString()}" for c in schema.columns)
    partitioned = (" PARTITIONED BY (" + ", ".join(f"`{c.name}` {c.spark_type.simpleString()}" for c in schema.partition_keys) + ")"
                   if schema.partition_keys else "")
    spark.sql(f"DROP TABLE IF EXISTS {target.catalog_table}")
    spark.sql(f"CREATE EXTERNAL TABLE {target.catalog_table} ({columns}){partitioned} "
              f"STORED AS {target.format.upper()} LOCATION '{target.path}'")


def data_dirs(root: str | Path) -> list[str]:
    """Folders under `root` that hold data files, relative, with a trailing slash (sorted)."""
    root = Path(root)
    found = set()
    for dirpath, _, files in os.walk(root):
        if any(f.startswith("part-") for f in files):
            rel = Path(dirpath).relative_to(root).as_posix()
            found.add("" if rel == "." else rel + "/")
    return sorted(found)


def json_lines(folder: str | Path) -> list[dict]:
    rows = []
    for f in sorted(Path(folder).glob("part-*")):
        rows += [json.loads(line) for line in f.read_text().splitlines() if line.strip()]
    return rows


__all__ = ["configs_for", "create_catalog_table", "data_dirs", "json_lines", "schema_of"]
