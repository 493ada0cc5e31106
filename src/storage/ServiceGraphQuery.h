// storage/ServiceGraphQuery: a tenant's service dependency graph from its spans — an edge A → B
// for every span of service B whose parent span belongs to service A != B, with how many such
// spans (calls) and how many of them ended in error. Spans are read from [since, until) by start
// time; parents may have started up to kParentLeadSeconds before `since`. One join of the spans
// table with itself (storage/TenantJoinQuery: both sides carry the tenant condition).
// Depends on: storage/ClickHouseClient, storage/TenantJoinQuery, storage/SampleTables.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "storage/ClickHouseClient.h"
#include "tenancy/TenantScope.h"

namespace infrasage::storage {

struct ServiceEdge {
    std::string from;
    std::string to;
    uint64_t calls = 0;
    uint64_t errors = 0;
};

struct ServiceGraph {
    std::vector<ServiceEdge> edges;  // most calls first
    bool truncated = false;          // more than kMaxEdges edges
};

class ServiceGraphQuery {
  public:
    static constexpr std::size_t kMaxEdges = 10000;
    static constexpr int64_t kParentLeadSeconds = 3600;

    ServiceGraphQuery(ClickHouseClient& client, std::string database);

    // The statement for the given scope and window (exposed for tests).
    std::string sql(const tenancy::TenantScope& scope, int64_t since, int64_t until) const;

    // Throws ClickHouseError.
    ServiceGraph graph(const tenancy::TenantScope& scope, int64_t since, int64_t until);

  private:
    ClickHouseClient& client_;
    std::string database_;
};

}  // namespace infrasage::storage
