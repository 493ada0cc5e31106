// The Watchdog ensemble on the synthetic cases of issue 4. Each anomalous series has four clean
// days (past the one-day warm-up and the seasonal baseline's three-day start) before the anomaly
// at index kInjectAt; the anomaly must be reported within its case's allowance, and at most two
// alarms may come before it: a new all-time record of Gaussian noise is reported as a range
// novelty (NAB rewards exactly that sensitivity; a margin that hides noise records drops the
// standard score from 70.8 to 51, docs/benchmarks.md), and four days of noise set one or two. Each
// clean series runs for two weeks at one point per minute; the reported alarms are counted and
// bounded (recorded as test properties).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <memory>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "SyntheticSeries.h"
#include "detect/Ensemble.h"

namespace infrasage::detect {
namespace {

using testing::kStart;
using testing::kStep;

constexpr size_t kPerDay = 1440;
constexpr size_t kInjectAt = 4 * kPerDay;
constexpr size_t kAnomalousLength = kInjectAt + kPerDay;
constexpr size_t kCleanLength = 14 * kPerDay;
constexpr std::ptrdiff_t kMaxAlarmsBefore = 2;

// value(i, noise) for one point per minute from kStart.
using Shape = std::function<double(size_t, double)>;

std::vector<Point> generate(size_t n, const Shape& shape, uint32_t seed, double sigma = 1.0) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, sigma);
    std::vector<Point> points(n);
    for (size_t i = 0; i < n; ++i) {
        points[i] = {kStart + static_cast<int64_t>(i) * kStep, shape(i, noise(rng))};
    }
    return points;
}

double daily(size_t i) {
    return 50.0 + 20.0 * std::sin(2.0 * std::numbers::pi * static_cast<double>(i % kPerDay) /
                                  static_cast<double>(kPerDay));
}

std::vector<size_t> reported(const std::vector<Point>& points) {
    Ensemble ensemble;
    std::vector<size_t> at;
    for (size_t i = 0; i < points.size(); ++i) {
        if (ensemble.update(points[i]).is_anomaly) {
            at.push_back(i);
        }
    }
    return at;
}

struct AnomalyCase {
    std::string name;
    Shape shape;
    size_t allowance;  // points after kInjectAt within which the first report must come
};

class EnsembleCatches : public ::testing::TestWithParam<AnomalyCase> {};

TEST_P(EnsembleCatches, ReportsTheAnomalyInTime) {
    const auto points = generate(kAnomalousLength, GetParam().shape, 42);
    const auto at = reported(points);
    const auto first_after = std::lower_bound(at.begin(), at.end(), kInjectAt);
    ASSERT_NE(first_after, at.end()) << GetParam().name << " was not reported";
    EXPECT_LE(*first_after, kInjectAt + GetParam().allowance) << "reported too late";
    EXPECT_LE(first_after - at.begin(), kMaxAlarmsBefore);
}

INSTANTIATE_TEST_SUITE_P(
    Issue4Cases, EnsembleCatches,
    ::testing::Values(
        AnomalyCase{"spike",
                    [](size_t i, double e) { return 100.0 + e + (i == kInjectAt ? 12.0 : 0.0); },
                    0},
        AnomalyCase{
            "dip", [](size_t i, double e) { return 100.0 + e - (i == kInjectAt ? 12.0 : 0.0); }, 0},
        AnomalyCase{"level_shift",
                    [](size_t i, double e) { return 100.0 + e + (i >= kInjectAt ? 8.0 : 0.0); }, 5},
        AnomalyCase{"trend_change",
                    [](size_t i, double e) {
                        const double ramp =
                            i >= kInjectAt ? 0.05 * static_cast<double>(i - kInjectAt) : 0.0;
                        return 100.0 + e + ramp;
                    },
                    240},
        AnomalyCase{"variance_change",
                    [](size_t i, double e) { return 100.0 + (i >= kInjectAt ? 6.0 * e : e); }, 120},
        AnomalyCase{"seasonal_violation",
                    // Day 5's afternoon peak does not come: the value stays at the morning level.
                    [](size_t i, double e) {
                        const bool missing = i >= kInjectAt + 180 && i < kInjectAt + 540;
                        return (missing ? 50.0 : daily(i)) + 0.5 * e;
                    },
                    180 + 120},
        AnomalyCase{"flatline",
                    [](size_t i, double e) { return i >= kInjectAt ? 100.0 : 100.0 + e; }, 90}),
    [](const auto& test_case) { return test_case.param.name; });

struct CleanCase {
    std::string name;
    Shape shape;
    size_t max_alarms;  // over two weeks of minutes (20,160 points)
};

class EnsembleStaysQuiet : public ::testing::TestWithParam<CleanCase> {};

TEST_P(EnsembleStaysQuiet, RaisesAlmostNoAlarms) {
    const auto points = generate(kCleanLength, GetParam().shape, 7);
    const auto at = reported(points);
    RecordProperty("alarms", static_cast<int>(at.size()));
    EXPECT_LE(at.size(), GetParam().max_alarms) << GetParam().name;
}

// A random walk and a counter need the running sum; the shape functions see (i, noise) only.
Shape randomWalk() {
    auto position = std::make_shared<double>(100.0);
    return [position](size_t, double e) { return *position += e; };
}

Shape counter() {
    auto total = std::make_shared<double>(0.0);
    return [total](size_t, double e) { return *total += 50.0 + 10.0 * std::fabs(e); };
}

INSTANTIATE_TEST_SUITE_P(
    Issue4Cases, EnsembleStaysQuiet,
    ::testing::Values(
        // White noise sets ~2·ln(14) new records after day one; a handful may be reported.
        CleanCase{"white_noise", [](size_t, double e) { return 100.0 + e; }, 10},
        CleanCase{"random_walk", randomWalk(), 5},
        CleanCase{"daily_seasonality", [](size_t i, double e) { return daily(i) + 0.5 * e; }, 0},
        CleanCase{"weekly_seasonality",
                  [](size_t i, double e) {
                      const bool weekend = (i / kPerDay) % 7 >= 5;
                      return (weekend ? 0.5 * daily(i) : daily(i)) + 0.5 * e;
                  },
                  2},
        CleanCase{"counter", counter(), 0}),
    [](const auto& test_case) { return test_case.param.name; });

}  // namespace
}  // namespace infrasage::detect
