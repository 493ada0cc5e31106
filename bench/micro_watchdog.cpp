// One Watchdog cycle's CPU without the ClickHouse query: 100,000 series (a few tenants, services
// and metrics), each receiving one new per-interval point, fed through the SeriesStateTable (the
// Ensemble per series, anomaly rows for what is reported). Also the checkpoint: encoding time,
// the atomic write (fsync included) and bytes per series. And a cycle with the multivariate layer:
// 1,000 services of 5 metrics, every service model trained (retraining staggered, amortised in).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "watchdog/Checkpoint.h"
#include "watchdog/SeriesStateTable.h"
#include "watchdog/WatchdogCycle.h"

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

// `services` services of `metrics` daily-seasonal metrics each, one point per series and bucket,
// generated on read (a few days of 5,000 series would not fit a prepared map).
class ServiceSource final : public SeriesSource {
  public:
    ServiceSource(size_t services, size_t metrics) : metrics_(metrics) {
        for (size_t s = 0; s < services; ++s) {
            for (size_t m = 0; m < metrics; ++m) {
                keys_.push_back({"tenant-" + std::to_string(s % 10), "service-" + std::to_string(s),
                                 "metric_" + std::to_string(m)});
            }
        }
    }

    SeriesBatch read(int64_t since, int64_t until) override {
        std::normal_distribution<double> noise(0.0, 2.0);
        SeriesBatch batch;
        const auto buckets = static_cast<size_t>((until - since) / kStep);
        batch.series.reserve(keys_.size());
        batch.points.reserve(keys_.size() * buckets);
        for (size_t k = 0; k < keys_.size(); ++k) {
            for (int64_t t = since; t < until; t += kStep) {
                const double phase = 6.283185307179586 * static_cast<double>(t % 86400) / 86400.0;
                const auto scale = static_cast<double>(k % metrics_ + 1);
                batch.add(keys_[k], {t, scale * (100.0 + 30.0 * std::sin(phase)) + noise(rng_)});
            }
        }
        return batch;
    }

  private:
    size_t metrics_;
    std::vector<SeriesKey> keys_;
    std::mt19937 rng_{23};
};

class NullSink final : public AnomalySink {
  public:
    void write(const std::vector<infrasage::storage::AnomalyRow>& rows) override {
        written += rows.size();
    }
    size_t written = 0;
};

// CPU of one cycle (one new bucket) over range(0) services of 5 metrics, with trained forests
// (range(1) = 1) or without the multivariate layer (0). Warm-up (not timed): a first cycle over
// 31 h, so every model is past its (staggered) first training.
void BM_CycleWithServiceForests(benchmark::State& state) {
    const auto services = static_cast<size_t>(state.range(0));
    ServiceSource source(services, 5);
    NullSink sink;
    WatchdogOptions options;
    options.step_seconds = kStep;
    options.lookback_seconds = int64_t{31} * 3600;
    options.max_service_models = state.range(1) != 0 ? services : 0;
    WatchdogCycle cycle(options, source, sink);
    int64_t now = kT0 + options.lookback_seconds + 30;
    cycle.run(now);
    size_t trained = 0;
    size_t model_bytes = 0;
    for (size_t s = 0; s < services; ++s) {
        const auto* model = cycle.serviceModels().find(
            {"tenant-" + std::to_string(s % 10), "service-" + std::to_string(s)});
        trained += model != nullptr && model->forest.trained() ? 1U : 0U;
        model_bytes += model != nullptr ? model->forest.memoryBytes() : 0;
    }
    const size_t written_before = sink.written;
    for (auto _ : state) {
        now += kStep;
        benchmark::DoNotOptimize(cycle.run(now));
    }
    state.counters["trained_models"] = static_cast<double>(trained);
    state.counters["model_MB_each"] =
        static_cast<double>(model_bytes) / 1e6 / static_cast<double>(std::max<size_t>(trained, 1));
    state.counters["anomalies_per_cycle"] = static_cast<double>(sink.written - written_before) /
                                            static_cast<double>(state.iterations());
}
BENCHMARK(BM_CycleWithServiceForests)
    ->Args({1'000, 1})
    ->Args({1'000, 0})
    ->Iterations(120)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();

}  // namespace

BENCHMARK_MAIN();
