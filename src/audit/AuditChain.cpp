#include "audit/AuditChain.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <span>
#include <stdexcept>
#include <string_view>

#include "common/Hex.h"

namespace infrasage::audit {

namespace {

// Bumped if the encoding ever changes, so old and new hashes can never be confused.
constexpr std::string_view kEncodingTag = "infrasage.audit.v1";

void appendUInt64(std::string& out, uint64_t value) {
    for (int i = 0; i < 8; ++i) {
        out += static_cast<char>(static_cast<uint8_t>(value >> (8 * i)));
    }
}

void appendField(std::string& out, std::string_view bytes) {
    appendUInt64(out, bytes.size());
    out += bytes;
}

void appendNumberField(std::string& out, uint64_t value) {
    appendUInt64(out, 8);
    appendUInt64(out, value);
}

}  // namespace

void AuditChain::link(std::span<AuditRecord> records) {
    std::lock_guard lock(mu_);
    std::size_t linked = 0;
    try {
        for (; linked < records.size(); ++linked) {
            linkLocked(records[linked]);
        }
    } catch (...) {
        // All or nothing: a half-linked batch would leave the caller unable to take it back.
        unlinkLocked(records.first(linked));
        throw;
    }
}

void AuditChain::unlink(std::span<const AuditRecord> records) {
    std::lock_guard lock(mu_);
    unlinkLocked(records);
}

void AuditChain::linkLocked(AuditRecord& record) {
    auto it = chains_.find(record.entry.tenant_id);
    if (it == chains_.end()) {
        it = chains_.emplace(record.entry.tenant_id, ChainState{randomId(), 0, {}}).first;
    }
    ChainState& chain = it->second;
    if (record.event_id.empty()) {
        record.event_id = randomId();
    }
    record.chain_id = chain.chain_id;
    record.seq = chain.next_seq;
    record.prev_hash = chain.last_hash;
    record.hash = computeHash(record);
    ++chain.next_seq;  // only once nothing can throw any more
    chain.last_hash = record.hash;
}

void AuditChain::unlinkLocked(std::span<const AuditRecord> records) {
    for (auto it_record = records.rbegin(); it_record != records.rend(); ++it_record) {
        const AuditRecord& record = *it_record;
        auto it = chains_.find(record.entry.tenant_id);
        if (it == chains_.end() || it->second.chain_id != record.chain_id ||
            it->second.next_seq != record.seq + 1) {
            throw std::logic_error("AuditChain::unlink: record is not the chain's last link");
        }
        it->second.next_seq = record.seq;
        it->second.last_hash = record.prev_hash;
    }
}

std::string AuditChain::canonicalEncoding(const AuditRecord& record) {
    const AuditEntry& e = record.entry;
    std::string out;
    out.reserve(256 + e.resource.size() + e.user_agent.size() + e.details.size());
    appendField(out, kEncodingTag);
    appendField(out, record.chain_id);
    appendNumberField(out, record.seq);
    appendField(out, record.prev_hash);
    appendField(out, record.event_id);
    appendField(out, e.tenant_id);
    appendNumberField(out, static_cast<uint64_t>(e.timestamp_ms));
    appendField(out, e.actor);
    appendField(out, e.actor_type);
    appendField(out, e.action);
    appendField(out, e.resource);
    appendField(out, e.outcome);
    appendNumberField(out, e.status);
    appendField(out, e.client_ip);
    appendField(out, e.user_agent);
    appendField(out, e.request_id);
    appendField(out, e.details);
    return out;
}

std::string AuditChain::computeHash(const AuditRecord& record) {
    const std::string bytes = canonicalEncoding(record);
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 failed");
    }
    return toHex(std::span<const unsigned char>(digest.data(), size));
}

std::string AuditChain::randomId() {
    std::array<unsigned char, 16> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw std::runtime_error("RAND_bytes failed");
    }
    return toHex(std::span<const unsigned char>(bytes.data(), bytes.size()));
}

}  // namespace infrasage::audit
