"""The dataset files the tests run on, and the job arguments the platform derives from them.

Datasets are read from stacks/datasets/<domain>/<name>.yaml, the files the platform deploys. A job's own fields
(renames, derive, key, dedupOrder, writeMode) are the dataset's `source` block; a gold dataset's SQL is
`<name>.sql` beside the dataset file.

`bronze_to_silver_args` / `silver_to_gold_args` are the reference for what the platform passes: the same
mapping the TypeScript job resources must implement (etl/README.md has it as a table).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from lake_etl.schema import target_schema_json as schema_json

ETL = Path(__file__).resolve().parent.parent
REPO = ETL.parent
DATASETS = REPO / "stacks" / "datasets"
JOB_FIELDS = ("renames", "derive", "key", "dedupOrder", "writeMode")


@dataclass(frozen=True)
class Dataset:
    name: str
    path: Path
    data: dict[str, Any]

    @property
    def domain(self) -> str:
        return self.data["domain"]

    @property
    def layer(self) -> str:
        return {"raw": "bronze"}.get(self.data["layer"], self.data["layer"])

    @property
    def format(self) -> str:
        return self.data.get("format", "parquet")

    @property
    def source(self) -> dict[str, Any]:
        return self.data.get("source") or {"type": "s3"}

    @property
    def inputs(self) -> list[str]:
        return list(self.source.get("inputs") or [])

    @property
    def projection(self) -> dict[str, Any] | None:
        return self.data.get("projection")

    @property
    def job(self) -> dict[str, Any]:
        """The job's own fields, as the dataset file's `source` declares them."""
        return {k: self.source[k] for k in JOB_FIELDS if k in self.source}

    @property
    def sql_path(self) -> Path | None:
        candidate = self.path.with_suffix(".sql")
        return candidate if candidate.is_file() else None


@lru_cache(maxsize=1)
def all_datasets() -> dict[str, Dataset]:
    found: dict[str, Dataset] = {}
    for path in sorted(DATASETS.glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text())
        found[data["name"]] = Dataset(data["name"], path, data)
    return found


def dataset(name: str) -> Dataset:
    return all_datasets()[name]


def job_datasets(script: str) -> list[Dataset]:
    """Job-written datasets run by `script`: bronze_to_silver reads one bronze input and has no SQL file;
    silver_to_gold has a SQL file over its inputs."""
    result = []
    for d in all_datasets().values():
        if d.source.get("type") != "job":
            continue
        has_sql = d.sql_path is not None
        bronze_inputs = [i for i in d.inputs if i in all_datasets() and dataset(i).layer == "bronze"]
        if script == "silver_to_gold" and has_sql:
            result.append(d)
        if script == "bronze_to_silver" and not has_sql and len(bronze_inputs) == 1:
            result.append(d)
    return result


def refine_input(d: Dataset) -> Dataset:
    """The one bronze input of a bronze_to_silver dataset."""
    (name,) = d.inputs
    return dataset(name)


def target_schema_json(d: Dataset) -> str:
    return schema_json(d.data)


def location_template(d: Dataset) -> str | None:
    return (d.projection or {}).get("locationTemplate")


def target_args(d: Dataset, *, database: str, path: str) -> dict[str, str]:
    job = d.job
    fmt = d.format
    return {
        "target_database": database,
        "target_table": d.name,
        "target_path": path,
        "target_format": fmt,
        "target_schema": target_schema_json(d),
        "location_template": json.dumps(location_template(d)),
        "write_mode": job.get("writeMode", "merge" if fmt == "iceberg" else "overwrite"),
        "dedup_keys": json.dumps(job.get("key", [])),
    }


def bronze_to_silver_args(d: Dataset, *, source_database: str, target_database: str, target_path: str,
                          error_path: str, temp_dir: str, run_id: str = "jr_test") -> dict[str, str]:
    """What the platform passes to bronze_to_silver for dataset `d` (plus Glue's own JOB_NAME/JOB_RUN_ID)."""
    job = d.job
    source = refine_input(d)
    return {
        "JOB_NAME": d.source["job"],
        "JOB_RUN_ID": run_id,
        "TempDir": temp_dir,
        "source_database": source_database,
        "source_table": source.name,
        **target_args(d, database=target_database, path=target_path),
        "renames": json.dumps(job.get("renames", {})),
        "derive": json.dumps(job.get("derive", {})),
        "dedup_order": json.dumps(job.get("dedupOrder", [])),
        "error_path": error_path,
    }


def silver_to_gold_args(d: Dataset, *, input_databases: dict[str, str], target_database: str, target_path: str,
                        sql_path: str, temp_dir: str, run_id: str = "jr_test") -> dict[str, str]:
    inputs = [{"name": n, "database": input_databases[n], "table": n} for n in d.inputs]
    return {
        "JOB_NAME": d.source["job"],
        "JOB_RUN_ID": run_id,
        "TempDir": temp_dir,
        "inputs": json.dumps(inputs),
        "sql_path": sql_path,
        **target_args(d, database=target_database, path=target_path),
    }
