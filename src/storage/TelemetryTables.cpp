#include "storage/TelemetryTables.h"

namespace infrasage::storage {

std::string_view insertColumns(TelemetryType type) {
    static constexpr std::string_view kMetricOnly =
        "tenant_id, service_id, timestamp, timestamp_nanos, metric_name, value, trace_id, "
        "attr_keys, attr_values, received_at";
    static constexpr std::string_view kBodyOnly =
        "tenant_id, service_id, timestamp, timestamp_nanos, body, trace_id, attr_keys, "
        "attr_values, received_at";
    static constexpr std::string_view kMetricAndBody =
        "tenant_id, service_id, timestamp, timestamp_nanos, metric_name, value, body, trace_id, "
        "attr_keys, attr_values, received_at";
    const auto& spec = tableSpec(type);
    if (spec.has_metric && spec.has_body) {
        return kMetricAndBody;
    }
    return spec.has_metric ? kMetricOnly : kBodyOnly;
}

}  // namespace infrasage::storage
