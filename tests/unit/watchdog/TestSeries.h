// Helpers for the Watchdog unit tests: a deterministic noisy series and in-memory source/sink.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <utility>
#include <vector>

#include "watchdog/AnomalySink.h"
#include "watchdog/SeriesSource.h"

namespace infrasage::watchdog::test {

// 100 plus uniform noise in [-2, 2) from a fixed LCG: the same values on every run.
inline double noisyValue(uint64_t i) {
    uint64_t x = i * 6364136223846793005ULL + 1442695040888963407ULL;
    x ^= x >> 33U;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33U;
    return 100.0 + (static_cast<double>(x % 4000) / 1000.0) - 2.0;
}

// A wave of period 20: regular enough that nothing in it is anomalous once learnt.
inline double waveValue(uint64_t i) {
    constexpr double kTwoPi = 6.283185307179586;
    return 100.0 + 5.0 * std::sin(kTwoPi * static_cast<double>(i % 20) / 20.0);
}

// Every point of every series; read() returns the window's points in (series, time) order, as
// SeriesReader does.
class FakeSource final : public SeriesSource {
  public:
    void add(const SeriesKey& key, int64_t t, double value) { points_[key][t] = value; }

    SeriesBatch read(int64_t since, int64_t until) override {
        reads.emplace_back(since, until);
        if (fail) {
            throw std::runtime_error("source down");
        }
        SeriesBatch batch;
        for (const auto& [key, series] : points_) {
            for (auto it = series.lower_bound(since); it != series.end() && it->first < until;
                 ++it) {
                batch.add(key, detect::Point{it->first, it->second});
            }
        }
        return batch;
    }

    std::vector<std::pair<int64_t, int64_t>> reads;
    bool fail = false;

  private:
    std::map<SeriesKey, std::map<int64_t, double>> points_;
};

class FakeSink final : public AnomalySink {
  public:
    void write(const std::vector<storage::AnomalyRow>& batch) override {
        ++writes;
        if (fail) {
            throw std::runtime_error("clickhouse down");
        }
        rows.insert(rows.end(), batch.begin(), batch.end());
    }

    std::vector<storage::AnomalyRow> rows;
    int writes = 0;
    bool fail = false;
};

}  // namespace infrasage::watchdog::test
