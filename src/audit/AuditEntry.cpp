#include "audit/AuditEntry.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

namespace infrasage::audit {

namespace {

std::string rfc3339Millis(int64_t timestamp_ms) {
    const std::chrono::sys_time<std::chrono::milliseconds> time{
        std::chrono::milliseconds(timestamp_ms)};
    const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
    const auto millis = (time - seconds).count();
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", seconds, millis);
}

}  // namespace

bool isValidOutcome(std::string_view outcome) {
    return outcome == kAllowed || outcome == kDenied || outcome == kFailed;
}

void to_json(nlohmann::json& out, const AuditRecord& record) {
    const AuditEntry& e = record.entry;
    out = nlohmann::json{
        {"timestamp", rfc3339Millis(e.timestamp_ms)},
        {"timestamp_ms", e.timestamp_ms},
        {"tenant_id", e.tenant_id},
        {"event_id", record.event_id},
        {"actor", e.actor},
        {"actor_type", e.actor_type},
        {"action", e.action},
        {"resource", e.resource},
        {"outcome", e.outcome},
        {"status", e.status},
        {"client_ip", e.client_ip},
        {"user_agent", e.user_agent},
        {"request_id", e.request_id},
        {"details", e.details},
        {"chain_id", record.chain_id},
        {"seq", record.seq},
        {"prev_hash", record.prev_hash},
        {"hash", record.hash},
    };
}

}  // namespace infrasage::audit
