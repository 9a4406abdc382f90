"""Bronze formats: every bronze dataset's sample lands in its declared format and reads back with its declared
schema and values; and one bronze sample refines to the same silver rows whether it landed as CSV, JSON,
Parquet or Avro."""

import pytest

from lake_datasets import all_datasets, dataset, refine_input
from lake_etl.refine import refine
from lake_etl.sql import without_nullability
from samples import bronze_frame, bronze_sample, read_bronze_files, schema_of, typed_rows, write_bronze_files
from test_refine import configs

BRONZE = [d for d in all_datasets().values() if d.layer == "bronze"]


@pytest.mark.parametrize("d", BRONZE, ids=lambda d: f"{d.name}-{d.format}")
def test_bronze_reads_back_with_the_declared_schema(spark, tmp_path, d):
    rows = typed_rows(d, 4)
    write_bronze_files(spark, d, rows, str(tmp_path / d.name))
    back = read_bronze_files(spark, d, str(tmp_path / d.name))
    declared = schema_of(d).struct()
    assert [(f.name, without_nullability(f.dataType)) for f in back.schema.fields] == \
        [(f.name, without_nullability(f.dataType)) for f in declared.fields]
    first = declared.fields[0].name
    got = sorted((r.asDict(recursive=True) for r in back.collect()), key=lambda r: r[first])
    assert got == sorted(rows, key=lambda r: r[first])


@pytest.fixture(scope="module")
def venue_expected(spark):
    """venue refined from the sample as the catalog hands it over (no files): what every format must give."""
    d = dataset("venue")
    sample = bronze_sample(d)
    config, _ = configs(d)
    return sorted(tuple(r) for r in refine(bronze_frame(spark, refine_input(d), sample.rows), config).good.collect())


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet", "avro"])
def test_refine_is_the_same_whatever_the_bronze_format(spark, tmp_path, request, venue_expected, fmt):
    if fmt == "avro":
        request.getfixturevalue("avro")  # skips, saying why, when spark-avro could not be loaded
    d = dataset("venue")
    bronze = refine_input(d)
    sample = bronze_sample(d)
    config, _ = configs(d)
    expected = venue_expected
    write_bronze_files(spark, bronze, sample.rows, str(tmp_path / fmt), fmt=fmt)
    result = refine(read_bronze_files(spark, bronze, str(tmp_path / fmt), fmt=fmt), config)
    assert sorted(tuple(r) for r in result.good.collect()) == expected
    assert len(expected) == sample.good
    assert result.rejected.count() == len(sample.bad)
