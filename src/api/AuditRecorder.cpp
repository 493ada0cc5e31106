#include "api/AuditRecorder.h"

#include <nlohmann/json.hpp>
#include <string_view>

#include "common/ApiError.h"
#include "wal/WriteAheadLog.h"

namespace infrasage::api {

namespace {

bool isProbe(const http::Route& route) {
    return route.policy.kind == http::AccessPolicy::Kind::Public &&
           route.policy.action.rfind("auth.", 0) != 0;
}

std::string truncated(const std::string& s, std::size_t max) {
    return s.size() <= max ? s : s.substr(0, max);
}

// Successful requests of these actions, and their refusals for backpressure, become the per-key
// per-minute ingestion summary.
bool summarisedAsIngestion(std::string_view action) {
    return action == "telemetry.ingest" || action == "prometheus.write" ||
           action.starts_with("otlp.");
}

// Answers to load, not to the request: they come in storms while the WAL is full, when one audit
// entry each could not be written either.
bool isBackpressureRefusal(const http::Response& res, const http::RequestContext& ctx) {
    return res.status == 503 &&
           (ctx.error_code == "ingestion_backlog_full" || ctx.error_code == "overloaded");
}

}  // namespace

std::string AuditRecorder::outcomeFor(int status) {
    if (status < 400) {
        return std::string(audit::kAllowed);
    }
    if (status == 401 || status == 403 || status == 429) {
        return std::string(audit::kDenied);
    }
    return std::string(audit::kFailed);
}

void AuditRecorder::onComplete(const http::Route& route, const http::Request& req,
                               const http::Response& res, const http::RequestContext& ctx) {
    if (isProbe(route)) {
        return;
    }
    if (!ctx.auth_failure.empty()) {
        metrics_.addAuthFailure(ctx.auth_failure);
    }
    const auto outcome = outcomeFor(res.status);
    const auto& p = ctx.principal;
    const bool refused = isBackpressureRefusal(res, ctx);
    if (p && summarisedAsIngestion(route.policy.action) &&
        (outcome == audit::kAllowed || refused)) {
        log_.recordIngestion(audit::IngestionEvent{.tenant_id = p->tenant_id,
                                                   .actor = p->actor,
                                                   .actor_type = auth::actorTypeName(p->actor_type),
                                                   .action = route.policy.action,
                                                   .error_code = refused ? ctx.error_code : "",
                                                   .status = static_cast<uint16_t>(res.status),
                                                   .records = ctx.ingested_records,
                                                   .client_ip = ctx.client_ip});
        return;
    }
    audit::AuditEntry entry;
    entry.tenant_id = p ? p->tenant_id : ctx.audit_tenant;
    entry.actor = p ? p->actor : (ctx.audit_actor.empty() ? "anonymous" : ctx.audit_actor);
    entry.actor_type = p                              ? auth::actorTypeName(p->actor_type)
                       : ctx.audit_actor_type.empty() ? "anonymous"
                                                      : ctx.audit_actor_type;
    entry.action = route.policy.action;
    entry.resource = truncated(ctx.audit_resource.empty() ? req.path : ctx.audit_resource, 512);
    entry.outcome = outcome;
    entry.status = static_cast<uint16_t>(res.status);
    entry.client_ip = ctx.client_ip;
    entry.user_agent = truncated(req.get_header_value("User-Agent"), 256);
    entry.request_id = ctx.request_id;
    if (!ctx.auth_failure.empty()) {
        entry.details = nlohmann::json{{"reason", ctx.auth_failure}}.dump();
    }
    try {
        log_.record(std::move(entry));
        metrics_.addAuditEntries(outcome, 1);
    } catch (const wal::WalFullError&) {
        throw ApiError(503, "audit_unavailable", "the audit trail cannot be written; retry later")
            .withRetryAfter(5);
    }
}

}  // namespace infrasage::api
