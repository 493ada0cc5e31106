#include "watchdog/WatchdogCycle.h"

#include <algorithm>
#include <chrono>

#include "observability/Log.h"

namespace infrasage::watchdog {

namespace {

using observability::logInfo;
using observability::logWarn;

int64_t floorTo(int64_t value, int64_t step) {
    int64_t q = value / step;
    if (value % step != 0 && value < 0) {
        --q;
    }
    return q * step;
}

}  // namespace

WatchdogCycle::WatchdogCycle(WatchdogOptions options, SeriesSource& source, AnomalySink& sink)
    : options_(std::move(options)),
      source_(source),
      sink_(sink),
      table_(options_.ensemble, options_.max_series),
      models_(ServiceModelTable::Options{options_.max_service_models, options_.max_service_metrics,
                                         options_.ensemble.filter.cooldown_seconds,
                                         options_.service_forest}) {
    if (options_.step_seconds <= 0 || options_.max_buckets_per_query <= 0 ||
        options_.lookback_seconds < options_.step_seconds) {
        throw std::invalid_argument(
            "watchdog: step, buckets per query and lookback (>= step) must be positive");
    }
    if (!options_.checkpoint_path.empty()) {
        checkpoint_.emplace(options_.checkpoint_path,
                            CheckpointIdentity{options_.shard, options_.step_seconds});
    }
}

int64_t WatchdogCycle::untilFor(int64_t now) const {
    return floorTo(now - options_.settle_seconds, options_.step_seconds);
}

// After downtime longer than the lookback, the oldest part of the gap is skipped: judging days of
// old points would only raise stale alerts, and the query would not fit in memory.
int64_t WatchdogCycle::sinceFor(int64_t until) const {
    int64_t earliest = until - floorTo(options_.lookback_seconds, options_.step_seconds);
    auto watermark = table_.watermark();
    if (!watermark) {
        return earliest;
    }
    if (*watermark < earliest) {
        logWarn("watchdog skipped a gap longer than the lookback",
                {{"shard", options_.shard.toString()}, {"from", *watermark}, {"to", earliest}});
        return earliest;
    }
    return *watermark;
}

void WatchdogCycle::restore() {
    table_.clear();
    models_.rollback();
    if (checkpoint_) {
        std::string reason;
        switch (checkpoint_->load(table_, &reason)) {
            case Checkpoint::LoadResult::Loaded:
                logInfo("watchdog checkpoint loaded",
                        {{"shard", options_.shard.toString()},
                         {"series", table_.size()},
                         {"watermark", table_.watermark().value_or(0)}});
                break;
            case Checkpoint::LoadResult::Missing:
                break;
            case Checkpoint::LoadResult::Refused:
                logWarn("watchdog checkpoint ignored; detectors relearn",
                        {{"path", checkpoint_->path().string()}, {"reason", reason}});
                break;
        }
    }
    restored_ = true;
}

std::vector<storage::AnomalyRow> WatchdogCycle::readAndFeed(int64_t since, int64_t until,
                                                            const std::atomic<bool>* cancel,
                                                            CycleSummary& summary) {
    std::vector<storage::AnomalyRow> anomalies;
    const int64_t chunk = options_.max_buckets_per_query * options_.step_seconds;
    for (int64_t from = since; from < until; from += chunk) {
        if (cancel != nullptr && cancel->load()) {
            throw CycleCancelled();
        }
        feedBatch(source_.read(from, std::min(until, from + chunk)), anomalies, summary);
    }
    return anomalies;
}

// The source orders series by (tenant, service, metric), so a service's slices are adjacent.
void WatchdogCycle::feedBatch(const SeriesBatch& batch, std::vector<storage::AnomalyRow>& anomalies,
                              CycleSummary& summary) {
    const auto& slices = batch.series;
    for (size_t first = 0; first < slices.size();) {
        const SeriesKey& head = slices[first].key;
        size_t end = first + 1;
        while (end < slices.size() && slices[end].key.tenant_id == head.tenant_id &&
               slices[end].key.service_id == head.service_id) {
            ++end;
        }
        const size_t own_anomalies = anomalies.size();
        // Single-metric services are offered too: a model whose other metrics had no point in
        // this read still takes the row (the missing values are carried).
        const bool multivariate = models_.enabled();
        if (judged_.size() < end - first) {
            judged_.resize(end - first);
        }
        metrics_.clear();
        for (size_t i = first; i < end; ++i) {
            auto& judged = judged_[i - first];
            judged.clear();
            auto stats =
                table_.feedSlice(batch, slices[i], anomalies, multivariate ? &judged : nullptr);
            summary.points += stats.points;
            summary.dropped_series += stats.dropped_series;
            metrics_.push_back(MetricJudgements{slices[i].key.metric_name, judged});
        }
        if (multivariate) {
            summary.multivariate_anomalies +=
                models_.feed(head.tenant_id, head.service_id, metrics_, anomalies, own_anomalies);
        }
        first = end;
    }
}

CycleSummary WatchdogCycle::run(int64_t now, const std::atomic<bool>* cancel) {
    auto started = std::chrono::steady_clock::now();
    if (!restored_) {
        restore();
    }
    CycleSummary summary;
    summary.until = untilFor(now);
    summary.since = sinceFor(summary.until);
    if (summary.since >= summary.until) {
        summary.skipped = true;
        summary.tracked_series = table_.size();
        return summary;
    }
    try {
        auto anomalies = readAndFeed(summary.since, summary.until, cancel, summary);
        sink_.write(anomalies);
        models_.commit();
        summary.anomalies = anomalies.size();
    } catch (...) {
        restored_ = false;  // states ran ahead of what was written: reload before the next cycle
        throw;
    }
    summary.series = table_.countFedSince(summary.since);
    table_.setWatermark(summary.until);
    summary.evicted_series = table_.evictIdle(summary.until - options_.idle_evict_seconds);
    models_.evictIdle(summary.until - options_.idle_evict_seconds);
    summary.service_models = models_.size();
    summary.tracked_series = table_.size();
    if (checkpoint_) {
        // A failure here keeps the in-memory states (the anomalies are written); a crash before
        // the next successful save re-runs from the older checkpoint with the same ids.
        summary.checkpoint_bytes = checkpoint_->save(table_);
    }
    summary.cycle_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    return summary;
}

}  // namespace infrasage::watchdog
