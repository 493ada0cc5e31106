// Cost of putting a samples insert into the table's key order (storage/SampleRowOrder), which the
// delivery worker pays so that ClickHouse does not sort the block itself (0.40 → 0.12 CPU-s per
// million rows in bench/clickhouse_narrow_insert_experiment.py). Blocks as remote write produces
// them: requests of one sample for each of 10,000 series, the series in the sender's order
// (random fingerprints), one tenant; 10,000 rows (INFRASAGE_FLUSH_ROWS) and 200,000 rows (a
// delivery backlog). The counter `cpu_s_per_M_rows` is the figure to set against 0.28.
//   build-x/bench/bench_micro_sample_order
#include <benchmark/benchmark.h>

#include <bit>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "storage/SampleRowOrder.h"

namespace {

constexpr int kSeries = 10000;

void put(std::string& out, uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) {
        out.push_back(static_cast<char>(static_cast<uint8_t>(value >> (8 * i))));
    }
}

std::string makeBlock(int64_t rows) {
    std::mt19937_64 random(7);
    std::vector<uint64_t> fingerprints(kSeries);
    for (auto& f : fingerprints) {
        f = random();
    }
    const std::string tenant = "tenant-0f3a9c2e";
    std::string block;
    for (int64_t i = 0; i < rows; ++i) {
        block.push_back(static_cast<char>(tenant.size()));
        block += tenant;
        put(block, fingerprints[static_cast<std::size_t>(i % kSeries)], 8);
        put(block, 1700000000 + static_cast<uint64_t>(i / kSeries) * 15, 4);
        put(block, static_cast<uint64_t>(i % 1000), 2);
        put(block, std::bit_cast<uint64_t>(static_cast<double>(i)), 8);
    }
    return block;
}

void BM_SampleRowsInKeyOrder(benchmark::State& state) {
    const std::string block = makeBlock(state.range(0));
    for (auto _ : state) {
        auto sorted = infrasage::storage::sampleRowsInKeyOrder(block);
        benchmark::DoNotOptimize(sorted);
    }
    state.counters["cpu_s_per_M_rows"] =
        benchmark::Counter(static_cast<double>(state.iterations() * state.range(0)) / 1e6,
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_SampleRowsInKeyOrder)->Arg(10000)->Arg(200000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
