#!/usr/bin/env bash
# `make run`: installs what is missing, builds, starts the project's own ClickHouse (dev instance,
# .data/clickhouse), applies the schema and runs the server on :8080 in the foreground.
# Ctrl-C (or SIGTERM) stops the server, then ClickHouse: nothing is left running.
set -euo pipefail
cd "$(dirname "$0")/.."

export CLICKHOUSE_INSTANCE=dev
source scripts/setup.sh
export INFRASAGE_ENV="${INFRASAGE_ENV:-development}"
export INFRASAGE_DATA_DIR="${INFRASAGE_DATA_DIR:-$PWD/.data/infrasage}"

server_pid=""
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  bash scripts/clickhouse.sh stop
}
trap cleanup EXIT INT TERM

build/infrasage migrate

# First start: a development tenant and its admin, with a generated password kept in the data dir.
password_file="$INFRASAGE_DATA_DIR/dev-admin-password"
if [ ! -s "$password_file" ]; then
  mkdir -p "$INFRASAGE_DATA_DIR"
  (umask 077; openssl rand -base64 18 > "$password_file")
fi
build/infrasage admin bootstrap --tenant dev --email admin@dev.local --password-file "$password_file"

cat <<MSG
InfraSage is starting on http://localhost:8080 (INFRASAGE_ENV=$INFRASAGE_ENV).
Log in as the development admin (password in $password_file):
  TOKEN=\$(curl -s localhost:8080/api/v1/auth/login -H 'Content-Type: application/json' \\
    -d "{\"email\":\"admin@dev.local\",\"password\":\"\$(cat $password_file)\"}" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
Create an ingestion key and send a record:
  KEY=\$(build/infrasage admin apikey create --tenant dev --name local --scope ingestion | tail -n 1)
  curl -s -X POST localhost:8080/api/v1/telemetry/batch -H "X-API-Key: \$KEY" -H 'Content-Type: application/json' \\
    -d '[{"service_id":"checkout","metric_name":"latency_ms","value":42.5}]'
Press Ctrl-C to stop the server and its ClickHouse.
MSG
build/infrasage serve &
server_pid=$!
wait "$server_pid"
