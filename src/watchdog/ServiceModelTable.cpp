#include "watchdog/ServiceModelTable.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "detect/Severity.h"
#include "watchdog/AnomalyRecord.h"

namespace infrasage::watchdog {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// FNV-1a over the length-prefixed tenant and service: a stable stagger, the same in every process.
uint64_t serviceHash(const ServiceKey& key) {
    uint64_t h = 14695981039346656037ULL;
    const auto mix = [&h](std::string_view field) {
        const auto size = static_cast<uint64_t>(field.size());
        for (unsigned i = 0; i < 8; ++i) {
            h = (h ^ ((size >> (8U * i)) & 0xffU)) * 1099511628211ULL;
        }
        for (char c : field) {
            h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
        }
    };
    mix(key.tenant_id);
    mix(key.service_id);
    return h;
}

// How far a point is from its Ensemble's expectation, in half-bands (1 = on the band's edge).
double deviation(const JudgedPoint& judged) {
    const double half_band = (judged.output.upper - judged.output.lower) / 2.0;
    const double off = std::abs(judged.point.value - judged.output.expected);
    if (!(half_band > 0.0)) {
        return off > 0.0 ? std::numeric_limits<double>::infinity() : 0.0;
    }
    return off / half_band;
}

void setScore(storage::AnomalyRow& row, double score) {
    row.anomaly_score = score;
    auto severity = detect::severityFromScore(score);
    row.severity = std::string(detect::severityName(severity.value_or(detect::Severity::Low)));
}

}  // namespace

ServiceModelTable::ServiceModelTable(const Options& options) : options_(options) {}

ServiceModel* ServiceModelTable::modelFor(const ServiceKeyLess::View& view,
                                          std::span<const MetricJudgements> metrics) {
    if (auto it = models_.find(view); it != models_.end()) {
        return &it->second;
    }
    std::vector<std::string> names;
    for (const auto& metric : metrics) {
        if (!metric.points.empty()) {
            names.emplace_back(metric.metric_name);
        }
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    if (names.size() < 2) {
        return nullptr;  // nothing multivariate (yet)
    }
    if (models_.size() >= options_.max_models) {
        ++refused_;
        return nullptr;
    }
    names.resize(std::min(names.size(), options_.max_metrics));
    ServiceKey key{std::string(view.first), std::string(view.second)};
    detect::ServiceForest::Options forest = options_.forest;
    forest.min_rows =
        std::min(forest.window, forest.min_rows + serviceHash(key) % forest.retrain_every);
    const size_t k = names.size();
    auto [it, inserted] = models_.emplace(key, ServiceModel{std::move(names),
                                                            detect::ServiceForest(k, forest),
                                                            std::numeric_limits<int64_t>::min(),
                                                            std::nullopt,
                                                            std::nullopt,
                                                            {}});
    return &it->second;
}

// Merges the metrics' points into rows of the model's columns, by bucket.
void ServiceModelTable::buildRows(const ServiceModel& model,
                                  std::span<const MetricJudgements> metrics) {
    const size_t k = model.metrics.size();
    rows_.buckets.clear();
    std::vector<std::pair<size_t, const MetricJudgements*>> columns;
    for (const auto& metric : metrics) {
        auto it = std::lower_bound(model.metrics.begin(), model.metrics.end(), metric.metric_name);
        if (it == model.metrics.end() || *it != metric.metric_name) {
            continue;  // not one of the model's metrics
        }
        columns.emplace_back(static_cast<size_t>(it - model.metrics.begin()), &metric);
        for (const auto& judged : metric.points) {
            rows_.buckets.push_back(judged.point.timestamp);
        }
    }
    std::sort(rows_.buckets.begin(), rows_.buckets.end());
    rows_.buckets.erase(std::unique(rows_.buckets.begin(), rows_.buckets.end()),
                        rows_.buckets.end());
    rows_.cells.assign(rows_.buckets.size() * k, nullptr);
    for (const auto& [column, metric] : columns) {
        size_t row = 0;
        for (const auto& judged : metric->points) {
            while (rows_.buckets[row] < judged.point.timestamp) {
                ++row;
            }
            rows_.cells[row * k + column] = &judged;
        }
    }
}

// The forest's output for a row: fed now, or the one kept from a failed cycle's run of that row.
detect::MultivariateOutput ServiceModelTable::score(ServiceModel& model, size_t row) {
    const int64_t bucket = rows_.buckets[row];
    if (bucket <= model.last_row) {
        auto it = std::lower_bound(model.uncommitted.begin(), model.uncommitted.end(), bucket,
                                   [](const auto& kept, int64_t t) { return kept.first < t; });
        return it != model.uncommitted.end() && it->first == bucket ? it->second
                                                                    : detect::MultivariateOutput{};
    }
    const size_t k = model.metrics.size();
    values_.assign(k, kNaN);
    for (size_t column = 0; column < k; ++column) {
        if (const JudgedPoint* judged = rows_.cells[row * k + column]; judged != nullptr) {
            values_[column] = judged->point.value;
        }
    }
    auto out = model.forest.update(bucket, values_);
    model.last_row = bucket;
    model.uncommitted.emplace_back(bucket, out);
    return out;
}

std::optional<storage::AnomalyRow> ServiceModelTable::fold(std::string_view tenant_id,
                                                           std::string_view service_id,
                                                           ServiceModel& model, size_t row,
                                                           const detect::MultivariateOutput& out,
                                                           std::span<storage::AnomalyRow> own) {
    const int64_t bucket = rows_.buckets[row];
    bool univariate = false;
    for (auto& anomaly : own) {
        if (anomaly.detected_at == bucket) {
            univariate = true;
            setScore(anomaly, detect::foldScores(anomaly.anomaly_score, out.anomaly_score));
        }
    }
    if (!out.is_anomaly) {
        return std::nullopt;
    }
    const bool cooled = !model.last_joint || options_.cooldown_seconds <= 0 ||
                        bucket >= *model.last_joint + options_.cooldown_seconds;
    if (univariate) {
        model.last_joint = bucket;  // the joint anomaly is reported by a metric
        return std::nullopt;
    }
    if (!cooled) {
        return std::nullopt;
    }
    const size_t k = model.metrics.size();
    std::optional<size_t> worst;
    double worst_deviation = -1.0;
    for (size_t column = 0; column < k; ++column) {
        const JudgedPoint* judged = rows_.cells[row * k + column];
        if (judged != nullptr && deviation(*judged) > worst_deviation) {
            worst = column;
            worst_deviation = deviation(*judged);
        }
    }
    if (!worst) {
        return std::nullopt;  // no metric judged at this bucket (NaN deviations only)
    }
    model.last_joint = bucket;
    const JudgedPoint& judged = *rows_.cells[row * k + *worst];
    detect::DetectorOutput output = judged.output;
    output.anomaly_score = detect::foldScores(output.anomaly_score, out.anomaly_score);
    output.detector = out.detector;
    const SeriesKey series{std::string(tenant_id), std::string(service_id), model.metrics[*worst]};
    return makeAnomalyRow(series, judged.point, output);
}

size_t ServiceModelTable::feed(std::string_view tenant_id, std::string_view service_id,
                               std::span<const MetricJudgements> metrics,
                               std::vector<storage::AnomalyRow>& anomalies, size_t first_own) {
    if (!enabled()) {
        return 0;
    }
    ServiceModel* model = modelFor({tenant_id, service_id}, metrics);
    if (model == nullptr) {
        return 0;
    }
    buildRows(*model, metrics);
    const size_t own_end = anomalies.size();
    size_t added = 0;
    for (size_t row = 0; row < rows_.buckets.size(); ++row) {
        const auto out = score(*model, row);
        if (!out.scored) {
            continue;
        }
        auto own =
            std::span<storage::AnomalyRow>(anomalies).subspan(first_own, own_end - first_own);
        if (auto joint = fold(tenant_id, service_id, *model, row, out, own)) {
            anomalies.push_back(std::move(*joint));
            ++added;
        }
    }
    return added;
}

void ServiceModelTable::commit() {
    for (auto& [key, model] : models_) {
        model.committed_last_joint = model.last_joint;
        model.uncommitted.clear();
    }
}

void ServiceModelTable::rollback() {
    for (auto& [key, model] : models_) {
        model.last_joint = model.committed_last_joint;
    }
}

size_t ServiceModelTable::evictIdle(int64_t cutoff) {
    return std::erase_if(models_,
                         [cutoff](const auto& entry) { return entry.second.last_row < cutoff; });
}

const ServiceModel* ServiceModelTable::find(const ServiceKey& key) const {
    auto it = models_.find(key);
    return it == models_.end() ? nullptr : &it->second;
}

}  // namespace infrasage::watchdog
