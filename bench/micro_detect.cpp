// Detector update cost: ns per point for each online detector (and the filter behind it), on
// Gaussian noise with occasional spikes so both the quiet and the alarm paths run. The state
// size per series is reported as a counter (bytes).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "detect/AnomalyFilter.h"
#include "detect/Ensemble.h"
#include "detect/HoltSmoother.h"
#include "detect/RobustZScore.h"
#include "detect/RollingZScore.h"

namespace {

using namespace infrasage::detect;

const std::vector<Point>& series() {
    static const std::vector<Point> points = [] {
        std::mt19937 rng(7);
        std::normal_distribution<double> noise(100.0, 1.0);
        std::vector<Point> out(1 << 16);
        for (size_t i = 0; i < out.size(); ++i) {
            const double spike = i % 997 == 0 ? 15.0 : 0.0;
            out[i] = {1'700'000'000 + static_cast<int64_t>(i) * 60, noise(rng) + spike};
        }
        return out;
    }();
    return points;
}

// Feeds the shared series through `detector`, one point per iteration.
template <typename D>
void runDetector(benchmark::State& state, D& detector) {
    const auto& points = series();
    size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(detector.update(points[i]));
        i = (i + 1) & (points.size() - 1);
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["state_bytes"] = static_cast<double>(detector.memoryBytes());
}

template <typename D>
void BM_Detector(benchmark::State& state) {
    D detector;
    runDetector(state, detector);
}

void BM_RobustZScoreWindow(benchmark::State& state) {
    RobustZScore detector({static_cast<size_t>(state.range(0)), 3.5, 30});
    runDetector(state, detector);
}

void BM_RollingZScoreWithFilter(benchmark::State& state) {
    RollingZScore detector;
    AnomalyFilter filter;
    const auto& points = series();
    size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(filter.report(points[i], detector.update(points[i])));
        i = (i + 1) & (points.size() - 1);
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK_TEMPLATE(BM_Detector, RollingZScore);
BENCHMARK_TEMPLATE(BM_Detector, RobustZScore);
BENCHMARK_TEMPLATE(BM_Detector, HoltSmoother);
BENCHMARK_TEMPLATE(BM_Detector, Ensemble);
BENCHMARK(BM_RobustZScoreWindow)->Arg(16)->Arg(64)->Arg(256);
BENCHMARK(BM_RollingZScoreWithFilter);

}  // namespace

BENCHMARK_MAIN();
