#!/usr/bin/env bash
# bench/run_auth_overhead_bench.sh: what authentication, rate limiting and the audit log cost on
# the ingestion path. Runs the same JSON batches (same seed, same base time, same load shape)
# through two server binaries against the same ClickHouse, alternating them (before, after,
# before, after, ...) so that drift of a shared machine hits both alike:
#   before = a build of commit 3f19139, the last one without the identity layer (development mode
#            accepted unauthenticated requests as the development tenant: no credential check,
#            no rate limit, no audit),
#   after  = the current build, with a tenant made by `infrasage admin tenant create --rps-quota 0`
#            (no tenant quota, so load is never refused) and an ingestion API key with a per-key
#            limit of RATE_LIMIT_RPS (default 1,000,000/s: the token bucket runs on every request
#            but never refuses), sent as X-API-Key on every request. Authentication (format check,
#            keyed hash, cached lookup), authorisation, the rate-limit filter and the audit
#            observer (ingestion summarised per key per minute, written through the WAL) all run.
# Each run gets a fresh data dir and a fresh scratch database, dropped afterwards. Prints one JSON
# line per run and a summary (means per side and the after/before ratios).
#
# Usage: BEFORE_BIN=/tmp/infrasage-before/build/infrasage BUILD_DIR=build-idocs \
#            bench/run_auth_overhead_bench.sh
# Env:   BEFORE_BIN (required), BUILD_DIR (build: infrasage and bench/load_ingest of the current
#        tree), PAIRS (2), RECORDS (1000000), BATCH (5000), CONNECTIONS (4), SERIES (1000),
#        SEED (42), RATE_LIMIT_RPS (1000000; 0 = a key without a limit, which skips the bucket),
#        CLICKHOUSE_INSTANCE (test | dev), RESULTS_FILE (append every JSON line there), PERF_DATA_PREFIX (record each
#        "after" server with `perf record -e cpu-clock -g` into PREFIX.<run>.data),
#        KEEP_TMP=1 (keep server logs).
set -euo pipefail

BENCH_NAME=run_auth_overhead_bench
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "${REPO_ROOT}"
BUILD_DIR="${BUILD_DIR:-build}"
AFTER_BIN="${BUILD_DIR}/infrasage"
LOAD_INGEST="${BUILD_DIR}/bench/load_ingest"
BEFORE_BIN="${BEFORE_BIN:?set BEFORE_BIN to an infrasage binary built from commit 3f19139}"
PAIRS="${PAIRS:-2}"
RECORDS="${RECORDS:-1000000}"
BATCH="${BATCH:-5000}"
CONNECTIONS="${CONNECTIONS:-4}"
SERIES="${SERIES:-1000}"
SEED="${SEED:-42}"
RATE_LIMIT_RPS="${RATE_LIMIT_RPS:-1000000}"
TENANT="bench"

for bin in "${AFTER_BIN}" "${LOAD_INGEST}" "${BEFORE_BIN}"; do
    [[ -x "${bin}" ]] || {
        echo "run_auth_overhead_bench.sh: ${bin} not built" >&2
        exit 2
    }
done

bench_clickhouse_start

TMP="$(mktemp -d /tmp/infrasage-authbench.XXXXXX)"
RUN_ID="$(date +%s)_$$"
SERVER_PID=""
PERF_PID=""
DB=""

stop_server() {
    if [[ -n "${PERF_PID}" ]] && kill -0 "${PERF_PID}" 2>/dev/null; then
        kill -INT "${PERF_PID}" 2>/dev/null || true
        wait "${PERF_PID}" 2>/dev/null || true
    fi
    PERF_PID=""
    stop_pid "${SERVER_PID}"
    SERVER_PID=""
    if [[ -n "${DB}" ]]; then
        ch_http "DROP DATABASE IF EXISTS ${DB}" >/dev/null 2>&1 || true
    fi
    DB=""
}

cleanup() {
    stop_server
    if [[ "${KEEP_TMP:-0}" == 1 ]]; then
        log "kept ${TMP}"
    else
        rm -rf "${TMP}"
    fi
}
trap cleanup EXIT

# One run: side = before | after, n = run number. Prints load_ingest's JSON with the side added.
run_one() {
    local side="$1" n="$2" bin data key="" port out
    data="${TMP}/${side}-${n}"
    DB="bench_auth_${side}_${n}_${RUN_ID}"
    mkdir -p "${data}"
    if [[ "${side}" == before ]]; then
        bin="${BEFORE_BIN}"
    else
        bin="${AFTER_BIN}"
    fi
    CLICKHOUSE_DATABASE="${DB}" "${bin}" migrate >/dev/null
    if [[ "${side}" == after ]]; then
        # The admin CLI on the server's own data dir (control store + development secrets).
        INFRASAGE_ENV=development INFRASAGE_DATA_DIR="${data}" \
            "${bin}" admin tenant create --tenant "${TENANT}" --rps-quota 0 >/dev/null
        key="$(INFRASAGE_ENV=development INFRASAGE_DATA_DIR="${data}" \
            "${bin}" admin apikey create --tenant "${TENANT}" --name bench --scope ingestion \
            --rate-limit-rps "${RATE_LIMIT_RPS}" | tail -n 1)"
    fi
    INFRASAGE_ENV=development INFRASAGE_DEV_TENANT="${TENANT}" INFRASAGE_LISTEN=127.0.0.1:0 \
        INFRASAGE_DATA_DIR="${data}" CLICKHOUSE_DATABASE="${DB}" \
        "${bin}" serve >"${data}/server.log" 2>&1 &
    SERVER_PID=$!
    port="$(wait_infrasage_port "${data}/server.log" "${SERVER_PID}")"
    if [[ "${side}" == after && -n "${PERF_DATA_PREFIX:-}" ]]; then
        perf record -e cpu-clock -F 999 -g -p "${SERVER_PID}" -o "${PERF_DATA_PREFIX}.${n}.data" \
            >/dev/null 2>&1 &
        PERF_PID=$!
        sleep 0.5
    fi
    wait_merges_idle
    # The key travels in the environment, not on the command line (ps shows argv). A refused
    # request (401, 403) counts as an error, load_ingest exits 1 and so does this script.
    out="$(INFRASAGE_BENCH_API_KEY="${key}" "${LOAD_INGEST}" "${common[@]}" \
        --url "http://127.0.0.1:${port}" --connections "${CONNECTIONS}" --batch "${BATCH}" \
        --server-pid "${SERVER_PID}" --clickhouse-pid "${CH_PID}" --wait-delivered \
        --clickhouse-database "${DB}")"
    stop_server
    jq -c --arg side "${side}" --argjson n "${n}" --arg bin "$(sha256sum "${bin}" | cut -c1-12)" \
        '{side: $side, run: $n, binary: $bin} + .' <<<"${out}"
}

BASE_TIME="$(date +%s)"
common=(--records "${RECORDS}" --series "${SERIES}" --seed "${SEED}" --base-time "${BASE_TIME}")
LOADAVG_1M="$(cut -d' ' -f1 /proc/loadavg)"
log "${PAIRS} pairs of ${RECORDS} records, batch ${BATCH}, ${CONNECTIONS} connections, load ${LOADAVG_1M}"

lines=()
for n in $(seq 1 "${PAIRS}"); do
    for side in before after; do
        log "run ${n}: ${side}"
        line="$(run_one "${side}" "${n}")"
        echo "${line}"
        [[ -n "${RESULTS_FILE:-}" ]] && echo "${line}" >>"${RESULTS_FILE}"
        lines+=("${line}")
    done
done

summary="$(printf '%s\n' "${lines[@]}" | jq -cs --arg load "${LOADAVG_1M}" '
    def mean(f): (map(f) | add / length);
    (map(select(.side == "before"))) as $b | (map(select(.side == "after"))) as $a | {
      loadavg_1m_before: ($load | tonumber), pairs: ($b | length), records: $a[0].records,
      before: {ack_rps: ($b | mean(.ack_records_per_s)), e2e_rps: ($b | mean(.records_per_s)),
               server_cpu_s_per_million: ($b | mean(.server_cpu_s_per_million)),
               p50_ms: ($b | mean(.p50_ms)), p99_ms: ($b | mean(.p99_ms))},
      after: {ack_rps: ($a | mean(.ack_records_per_s)), e2e_rps: ($a | mean(.records_per_s)),
              server_cpu_s_per_million: ($a | mean(.server_cpu_s_per_million)),
              p50_ms: ($a | mean(.p50_ms)), p99_ms: ($a | mean(.p99_ms))},
      errors: (map(.errors) | add), retries: (map(.retries) | add)}
    | .ratio_ack = (.after.ack_rps / .before.ack_rps)
    | .ratio_e2e = (.after.e2e_rps / .before.e2e_rps)
    | .ratio_cpu = (.after.server_cpu_s_per_million / .before.server_cpu_s_per_million)')"
echo "${summary}"
[[ -n "${RESULTS_FILE:-}" ]] && echo "${summary}" >>"${RESULTS_FILE}"
jq -r '"after/before: acknowledged \(.ratio_ack * 1000 | floor / 10) %, end to end \(.ratio_e2e * 1000 | floor / 10) %, server CPU per million \(.ratio_cpu * 1000 | floor / 10) %"' <<<"${summary}" >&2
