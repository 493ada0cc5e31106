// Multivariate layer cost: isolation-forest training and scoring, and one service model's update
// per row (features, two forest scores, and the retraining every 360 rows amortised in), with the
// model's state size per service as a counter (bytes).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

#include "detect/IsolationForest.h"
#include "detect/ServiceForest.h"

namespace {

using namespace infrasage::detect;

constexpr int64_t kStart = 1'700'006'400;
constexpr size_t kPerDay = 1440;

// Rows of `metrics` daily-seasonal metrics with noise, one a minute.
std::vector<double> serviceRows(size_t rows, size_t metrics) {
    std::mt19937 rng(7);
    std::normal_distribution<double> noise(0.0, 1.0);
    std::vector<double> out(rows * metrics);
    for (size_t i = 0; i < rows; ++i) {
        const double phase = 2.0 * std::numbers::pi * static_cast<double>(i % kPerDay) / kPerDay;
        for (size_t j = 0; j < metrics; ++j) {
            const auto scale = static_cast<double>(j + 1);
            out[i * metrics + j] = scale * (100.0 + 50.0 * std::sin(phase) + 5.0 * noise(rng));
        }
    }
    return out;
}

// Level-forest style rows: k values and the time of day, `rows` of them.
std::vector<double> featureRows(size_t rows, size_t dims) {
    std::mt19937 rng(9);
    std::normal_distribution<double> noise(0.0, 1.0);
    std::vector<double> out(rows * dims);
    for (double& v : out) {
        v = noise(rng);
    }
    return out;
}

void BM_IsolationForestTrain(benchmark::State& state) {
    const auto trees = static_cast<size_t>(state.range(0));
    const auto rows = featureRows(2880, 4);
    IsolationForest forest({trees, 256, 1});
    for (auto _ : state) {
        forest.train(rows, 4);
        benchmark::DoNotOptimize(forest.nodeCount());
    }
    state.counters["nodes"] = static_cast<double>(forest.nodeCount());
    state.counters["forest_bytes"] = static_cast<double>(forest.memoryBytes());
}

void BM_IsolationForestScore(benchmark::State& state) {
    const auto dims = static_cast<size_t>(state.range(0));
    const auto rows = featureRows(2880, dims);
    IsolationForest forest;
    forest.train(rows, dims);
    size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(
            forest.score(std::span<const double>(rows).subspan(i * dims, dims)));
        i = (i + 1) % 2880;
    }
    state.SetItemsProcessed(state.iterations());
}

// Per row, after the first training; every 360th row retrains both forests on 2,880 rows.
void BM_ServiceForestUpdate(benchmark::State& state) {
    const auto metrics = static_cast<size_t>(state.range(0));
    constexpr size_t kRows = 4 * kPerDay;
    const auto rows = serviceRows(kRows, metrics);
    ServiceForest model(metrics);
    size_t i = 0;
    const auto feed = [&] {
        const auto row = std::span<const double>(rows).subspan((i % kRows) * metrics, metrics);
        const auto out = model.update(kStart + static_cast<int64_t>(i) * 60, row);
        ++i;
        return out;
    };
    while (!model.trained()) {
        feed();
    }
    for (auto _ : state) {
        benchmark::DoNotOptimize(feed());
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["state_bytes"] = static_cast<double>(model.memoryBytes());
}

BENCHMARK(BM_IsolationForestTrain)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_IsolationForestScore)->Arg(4)->Arg(12);
BENCHMARK(BM_ServiceForestUpdate)->Arg(2)->Arg(5)->Arg(10)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
