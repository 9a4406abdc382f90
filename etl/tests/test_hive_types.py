"""Hive/Athena type strings -> Spark types, and every type of every dataset file parses."""

import pytest
from pyspark.sql import types as T

from lake_datasets import all_datasets
from lake_etl.hive_types import HiveTypeError, spark_type

CASES = {
    "string": T.StringType(),
    "varchar(100)": T.StringType(),
    "char(2)": T.StringType(),
    "tinyint": T.ByteType(),
    "smallint": T.ShortType(),
    "int": T.IntegerType(),
    "integer": T.IntegerType(),
    "bigint": T.LongType(),
    "float": T.FloatType(),
    "real": T.FloatType(),
    "double": T.DoubleType(),
    "decimal(8,2)": T.DecimalType(8, 2),
    "decimal(38,0)": T.DecimalType(38, 0),
    "boolean": T.BooleanType(),
    "binary": T.BinaryType(),
    "date": T.DateType(),
    "timestamp": T.TimestampType(),
    "array<string>": T.ArrayType(T.StringType()),
    "map<string,decimal(10,2)>": T.MapType(T.StringType(), T.DecimalType(10, 2)),
    "struct<street:string,country:char(2)>": T.StructType(
        [T.StructField("street", T.StringType()), T.StructField("country", T.StringType())]),
    "array<struct<sku:string,quantity:int,unit_price:decimal(12,2)>>": T.ArrayType(T.StructType([
        T.StructField("sku", T.StringType()), T.StructField("quantity", T.IntegerType()),
        T.StructField("unit_price", T.DecimalType(12, 2))])),
    "MAP< STRING , ARRAY<BIGINT> >": T.MapType(T.StringType(), T.ArrayType(T.LongType())),
}


@pytest.mark.parametrize("hive, expected", CASES.items(), ids=list(CASES))
def test_type_mapping(hive, expected):
    assert spark_type(hive) == expected


@pytest.mark.parametrize("bad", ["decimal", "decimal(40,2)", "decimal(4,5)", "money", "varchar", "array<int",
                                 "map<string>", "struct<a int>", "int int"])
def test_rejects_what_the_loader_rejects(bad):
    with pytest.raises(HiveTypeError):
        spark_type(bad)


def test_every_declared_type_parses():
    types = {(d.name, c["name"], c["type"]) for d in all_datasets().values()
             for c in (d.data.get("columns") or []) + (d.data.get("partitionKeys") or [])}
    assert len(types) > 50
    for name, column, hive in sorted(types):
        assert spark_type(hive) is not None, f"{name}.{column}: {hive}"
