"""Hive/Athena type strings (as dataset files declare them) -> Spark SQL types.

A small recursive-descent parser, pure Python, so the mapping is explicit and testable without a JVM:

    string, varchar(n), char(n)      -> StringType   (Spark reads Hive varchar/char as string; lengths are
                                                       Athena-side only and not enforced in Parquet)
    tinyint smallint int|integer bigint -> ByteType ShortType IntegerType LongType
    float|real double                -> FloatType DoubleType
    decimal(p,s)                     -> DecimalType(p, s)   (a bare `decimal` is refused, as the loader does)
    boolean binary date timestamp    -> BooleanType BinaryType DateType TimestampType
    array<T> map<K,V> struct<n:T,..> -> ArrayType MapType StructType (nullable elements, values and fields)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyspark.sql import types as T

_PRIMITIVES: dict[str, T.DataType] = {
    "string": T.StringType(),
    "tinyint": T.ByteType(),
    "smallint": T.ShortType(),
    "int": T.IntegerType(),
    "integer": T.IntegerType(),
    "bigint": T.LongType(),
    "float": T.FloatType(),
    "real": T.FloatType(),
    "double": T.DoubleType(),
    "boolean": T.BooleanType(),
    "binary": T.BinaryType(),
    "date": T.DateType(),
    "timestamp": T.TimestampType(),
}

_TOKEN = re.compile(r"\s*(?:([A-Za-z_][A-Za-z0-9_]*)|(\d+)|([<>(),:]))")


class HiveTypeError(ValueError):
    """A type string that is not a Hive/Athena type the platform accepts."""


@dataclass
class _Tokens:
    text: str
    items: list[str]
    pos: int = 0

    def peek(self) -> str | None:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (expected is not None and tok != expected):
            want = f"'{expected}'" if expected else "a type"
            raise HiveTypeError(f"expected {want} at token {self.pos} of '{self.text}', got {tok!r}")
        self.pos += 1
        return tok


def _tokenize(text: str) -> _Tokens:
    items: list[str] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            raise HiveTypeError(f"unexpected character {text[pos]!r} in type '{text}'")
        items.append(m.group(m.lastindex or 0))
        pos = m.end()
    return _Tokens(text, items)


def _int(tokens: _Tokens) -> int:
    tok = tokens.take()
    if not tok.isdigit():
        raise HiveTypeError(f"expected a number in '{tokens.text}', got {tok!r}")
    return int(tok)


def _parse(tokens: _Tokens) -> T.DataType:
    name = tokens.take().lower()
    if name in _PRIMITIVES:
        return _PRIMITIVES[name]
    if name in ("varchar", "char"):
        # Lengths matter to Athena's DDL only; Spark and Parquet carry strings.
        tokens.take("(")
        _int(tokens)
        tokens.take(")")
        return T.StringType()
    if name == "decimal":
        if tokens.peek() != "(":
            raise HiveTypeError(f"decimal needs (precision,scale) in '{tokens.text}': a bare decimal is decimal(10,0)")
        tokens.take("(")
        precision = _int(tokens)
        tokens.take(",")
        scale = _int(tokens)
        tokens.take(")")
        if not 1 <= precision <= 38 or not 0 <= scale <= precision:
            raise HiveTypeError(f"decimal({precision},{scale}) needs precision 1-38 and scale 0-precision")
        return T.DecimalType(precision, scale)
    if name == "array":
        tokens.take("<")
        element = _parse(tokens)
        tokens.take(">")
        return T.ArrayType(element, containsNull=True)
    if name == "map":
        tokens.take("<")
        key = _parse(tokens)
        tokens.take(",")
        value = _parse(tokens)
        tokens.take(">")
        return T.MapType(key, value, valueContainsNull=True)
    if name == "struct":
        tokens.take("<")
        fields: list[T.StructField] = []
        while True:
            field_name = tokens.take()
            tokens.take(":")
            fields.append(T.StructField(field_name.lower(), _parse(tokens), nullable=True))
            if tokens.peek() == ",":
                tokens.take(",")
                continue
            tokens.take(">")
            return T.StructType(fields)
    raise HiveTypeError(f"unknown type '{name}' in '{tokens.text}'")


def spark_type(hive_type: str) -> T.DataType:
    """The Spark type a Hive/Athena type string is read and written as."""
    tokens = _tokenize(hive_type)
    result = _parse(tokens)
    if tokens.peek() is not None:
        raise HiveTypeError(f"unexpected {tokens.peek()!r} after the type in '{hive_type}'")
    return result


def is_complex(data_type: T.DataType) -> bool:
    return isinstance(data_type, (T.ArrayType, T.MapType, T.StructType))
