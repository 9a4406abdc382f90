"""Sample data built from dataset files: typed rows for any declared schema, and bronze rows (with deliberately
bad values, an exact duplicate and a key conflict) for a bronze -> silver job.

Values are a function of the row number, so keys are unique, joins between datasets match (venue_id i+1 is in
both sales and venue) and expectations can be computed in the test.
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as T

from lake_datasets import Dataset, refine_input
from lake_etl.schema import TargetSchema, parse_target_schema

BASE_DAY = dt.date(2024, 3, 1)
BASE_TIME = dt.datetime(2024, 3, 1, 8, 0, 0)

# A non-null, non-blank text that does not fit the type; some overflow rather than fail to parse.
BAD_TEXT = {
    T.ByteType: "999",            # overflows tinyint
    T.ShortType: "70000",         # overflows smallint
    T.IntegerType: "twelve",
    T.LongType: "1.5",            # no silent truncation to 1
    T.FloatType: "n/a",
    T.DoubleType: "n/a",
    T.DecimalType: "12,50",       # a decimal comma is no decimal
    T.BooleanType: "maybe",
    T.DateType: "2024-02-30",     # no such day
    T.TimestampType: "yesterday 10am",
}


def java_to_strftime(pattern: str) -> str:
    for java, py in (("yyyy", "%Y"), ("MM", "%m"), ("dd", "%d"), ("HH", "%H"), ("mm", "%M"), ("ss", "%S")):
        pattern = pattern.replace(java, py)
    return pattern


def typed_value(data_type: T.DataType, i: int, name: str = "v") -> Any:
    """A valid Python value of `data_type` for row i."""
    if isinstance(data_type, T.StringType):
        return f"{name}_{i}"
    if isinstance(data_type, (T.ByteType, T.ShortType, T.IntegerType)):
        return i + 1
    if isinstance(data_type, T.LongType):
        return 10_000_000_000 + i
    if isinstance(data_type, (T.FloatType, T.DoubleType)):
        return i * 1.5 + 0.25
    if isinstance(data_type, T.DecimalType):
        whole = 10 + i % 50
        return Decimal(whole) if data_type.scale == 0 else Decimal(f"{whole}.{'5' * data_type.scale}")
    if isinstance(data_type, T.BooleanType):
        return i % 2 == 0
    if isinstance(data_type, T.DateType):
        return BASE_DAY + dt.timedelta(days=i % 3)
    if isinstance(data_type, T.TimestampType):
        return BASE_TIME + dt.timedelta(days=i % 3, minutes=i)
    if isinstance(data_type, T.BinaryType):
        return bytearray(f"{name}{i}".encode())
    if isinstance(data_type, T.ArrayType):
        return [typed_value(data_type.elementType, i, name)]
    if isinstance(data_type, T.MapType):
        return {typed_value(data_type.keyType, i, f"{name}_k"): typed_value(data_type.valueType, i, name)}
    if isinstance(data_type, T.StructType):
        return {f.name: typed_value(f.dataType, i, f.name) for f in data_type.fields}
    raise TypeError(f"no sample for {data_type}")


def as_text(value: Any) -> str:
    """How a CSV export writes a value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def partition_value(d: Dataset, key: str, data_type: T.DataType, i: int) -> Any:
    """Partition values as the layout expects: a projection date key in its format, date-named keys as days."""
    spec = ((d.projection or {}).get("keys") or {}).get(key)
    if isinstance(data_type, T.StringType):
        if spec and spec.get("type") == "date":
            when = BASE_TIME + dt.timedelta(hours=i % 2) if "HH" in spec["format"] else BASE_TIME + dt.timedelta(days=i % 2)
            return when.strftime(java_to_strftime(spec["format"]))
        if "date" in key:
            return (BASE_DAY + dt.timedelta(days=i % 2)).isoformat()
    return typed_value(data_type, i % 2, key)


def schema_of(d: Dataset) -> TargetSchema:
    return parse_target_schema(d.data)


def typed_rows(d: Dataset, n: int) -> list[dict[str, Any]]:
    schema = schema_of(d)
    rows = []
    for i in range(n):
        row = {c.name: typed_value(c.spark_type, i, c.name) for c in schema.columns}
        row.update({c.name: partition_value(d, c.name, c.spark_type, i) for c in schema.partition_keys})
        rows.append(row)
    return rows


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # exact: Spark's JSON reader parses decimals from strings too
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        raise TypeError("binary sample values are not supported")
    return value


_TMP = Path(tempfile.mkdtemp(prefix="lake-etl-samples-"))
atexit.register(shutil.rmtree, _TMP, True)


def frame(spark: SparkSession, d: Dataset, rows: list[dict[str, Any]]) -> DataFrame:
    """The rows as a DataFrame of the dataset's declared schema. Built from a JSON lines file read by the JVM,
    not spark.createDataFrame(list): that runs every later action through Python workers (seconds each)."""
    struct = schema_of(d).struct()
    path = Path(tempfile.mkstemp(suffix=".json", dir=_TMP)[1])
    path.write_text("".join(json.dumps({k: _json_value(r.get(k)) for k in struct.names}) + "\n" for r in rows))
    return spark.read.schema(struct).option("mode", "FAILFAST").json(str(path))


@dataclass
class BronzeSample:
    """Bronze rows for a refine job, and what the job must make of them."""

    rows: list[dict[str, Any]]
    good: int                                   # distinct valid rows (one per key)
    bad: dict[int, tuple[str, str]] = field(default_factory=dict)  # row index -> (target column, bad text)
    exact_duplicate_of: int = 0
    conflict_of: int = 1                        # index of the row the conflicting row shares a key with
    conflict_column: str = ""                   # the target column that differs
    conflict_value: Any = None                  # its value in the conflicting (later) row
    ordered: bool = False                       # dedupOrder: the conflict supersedes (else it is rejected)


def _feeds(target: Dataset, bronze: Dataset) -> dict[str, str]:
    """bronze column -> the target column it becomes (by rename or same name)."""
    renames = {k.lower(): v.lower() for k, v in (target.job.get("renames") or {}).items()}
    names = set(schema_of(target).names)
    result = {}
    for col in schema_of(bronze).all_columns:
        t = renames.get(col.name, col.name)
        if t in names:
            result[col.name] = t
    return result


def bronze_sample(target: Dataset, n: int = 6) -> BronzeSample:
    bronze = refine_input(target)
    bschema, tschema = schema_of(bronze), schema_of(target)
    ttypes = {c.name: c.spark_type for c in tschema.all_columns}
    feeds = _feeds(target, bronze)
    derive = {k.lower(): v for k, v in (target.job.get("derive") or {}).items()}
    keys = [k.lower() for k in target.job.get("key") or []]
    order = [o.lower() for o in target.job.get("dedupOrder") or []]

    def row(i: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for col in bschema.columns:
            t = feeds.get(col.name)
            if isinstance(col.spark_type, T.StringType) and t and not isinstance(ttypes[t], T.StringType):
                out[col.name] = as_text(typed_value(ttypes[t], i, t))   # text that casts to the target type
            else:
                out[col.name] = typed_value(col.spark_type, i, col.name)
        for col in bschema.partition_keys:
            out[col.name] = partition_value(bronze, col.name, col.spark_type, 0)
        return out

    rows = [row(i) for i in range(n)]
    # One bad row per castable column (a fresh row number, so its key is unique too).
    bad: dict[int, tuple[str, str]] = {}
    castable = [(b, t) for b, t in feeds.items() if t not in derive and b in {c.name for c in bschema.columns}
                and isinstance(dict((c.name, c.spark_type) for c in bschema.columns)[b], T.StringType)
                and type(ttypes[t]) in BAD_TEXT]
    for j, (b, t) in enumerate(castable):
        r = row(n + j)
        r[b] = BAD_TEXT[type(ttypes[t])]
        bad[len(rows)] = (t, r[b])
        rows.append(r)
    # An exact duplicate of row 0.
    rows.append(dict(rows[0]))
    # A row with row 1's key and another value in a column no key or derived column depends on.
    used_by_derive = " ".join(derive.values())
    candidates = [(b, t) for b, t in feeds.items() if t not in keys and t not in derive and t not in tschema.partition_names
                  and not re.search(rf"\b{re.escape(t)}\b", used_by_derive) and b not in order]
    b, t = candidates[0]
    conflict = dict(rows[1])
    changed = typed_value(ttypes[t], 40, t)
    conflict[b] = as_text(changed) if isinstance(dict((c.name, c.spark_type) for c in bschema.all_columns)[b], T.StringType) else changed
    for o in order:
        # The conflicting row comes from a later export: with dedupOrder it is the newer version.
        conflict[o] = "2024-03-09"
    rows.append(conflict)
    return BronzeSample(rows=rows, good=n, bad=bad, exact_duplicate_of=0, conflict_of=1, conflict_column=t,
                        conflict_value=changed, ordered=bool(order))


def bronze_frame(spark: SparkSession, bronze: Dataset, rows: list[dict[str, Any]]) -> DataFrame:
    """The rows as the Glue catalog presents the bronze table: its declared columns, then partition keys."""
    return frame(spark, bronze, rows)


def write_bronze_files(spark: SparkSession, bronze: Dataset, rows: list[dict[str, Any]], path: str,
                       fmt: str | None = None) -> None:
    """Land the rows as the producer would: files in the dataset's format, key=value/ folders per key."""
    fmt = fmt or bronze.format
    df = frame(spark, bronze, rows)
    writer = df.coalesce(1).write.mode("overwrite")
    keys = schema_of(bronze).partition_names
    if keys:
        writer = writer.partitionBy(*keys)
    if fmt == "csv":
        # What the catalog's OpenCSVSerde reads: comma, " quotes, \ escapes, one header line.
        writer.option("header", True).option("quote", '"').option("escape", "\\").csv(path)
    else:
        writer.format(fmt).save(path)


def read_bronze_files(spark: SparkSession, bronze: Dataset, path: str, fmt: str | None = None) -> DataFrame:
    """Read landed files with the dataset's declared schema (what a catalog read yields)."""
    fmt = fmt or bronze.format
    reader = spark.read.schema(schema_of(bronze).struct())
    if fmt == "csv":
        reader = reader.option("header", True).option("quote", '"').option("escape", "\\")
    return reader.format(fmt).load(path)
