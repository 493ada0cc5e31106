#include "api/OperationsHandlers.h"

#include "api/ReadinessProbe.h"
#include "http/JsonResponse.h"

namespace infrasage::api {

namespace {

void refreshGauges(Services& s) {
    s.metrics.setWalPendingBytes(static_cast<double>(s.wal.pendingBytes()));
    s.metrics.setWalMaxBytes(static_cast<double>(s.wal.maxPendingBytes()));
}

}  // namespace

void handleHealthz(const http::Request&, http::Response& res, http::RequestContext&) {
    http::writeJson(res, 200, {{"status", "ok"}});
}

void handleReadyz(Services& services, const http::Request&, http::Response& res,
                  http::RequestContext&) {
    auto r = services.readiness.check();
    nlohmann::json body{{"status", r.ready() ? "ok" : "unavailable"},
                        {"checks",
                         {{"clickhouse", r.clickhouse_reachable ? "ok" : "unreachable"},
                          {"wal", r.wal_below_cap ? "ok" : "full"}}}};
    http::writeJson(res, r.ready() ? 200 : 503, body);
}

void handleMetrics(Services& services, const http::Request&, http::Response& res,
                   http::RequestContext&) {
    refreshGauges(services);
    res.status = 200;
    res.set_content(services.metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
}

void handleStatus(Services& services, const http::Request&, http::Response& res,
                  http::RequestContext& ctx) {
    refreshGauges(services);
    auto r = services.readiness.check();
    auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - services.started);
    nlohmann::json body{{"status", r.ready() ? "ok" : "degraded"},
                        {"version", INFRASAGE_VERSION},
                        {"environment", services.environment},
                        {"uptime_seconds", uptime.count()},
                        {"roles", services.engine_role ? nlohmann::json{"gateway", "engine"}
                                                       : nlohmann::json{"gateway"}},
                        {"tenant_id", ctx.caller().tenant_id},
                        {"clickhouse", {{"reachable", r.clickhouse_reachable}}},
                        {"wal",
                         {{"pending_bytes", services.wal.pendingBytes()},
                          {"max_bytes", services.wal.maxPendingBytes()},
                          {"below_cap", r.wal_below_cap}}},
                        {"delivery",
                         {{"rows_delivered", services.delivery.rowsDelivered()},
                          {"insert_errors", services.delivery.insertErrors()},
                          {"last_insert_failed", services.delivery.lastInsertFailed()}}}};
    http::writeJson(res, 200, body);
}

}  // namespace infrasage::api
