#include "audit/AuditOutbox.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace infrasage::audit {

std::string encodeOutboxEntry(const AuditEntry& e) {
    return nlohmann::json{
        {"timestamp_ms", e.timestamp_ms}, {"tenant_id", e.tenant_id},   {"actor", e.actor},
        {"actor_type", e.actor_type},     {"action", e.action},         {"resource", e.resource},
        {"outcome", e.outcome},           {"status", e.status},         {"client_ip", e.client_ip},
        {"user_agent", e.user_agent},     {"request_id", e.request_id}, {"details", e.details}}
        .dump();
}

AuditEntry decodeOutboxEntry(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) {
        throw std::invalid_argument("outbox entry is not a JSON object");
    }
    try {
        AuditEntry e;
        e.timestamp_ms = j.at("timestamp_ms").get<int64_t>();
        e.tenant_id = j.at("tenant_id").get<std::string>();
        e.actor = j.at("actor").get<std::string>();
        e.actor_type = j.at("actor_type").get<std::string>();
        e.action = j.at("action").get<std::string>();
        e.resource = j.at("resource").get<std::string>();
        e.outcome = j.at("outcome").get<std::string>();
        e.status = j.at("status").get<uint16_t>();
        e.client_ip = j.at("client_ip").get<std::string>();
        e.user_agent = j.at("user_agent").get<std::string>();
        e.request_id = j.at("request_id").get<std::string>();
        e.details = j.at("details").get<std::string>();
        return e;
    } catch (const nlohmann::json::exception& ex) {
        throw std::invalid_argument(std::string("outbox entry: ") + ex.what());
    }
}

std::size_t drainAuditOutbox(controlstore::ControlStore& store, AuditLog& log, std::size_t limit) {
    auto pending = store.pendingAuditEntries(limit);
    std::vector<int64_t> done;
    done.reserve(pending.size());
    for (const auto& [id, text] : pending) {
        AuditEntry entry;
        try {
            entry = decodeOutboxEntry(text);
        } catch (const std::invalid_argument&) {
            entry.action = "audit.outbox_malformed";
            entry.actor = "system";
            entry.actor_type = "system";
            entry.outcome = std::string(kFailed);
            entry.resource = "audit_outbox/" + std::to_string(id);
        }
        log.record(std::move(entry));  // durable before the outbox row goes
        done.push_back(id);
    }
    store.removeAuditEntries(done);
    return done.size();
}

}  // namespace infrasage::audit
