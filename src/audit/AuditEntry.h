// audit/AuditEntry: one audit event as callers describe it (AuditEntry) and as it is stored once
// chained (AuditRecord: the entry plus its id and its link in the tenant's hash chain).
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace infrasage::audit {

// The three outcomes an entry may carry.
inline constexpr std::string_view kAllowed = "allowed";
inline constexpr std::string_view kDenied = "denied";
inline constexpr std::string_view kFailed = "failed";

bool isValidOutcome(std::string_view outcome);

struct AuditEntry {
    int64_t timestamp_ms = 0;  // unix milliseconds; 0 = "now" by the AuditLog's clock
    std::string tenant_id;
    std::string actor;       // user email or API key id (isage_key_...); never a secret
    std::string actor_type;  // auth::actorTypeName: user, api_key, ...
    std::string action;      // e.g. apikey.create, audit.read, auth.login, telemetry.ingest
    std::string resource;    // e.g. /api/v1/apikeys/isage_key_abc123
    std::string outcome;     // kAllowed | kDenied | kFailed
    uint16_t status = 0;     // HTTP status answered
    std::string client_ip;
    std::string user_agent;
    std::string request_id;
    std::string details;  // a short JSON object, or empty

    bool operator==(const AuditEntry&) const = default;
};

struct AuditRecord {
    AuditEntry entry;
    std::string event_id;   // 32 lowercase hex characters, random
    std::string chain_id;   // 32 lowercase hex characters, random per process and tenant
    uint64_t seq = 0;       // 0, 1, 2, ... within the chain
    std::string prev_hash;  // hash of seq - 1; empty for seq 0
    std::string hash;       // SHA-256 hex of AuditChain::canonicalEncoding(*this)

    bool operator==(const AuditRecord&) const = default;
};

// {"timestamp":"2024-04-10T12:00:00.123Z","timestamp_ms":...,"tenant_id":...,...}. Strings that
// are not valid UTF-8 must be dumped with an error handler (json::error_handler_t::replace).
void to_json(nlohmann::json& out, const AuditRecord& record);

}  // namespace infrasage::audit
