"""The sales (TICKIT) pipeline end to end, as the Glue jobs run it: CSV files landed in bronze -> venue and
sales (bronze_to_silver) -> ticket_sales -> venue_sales_daily (silver_to_gold, each reading what the previous
job registered in the catalog), with the error output, the layout and the catalog partitions checked."""

import json
from decimal import Decimal

import pytest
from pyspark.sql import functions as F

from helpers import configs_for, create_catalog_table, data_dirs, json_lines
from lake_datasets import dataset, refine_input
from lake_etl.pipeline import bronze_to_silver, silver_to_gold
from lake_etl.sql import read_sql_file
from samples import bronze_sample, read_bronze_files, write_bronze_files


@pytest.fixture(scope="module")
def lake(spark, tmp_path_factory):
    root = tmp_path_factory.mktemp("lake")
    reports = {}
    targets = {}
    for name in ("venue", "sales"):
        d = dataset(name)
        bronze = refine_input(d)
        sample = bronze_sample(d)
        landed = str(root / "bronze" / bronze.name)
        write_bronze_files(spark, bronze, sample.rows, landed)
        refine, target = configs_for(d, database="silver_sales", path=str(root / "silver" / name))
        create_catalog_table(spark, target)
        targets[name] = target
        reports[name] = (sample, bronze_to_silver(
            spark, read_bronze_files(spark, bronze, landed), refine, target,
            error_path=str(root / "errors" / name), run_id="jr_1", checkpoint_dir=str(root / "checkpoints")))
    for name in ("ticket_sales", "venue_sales_daily"):
        d = dataset(name)
        _, target = configs_for(d, database="gold_sales", path=str(root / "gold" / name))
        create_catalog_table(spark, target)
        targets[name] = target
        inputs = {i: spark.table(targets[i].catalog_table) for i in
                  (["sales"] if name == "ticket_sales" else ["ticket_sales", "venue"])}
        reports[name] = silver_to_gold(spark, inputs, read_sql_file(spark, str(d.sql_path)), target)
    return {"root": root, "reports": reports, "targets": targets}


def test_refine_reports_every_row(lake):
    for name in ("venue", "sales"):
        sample, report = lake["reports"][name]
        assert report["rows_in"] == len(sample.rows)
        assert report["written"] == sample.good
        assert report["written"] + report["rejected"] + report["duplicates"] == report["rows_in"]


def test_rejected_rows_land_in_the_error_location_with_their_reason(lake):
    sample, report = lake["reports"]["sales"]
    location = report["error_location"]
    assert location.endswith("/errors/sales/job_run_id=jr_1/")
    errors = json_lines(location)
    assert len(errors) == len(sample.bad) == report["rejected"]
    for _, (column, text) in sample.bad.items():
        matching = [e for e in errors if any(r.startswith(f"{column}: cannot cast '{text}'") for r in e["errors"])]
        assert matching, column
        source = json.loads(matching[0]["source_row"])
        assert text in source.values()  # the original value is kept
    assert all(e["rejected_at"] for e in errors)


def test_silver_layout_and_catalog(lake, spark):
    sales = lake["targets"]["sales"]
    dirs = data_dirs(sales.path)
    assert dirs and all(d.startswith("sale_date=") and d.count("/") == 1 for d in dirs)
    shown = {r[0] + "/" for r in spark.sql(f"SHOW PARTITIONS {sales.catalog_table}").collect()}
    assert shown == set(dirs)
    assert data_dirs(lake["targets"]["venue"].path) == [""]  # unpartitioned (unpartitionedReason)
    assert spark.table(lake["targets"]["venue"].catalog_table).count() == lake["reports"]["venue"][1]["written"]


def test_gold_tables_are_written_and_registered(lake, spark):
    ticket = lake["targets"]["ticket_sales"]
    daily = lake["targets"]["venue_sales_daily"]
    assert lake["reports"]["ticket_sales"]["written"] == lake["reports"]["sales"][1]["written"]
    assert data_dirs(ticket.path) == data_dirs(lake["targets"]["sales"].path)
    total = spark.table(ticket.catalog_table).agg(F.sum("price_paid")).first()[0]
    assert spark.table(daily.catalog_table).agg(F.sum("gross_sales")).first()[0] == total
    assert {r[0] for r in spark.sql(f"SHOW PARTITIONS {daily.catalog_table}").collect()} == \
        {r[0] for r in spark.sql(f"SHOW PARTITIONS {ticket.catalog_table}").collect()}


def test_incremental_run_merges_and_empty_run_writes_nothing(lake, spark):
    d = dataset("sales")
    bronze = refine_input(d)
    refine, target = configs_for(d, database="silver_sales", path=str(lake["targets"]["sales"].path))
    before = {r["sale_id"]: r for r in spark.table(target.catalog_table).collect()}
    sample = bronze_sample(d)
    first = dict(sample.rows[0], pricepaid="77.70", ingest_date="2024-03-10")  # a correction, exported later
    new = dict(sample.rows[2], salesid="555", ingest_date="2024-03-10")     # a late sale
    landed = str(lake["root"] / "bronze" / "sales_run2")
    write_bronze_files(spark, bronze, [first, new], landed)
    for run in ("jr_2", "jr_3"):  # jr_3 reruns the same files (a reset bookmark): same table
        report = bronze_to_silver(spark, read_bronze_files(spark, bronze, landed), refine, target,
                                  error_path=str(lake["root"] / "errors" / "sales"), run_id=run,
                                  checkpoint_dir=str(lake["root"] / "checkpoints"))
        assert report["written"] == 2 and report["rejected"] == 0
        after = {r["sale_id"]: r for r in spark.table(target.catalog_table).collect()}
        assert len(after) == len(before) + 1
        assert after[10_000_000_000]["price_paid"] == Decimal("77.70")
        assert after[555]["sale_date"] == before[10_000_000_002]["sale_date"]
    empty = read_bronze_files(spark, bronze, landed).limit(0)
    report = bronze_to_silver(spark, empty, refine, target, error_path="unused", run_id="jr_4")
    assert report["skipped"] == "no input rows"
    assert spark.table(target.catalog_table).count() == len(before) + 1
