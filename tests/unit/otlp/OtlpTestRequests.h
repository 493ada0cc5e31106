// Builders of OTLP requests for the otlp unit tests: a resource with service.name, one scope, and
// helpers for attributes and ids.
#pragma once

#include <string>
#include <string_view>

#include "common/ApiError.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace infrasage::otlp::testing {

namespace pbc = opentelemetry::proto::common::v1;
namespace pbm = opentelemetry::proto::metrics::v1;
namespace pbt = opentelemetry::proto::trace::v1;
namespace pbl = opentelemetry::proto::logs::v1;
using MetricsRequest = opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;
using TraceRequest = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using LogsRequest = opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest;

inline constexpr int64_t kNowNanos = int64_t{1714564800} * 1'000'000'000;  // 2024-05-01T12:00Z
inline constexpr uint64_t kPointNanos = uint64_t{1714564790} * 1'000'000'000 + 123'456'789;

inline void addString(google::protobuf::RepeatedPtrField<pbc::KeyValue>* list, std::string key,
                      std::string value) {
    auto* kv = list->Add();
    kv->set_key(std::move(key));
    kv->mutable_value()->set_string_value(std::move(value));
}

// A ResourceMetrics with service.name (unless empty) and host.name=h1, scope "meter" 1.0.
inline pbm::ScopeMetrics* scopeMetrics(MetricsRequest& request, const std::string& service) {
    auto* resource = request.add_resource_metrics();
    if (!service.empty()) {
        addString(resource->mutable_resource()->mutable_attributes(), "service.name", service);
    }
    addString(resource->mutable_resource()->mutable_attributes(), "host.name", "h1");
    auto* scope = resource->add_scope_metrics();
    scope->mutable_scope()->set_name("meter");
    scope->mutable_scope()->set_version("1.0");
    return scope;
}

inline pbt::ScopeSpans* scopeSpans(TraceRequest& request, const std::string& service) {
    auto* resource = request.add_resource_spans();
    addString(resource->mutable_resource()->mutable_attributes(), "service.name", service);
    auto* scope = resource->add_scope_spans();
    scope->mutable_scope()->set_name("tracer");
    return scope;
}

inline pbl::ScopeLogs* scopeLogs(LogsRequest& request, const std::string& service) {
    auto* resource = request.add_resource_logs();
    addString(resource->mutable_resource()->mutable_attributes(), "service.name", service);
    return resource->add_scope_logs();
}

inline std::string bytesOf(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) {
        out.push_back(static_cast<char>(v));
    }
    return out;
}

// A span with 16-byte trace id 0x01.., 8-byte span id `span_byte` repeated, started 10 s before
// kNowNanos and lasting 1.5 ms.
inline pbt::Span* addSpan(pbt::ScopeSpans* scope, int span_byte, int parent_byte = -1) {
    auto* span = scope->add_spans();
    span->set_trace_id(std::string(16, '\x01'));
    span->set_span_id(std::string(8, static_cast<char>(span_byte)));
    if (parent_byte >= 0) {
        span->set_parent_span_id(std::string(8, static_cast<char>(parent_byte)));
    }
    span->set_name("GET /x");
    span->set_kind(pbt::Span::SPAN_KIND_SERVER);
    span->set_start_time_unix_nano(kPointNanos);
    span->set_end_time_unix_nano(kPointNanos + 1'500'000);
    return span;
}

struct Thrown {
    int status = 0;
    std::string code;
};

template <typename Fn>
Thrown thrownBy(Fn&& fn) {
    try {
        fn();
    } catch (const ApiError& e) {
        return {e.httpStatus(), e.code()};
    }
    return {0, "none"};
}

}  // namespace infrasage::otlp::testing
