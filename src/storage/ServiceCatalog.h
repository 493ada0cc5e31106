// storage/ServiceCatalog: a tenant's services — every service_id that sent metrics since a given
// time, as wide rows (`infrasage_metrics`) or as narrow samples (`infrasage_samples` of a series
// in `infrasage_series`) — each with its anomaly state: how many anomalies are open, the worst
// open severity and the most recently detected anomaly. Both SELECTs are built by
// storage/TenantQuery from the caller's TenantScope, every table read with the tenant condition;
// anomalies are read FINAL (latest status of each).
// Depends on: storage/ClickHouseClient, storage/TenantQuery.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/ClickHouseClient.h"
#include "tenancy/TenantScope.h"

namespace infrasage::storage {

struct LatestAnomaly {
    std::string anomaly_id;
    std::string metric_name;
    std::string severity;
    std::string status;
    int64_t detected_at = 0;  // unix seconds
};

struct ServiceState {
    std::string service_id;
    uint64_t open_anomalies = 0;
    std::string worst_open_severity;      // empty when nothing is open
    std::optional<LatestAnomaly> latest;  // nullopt when the service never had an anomaly
};

struct ServiceList {
    std::vector<ServiceState> services;  // by service_id
    bool truncated = false;              // more than kMaxServices services
};

class ServiceCatalog {
  public:
    static constexpr std::size_t kMaxServices = 10000;

    ServiceCatalog(ClickHouseClient& client, std::string database);

    // Services with metrics at or after `since` (unix seconds). Throws ClickHouseError.
    ServiceList list(const tenancy::TenantScope& scope, int64_t since);

    // The statement that finds the services (exposed for tests).
    std::string servicesSql(const tenancy::TenantScope& scope, int64_t since) const;

  private:
    std::vector<std::string> servicesSince(const tenancy::TenantScope& scope, int64_t since);

    ClickHouseClient& client_;
    std::string database_;
};

}  // namespace infrasage::storage
