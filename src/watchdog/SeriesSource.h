// watchdog/SeriesSource: where a cycle gets its points from. SeriesReader reads ClickHouse; unit
// tests and the benchmark hand in prepared batches.
#pragma once

#include <cstdint>

#include "watchdog/SeriesBatch.h"

namespace infrasage::watchdog {

class SeriesSource {
  public:
    virtual ~SeriesSource() = default;
    // Per-interval aggregates of every series of this source's shard whose points fall in
    // [since, until) (unix seconds, both multiples of the step), ordered by series then time.
    virtual SeriesBatch read(int64_t since, int64_t until) = 0;
};

}  // namespace infrasage::watchdog
