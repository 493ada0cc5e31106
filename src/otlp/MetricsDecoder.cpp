#include "otlp/MetricsDecoder.h"

#include <charconv>
#include <cmath>
#include <span>
#include <string_view>

#include "common/ApiError.h"
#include "otlp/AttributeSet.h"

namespace infrasage::otlp {

namespace {

namespace pbm = opentelemetry::proto::metrics::v1;
using KeyValues = AttributeSet::KeyValues;

constexpr uint32_t kNoRecordedValue = 1;  // DataPointFlags.FLAG_NO_RECORDED_VALUE

std::string_view temporalityName(pbm::AggregationTemporality temporality) {
    switch (temporality) {
        case pbm::AGGREGATION_TEMPORALITY_DELTA:
            return "delta";
        case pbm::AGGREGATION_TEMPORALITY_CUMULATIVE:
            return "cumulative";
        default:
            return "unspecified";
    }
}

// Shortest text that reads back as the same double ("0.25", "1e+06").
std::string formatDouble(double value) {
    std::array<char, 32> buffer{};
    auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return std::string(buffer.data(), result.ptr);
}

int64_t toMillis(uint64_t unix_nanos) {
    return static_cast<int64_t>(unix_nanos / 1'000'000U);
}

// Appends series for one request into DecodedMetrics, owning every string the views point at.
class SeriesBuilder {
  public:
    SeriesBuilder(DecodedMetrics& out, std::size_t max_series)
        : out_(out), max_series_(max_series) {}

    std::string_view keep(std::string text) { return out_.strings.emplace_back(std::move(text)); }

    // The labels of one data point: the resource context, the point's attributes, then `derived`.
    void beginPoint(const ResourceContext& context, const KeyValues& attributes,
                    std::span<const Attribute> derived) {
        AttributeSet set;
        set.setAll(context.attributes);
        set.setAll(attributes);
        for (const auto& attribute : derived) {
            set.set(attribute.key, attribute.value);
        }
        base_.clear();
        for (const auto& attribute : set.finish()) {
            base_.push_back(ingest::LabelView{keep(attribute.key), keep(attribute.value)});
        }
    }

    // One sample of series `name` with the point's labels, plus `extra` (le, quantile) if given.
    void add(std::string_view service_id, std::string_view name, int64_t timestamp_ms, double value,
             const ingest::LabelView* extra = nullptr) {
        if (out_.series.size() >= max_series_) {
            throw ApiError(
                413, "too_many_series",
                "the request decodes to more than " + std::to_string(max_series_) + " series");
        }
        auto& labels = out_.labels.emplace_back();
        labels.reserve(base_.size() + 1);
        for (const auto& label : base_) {
            if (extra == nullptr || label.name != extra->name) {
                labels.push_back(label);
            }
        }
        if (extra != nullptr) {
            labels.push_back(*extra);
        }
        auto& point = out_.points.emplace_back(ingest::SamplePoint{timestamp_ms, value});
        out_.series.push_back(ingest::SeriesSamples{service_id, name, labels, {&point, 1}});
    }

  private:
    DecodedMetrics& out_;
    std::size_t max_series_;
    std::vector<ingest::LabelView> base_;
};

class MetricWalker {
  public:
    MetricWalker(SeriesBuilder& builder, DecodedMetrics& out, const ResourceContext& context,
                 std::string_view service_id)
        : builder_(builder), out_(out), context_(context), service_id_(service_id) {}

    void walk(const pbm::Metric& metric) {
        switch (metric.data_case()) {
            case pbm::Metric::kGauge:
                numbers(metric.name(), metric.gauge().data_points(), {});
                return;
            case pbm::Metric::kSum: {
                const auto& sum = metric.sum();
                const std::array derived{
                    Attribute{"otel.temporality",
                              std::string(temporalityName(sum.aggregation_temporality()))},
                    Attribute{"otel.monotonic", sum.is_monotonic() ? "true" : "false"}};
                numbers(metric.name(), sum.data_points(), derived);
                return;
            }
            case pbm::Metric::kHistogram:
                histograms(metric.name(), metric.histogram());
                return;
            case pbm::Metric::kExponentialHistogram:
                exponentialHistograms(metric.name(), metric.exponential_histogram());
                return;
            case pbm::Metric::kSummary:
                summaries(metric.name(), metric.summary());
                return;
            default:
                out_.rejected.add("missing_data", "metric " + metric.name() + " has no data");
                return;
        }
    }

  private:
    void numbers(const std::string& name,
                 const google::protobuf::RepeatedPtrField<pbm::NumberDataPoint>& points,
                 std::span<const Attribute> derived) {
        const auto series_name = builder_.keep(name);
        for (const auto& point : points) {
            if ((point.flags() & kNoRecordedValue) != 0) {
                continue;
            }
            double value = 0;
            if (point.value_case() == pbm::NumberDataPoint::kAsDouble) {
                value = point.as_double();
            } else if (point.value_case() == pbm::NumberDataPoint::kAsInt) {
                value = static_cast<double>(point.as_int());
            } else {
                out_.rejected.add("missing_value", "a data point of " + name + " has no value");
                continue;
            }
            ++out_.data_points;
            builder_.beginPoint(context_, point.attributes(), derived);
            builder_.add(service_id_, series_name, toMillis(point.time_unix_nano()), value);
        }
    }

    static bool validBuckets(const pbm::HistogramDataPoint& point) {
        if (point.bucket_counts_size() != 0 &&
            point.bucket_counts_size() != point.explicit_bounds_size() + 1) {
            return false;
        }
        for (int i = 0; i < point.explicit_bounds_size(); ++i) {
            const double bound = point.explicit_bounds(i);
            if (!std::isfinite(bound) || (i > 0 && !(bound > point.explicit_bounds(i - 1)))) {
                return false;
            }
        }
        return true;
    }

    void histograms(const std::string& name, const pbm::Histogram& histogram) {
        const std::array derived{Attribute{
            "otel.temporality", std::string(temporalityName(histogram.aggregation_temporality()))}};
        const auto bucket_name = builder_.keep(name + "_bucket");
        const StatisticNames names = statisticNames(name);
        for (const auto& point : histogram.data_points()) {
            if ((point.flags() & kNoRecordedValue) != 0) {
                continue;
            }
            if (!validBuckets(point)) {
                out_.rejected.add("invalid_histogram",
                                  "a data point of " + name +
                                      " has bucket counts that do not match increasing bounds");
                continue;
            }
            ++out_.data_points;
            builder_.beginPoint(context_, point.attributes(), derived);
            const int64_t ts = toMillis(point.time_unix_nano());
            uint64_t cumulative = 0;
            for (int i = 0; i < point.bucket_counts_size(); ++i) {
                cumulative += point.bucket_counts(i);
                const bool last = i == point.explicit_bounds_size();
                const ingest::LabelView le{
                    "le", builder_.keep(last ? "+Inf" : formatDouble(point.explicit_bounds(i)))};
                builder_.add(service_id_, bucket_name, ts, static_cast<double>(cumulative), &le);
            }
            addStatistics(point, ts, names);
        }
    }

    void exponentialHistograms(const std::string& name,
                               const pbm::ExponentialHistogram& histogram) {
        const std::array derived{Attribute{
            "otel.temporality", std::string(temporalityName(histogram.aggregation_temporality()))}};
        const StatisticNames names = statisticNames(name);
        for (const auto& point : histogram.data_points()) {
            if ((point.flags() & kNoRecordedValue) != 0) {
                continue;
            }
            ++out_.data_points;
            builder_.beginPoint(context_, point.attributes(), derived);
            const int64_t ts = toMillis(point.time_unix_nano());
            addStatistics(point, ts, names);
        }
    }

    // The `_count`, `_sum`, `_min`, `_max` series both histogram kinds carry.
    struct StatisticNames {
        std::string_view count, sum, min, max;
    };

    StatisticNames statisticNames(const std::string& name) {
        return {builder_.keep(name + "_count"), builder_.keep(name + "_sum"),
                builder_.keep(name + "_min"), builder_.keep(name + "_max")};
    }

    template <typename Point>
    void addStatistics(const Point& point, int64_t ts, const StatisticNames& names) {
        builder_.add(service_id_, names.count, ts, static_cast<double>(point.count()));
        if (point.has_sum()) {
            builder_.add(service_id_, names.sum, ts, point.sum());
        }
        if (point.has_min()) {
            builder_.add(service_id_, names.min, ts, point.min());
        }
        if (point.has_max()) {
            builder_.add(service_id_, names.max, ts, point.max());
        }
    }

    void summaries(const std::string& name, const pbm::Summary& summary) {
        const auto series_name = builder_.keep(name);
        const auto count_name = builder_.keep(name + "_count");
        const auto sum_name = builder_.keep(name + "_sum");
        for (const auto& point : summary.data_points()) {
            if ((point.flags() & kNoRecordedValue) != 0) {
                continue;
            }
            ++out_.data_points;
            builder_.beginPoint(context_, point.attributes(), {});
            const int64_t ts = toMillis(point.time_unix_nano());
            builder_.add(service_id_, count_name, ts, static_cast<double>(point.count()));
            builder_.add(service_id_, sum_name, ts, point.sum());
            for (const auto& quantile : point.quantile_values()) {
                const ingest::LabelView label{"quantile",
                                              builder_.keep(formatDouble(quantile.quantile()))};
                builder_.add(service_id_, series_name, ts, quantile.value(), &label);
            }
        }
    }

    SeriesBuilder& builder_;
    DecodedMetrics& out_;
    const ResourceContext& context_;
    std::string_view service_id_;
};

}  // namespace

DecodedMetrics MetricsDecoder::decode(
    const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request)
    const {
    DecodedMetrics out;
    SeriesBuilder builder(out, max_series_);
    for (const auto& resource_metrics : request.resource_metrics()) {
        for (const auto& scope_metrics : resource_metrics.scope_metrics()) {
            const auto context =
                resourceContext(resource_metrics.resource(), scope_metrics.scope().name(),
                                scope_metrics.scope().version());
            const auto service_id = builder.keep(context.service_id);
            MetricWalker walker(builder, out, context, service_id);
            for (const auto& metric : scope_metrics.metrics()) {
                walker.walk(metric);
            }
        }
    }
    return out;
}

}  // namespace infrasage::otlp
