"""Bronze -> silver transformations, as pure functions over DataFrames.

The order is fixed and each step is one function:

    normalise_names -> apply_renames -> apply_derive -> check_columns -> cast_and_validate
        -> split (good rows / rejected rows) -> dedup (exact, then by key)

Rules (documented in etl/README.md, asserted by etl/tests):
* A non-null source value that is null after the cast to the declared type is a cast failure. Casts are
  `try_cast`: strict (`'3.7'` is no int, `'1234567.00'` overflows decimal(8,2) and fails) rather than Spark's
  lenient legacy cast, which would truncate silently. Blank strings count as null for non-string targets
  (CSV exports write missing numbers as empty fields).
* A row whose partition key is null after the cast is rejected too: it would land in
  `__HIVE_DEFAULT_PARTITION__`, which no projection and no query on the key finds.
* Rejected rows go to the error output with every failing column and reason, and the source row as JSON:
  nothing is dropped silently.
* Exact duplicates (every target column equal) are dropped and counted. With a declared key, rows that share a
  key but differ elsewhere:
  - with `dedup_order` (e.g. the export date): the greatest wins, the others are superseded versions, dropped
    and counted;
  - without: which one is right is unknown, so one is kept (chosen by content: the same one on every run) and
    the others are rejected with the reason "duplicate key", to be looked at.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from .config import Refine
from .schema import TargetSchema

ERRORS = "_errors"
SOURCE_ROW = "_source_row"
ROW_JSON = "_row_json"
ORDER = "_dedup_order"


class RefineError(ValueError):
    """The source cannot feed the target schema as configured (a configuration error, not a data error)."""


def q(name: str) -> str:
    """Quote an identifier for Spark SQL."""
    return "`" + name.replace("`", "``") + "`"


def normalise_names(df: DataFrame) -> DataFrame:
    """Lowercase and trim column names, as Glue's catalog does (`VendorID` -> `vendorid`)."""
    names = [c.strip().lower() for c in df.columns]
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        raise RefineError(f"source columns differ only in case or spaces: {', '.join(clashes)}")
    return df.toDF(*names)


def apply_renames(df: DataFrame, renames: dict[str, str]) -> DataFrame:
    missing = [src for src in renames if src not in df.columns]
    if missing:
        raise RefineError(f"renames name source columns that do not exist: {', '.join(missing)} (source has {', '.join(df.columns)})")
    return df.select([F.col(q(c)).alias(renames.get(c, c)) for c in df.columns])


def apply_derive(df: DataFrame, derive: dict[str, str]) -> DataFrame:
    """Add or replace columns from Spark SQL expressions over the renamed source columns (before the casts,
    so a derived value that does not fit its declared type is a cast failure like any other)."""
    for name, expression in derive.items():
        df = df.withColumn(name, F.expr(expression))
    return df


def check_columns(df: DataFrame, schema: TargetSchema) -> None:
    missing = [n for n in schema.names if n not in df.columns]
    if missing:
        raise RefineError(
            f"target columns with no source column (rename or derive them): {', '.join(missing)};"
            f" source columns: {', '.join(df.columns)}")


def _source_sql(name: str, source_type: T.DataType, target_type: T.DataType) -> str:
    """The source value as SQL, blanks as null when a string feeds a non-string type."""
    if isinstance(source_type, T.StringType) and not isinstance(target_type, T.StringType):
        return f"CASE WHEN trim({q(name)}) = '' THEN NULL ELSE {q(name)} END"
    return q(name)


def _as_text(col: Column, data_type: T.DataType) -> Column:
    """A source value as short text for an error message."""
    text = F.to_json(col) if isinstance(data_type, (T.StructType, T.ArrayType, T.MapType)) else col.cast("string")
    return F.substring(text, 1, 120)


def cast_and_validate(df: DataFrame, schema: TargetSchema, carry: tuple[str, ...] = ()) -> DataFrame:
    """Cast every target column and add `_errors` (array of reasons, empty when the row is good) and
    `_source_row` (the row before casting, as JSON). Returns the target columns, those two, and `carry`."""
    check_columns(df, schema)
    source_columns = [c for c in df.columns if c not in carry]
    source_types = {f.name: f.dataType for f in df.schema.fields}
    columns = list(schema.all_columns)
    # Three projections, so each source value and each cast is computed once and then referenced by name
    # (a single select would repeat every try_cast in its error test: a much larger generated plan).
    sources = df.select(
        *[F.expr(_source_sql(c.name, source_types[c.name], c.spark_type)).alias(f"_s{i}") for i, c in enumerate(columns)],
        F.to_json(F.struct(*[F.col(q(c)) for c in source_columns])).alias(SOURCE_ROW),
        *[q(c) for c in carry])
    casts = sources.select(
        *[(F.col(f"_s{i}") if source_types[c.name] == c.spark_type
           # try_cast through SQL text: PySpark 3.5's Column has no try_cast (it arrives in Spark 4).
           else F.expr(f"try_cast(_s{i} AS {c.spark_type.simpleString()})")).alias(c.name)
          for i, c in enumerate(columns)],
        *[f"_s{i}" for i in range(len(columns))], SOURCE_ROW, *[q(c) for c in carry])
    partition_names = set(schema.partition_names)
    errors: list[Column] = []
    for i, c in enumerate(columns):
        source, cast = F.col(f"_s{i}"), F.col(q(c.name))
        if source_types[c.name] != c.spark_type:
            errors.append(F.when(source.isNotNull() & cast.isNull(), F.concat(
                F.lit(f"{c.name}: cannot cast '"), _as_text(source, source_types[c.name]), F.lit(f"' to {c.hive_type}"))))
        if c.name in partition_names:
            errors.append(F.when(cast.isNull(), F.lit(f"{c.name}: partition key is null")))
    error_array = (F.filter(F.array(*errors), lambda e: e.isNotNull()) if errors
                   else F.array().cast(T.ArrayType(T.StringType())))
    return casts.select(*[q(c.name) for c in columns], error_array.alias(ERRORS), SOURCE_ROW, *[q(c) for c in carry])


def row_json(schema: TargetSchema) -> Column:
    """The row's target columns as JSON text: a total order and an equality that work for map columns too
    (Spark can neither group nor sort by maps)."""
    return F.to_json(F.struct(*[F.col(q(n)) for n in schema.names]))


@dataclass
class Refined:
    good: DataFrame        # target columns only, one row per key (or per distinct row)
    rejected: DataFrame    # _errors, _source_row
    duplicates: DataFrame  # exact duplicates and superseded versions: dropped, counted
    validated: DataFrame   # every row cast, with its errors: cached, good/rejected/duplicates all read it

    def unpersist(self) -> None:
        self.validated.unpersist()


def split(validated: DataFrame, schema: TargetSchema, carry: tuple[str, ...] = ()) -> tuple[DataFrame, DataFrame]:
    good = validated.where(F.size(ERRORS) == 0).select(*[q(n) for n in schema.names], *[q(c) for c in carry])
    bad = validated.where(F.size(ERRORS) > 0).select(ERRORS, SOURCE_ROW)
    return good, bad


def dedup(good: DataFrame, schema: TargetSchema, keys: tuple[str, ...],
          ordered: bool = False) -> tuple[DataFrame, DataFrame, DataFrame]:
    """Returns (kept rows, dropped duplicates, key conflicts rejected as _errors/_source_row). With `ordered`,
    `good` has an `_dedup_order` column: the greatest per key wins and the others count as duplicates."""
    with_json = good.withColumn(ROW_JSON, row_json(schema))
    # Exact duplicates: number the copies of each identical row; copy 1 stays.
    copies = Window.partitionBy(ROW_JSON).orderBy(*([F.col(ORDER).desc()] if ordered else [ROW_JSON]))
    numbered = with_json.withColumn("_copy", F.row_number().over(copies))
    distinct = numbered.where("_copy = 1").drop("_copy")
    exact = numbered.where("_copy > 1").select(*[q(n) for n in schema.names])
    if not keys:
        return distinct.select(*[q(n) for n in schema.names]), exact, _empty_rejects(good)
    order = ([F.col(ORDER).desc_nulls_last()] if ordered else []) + [F.col(ROW_JSON).desc()]
    by_key = Window.partitionBy(*[q(k) for k in keys]).orderBy(*order)
    ranked = distinct.withColumn("_rank", F.row_number().over(by_key))
    kept = ranked.where("_rank = 1").select(*[q(n) for n in schema.names])
    losers = ranked.where("_rank > 1")
    if ordered:
        return kept, exact.unionByName(losers.select(*[q(n) for n in schema.names])), _empty_rejects(good)
    key_text = ", ".join(keys)
    conflicts = losers.select(
        F.array(F.concat(F.lit(f"duplicate key ({key_text}) = "), F.to_json(F.struct(*[q(k) for k in keys])),
                         F.lit(": another row with this key was kept"))).alias(ERRORS),
        F.col(ROW_JSON).alias(SOURCE_ROW))
    return kept, exact, conflicts


def _empty_rejects(df: DataFrame) -> DataFrame:
    return df.sparkSession.range(0).select(F.array().cast(T.ArrayType(T.StringType())).alias(ERRORS),
                                           F.lit(None).cast(T.StringType()).alias(SOURCE_ROW))


def with_order(df: DataFrame, order: tuple[str, ...]) -> DataFrame:
    """`_dedup_order`: the order expressions as one sortable struct (a struct compares field by field)."""
    fields = [F.expr(expression).alias(f"o{i}") for i, expression in enumerate(order)]
    return df.withColumn(ORDER, F.struct(*fields))


def refine(source: DataFrame, config: Refine) -> Refined:
    """The whole bronze -> silver transformation (no I/O)."""
    df = normalise_names(source)
    df = apply_renames(df, config.renames)
    df = apply_derive(df, config.derive)
    carry: tuple[str, ...] = ()
    if config.dedup_order:
        df, carry = with_order(df, config.dedup_order), (ORDER,)
    # Cached: the job counts, writes and rejects from it, and the casts should run once per row, not per action.
    validated = cast_and_validate(df, config.schema, carry).persist(StorageLevel.MEMORY_AND_DISK)
    good, bad = split(validated, config.schema, carry)
    kept, duplicates, conflicts = dedup(good, config.schema, config.dedup_keys, ordered=bool(carry))
    return Refined(good=kept, rejected=bad.unionByName(conflicts), duplicates=duplicates, validated=validated)
