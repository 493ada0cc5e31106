#!/usr/bin/env bash
# Installs every Debian package InfraSage needs to build, run and test.
# Idempotent: packages already present are skipped, so a second run is fast.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config clang clang-format clang-tidy libclang-rt-14-dev
  libsimdjson-dev libcpp-httplib-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libcli11-dev prometheus-cpp-dev libcurl4-openssl-dev libssl-dev zlib1g-dev
  libsodium-dev libsqlite3-dev libjwt-dev python3-jwt python3-yaml sqlite3 libgtest-dev libgmock-dev libbenchmark-dev
  clickhouse-server clickhouse-client
  libsnappy-dev libprotobuf-dev protobuf-compiler libxxhash-dev
  prometheus prometheus-node-exporter victoria-metrics nodejs
  curl openssl ca-certificates procps python3
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# The build fetches the OTLP .proto files with npm, and the OTLP tests run the OpenTelemetry JS
# SDK. NodeSource's nodejs (Node 20, as on these machines) bundles npm; Debian's nodejs does not.
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]} (run as root or install them)" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
