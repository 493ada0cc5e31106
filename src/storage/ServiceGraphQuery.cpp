#include "storage/ServiceGraphQuery.h"

#include "storage/RowBinaryReader.h"
#include "storage/SampleTables.h"
#include "storage/TenantJoinQuery.h"

namespace infrasage::storage {

ServiceGraphQuery::ServiceGraphQuery(ClickHouseClient& client, std::string database)
    : client_(client), database_(std::move(database)) {}

std::string ServiceGraphQuery::sql(const tenancy::TenantScope& scope, int64_t since,
                                   int64_t until) const {
    TenantJoinQuery query(scope, database_, kSpansTable, kSpansTable);
    query.left()
        .select("tenant_id, trace_id, parent_span_id, service_id, status_code")
        .whereSince("start_time", since)
        .whereUntil("start_time", until)
        .where(SqlBuilder("parent_span_id != ''"));
    // One row per parent span (a span delivered twice after a crash must not double its calls):
    // ALL INNER JOIN keeps every child, which ANY does not on ClickHouse >= 20.1.
    query.right()
        .select("tenant_id, trace_id, span_id AS parent_span_id, any(service_id) AS parent_service")
        .whereSince("start_time", since - kParentLeadSeconds)
        .whereUntil("start_time", until)
        .groupBy("tenant_id, trace_id, span_id");
    query.joinUsing("tenant_id, trace_id, parent_span_id")
        .select(
            "parent_service, service_id, count() AS calls, "
            "toUInt64(countIf(status_code = 'error')) AS errors")
        .where(SqlBuilder("parent_service != service_id"))
        .groupBy("parent_service, service_id")
        .orderBy("calls DESC, parent_service, service_id")
        .limit(kMaxEdges + 1)
        .format("RowBinary");
    return query.str();
}

ServiceGraph ServiceGraphQuery::graph(const tenancy::TenantScope& scope, int64_t since,
                                      int64_t until) {
    const std::string body = client_.query(sql(scope, since, until));
    RowBinaryReader in(body);
    ServiceGraph out;
    while (!in.atEnd()) {
        ServiceEdge edge;
        edge.from = in.string();
        edge.to = in.string();
        edge.calls = in.fixed(8);
        edge.errors = in.fixed(8);
        out.edges.push_back(std::move(edge));
    }
    if (out.edges.size() > kMaxEdges) {
        out.edges.resize(kMaxEdges);
        out.truncated = true;
    }
    return out;
}

}  // namespace infrasage::storage
