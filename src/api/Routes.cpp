#include "api/Routes.h"

#include "api/AnomalyHandlers.h"
#include "api/AuditHandlers.h"
#include "api/IdentityHandlers.h"
#include "api/OperationsHandlers.h"
#include "api/OtlpHandlers.h"
#include "api/PrometheusHandlers.h"
#include "api/SeriesHandlers.h"
#include "api/ServiceGraphHandlers.h"
#include "api/ServiceHandlers.h"
#include "api/TelemetryHandlers.h"

namespace infrasage::api {

namespace {

// Binds a handler that needs the services to the (request, response, context) shape. `s` is null
// only when the table is built for inspection (tests, `infrasage routes`); nothing is served then.
template <typename Fn>
http::Handler with(Services* s, Fn fn) {
    return [s, fn](const http::Request& req, http::Response& res, http::RequestContext& ctx) {
        fn(*s, req, res, ctx);
    };
}

}  // namespace

// The route table: every endpoint, who may call it (users by minimum role, API keys by admitted
// scope) and the action name its audit entries carry. Keys never act above admin and never manage
// tenants. A path missing here is 404; a route with an undeclared policy is refused.
std::vector<http::Route> buildRoutes(Services* s) {
    using auth::Role;
    using http::AccessPolicy;
    constexpr unsigned kAnyKey = http::kIngestionKeys | http::kReadOnlyKeys | http::kFullKeys;
    constexpr unsigned kReaders = http::kReadOnlyKeys | http::kFullKeys;
    constexpr unsigned kIngest = http::kIngestionKeys | http::kFullKeys;
    constexpr unsigned kFull = http::kFullKeys;
    constexpr unsigned kNone = http::kNoKeys;
    auto users = AccessPolicy::users;
    return {
        {"GET", "/healthz", AccessPolicy::open("health"), handleHealthz},
        {"GET", "/readyz", AccessPolicy::open("ready"), with(s, handleReadyz)},
        {"GET", "/metrics", AccessPolicy::open("metrics"), with(s, handleMetrics)},

        {"POST", "/api/v1/auth/login", AccessPolicy::open("auth.login"), with(s, handleLogin)},
        {"POST", "/api/v1/auth/refresh", AccessPolicy::open("auth.refresh"),
         with(s, handleRefresh)},
        {"POST", "/api/v1/auth/logout", users(Role::Viewer, kNone, "auth.logout"),
         with(s, handleLogout)},
        {"GET", "/api/v1/auth/me", users(Role::Viewer, kAnyKey, "auth.me"), with(s, handleMe)},

        {"GET", "/api/v1/status", users(Role::Viewer, kReaders, "status.read"),
         with(s, handleStatus)},
        {"GET", "/api/v1/telemetry-types", users(Role::Viewer, kAnyKey, "telemetry_types.read"),
         handleTelemetryTypes},
        {"POST", "/api/v1/telemetry", users(Role::Operator, kIngest, "telemetry.ingest"),
         with(s, handleTelemetryOne)},
        {"POST", "/api/v1/telemetry/batch", users(Role::Operator, kIngest, "telemetry.ingest"),
         with(s, handleTelemetryBatch)},
        {"POST", "/api/v1/prometheus/write", users(Role::Operator, kIngest, "prometheus.write"),
         with(s, handlePrometheusWrite)},
        {"POST", "/v1/metrics", users(Role::Operator, kIngest, "otlp.metrics"),
         with(s, handleOtlpMetrics)},
        {"POST", "/v1/traces", users(Role::Operator, kIngest, "otlp.traces"),
         with(s, handleOtlpTraces)},
        {"POST", "/v1/logs", users(Role::Operator, kIngest, "otlp.logs"), with(s, handleOtlpLogs)},

        {"POST", "/api/v1/apikeys", users(Role::Admin, kFull, "apikey.create"),
         with(s, handleCreateApiKey)},
        {"GET", "/api/v1/apikeys", users(Role::Admin, kFull, "apikey.list"),
         with(s, handleListApiKeys)},
        {"GET", "/api/v1/apikeys/{key_id}", users(Role::Admin, kFull, "apikey.read"),
         with(s, handleGetApiKey)},
        {"DELETE", "/api/v1/apikeys/{key_id}", users(Role::Admin, kFull, "apikey.revoke"),
         with(s, handleRevokeApiKey)},
        {"POST", "/api/v1/apikeys/{key_id}/rotate", users(Role::Admin, kFull, "apikey.rotate"),
         with(s, handleRotateApiKey)},

        {"POST", "/api/v1/users", users(Role::Admin, kFull, "user.create"),
         with(s, handleCreateUser)},
        {"GET", "/api/v1/users", users(Role::Admin, kFull, "user.list"), with(s, handleListUsers)},
        {"GET", "/api/v1/users/{user_id}", users(Role::Admin, kFull, "user.read"),
         with(s, handleGetUser)},
        {"PATCH", "/api/v1/users/{user_id}", users(Role::Admin, kFull, "user.update"),
         with(s, handleUpdateUser)},

        {"POST", "/api/v1/tenants", users(Role::SuperAdmin, kNone, "tenant.create"),
         with(s, handleCreateTenant)},
        {"GET", "/api/v1/tenants", users(Role::SuperAdmin, kNone, "tenant.list"),
         with(s, handleListTenants)},
        {"GET", "/api/v1/tenants/{tenant_id}", users(Role::SuperAdmin, kNone, "tenant.read"),
         with(s, handleGetTenant)},
        {"PATCH", "/api/v1/tenants/{tenant_id}", users(Role::SuperAdmin, kNone, "tenant.update"),
         with(s, handleUpdateTenant)},

        {"GET", "/api/v1/anomalies", users(Role::Viewer, kReaders, "anomaly.list"),
         with(s, handleListAnomalies)},
        {"GET", "/api/v1/anomalies/{anomaly_id}", users(Role::Viewer, kReaders, "anomaly.read"),
         with(s, handleGetAnomaly)},
        {"POST", "/api/v1/anomalies/{anomaly_id}/acknowledge",
         users(Role::Operator, kFull, "anomaly.acknowledge"), with(s, handleAcknowledgeAnomaly)},
        {"POST", "/api/v1/anomalies/{anomaly_id}/resolve",
         users(Role::Operator, kFull, "anomaly.resolve"), with(s, handleResolveAnomaly)},
        {"GET", "/api/v1/services", users(Role::Viewer, kReaders, "service.list"),
         with(s, handleListServices)},
        {"GET", "/api/v1/services/graph", users(Role::Viewer, kReaders, "service.graph"),
         with(s, handleServiceGraph)},
        {"GET", "/api/v1/metrics/series", users(Role::Viewer, kReaders, "metric.series"),
         with(s, handleMetricSeries)},

        {"GET", "/api/v1/audit", users(Role::Admin, kFull, "audit.read"), with(s, handleAuditList)},
        {"GET", "/api/v1/audit/verify", users(Role::Admin, kFull, "audit.verify"),
         with(s, handleAuditVerify)},
    };
}

}  // namespace infrasage::api
