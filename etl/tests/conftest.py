"""One local Spark session for the whole run, configured like a Glue 5.0 job (lake_etl.pipeline.SESSION_CONF)
and fully local: local[2], no UI, one shuffle partition, warehouse, Hive metastore (Derby, standing in for the
Glue Data Catalog) and Iceberg warehouse in a temp dir.

Iceberg 1.7.1 (Glue 5.0's) and spark-avro 3.5.4 come from Maven Central through spark.jars.packages, cached in
the user's Ivy directory (~/.ivy2) after the first run. If they can't be resolved (no registry, or
LAKE_ETL_SPARK_PACKAGES=0), the session starts without them and the tests that need them skip, saying why.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ETL = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ETL / "jobs"), str(ETL / "tests")]

from pyspark.sql import SparkSession  # noqa: E402

from lake_etl.pipeline import SESSION_CONF  # noqa: E402

PACKAGES_FILE = ETL / "spark-packages.txt"
ICEBERG_CATALOG = "local"
_packages_problem: str | None = None


def spark_packages() -> list[str]:
    lines = PACKAGES_FILE.read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _builder(base: Path, packages: list[str]) -> SparkSession.Builder:
    builder = (
        SparkSession.builder.master("local[2]")
        .appName("lake-etl-tests")
        .config("spark.ui.enabled", "false")
        # Tens of rows: one shuffle partition (tasks, not data, cost the time here).
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.warehouse.dir", str(base / "warehouse"))
        .config("spark.driver.memory", "2g")
        # One GC thread: the second core is left to Spark's second task slot. C1 only (TieredStopAtLevel=1): a
        # test run is too short for C2's optimised code to repay compiling it; this cut the run's CPU by a third.
        # The JIT tier changes speed, never results.
        .config("spark.driver.extraJavaOptions",
                f"-Dderby.system.home={base / 'derby'} -XX:+UseSerialGC -XX:TieredStopAtLevel=1")
        .config("spark.hadoop.javax.jdo.option.ConnectionURL",
                f"jdbc:derby:;databaseName={base / 'metastore_db'};create=true")
        # Tiny data: don't wait for locality, don't re-plan adaptively.
        .config("spark.locality.wait", "0")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .enableHiveSupport()
    )
    if os.environ.get("LAKE_ETL_CODEGEN") != "1":
        # Rows are counted in tens: compiling generated code for every stage costs seconds and saves nothing.
        # Interpreted evaluation has the same semantics (Spark's own suites run both); LAKE_ETL_CODEGEN=1 runs
        # the tests with code generation on, as Glue does.
        builder = (builder.config("spark.sql.codegen.wholeStage", "false")
                   .config("spark.sql.codegen.factoryMode", "NO_CODEGEN"))
    for key, value in SESSION_CONF.items():
        builder = builder.config(key, value)
    if packages:
        builder = (
            builder.config("spark.jars.packages", ",".join(packages))
            .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
            .config(f"spark.sql.catalog.{ICEBERG_CATALOG}", "org.apache.iceberg.spark.SparkCatalog")
            .config(f"spark.sql.catalog.{ICEBERG_CATALOG}.type", "hadoop")
            .config(f"spark.sql.catalog.{ICEBERG_CATALOG}.warehouse", str(base / "iceberg"))
        )
    return builder


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> SparkSession:
    global _packages_problem
    base = tmp_path_factory.mktemp("spark")
    packages = spark_packages()
    if os.environ.get("LAKE_ETL_SPARK_PACKAGES") == "0":
        packages, _packages_problem = [], "LAKE_ETL_SPARK_PACKAGES=0: Iceberg and Avro jars not loaded"
    try:
        session = _builder(base, packages).getOrCreate()
    except Exception as e:  # the JVM exits when Ivy cannot resolve a package
        if not packages:
            raise
        _packages_problem = f"could not resolve {', '.join(packages)} from Maven Central: {str(e).splitlines()[0][:300]}"
        session = _builder(base, []).getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def iceberg(spark: SparkSession) -> str:
    """The local Iceberg catalog's name; skips when the Iceberg runtime is not on the classpath."""
    if _packages_problem:
        pytest.skip(f"Iceberg runtime unavailable: {_packages_problem}")
    return ICEBERG_CATALOG


@pytest.fixture(scope="session")
def avro(spark: SparkSession) -> str:
    if _packages_problem:
        pytest.skip(f"spark-avro unavailable: {_packages_problem}")
    return "avro"
