"""Iceberg targets: the MERGE INTO statement a job issues, and the session settings it needs.

Why MERGE: Glue job bookmarks don't cover Iceberg, and a rerun (a retried run, a reset bookmark, a month the
TLC republishes) must not duplicate rows. MERGE on the declared key makes every run an upsert: a key already in
the table is updated in place, a new key inserted, and a row identical to the stored one is left alone (the
`WHEN MATCHED AND NOT (...)` guard), so running the same input twice changes nothing.
"""

from __future__ import annotations

from typing import Sequence

from pyspark.sql import types as T

from .schema import TargetSchema


def q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def contains_map(data_type: T.DataType) -> bool:
    if isinstance(data_type, T.MapType):
        return True
    if isinstance(data_type, T.ArrayType):
        return contains_map(data_type.elementType)
    if isinstance(data_type, T.StructType):
        return any(contains_map(f.dataType) for f in data_type.fields)
    return False


def _same(column: str, data_type: T.DataType) -> str:
    # Spark cannot compare maps (not even with <=>): compare their JSON text instead.
    if contains_map(data_type):
        return f"to_json(t.{q(column)}) <=> to_json(s.{q(column)})"
    return f"t.{q(column)} <=> s.{q(column)}"


def merge_sql(target_table: str, source_view: str, schema: TargetSchema, keys: Sequence[str]) -> str:
    """MERGE INTO `target_table` from `source_view` (deduplicated on `keys`, as MERGE requires) on `keys`.

    Put the partition key in `keys` when the key determines it (trip_id determines pickup_date): the ON clause
    then names the partition column and Iceberg prunes the files it reads to the partitions of the input."""
    if not keys:
        raise ValueError("MERGE needs a key")
    types = {c.name: c.spark_type for c in schema.all_columns}
    unknown = [k for k in keys if k not in types]
    if unknown:
        raise ValueError(f"merge keys not in the schema: {', '.join(unknown)}")
    on = " AND ".join(f"t.{q(k)} = s.{q(k)}" for k in keys)
    others = [n for n in schema.names if n not in keys]
    lines = [f"MERGE INTO {target_table} AS t", f"USING {q(source_view)} AS s", f"ON {on}"]
    if others:
        unchanged = " AND ".join(_same(n, types[n]) for n in others)
        assignments = ", ".join(f"t.{q(n)} = s.{q(n)}" for n in others)
        lines.append(f"WHEN MATCHED AND NOT ({unchanged}) THEN UPDATE SET {assignments}")
    columns = ", ".join(q(n) for n in schema.names)
    values = ", ".join(f"s.{q(n)}" for n in schema.names)
    lines.append(f"WHEN NOT MATCHED THEN INSERT ({columns}) VALUES ({values})")
    return "\n".join(lines)


def create_table_sql(table: str, schema: TargetSchema) -> str:
    """DDL for a local Iceberg table of the schema (tests and local runs; in AWS the platform creates the
    table in Glue through openTableFormatInput)."""
    columns = ",\n  ".join(f"{q(c.name)} {c.spark_type.simpleString()}" for c in schema.all_columns)
    partitioned = f"\nPARTITIONED BY ({', '.join(q(k) for k in schema.partition_names)})" if schema.partition_keys else ""
    return f"CREATE TABLE IF NOT EXISTS {table} (\n  {columns}\n) USING iceberg{partitioned}"


def glue_catalog_conf(catalog: str) -> dict[str, str]:
    """Spark settings for Iceberg tables in the Glue Data Catalog under the name `catalog` (Glue 5.0 bundles
    Iceberg 1.7.1 when the job sets `--datalake-formats iceberg`)."""
    prefix = f"spark.sql.catalog.{catalog}"
    return {
        "spark.sql.extensions": "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        prefix: "org.apache.iceberg.spark.SparkCatalog",
        f"{prefix}.catalog-impl": "org.apache.iceberg.aws.glue.GlueCatalog",
        f"{prefix}.io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
    }
