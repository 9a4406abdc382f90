#!/usr/bin/env bash
# `npm test`: every runner of the repository, each printing its own summary. Both run even when the first fails,
# so one run shows every failure; the exit code is non-zero when any runner failed.
#   mocha  the TypeScript suites (.mocharc.json: components, policies, stacks, engine, tools)
#   pytest the Glue PySpark jobs on local Spark (etl/run-tests.sh builds .venv-etl from pinned requirements first)
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
echo "== mocha (TypeScript) =="
npx mocha || status=1
echo "== pytest (Glue PySpark jobs on local Spark) =="
bash etl/run-tests.sh || status=1
exit "$status"
