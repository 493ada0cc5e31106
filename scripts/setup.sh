# Sourced by run.sh and test.sh: installs what is missing, builds, starts the ClickHouse instance
# named by CLICKHOUSE_INSTANCE and exports its connection settings into the caller's shell.
bash scripts/install-deps.sh
bash scripts/build.sh
bash scripts/clickhouse.sh start
eval "$(bash scripts/clickhouse.sh env)"
export CLICKHOUSE_URL CLICKHOUSE_USER CLICKHOUSE_PASSWORD_FILE
[ -z "${CLICKHOUSE_HTTPS_URL:-}" ] || export CLICKHOUSE_HTTPS_URL CLICKHOUSE_TLS_CA_CERT
