#!/usr/bin/env bash
# scripts/clickhouse.sh: runs a project-local ClickHouse (Debian clickhouse-server 18.16) without
# systemd. Two instances, chosen by CLICKHOUSE_INSTANCE:
#   dev  (default)  .data/clickhouse/       HTTP 8123, native 9000
#   test            .data/clickhouse-test/  HTTP 18123, native 19000, HTTPS 18443 (private test CA)
# Usage: scripts/clickhouse.sh start|stop|status|env
# Configs are regenerated from scripts/clickhouse/*.in on every start; the infrasage password and
# the TLS material are generated once and kept.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/.." && pwd)"
TEMPLATE_DIR="${SCRIPT_DIR}/clickhouse"
SERVER_BIN="${CLICKHOUSE_SERVER_BIN:-clickhouse-server}"

INSTANCE="${CLICKHOUSE_INSTANCE:-dev}"
case "${INSTANCE}" in
dev)
    INSTANCE_DIR="${REPO_ROOT}/.data/clickhouse"
    HTTP_PORT=8123
    TCP_PORT=9000
    HTTPS_PORT=""
    ;;
test)
    INSTANCE_DIR="${REPO_ROOT}/.data/clickhouse-test"
    HTTP_PORT=18123
    TCP_PORT=19000
    HTTPS_PORT=18443
    ;;
*)
    echo "clickhouse.sh: unknown CLICKHOUSE_INSTANCE '${INSTANCE}' (expected dev or test)" >&2
    exit 2
    ;;
esac

CONFIG_DIR="${INSTANCE_DIR}/config"
TLS_DIR="${INSTANCE_DIR}/tls"
PID_FILE="${INSTANCE_DIR}/clickhouse-server.pid"
PASSWORD_FILE="${INSTANCE_DIR}/password"
LOG_DIR="${INSTANCE_DIR}/logs"
START_TIMEOUT_S=30
STOP_TIMEOUT_S=20

log() { echo "clickhouse.sh [${INSTANCE}]: $*"; }

# Pid of the running server, or nothing. Checks the process is really clickhouse-server so a stale
# pid file whose number was reused by another process is not mistaken for a live server.
running_pid() {
    [[ -f "${PID_FILE}" ]] || return 0
    local pid
    pid="$(tr -dc '0-9' <"${PID_FILE}")"
    [[ -n "${pid}" ]] || return 0
    if kill -0 "${pid}" 2>/dev/null && tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null |
        grep -qF -- "--config-file=${CONFIG_DIR}/config.xml"; then
        echo "${pid}"
    fi
}

ping_ok() {
    curl -fsS --max-time 1 "http://127.0.0.1:${HTTP_PORT}/ping" >/dev/null 2>&1
}

sha256_hex() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

ensure_password() {
    if [[ ! -s "${PASSWORD_FILE}" ]]; then
        (umask 077 && openssl rand -hex 24 >"${PASSWORD_FILE}")
    fi
    chmod 600 "${PASSWORD_FILE}"
}

# Test CA and a server certificate for localhost/127.0.0.1, generated once.
ensure_tls() {
    mkdir -p "${TLS_DIR}"
    chmod 700 "${TLS_DIR}"
    if [[ ! -s "${TLS_DIR}/ca.key" || ! -s "${TLS_DIR}/ca.crt" ]]; then
        log "generating test CA"
        rm -f "${TLS_DIR}/server.crt"
        (umask 077 && openssl genrsa -out "${TLS_DIR}/ca.key" 2048 2>/dev/null)
        openssl req -x509 -new -key "${TLS_DIR}/ca.key" -sha256 -days 3650 \
            -subj "/CN=InfraSage test CA" \
            -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,keyCertSign,cRLSign" \
            -out "${TLS_DIR}/ca.crt"
    fi
    if [[ ! -s "${TLS_DIR}/server.key" || ! -s "${TLS_DIR}/server.crt" ]]; then
        log "generating server certificate"
        (umask 077 && openssl genrsa -out "${TLS_DIR}/server.key" 2048 2>/dev/null)
        local ext="${TLS_DIR}/server.ext"
        cat >"${ext}" <<EOF
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
EOF
        openssl req -new -key "${TLS_DIR}/server.key" -subj "/CN=localhost" \
            -out "${TLS_DIR}/server.csr"
        openssl x509 -req -in "${TLS_DIR}/server.csr" -CA "${TLS_DIR}/ca.crt" \
            -CAkey "${TLS_DIR}/ca.key" -CAcreateserial -sha256 -days 825 \
            -extfile "${ext}" -out "${TLS_DIR}/server.crt" 2>/dev/null
        rm -f "${TLS_DIR}/server.csr" "${ext}"
    fi
}

render() {
    local template="$1" out="$2"
    sed -e "s|@INSTANCE_DIR@|${INSTANCE_DIR}|g" \
        -e "s|@HTTP_PORT@|${HTTP_PORT}|g" \
        -e "s|@TCP_PORT@|${TCP_PORT}|g" \
        -e "s|@HTTPS_PORT@|${HTTPS_PORT}|g" \
        -e "s|@TLS_DIR@|${TLS_DIR}|g" \
        -e "s|@INFRASAGE_SHA256@|${INFRASAGE_SHA256:-}|g" \
        -e "s|@DEFAULT_SHA256@|${DEFAULT_SHA256:-}|g" \
        "${template}" >"${out}"
}

write_configs() {
    mkdir -p "${CONFIG_DIR}/config.d" "${INSTANCE_DIR}"/{data,tmp,user_files,format_schemas,logs}
    chmod 700 "${INSTANCE_DIR}"
    ensure_password
    INFRASAGE_SHA256="$(sha256_hex "$(cat "${PASSWORD_FILE}")")"
    # Fresh on every start and stored nowhere: the built-in user is unusable by design.
    DEFAULT_SHA256="$(sha256_hex "$(openssl rand -hex 32)")"
    render "${TEMPLATE_DIR}/config.xml.in" "${CONFIG_DIR}/config.xml"
    (umask 077 && render "${TEMPLATE_DIR}/users.xml.in" "${CONFIG_DIR}/users.xml")
    rm -f "${CONFIG_DIR}/config.d/https.xml"
    if [[ -n "${HTTPS_PORT}" ]]; then
        ensure_tls
        render "${TEMPLATE_DIR}/https.xml.in" "${CONFIG_DIR}/config.d/https.xml"
    fi
}

cmd_start() {
    if [[ -n "$(running_pid)" ]]; then
        log "already running (pid $(running_pid))"
        return 0
    fi
    if ping_ok; then
        log "port ${HTTP_PORT} already answers /ping but not from this instance's pid file" >&2
        return 1
    fi
    write_configs
    rm -f "${PID_FILE}"
    # setsid detaches the server from this shell's session so it outlives the caller.
    setsid "${SERVER_BIN}" --config-file="${CONFIG_DIR}/config.xml" \
        >>"${LOG_DIR}/stdout.log" 2>&1 </dev/null &
    echo $! >"${PID_FILE}"
    local deadline=$((SECONDS + START_TIMEOUT_S))
    while ((SECONDS < deadline)); do
        if ping_ok; then
            log "running (pid $(cat "${PID_FILE}")), HTTP 127.0.0.1:${HTTP_PORT}${HTTPS_PORT:+, HTTPS 127.0.0.1:${HTTPS_PORT}}"
            return 0
        fi
        if [[ -z "$(running_pid)" ]]; then
            echo "clickhouse.sh [${INSTANCE}]: server exited before answering /ping" >&2
            break
        fi
        sleep 0.1
    done
    if [[ -n "$(running_pid)" ]]; then
        echo "clickhouse.sh [${INSTANCE}]: server did not answer /ping within ${START_TIMEOUT_S}s" >&2
    fi
    for f in "${LOG_DIR}/stdout.log" "${LOG_DIR}/clickhouse-server.err.log"; do
        if [[ -f "${f}" ]]; then
            echo "--- tail of ${f}" >&2
            tail -n 40 "${f}" >&2
        fi
    done
    cmd_stop >/dev/null 2>&1 || true
    return 1
}

cmd_stop() {
    local pid
    pid="$(running_pid)"
    if [[ -z "${pid}" ]]; then
        rm -f "${PID_FILE}"
        log "not running"
        return 0
    fi
    kill -TERM "${pid}" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_TIMEOUT_S))
    while ((SECONDS < deadline)) && kill -0 "${pid}" 2>/dev/null; do
        sleep 0.1
    done
    if kill -0 "${pid}" 2>/dev/null; then
        log "did not stop within ${STOP_TIMEOUT_S}s, sending SIGKILL"
        kill -KILL "${pid}" 2>/dev/null || true
        while kill -0 "${pid}" 2>/dev/null; do sleep 0.1; done
    fi
    rm -f "${PID_FILE}"
    log "stopped"
}

cmd_status() {
    local pid
    pid="$(running_pid)"
    if [[ -n "${pid}" ]]; then
        if ping_ok; then
            log "running (pid ${pid}), HTTP 127.0.0.1:${HTTP_PORT} answers /ping"
        else
            log "running (pid ${pid}) but /ping does not answer"
        fi
        return 0
    fi
    log "not running"
    return 1
}

cmd_env() {
    echo "export CLICKHOUSE_URL=http://127.0.0.1:${HTTP_PORT}"
    echo "export CLICKHOUSE_USER=infrasage"
    echo "export CLICKHOUSE_PASSWORD_FILE=${PASSWORD_FILE}"
    if [[ -n "${HTTPS_PORT}" ]]; then
        echo "export CLICKHOUSE_HTTPS_URL=https://localhost:${HTTPS_PORT}"
        echo "export CLICKHOUSE_TLS_CA_CERT=${TLS_DIR}/ca.crt"
    fi
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
env) cmd_env ;;
*)
    echo "usage: CLICKHOUSE_INSTANCE=dev|test $0 start|stop|status|env" >&2
    exit 2
    ;;
esac
