// Deterministic synthetic series for the detector tests: Gaussian noise from a fixed-seed
// mt19937 around a baseline, one point per minute, with anomalies injected at known indices.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "detect/Detector.h"
#include "detect/Point.h"

namespace infrasage::detect::testing {

constexpr int64_t kStart = 1'700'000'000;
constexpr int64_t kStep = 60;

inline std::vector<Point> whiteNoise(size_t n, double mean, double sigma, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(mean, sigma);
    std::vector<Point> points(n);
    for (size_t i = 0; i < n; ++i)
        points[i] = {kStart + static_cast<int64_t>(i) * kStep, noise(rng)};
    return points;
}

inline std::vector<DetectorOutput> run(Detector& detector, const std::vector<Point>& points) {
    std::vector<DetectorOutput> out;
    out.reserve(points.size());
    for (const Point& p : points) out.push_back(detector.update(p));
    return out;
}

inline size_t countAnomalies(const std::vector<DetectorOutput>& out, size_t from, size_t to) {
    size_t count = 0;
    for (size_t i = from; i < to && i < out.size(); ++i)
        count += out[i].is_anomaly ? size_t{1} : size_t{0};
    return count;
}

}  // namespace infrasage::detect::testing
