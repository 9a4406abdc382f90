#!/usr/bin/env bash
# Runs the ETL's Spark tests (etl/tests) on local Spark, creating .venv-etl first if needed.
# Extra arguments go to pytest (e.g. -k refine, -x). The exit code is pytest's.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ETL_VENV:-$ROOT/.venv-etl}"
bash "$ROOT/etl/setup-venv.sh"
# Keep bytecode out of etl/jobs (the Glue library zip is built from those files).
export PYTHONDONTWRITEBYTECODE=1
# Spark runs on the local machine only; the driver binds to loopback.
export SPARK_LOCAL_IP=127.0.0.1
export PYSPARK_PYTHON="$VENV/bin/python"
export PYSPARK_DRIVER_PYTHON="$VENV/bin/python"
cd "$ROOT/etl"
set +e
"$VENV/bin/python" -m pytest -c "$ROOT/etl/pytest.ini" "$@"
status=$?
set -e
exit "$status"
