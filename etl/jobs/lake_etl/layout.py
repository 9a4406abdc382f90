"""Partition paths: Spark/Hive's `key=value/` layout, or a projection's `locationTemplate`.

Pure string functions, so the path a job writes, the LOCATION it registers in the catalog and the path Athena's
projection computes are the same by construction (and testable without Spark).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Mapping, Sequence

# The characters Spark escapes in partition directory names (ExternalCatalogUtils.escapePathName), as %XX.
_ESCAPED = {chr(c) for c in range(0x01, 0x20)} | set('"#%\'*/:=?\\\x7f{[]^')
_KEY = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def escape_path_name(value: str) -> str:
    return "".join(f"%{ord(ch):02X}" if ch in _ESCAPED else ch for ch in value)


def partition_text(value: Any) -> str:
    """A partition value as text, the way Spark writes it in a path and Athena's projection formats it."""
    if value is None:
        raise ValueError("a partition value is null (such rows are rejected before the write)")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def hive_path(keys: Sequence[str], values: Mapping[str, Any]) -> str:
    """`k1=v1/k2=v2/`, escaped as Spark escapes it."""
    return "".join(f"{escape_path_name(k)}={escape_path_name(partition_text(values[k]))}/" for k in keys)


def template_keys(template: str) -> list[str]:
    return _KEY.findall(template)


def render_template(template: str, values: Mapping[str, Any]) -> str:
    """A projection `locationTemplate` (relative to the table location) with each ${key} replaced by its value,
    unescaped: Athena substitutes the formatted value as it is (e.g. `2024/01/15/10` for `${event_hour}`)."""
    def value(match: re.Match[str]) -> str:
        return partition_text(values[match.group(1)])
    rendered = _KEY.sub(value, template)
    return rendered if rendered.endswith("/") else rendered + "/"


def partition_location(base: str, keys: Sequence[str], values: Mapping[str, Any], template: str | None) -> str:
    base = base.rstrip("/") + "/"
    return base + (render_template(template, values) if template is not None else hive_path(keys, values))


def sql_literal(value: Any) -> str:
    return "'" + partition_text(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def add_partitions_sql(table: str, keys: Sequence[str], partitions: Sequence[tuple[Mapping[str, Any], str]],
                       batch: int = 100) -> list[str]:
    """`ALTER TABLE ... ADD IF NOT EXISTS PARTITION (...) LOCATION '...'` statements, `batch` partitions each.

    Run through Spark SQL against the Glue Data Catalog (`--enable-glue-datacatalog`), this registers exactly the
    partitions the job wrote: no crawler, no MSCK REPAIR (which lists the whole prefix). IF NOT EXISTS makes it
    idempotent: a rerun that rewrites a partition re-registers nothing."""
    statements = []
    for start in range(0, len(partitions), batch):
        specs = []
        for values, location in partitions[start:start + batch]:
            spec = ", ".join(f"`{k}` = {sql_literal(values[k])}" for k in keys)
            specs.append(f"PARTITION ({spec}) LOCATION {sql_literal(location)}")
        statements.append(f"ALTER TABLE {table} ADD IF NOT EXISTS " + " ".join(specs))
    return statements
