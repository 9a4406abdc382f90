"""silver -> gold: every gold dataset's SQL file runs on sample data built from its inputs' dataset files and
yields exactly the gold dataset's declared columns and types (the data contract checked at PR time)."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from pyspark.sql import types as T

from helpers import configs_for
from lake_datasets import dataset, job_datasets
from lake_etl.pipeline import check_gold_rows, gold_result
from lake_etl.schema import parse_target_schema
from lake_etl.sql import ContractError, contract_problems, read_sql_file, statement
from samples import frame, typed_rows

GOLD = job_datasets("silver_to_gold")


def inputs_for(spark, d, n=6):
    return {name: frame(spark, dataset(name), typed_rows(dataset(name), n)) for name in d.inputs}


def test_the_examples_are_covered():
    assert {d.name for d in GOLD} >= {"ticket_sales", "venue_sales_daily"}


@pytest.mark.parametrize("d", GOLD, ids=lambda d: d.name)
def test_sql_meets_the_declared_schema(spark, tmp_path, d):
    _, target = configs_for(d, database="gold", path=str(tmp_path / d.name))
    sql_text = read_sql_file(spark, str(d.sql_path))  # read as the job reads --sql_path
    result = gold_result(spark, inputs_for(spark, d), sql_text, target)
    declared = target.schema.struct()
    assert [f.name for f in result.schema.fields] == [f.name for f in declared.fields]
    assert contract_problems(result.schema, target.schema) == []
    assert result.count() > 0
    check_gold_rows(result, target)


def test_ticket_sales_values(spark, tmp_path):
    d = dataset("ticket_sales")
    _, target = configs_for(d, database="gold", path=str(tmp_path / "t"))
    sales = typed_rows(dataset("sales"), 6)
    result = {r["sale_id"]: r for r in gold_result(spark, {"sales": frame(spark, dataset("sales"), sales)},
                                                    d.sql_path.read_text(), target).collect()}
    for s in sales:
        expected = (s["price_paid"] * Decimal("0.15")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert result[s["sale_id"]]["commission"] == expected
        assert result[s["sale_id"]]["sale_date"] == s["sale_date"]


def test_venue_sales_daily_values(spark, tmp_path):
    d = dataset("venue_sales_daily")
    _, target = configs_for(d, database="gold", path=str(tmp_path / "v"))
    tickets = typed_rows(dataset("ticket_sales"), 6)
    tickets += [dict(tickets[0], sale_id=99, qty_sold=3, price_paid=Decimal("30.00"), commission=Decimal("4.50"))]
    venues = typed_rows(dataset("venue"), 2)
    venues[0]["venue_seats"] = 0  # "0 when unknown": no utilisation
    result = gold_result(spark, {"ticket_sales": frame(spark, dataset("ticket_sales"), tickets),
                                 "venue": frame(spark, dataset("venue"), venues)}, d.sql_path.read_text(), target)
    rows = {(r["venue_id"], r["sale_date"]): r for r in result.collect()}
    first = rows[(tickets[0]["venue_id"], tickets[0]["sale_date"])]
    assert first["sales_count"] == 2
    assert first["tickets_sold"] == tickets[0]["qty_sold"] + 3
    assert first["gross_sales"] == tickets[0]["price_paid"] + Decimal("30.00")
    assert first["venue_name"] == venues[0]["venue_name"] and first["seat_utilisation"] is None
    second = rows[(tickets[1]["venue_id"], tickets[1]["sale_date"])]
    assert second["seat_utilisation"] == pytest.approx(tickets[1]["qty_sold"] / venues[1]["venue_seats"])
    unknown = rows[(tickets[5]["venue_id"], tickets[5]["sale_date"])]  # no such venue: counted, unnamed
    assert unknown["venue_name"] is None and unknown["sales_count"] == 1


def test_contract_names_every_difference():
    schema = parse_target_schema({"columns": [{"name": "a", "type": "bigint"}, {"name": "b", "type": "decimal(8,2)"}],
                                  "partitionKeys": [{"name": "dt", "type": "string"}]})
    ok = T.StructType([T.StructField("a", T.LongType(), False), T.StructField("b", T.DecimalType(8, 2)),
                       T.StructField("dt", T.StringType())])
    assert contract_problems(ok, schema) == []
    wrong_type = T.StructType([ok["a"], T.StructField("b", T.DecimalType(18, 2)), ok["dt"]])
    assert contract_problems(wrong_type, schema) == [
        "b: the SQL yields decimal(18,2), the dataset declares decimal(8,2) (decimal(8,2)): CAST it in the SQL"]
    assert contract_problems(T.StructType([ok["a"], ok["dt"], T.StructField("x", T.IntegerType())]), schema) == [
        "missing columns: b", "columns not declared in the dataset: x"]
    assert "column order" in contract_problems(T.StructType([ok["b"], ok["a"], ok["dt"]]), schema)[0]


def test_a_sql_change_that_breaks_the_contract_fails(spark, tmp_path):
    d = dataset("ticket_sales")
    _, target = configs_for(d, database="gold", path=str(tmp_path / "t"))
    broken = d.sql_path.read_text().replace("CAST(ROUND(s.price_paid * 0.15, 2) AS DECIMAL(8,2))", "s.price_paid * 0.15")
    with pytest.raises(ContractError, match="commission: the SQL yields decimal"):
        gold_result(spark, inputs_for(spark, d, 2), broken, target)


def test_duplicate_keys_and_null_partitions_fail_the_job(spark, tmp_path):
    d = dataset("ticket_sales")
    _, target = configs_for(d, database="gold", path=str(tmp_path / "t"))
    sales = typed_rows(dataset("sales"), 2)
    dupes = frame(spark, dataset("sales"), [sales[0], dict(sales[0], price_paid=Decimal("1.00"))])
    with pytest.raises(ContractError, match="several rows per key"):
        check_gold_rows(gold_result(spark, {"sales": dupes}, d.sql_path.read_text(), target), target)
    nulls = frame(spark, dataset("sales"), [dict(sales[1], sale_date=None)])
    with pytest.raises(ContractError, match="partition key sale_date is null"):
        check_gold_rows(gold_result(spark, {"sales": nulls}, d.sql_path.read_text(), target), target)


@pytest.mark.parametrize("text, problem", [
    ("", "no query"), ("DROP TABLE x", "not DROP"), ("SELECT 1; SELECT 2", "more than one statement"),
    ("INSERT INTO t SELECT 1", "not INSERT")])
def test_statement_refuses_anything_but_one_query(text, problem):
    with pytest.raises(ValueError, match=problem):
        statement(text)


def test_statement_keeps_the_query():
    assert statement("-- c\nSELECT ';' AS x;\n") == "-- c\nSELECT ';' AS x"
    assert statement("WITH a AS (SELECT 1) SELECT * FROM a") .startswith("WITH")
