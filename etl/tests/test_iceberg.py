"""Iceberg targets (taxi_trips): the MERGE INTO statement the job issues, and (with the Iceberg 1.7.1 Spark
runtime Glue 5.0 bundles, on a local Hadoop catalog) the MERGE path run for real: first load, idempotent rerun,
a republished month with a correction."""

from decimal import Decimal

import pytest

from helpers import configs_for
from lake_datasets import dataset, refine_input
from lake_etl.config import Target
from lake_etl.iceberg import create_table_sql, merge_sql
from lake_etl.pipeline import bronze_to_silver
from samples import bronze_frame, bronze_sample


def taxi_target(database: str, catalog: str) -> tuple:
    refine, target = configs_for(dataset("taxi_trips"), database=database, path="/unused/iceberg/")
    return refine, Target(**{**target.__dict__, "iceberg_catalog": catalog})


def test_merge_statement():
    _, target = taxi_target("silver_mobility", "glue_catalog")
    sql = merge_sql(target.iceberg_table, "_src", target.schema, target.keys)
    lines = sql.splitlines()
    assert lines[0] == "MERGE INTO glue_catalog.`silver_mobility`.`taxi_trips` AS t"
    assert lines[1] == "USING `_src` AS s"
    assert lines[2] == "ON t.`trip_id` = s.`trip_id` AND t.`pickup_date` = s.`pickup_date`"
    assert lines[3].startswith("WHEN MATCHED AND NOT (t.`vendor_id` <=> s.`vendor_id` AND ")
    # Maps can't be compared in Spark: their JSON text is.
    assert "to_json(t.`surcharges`) <=> to_json(s.`surcharges`)" in lines[3]
    assert "THEN UPDATE SET t.`vendor_id` = s.`vendor_id`" in lines[3] and "t.`trip_id` =" not in lines[3]
    names = target.schema.names
    assert lines[4] == (f"WHEN NOT MATCHED THEN INSERT ({', '.join(f'`{n}`' for n in names)}) "
                        f"VALUES ({', '.join(f's.`{n}`' for n in names)})")
    with pytest.raises(ValueError, match="needs a key"):
        merge_sql("t", "s", target.schema, [])


def test_merge_runs_and_reruns_are_idempotent(spark, iceberg):
    refine, target = taxi_target("silver_mobility", iceberg)
    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {iceberg}.silver_mobility")
    spark.sql(f"DROP TABLE IF EXISTS {target.iceberg_table}")
    spark.sql(create_table_sql(target.iceberg_table, target.schema))
    d = dataset("taxi_trips")
    sample = bronze_sample(d)
    bronze = refine_input(d)

    def run(rows, run_id):
        return bronze_to_silver(spark, bronze_frame(spark, bronze, rows), refine, target,
                                error_path=f"/tmp/lake-etl-iceberg-errors/{run_id}", run_id=run_id)

    def table():
        return {r["trip_id"]: r for r in spark.table(target.iceberg_table).collect()}

    rows = sample.rows[:sample.good]  # valid rows only: rejects are refine's tests' business
    report = run(rows, "jr_1")
    assert report["merge"] and report["written"] == len(rows)
    first = table()
    assert len(first) == sample.good
    snapshots = spark.sql(f"SELECT count(*) FROM {target.iceberg_table}.snapshots").first()[0]

    run(rows, "jr_2")  # the same input again (a retried run, a reset bookmark)
    assert table() == first
    after = spark.sql(f"SELECT count(*) FROM {target.iceberg_table}.snapshots").first()[0]
    assert after - snapshots <= 1  # at most an empty commit; no row rewritten

    # The TLC republishes the month: one fare corrected, one trip added.
    corrected = dict(rows[0], fare_amount="99.90")
    added = dict(rows[2], tpep_pickup_datetime="2024-03-02 23:59:00")
    run([corrected, added, rows[3]], "jr_3")  # rows[3] unchanged: no update
    final = table()
    assert len(final) == sample.good + 1
    changed = [t for t, r in final.items() if r["fare_amount"] == Decimal("99.90")]
    assert len(changed) == 1 and changed[0] in first
    assert {k: v for k, v in final.items() if k not in changed and k in first} == \
        {k: v for k, v in first.items() if k not in changed}
    files = spark.sql(f"SELECT partition.pickup_date FROM {target.iceberg_table}.files").collect()
    assert {str(r[0]) for r in files} >= {"2024-03-01", "2024-03-02"}
