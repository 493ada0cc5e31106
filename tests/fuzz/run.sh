#!/usr/bin/env bash
# Builds the libFuzzer targets (clang + ASan/UBSan, in build-fuzz/ unless INFRASAGE_FUZZ_BUILD is
# set) and runs each for <seconds> on a scratch copy of its seed corpus, so runs never grow the
# repository. Crash reproducers are kept in <build>/fuzz-artifacts/. Exits non-zero on any crash.
#   tests/fuzz/run.sh 60
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${INFRASAGE_FUZZ_BUILD:-$root/build-fuzz}"
targets=(record_parser jwt credentials otlp_protobuf otlp_json remote_write)

# Configure every time (cheap): a build that regenerates itself mid-way does not know targets
# added since its Makefiles were read.
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DINFRASAGE_FUZZ=ON -DINFRASAGE_BUILD_BENCH=OFF \
    >/dev/null
cmake --build "$build" -j"${JOBS:-2}" --target "${targets[@]/#/fuzz_}"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"

status=0
for target in "${targets[@]}"; do
    corpus="$scratch/$target"
    cp -r "$root/tests/fuzz/corpus/$target" "$corpus"
    dict=()
    if [[ -f "$root/tests/fuzz/$target.dict" ]]; then
        dict=(-dict="$root/tests/fuzz/$target.dict")
    fi
    echo "== fuzz_$target for ${seconds}s"
    log="$artifacts/$target.log"
    if "$build/tests/fuzz/fuzz_$target" "$corpus" "${dict[@]}" -max_total_time="$seconds" \
        -max_len="${FUZZ_MAX_LEN:-8192}" -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$artifacts/$target-" >"$log" 2>&1; then
        grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
    else
        tail -n 60 "$log" >&2
        echo "!! fuzz_$target found a problem; reproducer in $artifacts/, log $log" >&2
        status=1
    fi
done
exit "$status"
