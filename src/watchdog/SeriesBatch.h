// watchdog/SeriesBatch: the per-interval points one read returns, laid out flat (one vector of
// points, one slice per series) so a cycle over 100,000 series allocates two vectors, not 100,000.
// Within a slice, points are in strictly increasing time order (bucket starts, unix seconds).
#pragma once

#include <cstddef>
#include <vector>

#include "detect/Point.h"
#include "watchdog/SeriesKey.h"

namespace infrasage::watchdog {

struct SeriesSlice {
    SeriesKey key;
    size_t first = 0;  // index into SeriesBatch::points
    size_t count = 0;
};

struct SeriesBatch {
    std::vector<SeriesSlice> series;
    std::vector<detect::Point> points;

    // Appends a point to `key`'s slice, opening a new slice when the key differs from the last.
    void add(const SeriesKey& key, detect::Point point) {
        if (series.empty() || !(series.back().key == key)) {
            series.push_back(SeriesSlice{key, points.size(), 0});
        }
        points.push_back(point);
        ++series.back().count;
    }
};

}  // namespace infrasage::watchdog
