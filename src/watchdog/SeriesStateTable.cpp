#include "watchdog/SeriesStateTable.h"

#include <algorithm>
#include <limits>

#include "watchdog/AnomalyRecord.h"

namespace infrasage::watchdog {

SeriesStateTable::SeriesStateTable(detect::EnsembleOptions options, size_t max_series)
    : options_(options), max_series_(max_series) {}

SeriesState* SeriesStateTable::stateFor(const SeriesKey& key) {
    if (auto it = series_.find(key); it != series_.end()) {
        return &it->second;
    }
    if (series_.size() >= max_series_) {
        return nullptr;
    }
    auto [it, inserted] = series_.emplace(
        key, SeriesState{detect::Ensemble(options_), std::numeric_limits<int64_t>::min()});
    return &it->second;
}

FeedStats SeriesStateTable::feed(const SeriesBatch& batch,
                                 std::vector<storage::AnomalyRow>& anomalies) {
    FeedStats stats;
    for (const auto& slice : batch.series) {
        stats += feedSlice(batch, slice, anomalies);
    }
    return stats;
}

FeedStats SeriesStateTable::feedSlice(const SeriesBatch& batch, const SeriesSlice& slice,
                                      std::vector<storage::AnomalyRow>& anomalies,
                                      std::vector<JudgedPoint>* judged) {
    FeedStats stats;
    SeriesState* state = stateFor(slice.key);
    if (state == nullptr) {
        stats.dropped_series = 1;
        return stats;
    }
    for (size_t i = slice.first; i < slice.first + slice.count; ++i) {
        const detect::Point& point = batch.points[i];
        if (point.timestamp <= state->last_bucket) {
            continue;  // seen already (overlapping read or a re-run cycle)
        }
        auto output = state->detector.update(point);
        state->last_bucket = point.timestamp;
        ++stats.points;
        if (output.is_anomaly) {
            anomalies.push_back(makeAnomalyRow(slice.key, point, output));
        }
        if (judged != nullptr) {
            judged->push_back(JudgedPoint{point, output});
        }
    }
    stats.series = stats.points > 0 ? 1 : 0;
    return stats;
}

size_t SeriesStateTable::countFedSince(int64_t since) const {
    return static_cast<size_t>(
        std::count_if(series_.begin(), series_.end(),
                      [since](const auto& entry) { return entry.second.last_bucket >= since; }));
}

size_t SeriesStateTable::evictIdle(int64_t cutoff) {
    return std::erase_if(series_,
                         [cutoff](const auto& entry) { return entry.second.last_bucket < cutoff; });
}

void SeriesStateTable::restore(SeriesKey key, int64_t last_bucket, std::string_view state) {
    detect::Ensemble detector(options_);
    detect::StateReader reader(state);
    detector.load(reader);
    if (!reader.atEnd()) {
        throw detect::StateCodecError("trailing bytes after a series state");
    }
    series_.insert_or_assign(std::move(key), SeriesState{std::move(detector), last_bucket});
}

void SeriesStateTable::clear() {
    series_.clear();
    watermark_.reset();
}

void SeriesStateTable::takeContents(SeriesStateTable&& other) {
    series_ = std::move(other.series_);
    watermark_ = other.watermark_;
    other.clear();
}

const SeriesState* SeriesStateTable::find(const SeriesKey& key) const {
    auto it = series_.find(key);
    return it == series_.end() ? nullptr : &it->second;
}

}  // namespace infrasage::watchdog
