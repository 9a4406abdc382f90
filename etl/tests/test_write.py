"""Writing targets: the on-disk layout per partition key (or the projection's locationTemplate), dynamic
partition overwrite, partition-level merge, and partitions registered in the catalog (a local Hive metastore
standing in for the Glue Data Catalog)."""

import datetime as dt
from decimal import Decimal

import pytest
from pyspark.sql import functions as F

from helpers import configs_for, create_catalog_table, data_dirs
from lake_datasets import dataset
from lake_etl.config import Target
from lake_etl.layout import add_partitions_sql, escape_path_name, hive_path, partition_location, render_template
from lake_etl.write import write_target
from samples import frame, typed_rows


def test_paths_are_spark_and_athena_paths():
    assert hive_path(["sale_date"], {"sale_date": "2024-03-01"}) == "sale_date=2024-03-01/"
    assert hive_path(["a", "b"], {"a": "x/y", "b": dt.date(2024, 1, 2)}) == "a=x%2Fy/b=2024-01-02/"
    assert escape_path_name("10:30 #1=ok?") == "10%3A30 %231%3Dok%3F"
    assert render_template("${event_hour}/", {"event_hour": "2024/03/01/08"}) == "2024/03/01/08/"
    assert partition_location("s3://b/p", ["y", "m"], {"y": "2024", "m": "03"}, "year=${y}/month=${m}") == "s3://b/p/year=2024/month=03/"


def test_catalog_statements_are_idempotent_and_batched():
    parts = [({"dt": f"2024-01-{d:02d}"}, f"s3://b/t/dt=2024-01-{d:02d}/") for d in range(1, 4)]
    (statement,) = add_partitions_sql("`db`.`t`", ["dt"], parts)
    assert statement.startswith("ALTER TABLE `db`.`t` ADD IF NOT EXISTS PARTITION (`dt` = '2024-01-01') LOCATION 's3://b/t/dt=2024-01-01/'")
    assert statement.count("PARTITION (") == 3
    assert len(add_partitions_sql("`db`.`t`", ["dt"], parts, batch=2)) == 2
    assert "'it\\'s'" in add_partitions_sql("t", ["k"], [({"k": "it's"}, "s3://b/x/")])[0]


@pytest.fixture()
def sales_target(spark, tmp_path):
    # sales declares writeMode merge; these tests pick the mode they test.
    _, target = configs_for(dataset("sales"), database="silver_sales", path=str(tmp_path / "sales"), write_mode="overwrite")
    create_catalog_table(spark, target)
    return target


def test_layout_is_key_value_per_partition_key_and_partitions_are_registered(spark, sales_target):
    d = dataset("sales")
    rows = typed_rows(d, 6)
    written = write_target(spark, frame(spark, d, rows), sales_target)
    days = sorted({r["sale_date"] for r in rows})
    assert data_dirs(sales_target.path) == [f"sale_date={day}/" for day in days]
    assert [loc for _, loc in written.partitions] == [f"{sales_target.path}sale_date={day}/" for day in days]
    shown = [r[0] for r in spark.sql(f"SHOW PARTITIONS {sales_target.catalog_table}").collect()]
    assert shown == [f"sale_date={day}" for day in days]
    # The table reads back through the catalog with the declared types.
    back = spark.table(sales_target.catalog_table)
    assert back.count() == 6
    assert dict(back.dtypes)["price_paid"] == "decimal(8,2)"
    # Rerun: the same partitions, registered once.
    write_target(spark, frame(spark, d, rows), sales_target)
    assert spark.table(sales_target.catalog_table).count() == 6
    assert len(spark.sql(f"SHOW PARTITIONS {sales_target.catalog_table}").collect()) == len(days)


def test_dynamic_overwrite_replaces_only_the_partitions_written(spark, sales_target):
    d = dataset("sales")
    rows = typed_rows(d, 6)
    write_target(spark, frame(spark, d, rows), sales_target)
    first_day = min(r["sale_date"] for r in rows)
    replacement = [dict(rows[0], sale_id=1, price_paid=Decimal("99.99"))]
    assert replacement[0]["sale_date"] == first_day
    write_target(spark, frame(spark, d, replacement), sales_target)
    back = spark.table(sales_target.catalog_table)
    assert back.where(F.col("sale_date") == first_day).collect()[0]["price_paid"] == Decimal("99.99")
    assert back.where(F.col("sale_date") == first_day).count() == 1
    assert back.where(F.col("sale_date") != first_day).count() == len([r for r in rows if r["sale_date"] != first_day])


def test_merge_mode_keeps_earlier_rows_of_touched_partitions(spark, sales_target):
    d = dataset("sales")
    merge = Target(**{**sales_target.__dict__, "write_mode": "merge"})
    rows = typed_rows(d, 6)
    write_target(spark, frame(spark, d, rows), merge)
    day = rows[0]["sale_date"]
    late = [dict(rows[0], price_paid=Decimal("42.00")), dict(rows[0], sale_id=777)]  # a correction and a late sale
    for _ in range(2):  # the second run is a rerun of the same input: nothing changes
        write_target(spark, frame(spark, d, late), merge, checkpoint_dir=None)
        back = {r["sale_id"]: r for r in spark.table(merge.catalog_table).collect()}
        assert len(back) == 7
        assert back[rows[0]["sale_id"]]["price_paid"] == Decimal("42.00")
        assert back[777]["sale_date"] == day


def test_projection_template_layout(spark, tmp_path):
    # subscription_events declares locationTemplate ${event_hour}/ (Firehose's YYYY/MM/DD/HH): a job writing
    # such a dataset writes that layout, and registers those locations.
    d = dataset("subscription_events")
    assert d.projection["locationTemplate"] == "${event_hour}/"
    _, target = configs_for(d, database="bronze_billing", path=str(tmp_path / "events"), target_format='parquet',
                            dedup_keys='["event_id"]', derive="{}", renames="{}")
    create_catalog_table(spark, target)
    rows = typed_rows(d, 4)
    written = write_target(spark, frame(spark, d, rows), target)
    hours = sorted({r["event_hour"] for r in rows})
    assert hours == ["2024/03/01/08", "2024/03/01/09"]
    assert data_dirs(target.path) == [f"{h}/" for h in hours]
    assert [loc for _, loc in written.partitions] == [f"{target.path}{h}/" for h in hours]
    back = spark.table(target.catalog_table)
    assert sorted(r["event_hour"] for r in back.collect()) == sorted(r["event_hour"] for r in rows)


def test_unpartitioned_overwrite_replaces_the_table(spark, tmp_path):
    d = dataset("venue")
    _, target = configs_for(d, database="silver_sales", path=str(tmp_path / "venue"))
    create_catalog_table(spark, target)
    write_target(spark, frame(spark, d, typed_rows(d, 5)), target)
    write_target(spark, frame(spark, d, typed_rows(d, 3)), target)
    assert data_dirs(target.path) == [""]
    assert spark.table(target.catalog_table).count() == 3
