#!/usr/bin/env bash
# bench/run_remote_write_bench.sh: Prometheus remote-write ingestion (issue 5) of InfraSage against
# VictoriaMetrics and Prometheus's own remote-write receiver, in one run, on the same machine, fed
# the same pre-generated payloads by the same load generator (bench/load_remote_write: 100,000
# series of node-exporter/application shape, 10,000 samples per request, snappy protobuf).
# For every connection count (2 and 8 keep-alive senders) and every receiver: start the receiver
# fresh (empty temp data dir; InfraSage: a fresh scratch database in the test ClickHouse, a tenant
# and a full-scope API key from `infrasage admin`, the Watchdog off), send for DURATION seconds,
# stop it. Measured per run: acknowledged samples/s, CPU seconds per million samples of the
# receiver (InfraSage: `infrasage serve` AND clickhouse-server, since its ingestion ends in
# ClickHouse; both also reported alone), peak RSS; for InfraSage also the end-to-end rate (until
# every acknowledged sample is a row of infrasage_samples). CPU is counted from the first request
# until SETTLE_S seconds after the last acknowledgement (InfraSage: after the last row is visible),
# so buffered work the receivers finish after acknowledging is included.
# Prints one JSON line per run, then a summary with the ratios InfraSage/VictoriaMetrics and
# InfraSage/Prometheus.
#
# Usage: BUILD_DIR=build bench/run_remote_write_bench.sh          (40 s per run, 6 runs)
#        QUICK=1 bench/run_remote_write_bench.sh                   (10 s per run)
# Env:   BUILD_DIR (build: infrasage and bench/load_remote_write), DURATION (40; QUICK=1: 10),
#        CONNECTIONS_LIST ("2 8"), RECEIVERS ("victoriametrics prometheus infrasage"),
#        SERIES (100000), SAMPLES_PER_REQUEST (10000), MAX_RATE (2000000 samples/s the payloads
#        are generated for), INTERVAL_MS (10000 between rounds), SEED (42), SETTLE_S (2),
#        RATE_LIMIT_RPS (1000000: the key's token bucket runs but never refuses),
#        VM_BIN (/usr/bin/victoria-metrics), PROM_BIN (/usr/bin/prometheus),
#        CLICKHOUSE_INSTANCE (test | dev), RESULTS_FILE (append every JSON line there),
#        KEEP_TMP=1 (keep receiver logs).
set -euo pipefail

BENCH_NAME=run_remote_write_bench
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "${REPO_ROOT}"
BUILD_DIR="${BUILD_DIR:-build}"
INFRASAGE="${BUILD_DIR}/infrasage"
LOAD="${BUILD_DIR}/bench/load_remote_write"
if [[ "${QUICK:-0}" == 1 ]]; then
    DURATION="${DURATION:-10}"
else
    DURATION="${DURATION:-40}"
fi
CONNECTIONS_LIST="${CONNECTIONS_LIST:-2 8}"
RECEIVERS="${RECEIVERS:-victoriametrics prometheus infrasage}"
SERIES="${SERIES:-100000}"
SAMPLES_PER_REQUEST="${SAMPLES_PER_REQUEST:-10000}"
MAX_RATE="${MAX_RATE:-2000000}"
INTERVAL_MS="${INTERVAL_MS:-10000}"
SEED="${SEED:-42}"
SETTLE_S="${SETTLE_S:-2}"
RATE_LIMIT_RPS="${RATE_LIMIT_RPS:-1000000}"
VM_BIN="${VM_BIN:-/usr/bin/victoria-metrics}"
PROM_BIN="${PROM_BIN:-/usr/bin/prometheus}"
TENANT="bench"

for bin in "${LOAD}" "${VM_BIN}" "${PROM_BIN}" "${INFRASAGE}"; do
    [[ -x "${bin}" ]] || {
        log "${bin} not built or not installed (cmake --build ${BUILD_DIR} --target infrasage load_remote_write)"
        exit 2
    }
done

CH_PID=""
if [[ " ${RECEIVERS} " == *" infrasage "* ]]; then
    bench_clickhouse_start
fi

TMP="$(mktemp -d /tmp/infrasage-rwbench.XXXXXX)"
RUN_ID="$(date +%s)_$$"
RECEIVER_PID=""
DB=""

stop_receiver() {
    stop_pid "${RECEIVER_PID}"
    RECEIVER_PID=""
    if [[ -n "${DB}" ]]; then
        ch_http "DROP DATABASE IF EXISTS ${DB}" >/dev/null 2>&1 || true
    fi
    DB=""
}

cleanup() {
    stop_receiver
    if [[ "${KEEP_TMP:-0}" == 1 ]]; then
        log "kept ${TMP}"
    else
        rm -rf "${TMP}"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts RECEIVER fresh in DIR; sets RECEIVER_PID, URL, WRITE_PATH, MEASURE (--pid arguments),
# EXTRA (more load generator arguments) and KEY (the bearer token, InfraSage only).
start_receiver() {
    local receiver="$1" dir="$2" port
    mkdir -p "${dir}/data"
    KEY=""
    EXTRA=()
    case "${receiver}" in
    victoriametrics)
        port="$(free_port)"
        "${VM_BIN}" -storageDataPath="${dir}/data" -httpListenAddr="127.0.0.1:${port}" \
            >"${dir}/receiver.log" 2>&1 &
        RECEIVER_PID=$!
        wait_http "http://127.0.0.1:${port}/health" "${RECEIVER_PID}"
        WRITE_PATH=/api/v1/write
        MEASURE=(--pid "victoriametrics=${RECEIVER_PID}")
        ;;
    prometheus)
        port="$(free_port)"
        # Nothing to scrape: the receiver alone is measured.
        printf 'global:\n  scrape_interval: 1m\n' >"${dir}/prometheus.yml"
        "${PROM_BIN}" --config.file="${dir}/prometheus.yml" --storage.tsdb.path="${dir}/data" \
            --web.listen-address="127.0.0.1:${port}" --web.enable-remote-write-receiver \
            >"${dir}/receiver.log" 2>&1 &
        RECEIVER_PID=$!
        wait_http "http://127.0.0.1:${port}/-/ready" "${RECEIVER_PID}"
        WRITE_PATH=/api/v1/write
        MEASURE=(--pid "prometheus=${RECEIVER_PID}")
        ;;
    infrasage)
        DB="bench_rw_$(basename "${dir}" | tr -c 'a-z0-9\n' '_')_${RUN_ID}"
        CLICKHOUSE_DATABASE="${DB}" "${INFRASAGE}" migrate >"${dir}/migrate.log" 2>&1
        # The admin CLI on the server's own data dir (control store + development secrets).
        INFRASAGE_ENV=development INFRASAGE_DATA_DIR="${dir}/data" \
            "${INFRASAGE}" admin tenant create --tenant "${TENANT}" --rps-quota 0 >/dev/null
        KEY="$(INFRASAGE_ENV=development INFRASAGE_DATA_DIR="${dir}/data" \
            "${INFRASAGE}" admin apikey create --tenant "${TENANT}" --name rwbench --scope full \
            --rate-limit-rps "${RATE_LIMIT_RPS}" | tail -n 1)"
        INFRASAGE_ENV=development INFRASAGE_LISTEN=127.0.0.1:0 WATCHDOG_ENABLED=false \
            INFRASAGE_DATA_DIR="${dir}/data" CLICKHOUSE_DATABASE="${DB}" \
            "${INFRASAGE}" serve >"${dir}/receiver.log" 2>&1 &
        RECEIVER_PID=$!
        port="$(wait_infrasage_port "${dir}/receiver.log" "${RECEIVER_PID}")"
        WRITE_PATH=/api/v1/prometheus/write
        MEASURE=(--pid "infrasage=${RECEIVER_PID}" --pid "clickhouse=${CH_PID}")
        EXTRA=(--wait-table infrasage_samples --clickhouse-database "${DB}")
        ;;
    *)
        log "unknown receiver ${receiver}"
        exit 2
        ;;
    esac
    URL="http://127.0.0.1:${port}"
}

# CPU seconds clickhouse-server spends per second while no benchmark load runs (the shared test
# instance also serves other people's tests): context for its share of InfraSage's figures.
clickhouse_idle_cpu_per_s() {
    local ticks=0 before after
    [[ -n "${CH_PID}" ]] || {
        echo null
        return
    }
    ticks="$(getconf CLK_TCK)"
    before="$(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/${CH_PID}/stat")"
    sleep 5
    after="$(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/${CH_PID}/stat")"
    awk -v a="${after}" -v b="${before}" -v t="${ticks}" 'BEGIN { printf "%.3f", (a - b) / t / 5 }'
}

# One run; prints the load generator's JSON with receiver, connections and context added.
run_one() {
    local receiver="$1" conns="$2" dir out status=0 load ch_idle
    dir="${TMP}/${receiver}-${conns}"
    start_receiver "${receiver}" "${dir}"
    [[ -n "${CH_PID}" ]] && wait_merges_idle
    ch_idle="$(clickhouse_idle_cpu_per_s)"
    load="$(cut -d' ' -f1 /proc/loadavg)"
    # The key travels in the environment, not on the command line (ps shows argv).
    out="$(REMOTE_WRITE_BEARER="${KEY}" "${LOAD}" "${common[@]}" --url "${URL}" \
        --path "${WRITE_PATH}" --connections "${conns}" "${MEASURE[@]}" "${EXTRA[@]}" \
        2>"${dir}/load.err")" || status=$?
    stop_receiver
    if [[ -z "${out}" ]]; then
        log "${receiver} with ${conns} connections: load generator failed ($(cat "${dir}/load.err"))"
        tail -n 20 "${dir}/receiver.log" >&2
        out='{"errors":-1}'
    elif [[ "${status}" != 0 ]]; then
        log "${receiver} with ${conns} connections: errors (see first_error); receiver log tail:"
        tail -n 5 "${dir}/receiver.log" >&2
    fi
    jq -c --arg r "${receiver}" --argjson c "${conns}" --argjson load "${load}" \
        --arg commit "${GIT_COMMIT}" --argjson ch_idle "${ch_idle}" \
        '{receiver: $r, connections: $c, loadavg_1m_before: $load, commit: $commit,
          clickhouse_idle_cpu_per_s: $ch_idle} + .' <<<"${out}"
}

bench_context
# Every run gets the same payloads: same seed, same parameters, same base time.
BASE_TIME_MS="$(($(date +%s) * 1000))"
common=(--series "${SERIES}" --samples-per-request "${SAMPLES_PER_REQUEST}" --duration "${DURATION}"
    --max-rate "${MAX_RATE}" --interval-ms "${INTERVAL_MS}" --seed "${SEED}"
    --base-time-ms "${BASE_TIME_MS}" --settle "${SETTLE_S}")
log "commit ${GIT_COMMIT}, load ${LOADAVG_1M}, ${DURATION} s per run, receivers: ${RECEIVERS}"

lines=()
for conns in ${CONNECTIONS_LIST}; do
    for receiver in ${RECEIVERS}; do
        log "${receiver}, ${conns} connections"
        line="$(run_one "${receiver}" "${conns}")"
        echo "${line}"
        [[ -n "${RESULTS_FILE:-}" ]] && echo "${line}" >>"${RESULTS_FILE}"
        lines+=("${line}")
    done
done

# Per connection count: each receiver's figures and the InfraSage ratios (where both ran).
summary="$(printf '%s\n' "${lines[@]}" | jq -cs --arg commit "${GIT_COMMIT}" --arg load "${LOADAVG_1M}" '
    def ratio(a; b): if (a != null and b != null and b != 0) then a / b else null end;
    def pick: {samples_per_s, cpu_s_per_million_drained, cpu_s_per_million, errors,
               delivered_samples_per_s, exhausted,
               peak_rss_mb: ([.processes // {} | to_entries[] | select(.key != "clickhouse") | .value.peak_rss_mb] | first),
               server_cpu_s_per_million: .processes.infrasage.cpu_s_per_million_drained,
               clickhouse_cpu_s_per_million: .processes.clickhouse.cpu_s_per_million_drained,
               clickhouse_idle_cpu_per_s, loadavg_1m_before};
    {commit: $commit, loadavg_1m_before: ($load | tonumber),
     by_connections: (group_by(.connections) | map(
       (map({key: .receiver, value: pick}) | from_entries) as $r | {
         connections: .[0].connections, receivers: $r,
         infrasage_vs_victoriametrics: {
           samples_per_s: ratio($r.infrasage.samples_per_s; $r.victoriametrics.samples_per_s),
           end_to_end_samples_per_s: ratio($r.infrasage.delivered_samples_per_s; $r.victoriametrics.samples_per_s),
           cpu_s_per_million: ratio($r.infrasage.cpu_s_per_million_drained; $r.victoriametrics.cpu_s_per_million_drained)},
         infrasage_vs_prometheus: {
           samples_per_s: ratio($r.infrasage.samples_per_s; $r.prometheus.samples_per_s),
           end_to_end_samples_per_s: ratio($r.infrasage.delivered_samples_per_s; $r.prometheus.samples_per_s),
           cpu_s_per_million: ratio($r.infrasage.cpu_s_per_million_drained; $r.prometheus.cpu_s_per_million_drained)}}))}')"
echo "${summary}"
[[ -n "${RESULTS_FILE:-}" ]] && echo "${summary}" >>"${RESULTS_FILE}"
jq -r '
  def f(x): if x == null then "-" else (x * 100 | round / 100 | tostring) end;
  def k(x): if x == null then "-" else (x / 1000 | round | tostring) + "k" end;
  .by_connections[] | "\(.connections) connections:",
    (.receivers | to_entries[] | "  \(.key): \(k(.value.samples_per_s)) samples/s acknowledged" +
      (if .value.delivered_samples_per_s then ", \(k(.value.delivered_samples_per_s)) end to end" else "" end) +
      ", \(f(.value.cpu_s_per_million_drained)) CPU-s/M" +
      (if .value.server_cpu_s_per_million then " (server \(f(.value.server_cpu_s_per_million)), ClickHouse \(f(.value.clickhouse_cpu_s_per_million)); ClickHouse idle before: \(f(.value.clickhouse_idle_cpu_per_s)) CPU-s/s)" else "" end) +
      ", peak RSS \(.value.peak_rss_mb // 0 | floor) MiB, errors \(.value.errors)"),
    "  InfraSage/VictoriaMetrics: samples/s \(f(.infrasage_vs_victoriametrics.samples_per_s)) (end to end \(f(.infrasage_vs_victoriametrics.end_to_end_samples_per_s))), CPU-s/M \(f(.infrasage_vs_victoriametrics.cpu_s_per_million))",
    "  InfraSage/Prometheus: samples/s \(f(.infrasage_vs_prometheus.samples_per_s)) (end to end \(f(.infrasage_vs_prometheus.end_to_end_samples_per_s))), CPU-s/M \(f(.infrasage_vs_prometheus.cpu_s_per_million))"' \
    <<<"${summary}" >&2
