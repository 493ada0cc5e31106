#!/usr/bin/env bash
# `make test`: installs what is missing, builds, starts the test ClickHouse (separate ports and
# .data/clickhouse-test), runs every unit and integration test with CTest, a short libFuzzer run of
# every fuzz target and the static checks (scripts/lint.sh), then stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."

export CLICKHOUSE_INSTANCE=test
trap 'bash scripts/clickhouse.sh stop' EXIT
source scripts/setup.sh

status=0
bash scripts/lint.sh || status=$?
ctest --test-dir build --output-on-failure --timeout 600 -j2 || status=$?
bash tests/fuzz/run.sh "${FUZZ_SECONDS:-20}" || status=$?
exit "$status"
