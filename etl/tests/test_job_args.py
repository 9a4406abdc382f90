"""The argument lists of the Glue entry points: one list per script, read without awsglue, and every argument
the configuration reads is in it (and none is declared but unused)."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lake_datasets import ETL, bronze_to_silver_args, dataset, job_datasets, silver_to_gold_args
from lake_etl.config import ArgumentError, inputs_from_args, refine_from_args, target_from_args

TOOL = ETL / "tools" / "job_args.py"
GLUE_PROVIDED = {"JOB_NAME", "JOB_RUN_ID"}


def tool_output() -> dict:
    out = subprocess.run([sys.executable, str(TOOL)], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def script_args(script: str) -> list[str]:
    tree = ast.parse((ETL / "jobs" / f"{script}.py").read_text())
    (node,) = [n for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "ARGS"]
    return [e.value for e in node.value.elts]


class Strict(dict):
    """getResolvedOptions' result, recording what the job reads; a key outside the list is a KeyError."""

    def __init__(self, values, allowed):
        super().__init__({k: v for k, v in values.items() if k in allowed})
        self.read = set()
        self.allowed = set(allowed)

    def __getitem__(self, key):
        if key not in self.allowed:
            raise KeyError(f"the job reads --{key}, which its ARGS list does not declare")
        self.read.add(key)
        return super().__getitem__(key)


def script_reads(script: str) -> set[str]:
    tree = ast.parse((ETL / "jobs" / f"{script}.py").read_text())
    return {n.slice.value for n in ast.walk(tree) if isinstance(n, ast.Subscript)
            and isinstance(n.value, ast.Name) and n.value.id == "args" and isinstance(n.slice, ast.Constant)}


def test_tool_prints_each_scripts_list():
    out = tool_output()
    assert set(out) == {"bronze_to_silver", "silver_to_gold"}
    for script, info in out.items():
        assert info["script"] == f"etl/jobs/{script}.py"
        assert info["args"] == script_args(script)
        assert info["glueProvided"] == ["JOB_NAME", "JOB_RUN_ID"]
        assert info["jobArguments"] == [f"--{a}" for a in info["args"] if a not in GLUE_PROVIDED]


def test_tool_needs_no_awsglue_or_pyspark(tmp_path):
    # Run from an interpreter without the venv's packages: the tool only parses.
    env_python = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable
    subprocess.run([env_python, "-S", str(TOOL)], check=True, capture_output=True)


def test_tool_refuses_a_script_reading_an_undeclared_argument(tmp_path):
    bad = tmp_path / "bad_job.py"
    bad.write_text('ARGS = ["JOB_NAME"]\n\ndef main():\n    args = getResolvedOptions(sys.argv, ARGS)\n    print(args["oops"])\n')
    result = subprocess.run([sys.executable, str(TOOL), str(bad)], capture_output=True, text=True)
    assert result.returncode == 1 and "oops" in result.stderr


@pytest.mark.parametrize("d", job_datasets("bronze_to_silver"), ids=lambda d: d.name)
def test_bronze_to_silver_reads_exactly_its_arguments(d):
    allowed = script_args("bronze_to_silver")
    values = bronze_to_silver_args(d, source_database="bronze_db", target_database="silver_db",
                                   target_path="s3://bucket/x/", error_path="s3://bucket/errors/x/",
                                   temp_dir="s3://bucket/tmp/")
    assert set(values) == set(allowed), "the reference mapping passes exactly the declared arguments"
    args = Strict(values, allowed)
    target = target_from_args(args)
    refine_from_args(args, target.schema)
    read = args.read | script_reads("bronze_to_silver")
    assert read == set(allowed), f"declared but never read: {set(allowed) - read}"


@pytest.mark.parametrize("d", job_datasets("silver_to_gold"), ids=lambda d: d.name)
def test_silver_to_gold_reads_exactly_its_arguments(d):
    allowed = script_args("silver_to_gold")
    values = silver_to_gold_args(d, input_databases={n: "db" for n in ("sales", "venue", "ticket_sales")},
                                 target_database="gold_db", target_path="s3://bucket/g/",
                                 sql_path="s3://bucket/sql/x.sql", temp_dir="s3://bucket/tmp/")
    assert set(values) == set(allowed)
    args = Strict(values, allowed)
    target_from_args(args)
    inputs_from_args(args)
    read = args.read | script_reads("silver_to_gold")
    assert read == set(allowed), f"declared but never read: {set(allowed) - read}"


def test_arguments_are_validated_with_their_name():
    d = dataset("taxi_trips")
    values = bronze_to_silver_args(d, source_database="b", target_database="s", target_path="s3://b/t/",
                                   error_path="s3://b/e/", temp_dir="s3://b/tmp/")
    with pytest.raises(ArgumentError, match="--dedup_keys"):
        target_from_args({**values, "dedup_keys": "[]"})  # iceberg needs the MERGE key
    with pytest.raises(ArgumentError, match="--renames must be JSON"):
        refine_from_args({**values, "renames": "vendorid=vendor_id"}, target_from_args(values).schema)
    with pytest.raises(ArgumentError, match="--write_mode"):
        target_from_args({**values, "write_mode": "append"})
    with pytest.raises(ArgumentError, match="--derive defines columns"):
        refine_from_args({**values, "derive": '{"nope": "1"}'}, target_from_args(values).schema)


def test_every_job_written_dataset_has_a_script():
    from lake_datasets import all_datasets
    scripted = {d.name for d in job_datasets("bronze_to_silver")} | {d.name for d in job_datasets("silver_to_gold")}
    jobs = {d.name for d in all_datasets().values() if d.source.get("type") == "job"}
    assert jobs == scripted, f"job datasets with neither one bronze input nor a SQL file: {jobs - scripted}"


def test_job_fields_are_known():
    from lake_datasets import JOB_FIELDS, all_datasets
    for d in all_datasets().values():
        unknown = set(d.job) - set(JOB_FIELDS)
        assert not unknown, f"{d.name}: unknown job fields {unknown} (known: {', '.join(JOB_FIELDS)})"
