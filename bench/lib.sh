# bench/lib.sh: shell helpers the bench/run_*.sh scripts share. Source it after `set -euo pipefail`
# and after setting BENCH_NAME (the prefix of log lines); it defines functions only, plus REPO_ROOT.
#   bench_clickhouse_start   start (idempotent) and enter the ClickHouse instance chosen by
#                            CLICKHOUSE_INSTANCE (test by default, or dev): exports the variables
#                            of `scripts/clickhouse.sh env` and CLICKHOUSE_PID_FILE,
#                            CLICKHOUSE_NATIVE_PORT; sets CH_PID (clickhouse-server's pid)
#   ch_http SQL              one statement over ClickHouse's HTTP interface, credentials in headers
#   wait_merges_idle         until system.merges is empty (at most 30 s)
#   stop_pid PID             SIGTERM a child process and reap it (no-op when empty or gone)
#   wait_infrasage_port LOG PID   the port `infrasage serve` logged, once /readyz answers
#   wait_http URL PID        until URL answers 2xx (the process PID must stay alive)
#   free_port                a TCP port on 127.0.0.1 nobody listens on now
#   bench_context            sets GIT_COMMIT (short hash, +uncommitted-src if src/ differs from
#                            HEAD) and LOADAVG_1M
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { echo "${BENCH_NAME:-bench}: $*" >&2; }

# shellcheck disable=SC2034 # CH_PID is for the sourcing script
bench_clickhouse_start() {
    export CLICKHOUSE_INSTANCE="${CLICKHOUSE_INSTANCE:-test}"
    local dir port
    case "${CLICKHOUSE_INSTANCE}" in
    test) dir=.data/clickhouse-test port=19000 ;;
    dev) dir=.data/clickhouse port=9000 ;;
    *)
        log "CLICKHOUSE_INSTANCE must be test or dev"
        exit 2
        ;;
    esac
    export CLICKHOUSE_PID_FILE="${REPO_ROOT}/${dir}/clickhouse-server.pid"
    export CLICKHOUSE_NATIVE_PORT="${port}"
    "${REPO_ROOT}/scripts/clickhouse.sh" start >&2
    eval "$("${REPO_ROOT}/scripts/clickhouse.sh" env)"
    CH_PID="$(tr -dc '0-9' <"${CLICKHOUSE_PID_FILE}")"
}

ch_http() {
    curl -fsS "${CLICKHOUSE_URL}/" -H "X-ClickHouse-User: ${CLICKHOUSE_USER}" \
        -H "X-ClickHouse-Key: $(tr -d '\n' <"${CLICKHOUSE_PASSWORD_FILE}")" --data-binary "$1"
}

# Background merges of one phase must not eat the CPU of the next one.
wait_merges_idle() {
    for _ in $(seq 1 300); do
        [[ "$(ch_http 'SELECT count() FROM system.merges')" == 0 ]] && return 0
        sleep 0.1
    done
    log "merges still running after 30 s; continuing"
}

stop_pid() {
    local pid="${1:-}"
    if [[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null; then
        kill -TERM "${pid}" 2>/dev/null || true
        wait "${pid}" 2>/dev/null || true
    fi
}

wait_infrasage_port() {
    local logf="$1" pid="$2" port=""
    for _ in $(seq 1 200); do
        port="$(grep -o '"address":"127.0.0.1:[0-9]*"' "${logf}" | head -n1 | grep -o '[0-9]*"$' | tr -d '"' || true)"
        [[ -n "${port}" ]] && curl -fsS "http://127.0.0.1:${port}/readyz" >/dev/null 2>&1 && {
            echo "${port}"
            return 0
        }
        kill -0 "${pid}" 2>/dev/null || break
        sleep 0.1
    done
    log "server did not become ready"
    cat "${logf}" >&2
    return 1
}

wait_http() {
    local url="$1" pid="$2"
    for _ in $(seq 1 300); do
        curl -fsS -o /dev/null "${url}" 2>/dev/null && return 0
        kill -0 "${pid}" 2>/dev/null || break
        sleep 0.1
    done
    log "${url} did not answer"
    return 1
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# shellcheck disable=SC2034 # for the sourcing script
bench_context() {
    GIT_COMMIT="$(git -C "${REPO_ROOT}" rev-parse --short HEAD)$(git -C "${REPO_ROOT}" diff --quiet HEAD -- src 2>/dev/null || echo '+uncommitted-src')"
    LOADAVG_1M="$(cut -d' ' -f1 /proc/loadavg)"
}
