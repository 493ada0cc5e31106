// http/RequestContext: per-request facts the pipeline establishes before a handler runs — request
// id, route template, client address, and the authenticated principal.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "auth/Principal.h"
#include "common/ApiError.h"

namespace infrasage::http {

struct RequestContext {
    std::string request_id;
    std::string route = "unmatched";  // route template, for logs and metrics (bounded cardinality)
    std::string client_ip;
    std::optional<auth::Principal> principal;
    // Request body, read by the pipeline after authentication with the size limit enforced while
    // reading (also for chunked and gzip bodies). Empty for GET.
    std::string body;
    // Set by handlers for the audit entry: who acted when there is no principal yet (the email
    // of a login attempt) and what was acted on (a key id, a user id). Never secrets.
    std::string audit_actor;
    std::string audit_resource;
    std::string audit_tenant;
    std::string audit_actor_type;  // with audit_actor: user or api_key  // tenant of an
                                   // unauthenticated request when known (login)
    std::string auth_failure;  // why authentication failed (token_expired, api_key_revoked, ...)
    uint64_t ingested_records = 0;  // records an ingestion request made durable
    std::string error_code;         // the stable code of the error answered, if any
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();

    // The principal of an authenticated route; the pipeline guarantees it is set there.
    const auth::Principal& caller() const {
        if (!principal) {
            throw ApiError(401, "unauthorized", "authentication required");
        }
        return *principal;
    }
};

}  // namespace infrasage::http
