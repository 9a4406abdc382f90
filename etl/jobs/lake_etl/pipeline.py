"""The two jobs end to end over DataFrames: what each Glue entry runs after reading its inputs.

No awsglue here: the entries read through GlueContext (catalog, Lake Formation, bookmarks) and hand the plain
DataFrames to these functions, which the tests call with DataFrames built from sample files.
"""

from __future__ import annotations

from typing import Any, Mapping

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from .config import Refine, Target
from .refine import q, refine
from .sql import ContractError, check_contract, run_sql
from .write import write_rejected, write_target

SESSION_CONF = {
    # Overwrite only the partitions a run writes (the table's other partitions stay).
    "spark.sql.sources.partitionOverwriteMode": "dynamic",
    # Timestamps without a zone are read and written as UTC, whatever the host's zone.
    "spark.sql.session.timeZone": "UTC",
    # Glue 5.0's default, set explicitly: arithmetic in gold SQL behaves as in Athena-era Hive, casts in the
    # refine step are try_cast anyway.
    "spark.sql.ansi.enabled": "false",
}


def bronze_to_silver(spark: SparkSession, source: DataFrame, config: Refine, target: Target, *, error_path: str,
                     run_id: str, checkpoint_dir: str | None = None) -> dict[str, Any]:
    """Refine `source` into `target`; rejected rows to `error_path`. Returns the run's counts (logged by the job).

    An empty input (a bookmark with no new files) writes nothing: an overwrite of an unpartitioned table with
    no rows would empty it."""
    source = source.persist(StorageLevel.MEMORY_AND_DISK)
    rows_in = source.count()
    report: dict[str, Any] = {"rows_in": rows_in, "target": f"{target.database}.{target.table}"}
    if rows_in == 0:
        return {**report, "written": 0, "rejected": 0, "duplicates": 0, "skipped": "no input rows"}
    refined = refine(source, config)
    good = refined.good.persist(StorageLevel.MEMORY_AND_DISK)
    rejects = refined.rejected.persist(StorageLevel.MEMORY_AND_DISK)
    written, rejected = good.count(), rejects.count()
    # Every input row is written, rejected or a duplicate (exact, or a superseded version of its key): the
    # duplicates are what remains (refine's tests check each count on its own).
    duplicates = rows_in - written - rejected
    if rejected:
        report["error_location"] = write_rejected(rejects, error_path, run_id)
    if written:
        result = write_target(spark, good, target, checkpoint_dir)
        report["partitions"] = [location for _, location in result.partitions]
        report["registered_partitions"] = len(result.partitions) if result.registered else 0
        if result.merge_statement:
            report["merge"] = True
    for frame in (good, rejects, refined):
        frame.unpersist()
    source.unpersist()
    return {**report, "written": written, "rejected": rejected, "duplicates": duplicates}


def gold_result(spark: SparkSession, inputs: Mapping[str, DataFrame], sql_text: str, target: Target) -> DataFrame:
    """The SQL's result, checked against the declared schema (the data contract)."""
    return check_contract(run_sql(spark, sql_text, inputs), target.schema)


def check_gold_rows(result: DataFrame, target: Target) -> None:
    """Rows a gold table cannot take: a null partition key (it would hide in __HIVE_DEFAULT_PARTITION__) and,
    with a key, two rows for one key (MERGE refuses them; for Parquet they would be silent duplicates)."""
    problems = []
    for key in target.schema.partition_names:
        nulls = result.where(F.col(q(key)).isNull()).limit(1).count()
        if nulls:
            problems.append(f"partition key {key} is null in some rows")
    if target.keys:
        dupes = result.groupBy(*[q(k) for k in target.keys]).count().where("count > 1").limit(5).collect()
        if dupes:
            sample = ", ".join(str({k: r[k] for k in target.keys}) for r in dupes)
            problems.append(f"the SQL yields several rows per key ({', '.join(target.keys)}): {sample}")
    if problems:
        raise ContractError("; ".join(problems))


def silver_to_gold(spark: SparkSession, inputs: Mapping[str, DataFrame], sql_text: str, target: Target, *,
                   checkpoint_dir: str | None = None) -> dict[str, Any]:
    result = gold_result(spark, inputs, sql_text, target).persist(StorageLevel.MEMORY_AND_DISK)
    check_gold_rows(result, target)
    rows = result.count()
    written = write_target(spark, result, target, checkpoint_dir)
    result.unpersist()
    return {"target": f"{target.database}.{target.table}", "written": rows,
            "partitions": [location for _, location in written.partitions],
            "registered_partitions": len(written.partitions) if written.registered else 0,
            "inputs": sorted(inputs)}


def job_conf(target: Target) -> dict[str, str]:
    """The Spark settings a job starts with: SESSION_CONF, and the Glue Data Catalog's Iceberg catalog when the
    target is an Iceberg table (its name, glue_catalog, is Spark's handle, not a table or bucket name)."""
    from .iceberg import glue_catalog_conf  # local import: only Iceberg jobs need it

    conf = dict(SESSION_CONF)
    if target.format == "iceberg":
        conf.update(glue_catalog_conf(target.iceberg_catalog))
    return conf


def checkpoint_dir(temp_dir: str, run_id: str) -> str:
    """Where a merge checkpoints its rows: the job's --TempDir (in the lake, under KMS), one folder a run."""
    return f"{temp_dir.rstrip('/')}/lake-etl-checkpoints/{run_id}/"
