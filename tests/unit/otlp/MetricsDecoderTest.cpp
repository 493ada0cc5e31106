#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "OtlpTestRequests.h"
#include "otlp/MetricsDecoder.h"

namespace infrasage::otlp::testing {
namespace {

// One decoded series, copied out of the views.
struct Series {
    std::string service;
    std::string name;
    std::map<std::string, std::string> labels;
    int64_t timestamp_ms = 0;
    double value = 0;
};

std::vector<Series> flatten(const DecodedMetrics& decoded) {
    std::vector<Series> out;
    for (const auto& s : decoded.series) {
        Series copy{std::string(s.service_id), std::string(s.metric_name), {}, 0, 0};
        for (const auto& label : s.labels) {
            EXPECT_TRUE(copy.labels.emplace(label.name, label.value).second)
                << "duplicate label " << label.name;
        }
        EXPECT_EQ(s.points.size(), 1u);
        copy.timestamp_ms = s.points[0].timestamp_ms;
        copy.value = s.points[0].value;
        out.push_back(std::move(copy));
    }
    return out;
}

pbm::NumberDataPoint* numberPoint(google::protobuf::RepeatedPtrField<pbm::NumberDataPoint>* points,
                                  double value) {
    auto* point = points->Add();
    point->set_time_unix_nano(kPointNanos);
    point->set_as_double(value);
    return point;
}

TEST(MetricsDecoder, GaugeKeepsValueTimestampServiceAndAllAttributeLevels) {
    MetricsRequest request;
    auto* metric = scopeMetrics(request, "checkout")->add_metrics();
    metric->set_name("queue.depth");
    auto* point = numberPoint(metric->mutable_gauge()->mutable_data_points(), 7.25);
    addString(point->mutable_attributes(), "queue", "orders");
    addString(point->mutable_attributes(), "host.name", "point-wins");
    auto* int_point = metric->mutable_gauge()->add_data_points();
    int_point->set_time_unix_nano(kPointNanos);
    int_point->set_as_int(-3);

    const auto decoded = MetricsDecoder(1000).decode(request);
    const auto series = flatten(decoded);
    ASSERT_EQ(series.size(), 2u);
    EXPECT_EQ(decoded.data_points, 2u);
    EXPECT_EQ(series[0].service, "checkout");
    EXPECT_EQ(series[0].name, "queue.depth");
    EXPECT_EQ(series[0].value, 7.25);
    EXPECT_EQ(series[0].timestamp_ms, 1714564790123);
    const std::map<std::string, std::string> expected{{"queue", "orders"},
                                                      {"host.name", "point-wins"},
                                                      {"otel.scope.name", "meter"},
                                                      {"otel.scope.version", "1.0"}};
    EXPECT_EQ(series[0].labels, expected);
    EXPECT_EQ(series[1].value, -3.0);
    EXPECT_EQ(series[1].labels.at("host.name"), "h1");  // the resource's value
    EXPECT_EQ(series[1].labels.count("service.name"), 0u);
}

TEST(MetricsDecoder, MissingServiceNameIsUnknown) {
    MetricsRequest request;
    auto* metric = scopeMetrics(request, "")->add_metrics();
    metric->set_name("up");
    numberPoint(metric->mutable_gauge()->mutable_data_points(), 1);
    const auto series = flatten(MetricsDecoder(1000).decode(request));
    ASSERT_EQ(series.size(), 1u);
    EXPECT_EQ(series[0].service, "unknown");
}

TEST(MetricsDecoder, SumKeepsTemporalityAndMonotonicity) {
    MetricsRequest request;
    auto* scope = scopeMetrics(request, "svc");
    auto* counter = scope->add_metrics();
    counter->set_name("requests");
    counter->mutable_sum()->set_is_monotonic(true);
    counter->mutable_sum()->set_aggregation_temporality(pbm::AGGREGATION_TEMPORALITY_CUMULATIVE);
    numberPoint(counter->mutable_sum()->mutable_data_points(), 42);
    auto* updown = scope->add_metrics();
    updown->set_name("inflight");
    updown->mutable_sum()->set_is_monotonic(false);
    updown->mutable_sum()->set_aggregation_temporality(pbm::AGGREGATION_TEMPORALITY_DELTA);
    numberPoint(updown->mutable_sum()->mutable_data_points(), -2);

    const auto series = flatten(MetricsDecoder(1000).decode(request));
    ASSERT_EQ(series.size(), 2u);
    EXPECT_EQ(series[0].value, 42);
    EXPECT_EQ(series[0].labels.at("otel.temporality"), "cumulative");
    EXPECT_EQ(series[0].labels.at("otel.monotonic"), "true");
    EXPECT_EQ(series[1].value, -2);
    EXPECT_EQ(series[1].labels.at("otel.temporality"), "delta");
    EXPECT_EQ(series[1].labels.at("otel.monotonic"), "false");
}

TEST(MetricsDecoder, HistogramBecomesCumulativeBucketsCountSumMinMax) {
    MetricsRequest request;
    auto* metric = scopeMetrics(request, "svc")->add_metrics();
    metric->set_name("latency");
    metric->mutable_histogram()->set_aggregation_temporality(
        pbm::AGGREGATION_TEMPORALITY_CUMULATIVE);
    auto* point = metric->mutable_histogram()->add_data_points();
    point->set_time_unix_nano(kPointNanos);
    point->set_count(6);
    point->set_sum(12.5);
    point->set_min(0.5);
    point->set_max(7);
    for (double bound : {1.0, 2.5}) {
        point->add_explicit_bounds(bound);
    }
    for (uint64_t count : {1U, 3U, 2U}) {
        point->add_bucket_counts(count);
    }

    const auto series = flatten(MetricsDecoder(1000).decode(request));
    std::map<std::string, double> by_key;
    for (const auto& s : series) {
        EXPECT_EQ(s.labels.at("otel.temporality"), "cumulative");
        const auto le = s.labels.find("le");
        by_key[s.name + (le == s.labels.end() ? "" : "{le=" + le->second + "}")] = s.value;
    }
    const std::map<std::string, double> expected{
        {"latency_bucket{le=1}", 1}, {"latency_bucket{le=2.5}", 4}, {"latency_bucket{le=+Inf}", 6},
        {"latency_count", 6},        {"latency_sum", 12.5},         {"latency_min", 0.5},
        {"latency_max", 7}};
    EXPECT_EQ(by_key, expected);
}

TEST(MetricsDecoder, ExponentialHistogramAndSummary) {
    MetricsRequest request;
    auto* scope = scopeMetrics(request, "svc");
    auto* exponential = scope->add_metrics();
    exponential->set_name("size");
    auto* ep = exponential->mutable_exponential_histogram()->add_data_points();
    ep->set_time_unix_nano(kPointNanos);
    ep->set_count(4);
    ep->set_sum(10);
    ep->set_scale(2);
    ep->mutable_positive()->add_bucket_counts(4);
    auto* summary = scope->add_metrics();
    summary->set_name("rtt");
    auto* sp = summary->mutable_summary()->add_data_points();
    sp->set_time_unix_nano(kPointNanos);
    sp->set_count(3);
    sp->set_sum(0.9);
    auto* q = sp->add_quantile_values();
    q->set_quantile(0.99);
    q->set_value(0.5);

    std::map<std::string, double> by_key;
    for (const auto& s : flatten(MetricsDecoder(1000).decode(request))) {
        const auto quantile = s.labels.find("quantile");
        by_key[s.name + (quantile == s.labels.end() ? "" : "{" + quantile->second + "}")] = s.value;
    }
    const std::map<std::string, double> expected{{"size_count", 4},
                                                 {"size_sum", 10},
                                                 {"rtt_count", 3},
                                                 {"rtt_sum", 0.9},
                                                 {"rtt{0.99}", 0.5}};
    EXPECT_EQ(by_key, expected);
}

TEST(MetricsDecoder, RefusesBadPointsAndKeepsTheOthers) {
    MetricsRequest request;
    auto* scope = scopeMetrics(request, "svc");
    auto* gauge = scope->add_metrics();
    gauge->set_name("g");
    numberPoint(gauge->mutable_gauge()->mutable_data_points(), 1);
    gauge->mutable_gauge()->add_data_points()->set_time_unix_nano(kPointNanos);  // no value
    auto* no_value_flag = numberPoint(gauge->mutable_gauge()->mutable_data_points(), 5);
    no_value_flag->set_flags(1);  // skipped silently
    auto* histogram = scope->add_metrics();
    histogram->set_name("h");
    auto* hp = histogram->mutable_histogram()->add_data_points();
    hp->add_explicit_bounds(1);
    hp->add_bucket_counts(1);  // two expected
    scope->add_metrics()->set_name("empty");

    const auto decoded = MetricsDecoder(1000).decode(request);
    EXPECT_EQ(decoded.series.size(), 1u);
    EXPECT_EQ(decoded.rejected.total(), 3u);
    EXPECT_EQ(decoded.rejected.firstMessage().rfind("missing_value: ", 0), 0u);
}

TEST(MetricsDecoder, TooManySeriesIsRefusedWhole) {
    MetricsRequest request;
    auto* metric = scopeMetrics(request, "svc")->add_metrics();
    metric->set_name("g");
    for (int i = 0; i < 11; ++i) {
        numberPoint(metric->mutable_gauge()->mutable_data_points(), i);
    }
    const auto thrown = thrownBy([&] { MetricsDecoder(10).decode(request); });
    EXPECT_EQ(thrown.status, 413);
    EXPECT_EQ(thrown.code, "too_many_series");
}

TEST(MetricsDecoder, NonStringAttributesAreRendered) {
    MetricsRequest request;
    auto* metric = scopeMetrics(request, "svc")->add_metrics();
    metric->set_name("g");
    auto* point = numberPoint(metric->mutable_gauge()->mutable_data_points(), NAN);
    auto* kv = point->add_attributes();
    kv->set_key("code");
    kv->mutable_value()->set_int_value(200);
    kv = point->add_attributes();
    kv->set_key("ok");
    kv->mutable_value()->set_bool_value(true);
    kv = point->add_attributes();
    kv->set_key("list");
    kv->mutable_value()->mutable_array_value()->add_values()->set_string_value("a");
    kv->mutable_value()->mutable_array_value()->add_values()->set_double_value(1.5);

    const auto series = flatten(MetricsDecoder(1000).decode(request));
    ASSERT_EQ(series.size(), 1u);
    EXPECT_TRUE(std::isnan(series[0].value));  // the sample path judges NaN
    EXPECT_EQ(series[0].labels.at("code"), "200");
    EXPECT_EQ(series[0].labels.at("ok"), "true");
    EXPECT_EQ(series[0].labels.at("list"), R"(["a",1.5])");
}

}  // namespace
}  // namespace infrasage::otlp::testing
