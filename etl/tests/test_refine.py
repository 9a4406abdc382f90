"""bronze -> silver on local Spark, for every job-written dataset with one bronze input: sample bronze rows are
built from the bronze dataset file (good rows, one bad value per castable column, an exact duplicate, a key
conflict), refined with the job's declared renames/derive/key, and checked against the silver dataset file."""

import json

import pytest
from pyspark.sql import types as T

from lake_datasets import bronze_to_silver_args, dataset, job_datasets, refine_input
from lake_etl.config import refine_from_args, target_from_args
from lake_etl.refine import RefineError, apply_renames, cast_and_validate, normalise_names, refine
from lake_etl.schema import parse_target_schema
from lake_etl.sql import without_nullability
from samples import bronze_frame, bronze_sample, schema_of

REFINED = job_datasets("bronze_to_silver")


def configs(d):
    args = bronze_to_silver_args(d, source_database="bronze", target_database="silver", target_path="/tmp/unused/",
                                 error_path="/tmp/unused-errors/", temp_dir="/tmp/unused-tmp/")
    target = target_from_args(args)
    return refine_from_args(args, target.schema), target


def test_the_examples_are_covered():
    assert {d.name for d in REFINED} >= {"venue", "sales", "taxi_trips"}


@pytest.mark.parametrize("d", REFINED, ids=lambda d: d.name)
def test_refine_yields_the_declared_schema_and_handles_bad_rows_and_duplicates(spark, d):
    config, _ = configs(d)
    sample = bronze_sample(d)
    source = bronze_frame(spark, refine_input(d), sample.rows)
    result = refine(source, config)

    # Types after the cast are exactly the silver dataset's declared columns, then partition keys.
    declared = schema_of(d).struct()
    assert [f.name for f in result.good.schema.fields] == [f.name for f in declared.fields]
    for got, want in zip(result.good.schema.fields, declared.fields):
        assert without_nullability(got.dataType) == without_nullability(want.dataType), got.name

    good = result.good.collect()
    rejected = [(r["errors"], json.loads(r["_source_row"])) for r in
                result.rejected.withColumnRenamed("_errors", "errors").collect()]
    duplicates = result.duplicates.count()

    # Every bad value is rejected with its column and value in the reason, never silently nulled.
    for index, (column, text) in sample.bad.items():
        reasons = [errs for errs, _ in rejected if any(e.startswith(f"{column}: cannot cast '{text}'") for e in errs)]
        assert reasons, f"row {index}: bad {column}={text!r} was not rejected; rejects: {rejected}"
    assert not [r for r in good if any(r[c] is None for c in schema_of(d).partition_names)]

    keys = config.dedup_keys
    key_of = lambda r: tuple(r[k] for k in keys)  # noqa: E731
    assert len({key_of(r) for r in good}) == len(good), "one row per key"
    if sample.ordered:
        # The conflicting row is a newer version (dedupOrder): it wins, the old one is superseded.
        assert len(good) == sample.good
        assert len(rejected) == len(sample.bad)
        assert duplicates == 2
        winner = [r for r in good if r[sample.conflict_column] == sample.conflict_value]
        assert len(winner) == 1
    else:
        # Same key, different content, nothing says which is right: one kept, the other rejected.
        assert len(good) == sample.good
        conflicts = [errs for errs, _ in rejected if errs[0].startswith(f"duplicate key ({', '.join(keys)})")]
        assert len(conflicts) == 1 and len(rejected) == len(sample.bad) + 1
        assert duplicates == 1
    assert len(good) + len(rejected) + duplicates == len(sample.rows)


def test_taxi_trips_values(spark):
    d = dataset("taxi_trips")
    config, _ = configs(d)
    sample = bronze_sample(d)
    good = {r["vendor_id"]: r for r in refine(bronze_frame(spark, refine_input(d), sample.rows), config).good.collect()}
    first = good[1]
    assert first["pickup_at"].isoformat() == "2024-03-01T08:00:00"
    assert first["pickup_date"].isoformat() == "2024-03-01"
    assert len(first["trip_id"]) == 64  # sha2-256 hex
    assert str(first["fare_amount"]) == "10.55"
    assert first["tip_amount"] is None and first["surcharges"] is None  # not in the bronze file yet


def test_sales_values(spark):
    d = dataset("sales")
    config, _ = configs(d)
    good = {r["sale_id"]: r for r in refine(bronze_frame(spark, refine_input(d), bronze_sample(d).rows), config).good.collect()}
    first = good[10_000_000_000]
    assert first["sale_date"] == first["sale_time"].strftime("%Y-%m-%d")
    assert str(first["price_paid"]) == "10.55"


def test_blank_strings_are_null_not_errors_and_strict_casts(spark):
    schema = parse_target_schema({"columns": [{"name": "n", "type": "int"}, {"name": "s", "type": "string"},
                                              {"name": "d", "type": "decimal(8,2)"}]})
    df = spark.createDataFrame([(" ", " ", "12.345"), ("3.7", "x", "1234567.00"), (" 42 ", "", None)],
                               "n string, s string, d string")
    rows = cast_and_validate(df, schema).collect()
    assert (rows[0]["n"], rows[0]["s"], rows[0]["_errors"]) == (None, " ", [])   # blank int -> null; strings kept
    assert str(rows[0]["d"]) == "12.35"                                          # rounded to the scale
    assert rows[1]["_errors"] == ["n: cannot cast '3.7' to int", "d: cannot cast '1234567.00' to decimal(8,2)"]
    assert rows[2]["n"] == 42 and rows[2]["_errors"] == []


def test_nested_and_typed_sources_cast_too(spark):
    schema = parse_target_schema({"columns": [{"name": "address", "type": "struct<city:string,zip:int>"},
                                              {"name": "n", "type": "smallint"}]})
    df = spark.createDataFrame([(("Oslo", "150"), 5), (("Bergen", "x"), 70000)],
                               "address struct<city:string,zip:string>, n int")
    rows = cast_and_validate(df, schema).collect()
    assert rows[0]["address"]["zip"] == 150 and rows[0]["_errors"] == []
    assert rows[1]["_errors"] == ["n: cannot cast '70000' to smallint"]
    # A bad value inside a struct becomes null without a reject: documented limit (top-level values only).
    assert rows[1]["address"]["zip"] is None


def test_names_and_renames(spark):
    df = spark.createDataFrame([(1, 2)], "VendorID int, ` PULocationID ` int")
    assert normalise_names(df).columns == ["vendorid", "pulocationid"]
    with pytest.raises(RefineError, match="differ only in case"):
        normalise_names(spark.createDataFrame([(1, 2)], "a int, A int"))
    with pytest.raises(RefineError, match="do not exist: nope"):
        apply_renames(normalise_names(df), {"nope": "x"})


def test_a_target_column_without_source_is_a_configuration_error(spark):
    schema = parse_target_schema({"columns": [{"name": "a", "type": "int"}, {"name": "b", "type": "int"}]})
    with pytest.raises(RefineError, match="no source column .*: b"):
        cast_and_validate(spark.createDataFrame([(1,)], "a int"), schema)


def test_partition_key_null_is_rejected(spark):
    schema = parse_target_schema({"columns": [{"name": "a", "type": "int"}],
                                  "partitionKeys": [{"name": "dt", "type": "string"}]})
    rows = cast_and_validate(spark.createDataFrame([(1, None)], "a int, dt string"), schema).collect()
    assert rows[0]["_errors"] == ["dt: partition key is null"]
