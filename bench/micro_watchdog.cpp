// One Watchdog cycle's CPU without the ClickHouse query: 100,000 series (a few tenants, services
// and metrics), each receiving one new per-interval point, fed through the SeriesStateTable (the
// Ensemble per series, anomaly rows for what is reported). Also the checkpoint: encoding time,
// the atomic write (fsync included) and bytes per series.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "watchdog/Checkpoint.h"
#include "watchdog/SeriesStateTable.h"

namespace {

using namespace infrasage::watchdog;
using infrasage::detect::EnsembleOptions;

constexpr int64_t kStep = 60;
constexpr int64_t kT0 = 1'699'999'980;
constexpr int64_t kWarmPoints = 64;  // history fed before timing, so every detector is warm

// One point per series at bucket `t`, values from a seeded normal distribution.
SeriesBatch batchAt(size_t series, int64_t t, std::mt19937& rng) {
    std::normal_distribution<double> noise(100.0, 2.0);
    SeriesBatch batch;
    batch.series.reserve(series);
    batch.points.reserve(series);
    for (size_t s = 0; s < series; ++s) {
        SeriesKey key{"tenant-" + std::to_string(s % 10), "service-" + std::to_string(s % 1000),
                      "metric_" + std::to_string(s)};
        batch.add(key, {t, noise(rng)});
    }
    return batch;
}

void setTime(SeriesBatch& batch, int64_t t, std::mt19937& rng) {
    std::normal_distribution<double> noise(100.0, 2.0);
    for (auto& point : batch.points) {
        point = {t, noise(rng)};
    }
}

SeriesStateTable warmTable(size_t series, SeriesBatch& batch, std::mt19937& rng) {
    SeriesStateTable table(EnsembleOptions{}, series);
    std::vector<infrasage::storage::AnomalyRow> anomalies;
    for (int64_t i = 0; i < kWarmPoints; ++i) {
        setTime(batch, kT0 + i * kStep, rng);
        table.feed(batch, anomalies);
    }
    return table;
}

// CPU of one cycle over `series` series with one new point each (range(0) = series).
void BM_CycleFeed(benchmark::State& state) {
    const auto series = static_cast<size_t>(state.range(0));
    std::mt19937 rng(11);
    auto batch = batchAt(series, kT0, rng);
    auto table = warmTable(series, batch, rng);
    int64_t t = kT0 + kWarmPoints * kStep;
    size_t anomalies_total = 0;
    for (auto _ : state) {
        state.PauseTiming();
        setTime(batch, t, rng);  // the parsed answer of the cycle's query
        t += kStep;
        std::vector<infrasage::storage::AnomalyRow> anomalies;
        state.ResumeTiming();
        auto stats = table.feed(batch, anomalies);
        benchmark::DoNotOptimize(stats);
        anomalies_total += anomalies.size();
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.counters["ns_per_series"] =
        benchmark::Counter(static_cast<double>(state.iterations() * state.range(0)),
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.counters["anomalies_per_cycle"] =
        static_cast<double>(anomalies_total) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_CycleFeed)->Arg(100'000)->Unit(benchmark::kMillisecond)->UseRealTime();

// Encoding every series state into the checkpoint image (range(0) = series).
void BM_CheckpointEncode(benchmark::State& state) {
    const auto series = static_cast<size_t>(state.range(0));
    std::mt19937 rng(13);
    auto batch = batchAt(series, kT0, rng);
    auto table = warmTable(series, batch, rng);
    table.setWatermark(kT0 + kWarmPoints * kStep);
    size_t bytes = 0;
    for (auto _ : state) {
        auto image = Checkpoint::encode(table, CheckpointIdentity{ShardSpec(), kStep});
        bytes = image.size();
        benchmark::DoNotOptimize(image);
    }
    state.counters["bytes_per_series"] = static_cast<double>(bytes) / static_cast<double>(series);
    state.counters["checkpoint_MB"] = static_cast<double>(bytes) / 1e6;
}
BENCHMARK(BM_CheckpointEncode)->Arg(100'000)->Unit(benchmark::kMillisecond);

// The atomic write: encode, temporary file, fsync, rename, directory fsync.
void BM_CheckpointSave(benchmark::State& state) {
    const auto series = static_cast<size_t>(state.range(0));
    std::mt19937 rng(17);
    auto batch = batchAt(series, kT0, rng);
    auto table = warmTable(series, batch, rng);
    auto dir = std::filesystem::temp_directory_path() / "infrasage-bench-watchdog";
    Checkpoint checkpoint(dir / "shard-0-of-1.ckpt", CheckpointIdentity{ShardSpec(), kStep});
    for (auto _ : state) {
        benchmark::DoNotOptimize(checkpoint.save(table));
    }
    std::filesystem::remove_all(dir);
}
BENCHMARK(BM_CheckpointSave)->Arg(100'000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
