// watchdog/SeriesStateTable: the detector state of every series one Watchdog tracks — an Ensemble
// and the last bucket it has seen per SeriesKey — plus the cycle watermark (the end of the last
// completed read). Feeding skips buckets a series has already seen, so overlapping reads and
// re-run cycles never feed a point twice. Bounded by max_series; idle series are evicted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "detect/DetectorOutput.h"
#include "detect/Ensemble.h"
#include "detect/Point.h"
#include "storage/AnomalyTable.h"
#include "watchdog/SeriesBatch.h"
#include "watchdog/SeriesKey.h"

namespace infrasage::watchdog {

struct SeriesState {
    detect::Ensemble detector;
    int64_t last_bucket = 0;  // start of the last bucket fed (unix seconds)
};

struct FeedStats {
    size_t series = 0;          // series that received at least one point
    size_t points = 0;          // points fed to detectors
    size_t dropped_series = 0;  // new series refused because the table is full

    FeedStats& operator+=(const FeedStats& other) {
        series += other.series;
        points += other.points;
        dropped_series += other.dropped_series;
        return *this;
    }
};

// One fed point and the Ensemble's judgement of it: what the multivariate layer needs to name the
// metric of a joint anomaly and to fold its score (ServiceModelTable).
struct JudgedPoint {
    detect::Point point;
    detect::DetectorOutput output;
};

class SeriesStateTable {
  public:
    SeriesStateTable(detect::EnsembleOptions options, size_t max_series);

    // Feeds each series' points in time order; appends a row per reported anomaly to `anomalies`.
    FeedStats feed(const SeriesBatch& batch, std::vector<storage::AnomalyRow>& anomalies);
    // The same for one slice of `batch`; when `judged` is given, appends every point fed with its
    // judgement (in time order).
    FeedStats feedSlice(const SeriesBatch& batch, const SeriesSlice& slice,
                        std::vector<storage::AnomalyRow>& anomalies,
                        std::vector<JudgedPoint>* judged = nullptr);

    // Series whose last bucket is at or after `since`: those a cycle reading from `since` fed.
    size_t countFedSince(int64_t since) const;

    // Forgets series whose last bucket is before `cutoff`; returns how many.
    size_t evictIdle(int64_t cutoff);

    // For checkpoint loading: a series with a state saved by detect::Detector::save().
    // Throws detect::StateCodecError when the state does not load.
    void restore(SeriesKey key, int64_t last_bucket, std::string_view state);

    void clear();
    // Takes `other`'s series and watermark, keeping this table's options and bound.
    void takeContents(SeriesStateTable&& other);

    std::optional<int64_t> watermark() const { return watermark_; }
    void setWatermark(int64_t until) { watermark_ = until; }

    size_t size() const { return series_.size(); }
    const detect::EnsembleOptions& options() const { return options_; }
    const std::unordered_map<SeriesKey, SeriesState, SeriesKeyHash>& series() const {
        return series_;
    }
    // nullptr when the series is not tracked.
    const SeriesState* find(const SeriesKey& key) const;

  private:
    SeriesState* stateFor(const SeriesKey& key);

    detect::EnsembleOptions options_;
    size_t max_series_;
    std::unordered_map<SeriesKey, SeriesState, SeriesKeyHash> series_;
    std::optional<int64_t> watermark_;
};

}  // namespace infrasage::watchdog
