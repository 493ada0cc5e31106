#include "storage/ServiceCatalog.h"

#include <array>
#include <map>
#include <utility>

#include "storage/AnomalyTable.h"
#include "storage/RowBinaryReader.h"
#include "storage/SampleTables.h"
#include "storage/TelemetryTables.h"
#include "storage/TenantQuery.h"

namespace infrasage::storage {

namespace {

// Severity ranks as the anomaly state query computes them (0: nothing open).
constexpr std::array<const char*, 5> kSeverityByRank = {"", "low", "medium", "high", "critical"};

constexpr char kStateColumns[] =
    "service_id, countIf(status = 'open') AS open_count, "
    "toUInt8(maxIf(multiIf(severity = 'critical', 4, severity = 'high', 3, severity = 'medium', 2, "
    "severity = 'low', 1, 0), status = 'open')) AS worst_open, "
    "argMax(anomaly_id, detected_at), argMax(metric_name, detected_at), "
    "argMax(severity, detected_at), argMax(status, detected_at), toUInt32(max(detected_at))";

}  // namespace

ServiceCatalog::ServiceCatalog(ClickHouseClient& client, std::string database)
    : client_(client), database_(std::move(database)) {}

// Narrow services: the series that have samples since `since` (found by the samples' primary key
// prefix and time partitions), then their service ids from the series table.
std::string ServiceCatalog::servicesSql(const tenancy::TenantScope& scope, int64_t since) const {
    TenantQuery wide(scope, database_, tableSpec(TelemetryType::Metric).table);
    wide.select("service_id").whereSince("timestamp", since).groupBy("service_id");

    TenantQuery active(scope, database_, kSamplesTable);
    active.select("series_id").whereSince("timestamp", since);
    TenantQuery narrow(scope, database_, kSeriesTable);
    narrow.select("service_id").whereIn("series_id", active).groupBy("service_id");

    std::vector<TenantQuery> parts;
    parts.push_back(std::move(wide));
    parts.push_back(std::move(narrow));
    auto query = TenantQuery::unionAll(scope, std::move(parts));
    query.select("service_id").groupBy("service_id").orderBy("service_id");
    query.limit(kMaxServices + 1).format("RowBinary");
    return query.str();
}

std::vector<std::string> ServiceCatalog::servicesSince(const tenancy::TenantScope& scope,
                                                       int64_t since) {
    const std::string body = client_.query(servicesSql(scope, since));
    RowBinaryReader in(body);
    std::vector<std::string> services;
    while (!in.atEnd()) {
        services.push_back(in.string());
    }
    return services;
}

ServiceList ServiceCatalog::list(const tenancy::TenantScope& scope, int64_t since) {
    ServiceList out;
    std::vector<std::string> services = servicesSince(scope, since);
    if (services.size() > kMaxServices) {
        services.resize(kMaxServices);
        out.truncated = true;
    }
    if (services.empty()) {
        return out;
    }

    TenantQuery query(scope, database_, kAnomaliesTable);
    query.select(kStateColumns).final().groupBy("service_id").format("RowBinary");
    const std::string body = client_.query(query.str());
    RowBinaryReader in(body);
    std::map<std::string, ServiceState> states;
    while (!in.atEnd()) {
        ServiceState state;
        state.service_id = in.string();
        state.open_anomalies = in.fixed(8);
        const uint64_t worst = in.fixed(1);
        state.worst_open_severity = kSeverityByRank.at(worst < kSeverityByRank.size() ? worst : 0);
        LatestAnomaly latest;
        latest.anomaly_id = in.string();
        latest.metric_name = in.string();
        latest.severity = in.string();
        latest.status = in.string();
        latest.detected_at = static_cast<int64_t>(in.fixed(4));
        state.latest = std::move(latest);
        std::string key = state.service_id;
        states.emplace(std::move(key), std::move(state));
    }

    out.services.reserve(services.size());
    for (std::string& service : services) {
        auto it = states.find(service);
        if (it != states.end()) {
            out.services.push_back(std::move(it->second));
        } else {
            out.services.push_back(ServiceState{std::move(service), 0, "", std::nullopt});
        }
    }
    return out;
}

}  // namespace infrasage::storage
