"""Job arguments -> typed configuration, without Glue.

Glue passes every argument as a string and `getResolvedOptions` fails on a missing one, so every argument a
script declares is always passed; values that may be absent are JSON (`null`, `[]`, `{}`), never an empty
string. These functions take the dict `getResolvedOptions` returns and validate it before Spark does any work,
so a wrong argument fails the run in its first second with the argument's name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from .schema import TargetSchema, parse_target_schema

FORMATS = ("parquet", "orc", "iceberg")
WRITE_MODES = ("overwrite", "merge")
ICEBERG_CATALOG = "glue_catalog"


class ArgumentError(ValueError):
    """A job argument with a value the job cannot use; the message names the argument."""


def json_arg(args: Mapping[str, str], name: str, kind: type, *, nullable: bool = False) -> Any:
    raw = args[name]
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as e:
        raise ArgumentError(f"--{name} must be JSON ({e.msg} at {e.pos}): {raw[:200]!r}") from e
    if value is None and nullable:
        return None
    if not isinstance(value, kind):
        raise ArgumentError(f"--{name} must be a JSON {kind.__name__}{' or null' if nullable else ''}, got {raw[:200]!r}")
    return value


def choice_arg(args: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    value = args[name].strip().lower()
    if value not in choices:
        raise ArgumentError(f"--{name} must be one of {', '.join(choices)}, got {args[name]!r}")
    return value


def string_list(value: list[Any], name: str) -> list[str]:
    if not all(isinstance(v, str) and v for v in value):
        raise ArgumentError(f"--{name} must be a JSON list of column names, got {value!r}")
    return [v.lower() for v in value]


def string_map(value: dict[str, Any], name: str) -> dict[str, str]:
    if not all(isinstance(k, str) and isinstance(v, str) and v for k, v in value.items()):
        raise ArgumentError(f"--{name} must be a JSON object of strings, got {value!r}")
    return dict(value)


@dataclass(frozen=True)
class Target:
    """Where and how a job writes its dataset."""

    database: str
    table: str
    path: str
    format: str
    schema: TargetSchema
    # Relative to `path`, with ${key} per partition key; None = Spark/Hive's key=value/ layout.
    location_template: str | None = None
    write_mode: str = "overwrite"
    keys: tuple[str, ...] = ()
    iceberg_catalog: str = ICEBERG_CATALOG

    @property
    def iceberg_table(self) -> str:
        return f"{self.iceberg_catalog}.`{self.database}`.`{self.table}`"

    @property
    def catalog_table(self) -> str:
        return f"`{self.database}`.`{self.table}`"


@dataclass(frozen=True)
class Refine:
    """How a bronze frame becomes the silver schema."""

    schema: TargetSchema
    renames: dict[str, str] = field(default_factory=dict)
    derive: dict[str, str] = field(default_factory=dict)
    dedup_keys: tuple[str, ...] = ()
    # Spark SQL expressions over the renamed source columns; among rows sharing a key the greatest wins (the
    # newest export, the latest updated_at) and the others are superseded. Without an order they are rejected.
    dedup_order: tuple[str, ...] = ()


def _check_target(t: Target) -> Target:
    names = set(t.schema.names)
    unknown = [k for k in t.keys if k not in names]
    if unknown:
        raise ArgumentError(f"--dedup_keys names columns the target schema lacks: {', '.join(unknown)}")
    if t.format == "iceberg":
        if not t.keys:
            raise ArgumentError("an iceberg target is written with MERGE INTO on a key: --dedup_keys must name it")
        if t.write_mode != "merge":
            raise ArgumentError("an iceberg target is written with MERGE INTO: --write_mode must be merge")
        if t.location_template is not None:
            raise ArgumentError("an iceberg table tracks its own partitions: --location_template must be null")
    if t.write_mode == "merge" and t.format != "iceberg" and not t.keys and t.schema.partition_keys == ():
        # Merging whole-table without a key would only ever grow the table with every run.
        raise ArgumentError("--write_mode merge on an unpartitioned table needs --dedup_keys")
    if t.location_template is not None:
        missing = [k for k in t.schema.partition_names if "${" + k + "}" not in t.location_template]
        extra = t.location_template.startswith("s3://") or t.location_template.startswith("/")
        if missing or extra:
            raise ArgumentError(
                "--location_template must be relative to --target_path and hold ${key} for every partition key"
                f" (missing: {', '.join(missing) or 'none'}): {t.location_template!r}")
    return t


def target_from_args(args: Mapping[str, str]) -> Target:
    schema = parse_target_schema(args["target_schema"])
    path = args["target_path"].rstrip("/") + "/"
    return _check_target(Target(
        database=args["target_database"],
        table=args["target_table"],
        path=path,
        format=choice_arg(args, "target_format", FORMATS),
        schema=schema,
        location_template=json_arg(args, "location_template", str, nullable=True),
        write_mode=choice_arg(args, "write_mode", WRITE_MODES),
        keys=tuple(string_list(json_arg(args, "dedup_keys", list), "dedup_keys")),
    ))


def refine_from_args(args: Mapping[str, str], schema: TargetSchema) -> Refine:
    renames = {k.lower(): v.lower() for k, v in string_map(json_arg(args, "renames", dict), "renames").items()}
    derive = {k.lower(): v for k, v in string_map(json_arg(args, "derive", dict), "derive").items()}
    names = set(schema.names)
    stray = [n for n in derive if n not in names]
    if stray:
        raise ArgumentError(f"--derive defines columns the target schema lacks: {', '.join(stray)}")
    keys = tuple(string_list(json_arg(args, "dedup_keys", list), "dedup_keys"))
    order = json_arg(args, "dedup_order", list)
    if not all(isinstance(o, str) and o.strip() for o in order):
        raise ArgumentError(f"--dedup_order must be a JSON list of Spark SQL expressions, got {order!r}")
    if order and not keys:
        raise ArgumentError("--dedup_order orders rows that share a key: it needs --dedup_keys")
    return Refine(schema=schema, renames=renames, derive=derive, dedup_keys=keys, dedup_order=tuple(order))


@dataclass(frozen=True)
class Input:
    """A dataset a gold job's SQL reads, registered as a temp view named after the dataset."""

    name: str
    database: str
    table: str


def inputs_from_args(args: Mapping[str, str]) -> list[Input]:
    items = json_arg(args, "inputs", list)
    inputs = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) and item.get(k) for k in ("name", "database", "table")):
            raise ArgumentError(f"--inputs[{i}] must be {{name, database, table}}, got {item!r}")
        inputs.append(Input(item["name"], item["database"], item["table"]))
    if len({i.name for i in inputs}) != len(inputs):
        raise ArgumentError("--inputs names a dataset twice")
    return inputs
