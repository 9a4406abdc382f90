#!/usr/bin/env bash
# Creates (or reuses) the ETL's virtual environment at <repo>/.venv-etl from etl/requirements.txt.
# Idempotent: a stamp in the venv holds the hash of the requirements and the interpreter's version; when both
# match, this exits at once. Anything else (first run, a changed pin, a broken venv) rebuilds it from scratch,
# so a venv never holds a mix of old and new pins.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ETL_VENV:-$ROOT/.venv-etl}"
REQ="$ROOT/etl/requirements.txt"

# Glue 5.0 runs Python 3.11: prefer that interpreter by name, else python3 (checked below).
PY="${ETL_PYTHON:-$(command -v python3.11 || command -v python3)}"
PY_VERSION="$("$PY" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
case "$PY_VERSION" in
  3.11.*) ;;
  *) echo "setup-venv: Glue 5.0 runs Python 3.11; $PY is $PY_VERSION (set ETL_PYTHON to a 3.11 interpreter)" >&2; exit 1 ;;
esac
command -v java >/dev/null || { echo "setup-venv: Spark needs Java 17 (Glue 5.0's) on PATH; none found" >&2; exit 1; }

WANT="$(sha256sum "$REQ" | cut -d' ' -f1) python-$PY_VERSION"
STAMP="$VENV/.etl-requirements.stamp"
if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]]; then
  exit 0
fi

echo "setup-venv: building $VENV (python $PY_VERSION, $(basename "$REQ") ${WANT%% *})" >&2
rm -rf "$VENV"
"$PY" -m venv "$VENV"
# --no-deps + hashes: exactly the pinned files, nothing resolved behind our back. pip's wheel cache keeps the
# pyspark wheel it builds from the sdist, so a rebuild on the same machine does not build it again.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r "$REQ"
"$VENV/bin/python" -c 'import pyspark, yaml, pytest; assert pyspark.__version__ == "3.5.4", pyspark.__version__'
echo "$WANT" > "$STAMP"
echo "setup-venv: ready" >&2
