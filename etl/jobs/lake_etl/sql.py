"""Silver -> gold: a dataset's SQL file over its inputs, and the data contract its result must meet.

A gold dataset's SQL file (`<name>.sql` beside `<name>.yaml`) is one SELECT (or WITH ... SELECT) over temp
views named after the datasets in `source.inputs`. Its result must have exactly the dataset's declared columns
then partition keys, in that order, with exactly their types: the job checks it before writing anything, and the
tests check it at PR time on sample data, so a SQL change that would alter the table's schema fails the PR.
"""

from __future__ import annotations

import re
from typing import Mapping

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as T

from .schema import TargetSchema

_LINE_COMMENT = re.compile(r"--[^\n]*")
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'")


class ContractError(ValueError):
    """The SQL's result does not match the dataset's declared schema."""


def statement(sql_text: str) -> str:
    """The one query in a SQL file, without comments' effect or a trailing semicolon; refuses anything but a
    single SELECT/WITH (a gold file never creates, drops or inserts: the job does the writing)."""
    text = sql_text.strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    # Look at the text with strings and comments blanked, so a ';' or a keyword inside them doesn't count.
    bare = _STRING.sub("''", text)
    bare = _BLOCK_COMMENT.sub(" ", _LINE_COMMENT.sub(" ", bare)).strip()
    if not bare:
        raise ValueError("the SQL file holds no query")
    if ";" in bare:
        raise ValueError("the SQL file holds more than one statement: one SELECT per gold dataset")
    first = bare.split(None, 1)[0].upper()
    if first not in ("SELECT", "WITH"):
        raise ValueError(f"the SQL file must be a SELECT or WITH query, not {first}")
    return text


def register_inputs(inputs: Mapping[str, DataFrame]) -> None:
    for name, frame in inputs.items():
        frame.createOrReplaceTempView(name)


def run_sql(spark: SparkSession, sql_text: str, inputs: Mapping[str, DataFrame]) -> DataFrame:
    register_inputs(inputs)
    return spark.sql(statement(sql_text))


def without_nullability(data_type: T.DataType) -> T.DataType:
    """Nullability is not part of the contract (Glue/Athena columns are all nullable)."""
    if isinstance(data_type, T.ArrayType):
        return T.ArrayType(without_nullability(data_type.elementType), True)
    if isinstance(data_type, T.MapType):
        return T.MapType(without_nullability(data_type.keyType), without_nullability(data_type.valueType), True)
    if isinstance(data_type, T.StructType):
        return T.StructType([T.StructField(f.name.lower(), without_nullability(f.dataType), True) for f in data_type.fields])
    if isinstance(data_type, (T.CharType, T.VarcharType)):
        return T.StringType()
    return data_type


def contract_problems(result: T.StructType, schema: TargetSchema) -> list[str]:
    """Every way `result` differs from the declared columns + partition keys (empty when it meets the contract)."""
    problems = []
    got = [(f.name.lower(), without_nullability(f.dataType)) for f in result.fields]
    want = [(c.name, without_nullability(c.spark_type)) for c in schema.all_columns]
    got_names = [n for n, _ in got]
    want_names = [n for n, _ in want]
    missing = [n for n in want_names if n not in got_names]
    extra = [n for n in got_names if n not in want_names]
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
    if extra:
        problems.append(f"columns not declared in the dataset: {', '.join(extra)}")
    if not missing and not extra and got_names != want_names:
        problems.append(f"column order is {', '.join(got_names)}; declared (columns, then partition keys): {', '.join(want_names)}")
    got_types = dict(got)
    for name, want_type in want:
        if name in got_types and got_types[name] != want_type:
            declared = next(c.hive_type for c in schema.all_columns if c.name == name)
            problems.append(f"{name}: the SQL yields {got_types[name].simpleString()}, the dataset declares {declared}"
                            f" ({want_type.simpleString()}): CAST it in the SQL")
    return problems


def check_contract(result: DataFrame, schema: TargetSchema) -> DataFrame:
    problems = contract_problems(result.schema, schema)
    if problems:
        raise ContractError("the SQL's result does not match the dataset's schema: " + "; ".join(problems))
    return result


def read_sql_file(spark: SparkSession, path: str) -> str:
    """The SQL file's text, read through Spark's file system (s3:// in Glue with the job's role, file:// locally),
    so the job needs no S3 client of its own."""
    rows = spark.read.text(path, wholetext=True).collect()
    if len(rows) != 1:
        raise ValueError(f"--sql_path must name one file, found {len(rows)} at {path}")
    return rows[0][0]
