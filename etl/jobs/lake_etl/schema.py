"""The target schema a job writes: a dataset file's `columns` and `partitionKeys`, passed as `--target_schema`.

The argument is the dataset file's own shape, as JSON, so the platform passes it without translation:

    {"columns": [{"name": "venue_id", "type": "smallint"}, ...], "partitionKeys": [{"name": "dt", "type": "string"}]}

(`comment` and other fields are allowed and ignored.) Columns come first, partition keys last and in path order:
the order Glue tables and Spark's partitioned writes both use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping

from pyspark.sql import types as T

from .hive_types import spark_type


@dataclass(frozen=True)
class Column:
    name: str
    hive_type: str

    @property
    def spark_type(self) -> T.DataType:
        return spark_type(self.hive_type)


@dataclass(frozen=True)
class TargetSchema:
    columns: tuple[Column, ...]
    partition_keys: tuple[Column, ...]

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return self.columns + self.partition_keys

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.all_columns]

    @property
    def partition_names(self) -> list[str]:
        return [c.name for c in self.partition_keys]

    def struct(self) -> T.StructType:
        """The Spark schema of the table, partition keys last."""
        return T.StructType([T.StructField(c.name, c.spark_type, nullable=True) for c in self.all_columns])


def _columns(items: Any, field: str) -> tuple[Column, ...]:
    if items is None:
        return ()
    if not isinstance(items, list):
        raise ValueError(f"target schema: {field} must be a list of {{name, type}}")
    cols = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping) or not isinstance(item.get("name"), str) or not isinstance(item.get("type"), str):
            raise ValueError(f"target schema: {field}[{i}] must have a string name and type, got {item!r}")
        # Glue lowercases names; dataset files may not have (VendorID is accepted and becomes vendorid).
        cols.append(Column(item["name"].lower(), item["type"].strip().lower()))
    return tuple(cols)


def parse_target_schema(value: str | Mapping[str, Any]) -> TargetSchema:
    """Parse `--target_schema` (JSON text) or an already loaded dataset mapping."""
    data = json.loads(value) if isinstance(value, str) else value
    if not isinstance(data, Mapping):
        raise ValueError("target schema must be a JSON object with columns and partitionKeys")
    schema = TargetSchema(_columns(data.get("columns"), "columns"), _columns(data.get("partitionKeys"), "partitionKeys"))
    if not schema.columns:
        raise ValueError("target schema has no columns")
    seen: set[str] = set()
    for col in schema.all_columns:
        if col.name in seen:
            raise ValueError(f"target schema: column '{col.name}' appears twice")
        seen.add(col.name)
        col.spark_type  # noqa: B018 - fail at startup on a bad type, not mid-job
    return schema


def target_schema_json(dataset: Mapping[str, Any]) -> str:
    """The `--target_schema` value for a dataset file: names and types lowercased (as the loader normalises
    them), compact JSON. The platform's value must equal it as JSON (key order and spacing don't matter)."""
    pick = lambda cols: [{"name": c["name"].lower(), "type": c["type"].strip().lower()} for c in cols or []]  # noqa: E731
    return json.dumps({"columns": pick(dataset.get("columns")), "partitionKeys": pick(dataset.get("partitionKeys"))},
                      separators=(",", ":"))
