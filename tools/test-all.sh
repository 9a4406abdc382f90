#!/usr/bin/env bash
# `npm test`: every runner of the repository, each printing its own summary. Both run even when the first fails,
# so one run shows every failure; the exit code is non-zero when any runner failed.
#   mocha  the TypeScript suites (.mocharc.json: components, policies, stacks, engine, tools)
#   pytest the Glue PySpark jobs on local Spark (etl/run-tests.sh builds .venv-etl from pinned requirements first)
# They run at the same time: mocha keeps about 1.5 of 2 cores busy (its child processes: programs, packs, CLIs),
# so pytest runs beside it at a lower priority (nice) and uses what mocha leaves idle, finishing before it instead
# of slowing it down. pytest's output goes to a file and is printed after mocha's, so the two never interleave.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
pytest_log="$(mktemp "${TMPDIR:-/tmp}/lake-pytest.XXXXXX")"
# Its own session (process group), so an interrupted run stops Spark's JVM too, not only the shell around it.
setsid nice -n 10 bash etl/run-tests.sh >"$pytest_log" 2>&1 &
pytest_pid=$!
stop_pytest() { kill -TERM -- "-$pytest_pid" 2>/dev/null; }
trap 'stop_pytest; rm -f "$pytest_log"; exit 130' INT TERM
echo "== mocha (TypeScript) =="
npx mocha
mocha_status=$?
# 130: mocha (or npx) stopped by Ctrl-C, which the shell does not see as a signal; stop pytest too.
if ((mocha_status == 130)); then stop_pytest; rm -f "$pytest_log"; exit 130; fi
((mocha_status == 0)) || status=1
echo "== pytest (Glue PySpark jobs on local Spark) =="
wait "$pytest_pid" || status=1
cat "$pytest_log"
rm -f "$pytest_log"
exit "$status"
