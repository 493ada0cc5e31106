#!/usr/bin/env bash
# bench/run_ingest_bench.sh: one ingestion benchmark run, end to end against its reference, on the
# same machine and the same ClickHouse:
#   1. the same N rows inserted straight into ClickHouse with clickhouse-client (direct_insert.sh),
#   2. the same rows as JSON batches through `infrasage serve` (load_ingest --wait-delivered),
# then the ratio end_to_end_rps / direct_rps. Each side writes into its own scratch database;
# both are dropped at the end, and the server is stopped.
#
# Usage: bench/run_ingest_bench.sh            (1,000,000 records)
#        QUICK=1 bench/run_ingest_bench.sh    (100,000 records)
# Env:   BUILD_DIR (build), RECORDS, BATCH (5000), CONNECTIONS (4), SERIES (1000), SEED (42),
#        BLOCK_ROWS (10000, rows per direct insert), CLICKHOUSE_INSTANCE (test | dev), RESULTS_FILE (append the JSON summary there),
#        PERF_DATA (record the server with `perf record -e cpu-clock` into this file;
#        PERF_CALL_GRAPH fp | dwarf, PERF_FREQ 999),
#        KEEP_TMP=1 (keep the temp dir with the server log and the RowBinary file).
set -euo pipefail

BENCH_NAME=run_ingest_bench
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "${REPO_ROOT}"
BUILD_DIR="${BUILD_DIR:-build}"
INFRASAGE="${BUILD_DIR}/infrasage"
LOAD_INGEST="${BUILD_DIR}/bench/load_ingest"
if [[ "${QUICK:-0}" == 1 ]]; then
    RECORDS="${RECORDS:-100000}"
else
    RECORDS="${RECORDS:-1000000}"
fi
BATCH="${BATCH:-5000}"
CONNECTIONS="${CONNECTIONS:-4}"
SERIES="${SERIES:-1000}"
SEED="${SEED:-42}"
TENANT="bench"

for bin in "${INFRASAGE}" "${LOAD_INGEST}"; do
    [[ -x "${bin}" ]] || {
        echo "run_ingest_bench.sh: ${bin} not built (cmake --build ${BUILD_DIR} --target infrasage load_ingest)" >&2
        exit 2
    }
done

# The test instance by default; CLICKHOUSE_INSTANCE=dev uses the dev one (quieter when other
# people's test suites are hitting the test instance).
bench_clickhouse_start

TMP="$(mktemp -d /tmp/infrasage-bench.XXXXXX)"
RUN_ID="$(date +%s)_$$"
DB_DIRECT="bench_direct_${RUN_ID}"
DB_DIRECT2="bench_direct2_${RUN_ID}"
DB_E2E="bench_e2e_${RUN_ID}"
SERVER_PID=""
PERF_PID=""

cleanup() {
    if [[ -n "${PERF_PID}" ]] && kill -0 "${PERF_PID}" 2>/dev/null; then
        kill -INT "${PERF_PID}" 2>/dev/null || true
        wait "${PERF_PID}" 2>/dev/null || true
    fi
    stop_pid "${SERVER_PID}"
    ch_http "DROP DATABASE IF EXISTS ${DB_DIRECT}" >/dev/null 2>&1 || true
    ch_http "DROP DATABASE IF EXISTS ${DB_DIRECT2}" >/dev/null 2>&1 || true
    ch_http "DROP DATABASE IF EXISTS ${DB_E2E}" >/dev/null 2>&1 || true
    if [[ "${KEEP_TMP:-0}" == 1 ]]; then
        log "kept ${TMP}"
    else
        rm -rf "${TMP}"
    fi
}
trap cleanup EXIT

for db in "${DB_DIRECT}" "${DB_DIRECT2}" "${DB_E2E}"; do
    CLICKHOUSE_DATABASE="${db}" "${INFRASAGE}" migrate >/dev/null
done

# Both sides get the very same rows: same seed, same base time, same tenant.
BASE_TIME="$(date +%s)"
common=(--records "${RECORDS}" --series "${SERIES}" --seed "${SEED}" --base-time "${BASE_TIME}")
"${LOAD_INGEST}" "${common[@]}" --tenant "${TENANT}" --dump-rowbinary "${TMP}/rows.bin" >/dev/null
# Written back now, not while the first reference insert writes its parts.
sync "${TMP}/rows.bin"

# Context for reading the figures: the checkout's commit (src edits not committed yet are flagged),
# which server binary ran (hash, build time), and how busy the 2 cores already were.
bench_context
SERVER_BINARY="$(sha256sum "${INFRASAGE}" | cut -c1-12) $(date -u -r "${INFRASAGE}" +%FT%TZ)"

log "direct insert of ${RECORDS} rows (clickhouse-client, ${BLOCK_ROWS:-10000} rows per block)"
wait_merges_idle
direct="$(bench/direct_insert.sh "${TMP}/rows.bin" "${DB_DIRECT}" "${RECORDS}")"
echo "${direct}"

log "end to end: ${RECORDS} records, batch ${BATCH}, ${CONNECTIONS} connections"
mkdir -p "${TMP}/data"
# The server requires an API key (identity layer): a tenant without an RPS quota and an ingestion
# key without a rate limit, made on the server's data dir; the key reaches load_ingest through the
# environment (not argv).
INFRASAGE_ENV=development INFRASAGE_DATA_DIR="${TMP}/data" \
    "${INFRASAGE}" admin tenant create --tenant "${TENANT}" --rps-quota 0 >/dev/null
INFRASAGE_BENCH_API_KEY="$(INFRASAGE_ENV=development INFRASAGE_DATA_DIR="${TMP}/data" \
    "${INFRASAGE}" admin apikey create --tenant "${TENANT}" --name bench --scope ingestion | tail -n 1)"
export INFRASAGE_BENCH_API_KEY
INFRASAGE_ENV=development INFRASAGE_DEV_TENANT="${TENANT}" INFRASAGE_LISTEN=127.0.0.1:0 \
    INFRASAGE_DATA_DIR="${TMP}/data" CLICKHOUSE_DATABASE="${DB_E2E}" \
    "${INFRASAGE}" serve >"${TMP}/server.log" 2>&1 &
SERVER_PID=$!
port="$(wait_infrasage_port "${TMP}/server.log" "${SERVER_PID}")"

if [[ -n "${PERF_DATA:-}" ]]; then
    # PERF_CALL_GRAPH=dwarf gives whole stacks (the build keeps no frame pointers).
    perf record -e cpu-clock -F "${PERF_FREQ:-999}" --call-graph "${PERF_CALL_GRAPH:-fp}" -p "${SERVER_PID}" -o "${PERF_DATA}" >/dev/null 2>&1 &
    PERF_PID=$!
    sleep 0.5
fi
wait_merges_idle
e2e="$("${LOAD_INGEST}" "${common[@]}" --url "http://127.0.0.1:${port}" \
    --connections "${CONNECTIONS}" --batch "${BATCH}" --server-pid "${SERVER_PID}" \
    --clickhouse-pid "${CH_PID}" --wait-delivered --clickhouse-database "${DB_E2E}")"
echo "${e2e}"
if [[ -n "${PERF_PID}" ]]; then
    kill -INT "${PERF_PID}"
    wait "${PERF_PID}" || true
    PERF_PID=""
    log "perf data in ${PERF_DATA}"
fi
kill -TERM "${SERVER_PID}"
wait "${SERVER_PID}" || true
SERVER_PID=""

# The machine is shared and its load drifts: a second reference after the end-to-end run brackets
# it in time, and the ratio uses the mean of the two.
log "direct insert again (bracketing the end-to-end run)"
wait_merges_idle
direct2="$(bench/direct_insert.sh "${TMP}/rows.bin" "${DB_DIRECT2}" "${RECORDS}")"
echo "${direct2}"

summary="$(jq -cn --argjson d "${direct}" --argjson d2 "${direct2}" --argjson e "${e2e}" \
    --arg commit "${GIT_COMMIT}" --arg instance "${CLICKHOUSE_INSTANCE}" \
    --arg binary "${SERVER_BINARY}" --argjson load "${LOADAVG_1M}" '
    (($d.rows_per_s + $d2.rows_per_s) / 2) as $direct_rps | {
    commit: $commit, server_binary: $binary, loadavg_1m_before: $load, clickhouse_instance: $instance,
    direct_block_rows: $d.block_rows, records: $e.records, batch: $e.batch, connections: $e.connections,
    end_to_end_rps: $e.records_per_s, ack_rps: $e.ack_records_per_s,
    direct_rps: $direct_rps, direct_rps_before: $d.rows_per_s, direct_rps_after: $d2.rows_per_s,
    ratio: ($e.records_per_s / $direct_rps),
    load_generator_cpu_s: $e.load_generator_cpu_s, p50_ms: $e.p50_ms, p99_ms: $e.p99_ms, errors: $e.errors, retries: $e.retries,
    server_cpu_s_per_million: $e.server_cpu_s_per_million,
    server_peak_rss_mb: $e.server_peak_rss_mb,
    clickhouse_cpu_s_per_million_e2e: $e.clickhouse_cpu_s_per_million,
    clickhouse_cpu_s_per_million_direct:
      (($d.clickhouse_cpu_s_per_million + $d2.clickhouse_cpu_s_per_million) / 2),
    direct_client_cpu_s_per_million: ($d.client_cpu_s / ($d.rows / 1000000)), direct_inserted_parts: $d.inserted_parts, e2e_inserted_parts: $e.inserted_parts}')"
echo "${summary}"
if [[ -n "${RESULTS_FILE:-}" ]]; then
    echo "${summary}" >>"${RESULTS_FILE}"
fi
jq -r '"end to end \(.end_to_end_rps | floor) rec/s, direct insert \(.direct_rps | floor) rows/s (mean of \(.direct_rps_before | floor) before, \(.direct_rps_after | floor) after), ratio \(.ratio * 100 | floor) % (target 50 %); p50 \(.p50_ms | . * 10 | floor / 10) ms, p99 \(.p99_ms | . * 10 | floor / 10) ms; server \(.server_cpu_s_per_million | . * 100 | floor / 100) CPU-s/M, peak RSS \(.server_peak_rss_mb | floor) MiB; ClickHouse \(.clickhouse_cpu_s_per_million_e2e | . * 100 | floor / 100) CPU-s/M (direct \(.clickhouse_cpu_s_per_million_direct | . * 100 | floor / 100))"' <<<"${summary}" >&2
