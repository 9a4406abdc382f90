"""Writing a target dataset: Parquet/ORC files with dynamic partition overwrite (or a partition-level merge),
the catalog partitions that makes visible, Iceberg through MERGE INTO, and the error output.

Write modes (`--write_mode`) for Parquet/ORC targets:
* overwrite: each partition present in the job's output is replaced, every other partition is left as it is
  (`partitionOverwriteMode=dynamic`). Right when a run's input holds the whole content of every partition it
  touches: a snapshot export, a month file, a gold recompute. A rerun of the same input gives the same files.
* merge: the job reads the stored rows of the partitions it touches, lets its own rows win on the key (or drops
  exact duplicates without one), and overwrites those partitions with the union. Right for incremental inputs
  (job bookmarks hand over only new files) whose rows land in partitions that earlier runs wrote too; with plain
  overwrite those earlier rows would be lost. A rerun of the same input changes nothing.
Iceberg targets are always merged, with MERGE INTO (see iceberg.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from .config import Target
from .iceberg import merge_sql
from .layout import add_partitions_sql, partition_location
from .refine import ERRORS, SOURCE_ROW, q, row_json

SOURCE_VIEW = "_lake_etl_source"


@dataclass
class Written:
    partitions: list[tuple[dict[str, Any], str]] = field(default_factory=list)  # (values, location)
    registered: list[str] = field(default_factory=list)  # the ALTER TABLE statements run
    merge_statement: str | None = None


def _fs(spark: SparkSession, path: str) -> Any:
    jvm = spark.sparkContext._jvm  # the Hadoop FileSystem serves s3:// in Glue and file:// locally
    hpath = jvm.org.apache.hadoop.fs.Path(path)
    return hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), hpath


def path_exists(spark: SparkSession, path: str) -> bool:
    fs, hpath = _fs(spark, path)
    return bool(fs.exists(hpath))


def delete_path(spark: SparkSession, path: str) -> None:
    fs, hpath = _fs(spark, path)
    fs.delete(hpath, True)


def touched_partitions(df: DataFrame, keys: list[str]) -> list[dict[str, Any]]:
    """The partition values present in `df` (a handful per run: collected to the driver)."""
    if not keys:
        return []
    rows = df.select(*[q(k) for k in keys]).distinct().collect()
    return sorted((row.asDict() for row in rows), key=lambda v: [str(v[k]) for k in keys])


def read_existing(spark: SparkSession, target: Target, partitions: list[dict[str, Any]]) -> DataFrame | None:
    """The stored rows of the given partitions (the whole table when unpartitioned), or None when none exist."""
    schema = target.schema
    keys = schema.partition_names
    if not keys:
        if not path_exists(spark, target.path):
            return None
        return spark.read.format(target.format).schema(schema.struct()).load(target.path)
    locations = [(values, partition_location(target.path, keys, values, target.location_template)) for values in partitions]
    present = [(values, loc) for values, loc in locations if path_exists(spark, loc)]
    if not present:
        return None
    if target.location_template is None:
        # basePath lets Spark read the key=value directories back into typed partition columns.
        return (spark.read.format(target.format).schema(schema.struct()).option("basePath", target.path)
                .load([loc for _, loc in present]))
    data_schema = schema.struct()
    file_schema = type(data_schema)([f for f in data_schema.fields if f.name not in keys])
    frames = []
    for values, loc in present:
        frame = spark.read.format(target.format).schema(file_schema).load(loc)
        for column in schema.partition_keys:
            frame = frame.withColumn(column.name, F.lit(values[column.name]).cast(column.spark_type))
        frames.append(frame.select(*[q(n) for n in schema.names]))
    result = frames[0]
    for frame in frames[1:]:
        result = result.unionByName(frame)
    return result


def merge_rows(new: DataFrame, existing: DataFrame | None, target: Target) -> DataFrame:
    """New rows win over stored rows with the same key; without a key, the union without exact duplicates."""
    if existing is None:
        return new
    schema = target.schema
    both = (new.select(*[q(n) for n in schema.names]).withColumn("_prio", F.lit(0))
            .unionByName(existing.select(*[q(n) for n in schema.names]).withColumn("_prio", F.lit(1)))
            .withColumn("_row_json", row_json(schema)))
    partition = [q(k) for k in target.keys] if target.keys else ["_row_json"]
    ranked = both.withColumn("_rank", F.row_number().over(Window.partitionBy(*partition).orderBy("_prio", "_row_json")))
    return ranked.where("_rank = 1").select(*[q(n) for n in schema.names])


def materialise(df: DataFrame, checkpoint_dir: str | None) -> DataFrame:
    """Cut the lineage to the files about to be overwritten: a merge reads partitions it then replaces. A
    reliable checkpoint (in Glue, under --TempDir) survives executors that autoscaling removes."""
    if checkpoint_dir:
        df.sparkSession.sparkContext.setCheckpointDir(checkpoint_dir)
        return df.checkpoint(eager=True)
    return df.localCheckpoint(eager=True)


def write_files(df: DataFrame, target: Target,
                partitions: list[dict[str, Any]] | None = None) -> list[tuple[dict[str, Any], str]]:
    """Write Parquet/ORC with dynamic partition overwrite; returns the partitions written and their locations.
    `partitions`: the partition values in `df` when the caller knows them already."""
    keys = target.schema.partition_names
    ordered = df.select(*[q(n) for n in target.schema.names])
    if not keys:
        ordered.write.mode("overwrite").format(target.format).save(target.path)
        return []
    partitions = touched_partitions(ordered, keys) if partitions is None else partitions
    if target.location_template is None:
        (ordered.write.mode("overwrite").option("partitionOverwriteMode", "dynamic")
         .partitionBy(*keys).format(target.format).save(target.path))
    else:
        # A projection template (e.g. ${event_hour}/ for 2024/01/15/10) is no key=value layout, which is all
        # partitionBy writes: write each partition to its rendered location (a handful per run).
        for values in partitions:
            location = partition_location(target.path, keys, values, target.location_template)
            condition = F.lit(True)
            for k in keys:
                condition = condition & (F.col(q(k)) == F.lit(values[k]))
            ordered.where(condition).drop(*keys).write.mode("overwrite").format(target.format).save(location)
    return [(values, partition_location(target.path, keys, values, target.location_template)) for values in partitions]


def register_partitions(spark: SparkSession, target: Target, partitions: list[tuple[dict[str, Any], str]]) -> list[str]:
    """Add the written partitions to the catalog table, also when the dataset has projection: projection is
    Athena's alone; Glue jobs (the next job reading this table), EMR/Spark and Redshift Spectrum list the
    catalog's partitions and would see none."""
    if not partitions:
        return []
    statements = add_partitions_sql(target.catalog_table, target.schema.partition_names, partitions)
    for statement in statements:
        spark.sql(statement)
    return statements


def write_iceberg(spark: SparkSession, df: DataFrame, target: Target) -> str:
    statement = merge_sql(target.iceberg_table, SOURCE_VIEW, target.schema, target.keys)
    df.select(*[q(n) for n in target.schema.names]).createOrReplaceTempView(SOURCE_VIEW)
    spark.sql(statement)
    return statement


def write_target(spark: SparkSession, df: DataFrame, target: Target, checkpoint_dir: str | None = None) -> Written:
    if target.format == "iceberg":
        return Written(merge_statement=write_iceberg(spark, df, target))
    to_write, touched = df, None
    if target.write_mode == "merge":
        # The merged rows hold exactly the new rows' partitions: the stored ones are read for those only.
        touched = touched_partitions(df, target.schema.partition_names)
        existing = read_existing(spark, target, touched)
        to_write = materialise(merge_rows(df, existing, target), checkpoint_dir)
    partitions = write_files(to_write, target, touched if target.schema.partition_names else None)
    registered = register_partitions(spark, target, partitions)
    # Files changed behind the catalog: drop the session's cached listing of the table, so a later read in the
    # same session (the tests, a job reading what it wrote) sees the new files.
    spark.catalog.refreshTable(target.catalog_table)
    return Written(partitions=partitions, registered=registered)


def error_location(error_path: str, run_id: str) -> str:
    return f"{error_path.rstrip('/')}/job_run_id={run_id}/"


def write_rejected(rejected: DataFrame, error_path: str, run_id: str, now: dt.datetime | None = None) -> str:
    """Rejected rows as JSON lines under `<error_path>/job_run_id=<run>/`: one folder per run, never merged,
    so a run's rejects can be found from its id (Athena can read the prefix as a JSON table)."""
    location = error_location(error_path, run_id)
    stamp = (now or dt.datetime.now(dt.timezone.utc)).replace(tzinfo=None)
    (rejected.select(F.col(ERRORS).alias("errors"), F.col(SOURCE_ROW).alias("source_row"),
                     F.lit(stamp).cast("timestamp").alias("rejected_at"))
     .coalesce(1).write.mode("overwrite").json(location))
    return location
