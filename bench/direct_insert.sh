#!/usr/bin/env bash
# bench/direct_insert.sh: the reference for bench/run_ingest_bench.sh. Inserts a RowBinary file of
# infrasage_metrics rows (made by `load_ingest --dump-rowbinary`) straight into ClickHouse with
# clickhouse-client, one block (= one part, like one InfraSage flush) per BLOCK_ROWS rows, and
# prints one JSON line: wall time, rows/s, CPU of clickhouse-server and of clickhouse-client.
#
# Usage: bench/direct_insert.sh FILE DATABASE ROWS
# Env:   CLICKHOUSE_USER, CLICKHOUSE_PASSWORD_FILE (from `scripts/clickhouse.sh env`),
#        CLICKHOUSE_HOST (127.0.0.1), CLICKHOUSE_NATIVE_PORT (19000, the test instance),
#        CLICKHOUSE_PID_FILE (.data/clickhouse-test/clickhouse-server.pid), BLOCK_ROWS (10000).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FILE="$1"
DATABASE="$2"
ROWS="$3"
BLOCK_ROWS="${BLOCK_ROWS:-10000}"
HOST="${CLICKHOUSE_HOST:-127.0.0.1}"
PORT="${CLICKHOUSE_NATIVE_PORT:-19000}"
PID_FILE="${CLICKHOUSE_PID_FILE:-${REPO_ROOT}/.data/clickhouse-test/clickhouse-server.pid}"
COLUMNS="tenant_id, service_id, timestamp, timestamp_nanos, metric_name, value, trace_id, attr_keys, attr_values, received_at"

# The password goes into a private client config file, not onto the command line (ps shows that).
CLIENT_CONFIG="$(mktemp --suffix=.xml)"
trap 'rm -f "${CLIENT_CONFIG}"' EXIT
chmod 600 "${CLIENT_CONFIG}"
printf '<config><user>%s</user><password>%s</password></config>\n' \
    "${CLICKHOUSE_USER:-infrasage}" "$(tr -d '\n' <"${CLICKHOUSE_PASSWORD_FILE}")" >"${CLIENT_CONFIG}"

client() {
    clickhouse-client --config-file="${CLIENT_CONFIG}" --host "${HOST}" --port "${PORT}" "$@"
}

# utime + stime in seconds of a process, from /proc/PID/stat.
cpu_seconds() {
    awk -v tck="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.3f\n", ($12 + $13) / tck }' \
        "/proc/$1/stat"
}

ch_pid="$(tr -dc '0-9' <"${PID_FILE}")"
# A client that starts and runs SELECT 1: its cost is inside the timed insert too, so report it.
startup_s="$({ TIMEFORMAT='%R'; time client --query 'SELECT 1' >/dev/null; } 2>&1)"

ch_before="$(cpu_seconds "${ch_pid}")"
# min_insert_block_size_* keep the server from squashing the client's 10k-row blocks into one big
# part; each block becomes its own part, as each InfraSage flush does.
times="$({
    TIMEFORMAT='%R %U %S'
    time client --database "${DATABASE}" \
        --max_insert_block_size "${BLOCK_ROWS}" \
        --min_insert_block_size_rows "${BLOCK_ROWS}" --min_insert_block_size_bytes 0 \
        --query "INSERT INTO ${DATABASE}.infrasage_metrics (${COLUMNS}) FORMAT RowBinary" \
        <"${FILE}"
} 2>&1)"
ch_after="$(cpu_seconds "${ch_pid}")"

read -r wall user sys <<<"${times}"
visible="$(client --query "SELECT count() FROM ${DATABASE}.infrasage_metrics")"
parts="$(client --query "SELECT count() FROM system.parts WHERE database = '${DATABASE}' AND table = 'infrasage_metrics' AND level = 0")"
if [[ "${visible}" != "${ROWS}" ]]; then
    echo "direct_insert.sh: expected ${ROWS} rows in ${DATABASE}.infrasage_metrics, found ${visible}" >&2
    exit 1
fi

jq -cn --argjson rows "${ROWS}" --argjson wall "${wall}" --argjson user "${user}" \
    --argjson sys "${sys}" --argjson before "${ch_before}" --argjson after "${ch_after}" \
    --argjson parts "${parts}" --argjson startup "${startup_s}" --argjson block "${BLOCK_ROWS}" \
    --arg bytes "$(stat -c %s "${FILE}")" \
    '{mode: "direct_insert", rows: $rows, block_rows: $block, inserted_parts: $parts,
      file_mb: (($bytes | tonumber) / 1048576), seconds: $wall, rows_per_s: ($rows / $wall),
      client_startup_s: $startup, client_cpu_s: ($user + $sys),
      clickhouse_cpu_s: ($after - $before),
      clickhouse_cpu_s_per_million: (($after - $before) / ($rows / 1000000))}'
