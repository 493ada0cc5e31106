// watchdog/ServiceModelTable: the multivariate layer of one Watchdog — a detect::ServiceForest per
// (tenant_id, service_id) over that service's metrics — and the fold of its judgement into the
// univariate anomalies of the same read (issue 4 part 4).
//
// Model: created the first time a read holds two or more metrics of the service; its metrics are
// those metrics sorted by name, the first `max_metrics` of them. The set is then fixed: a metric
// that appears later is ignored by the model (the forest's feature space cannot grow); the model
// is recreated with the new set once the service went `idle_evict_seconds` without a point of its
// metrics (as series are). A service with a single metric gets no model. The tenant is part of
// the key, so two tenants' services with the same service_id never share a model.
//
// Rows: one per bucket at which at least one of the model's metrics was fed to its Ensemble, in
// time order, the metric's value in its column, NaN where it has no point (the forest carries the
// last value). A metric whose series is not tracked (SeriesStateTable full) counts as missing.
//
// Fold, per row the forest scored:
//   - univariate anomalies of the service at that bucket keep their detector, and their score is
//     raised to detect::foldScores(u, m) (severity recomputed);
//   - when the forest flags the row and no univariate anomaly of the service was reported at that
//     bucket, ONE anomaly is reported for the service: metric_name = the metric deviating most
//     from its Ensemble's expected value relative to its band, |v - expected| / ((upper - lower)
//     / 2); its value, band and z_score; detector "iforest_level" or "iforest_change";
//     anomaly_score = foldScores(that metric's score, the forest's); the univariate id helper
//     (anomalyId), so a re-run yields the same id.
//   - a per-service cooldown (the Ensemble's WATCHDOG_COOLDOWN_SECONDS, counted from the last
//     joint anomaly, whether reported here or carried by a univariate anomaly at that bucket)
//     makes a persisting joint shift one anomaly per cooldown, not one per bucket.
//
// Not checkpointed (src/watchdog/README.md says why): after a restart the layer relearns (a day of
// rows). Within a process a failed cycle is re-run exactly: every forest output since the last
// written cycle is kept (commit() drops them), rollback() restores the cooldowns, and the re-run
// reuses the kept outputs for rows the forests have already seen, so it reports the same rows.
//
// Retraining is staggered: each model's first training waits min_rows plus a stable per-service
// offset in [0, retrain_every), so services created in the same cycle do not all retrain (tens of
// ms each) in the same later cycle.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detect/ServiceForest.h"
#include "storage/AnomalyTable.h"
#include "watchdog/SeriesStateTable.h"

namespace infrasage::watchdog {

struct ServiceKey {
    std::string tenant_id;
    std::string service_id;

    auto operator<=>(const ServiceKey&) const = default;
};

// Orders ServiceKeys and finds them by (tenant, service) views without building a key: a cycle
// looks up every service of the shard, most of them without a model.
struct ServiceKeyLess {
    using is_transparent = void;
    using View = std::pair<std::string_view, std::string_view>;
    static View view(const ServiceKey& key) { return {key.tenant_id, key.service_id}; }
    static View view(const View& key) { return key; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
        return view(a) < view(b);
    }
};

// One metric of a service in one read: the points its Ensemble judged, in time order.
struct MetricJudgements {
    std::string_view metric_name;
    std::span<const JudgedPoint> points;
};

struct ServiceModel {
    std::vector<std::string> metrics;  // sorted by name; the forest's columns
    detect::ServiceForest forest;
    int64_t last_row = 0;                         // bucket of the last row fed to the forest
    std::optional<int64_t> last_joint;            // cooldown: the last joint anomaly's bucket
    std::optional<int64_t> committed_last_joint;  // the same as of the last written cycle
    // Forest outputs of the rows fed since the last written cycle, in time order.
    std::vector<std::pair<int64_t, detect::MultivariateOutput>> uncommitted;
};

class ServiceModelTable {
  public:
    struct Options {
        size_t max_models = 2000;  // 0 disables the layer
        size_t max_metrics = 16;
        int64_t cooldown_seconds = 300;
        detect::ServiceForest::Options forest;
    };

    explicit ServiceModelTable(const Options& options);

    bool enabled() const { return options_.max_models > 0; }

    // Judges one service's rows of a read after its univariate feed. `anomalies[first_own, end)`
    // are the univariate anomalies that read reported for this service; their scores are folded
    // and joint anomalies are appended. Returns the number appended.
    size_t feed(std::string_view tenant_id, std::string_view service_id,
                std::span<const MetricJudgements> metrics,
                std::vector<storage::AnomalyRow>& anomalies, size_t first_own);

    void commit();    // the cycle's anomalies are written
    void rollback();  // the cycle failed; its re-run will reuse the kept forest outputs
    // Forgets models without a row since `cutoff`; returns how many.
    size_t evictIdle(int64_t cutoff);

    size_t size() const { return models_.size(); }
    // Services that had two or more metrics but got no model because max_models was reached.
    size_t refused() const { return refused_; }
    const ServiceModel* find(const ServiceKey& key) const;

  private:
    // A row of the forest: its bucket and, per model metric, the judged point (nullptr: missing).
    struct Rows {
        std::vector<int64_t> buckets;
        std::vector<const JudgedPoint*> cells;  // buckets.size() x metrics
    };

    ServiceModel* modelFor(const ServiceKeyLess::View& key,
                           std::span<const MetricJudgements> metrics);
    void buildRows(const ServiceModel& model, std::span<const MetricJudgements> metrics);
    detect::MultivariateOutput score(ServiceModel& model, size_t row);
    std::optional<storage::AnomalyRow> fold(std::string_view tenant_id, std::string_view service_id,
                                            ServiceModel& model, size_t row,
                                            const detect::MultivariateOutput& out,
                                            std::span<storage::AnomalyRow> own);

    Options options_;
    std::map<ServiceKey, ServiceModel, ServiceKeyLess> models_;
    size_t refused_ = 0;
    Rows rows_;                   // reused between services
    std::vector<double> values_;  // one row's values, reused
};

}  // namespace infrasage::watchdog
