// audit/AuditChain: the per-tenant hash chains that make the audit log tamper-evident. Each
// process starts, for every tenant it audits, a new chain with a random chain_id (so restarts and
// several replicas never fork one chain) whose entries get seq 0, 1, 2, ... and
// hash = SHA-256(canonicalEncoding(record)), where the encoding covers chain_id, seq, prev_hash
// and every entry field, each length-prefixed; prev_hash is the previous entry's hash (empty for
// seq 0).
//
// What a chain detects (audit/ChainVerifier): an entry edited in place (hash_mismatch), an
// edited entry whose hash was recomputed (bad_prev_hash at the next entry), entries deleted
// inside a chain (missing_seq), entries reordered (seq and prev_hash are hashed), and a chain
// whose first stored entry is not seq 0 (chain_starts_late: its head was deleted).
// What it cannot detect: deletion of a chain's tail (the last entries) or of a whole chain, nor
// a forged chain built from scratch by someone who can write the table. That needs the chain
// heads anchored outside ClickHouse (e.g. periodically signed or exported); planned, not built.
//
// Thread-safe. The caller must append records to the WAL in the order link() numbered them
// (audit/AuditLog does so by linking and appending in one critical section).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <string>

#include "audit/AuditEntry.h"

namespace infrasage::audit {

class AuditChain {
  public:
    AuditChain() = default;
    AuditChain(const AuditChain&) = delete;
    AuditChain& operator=(const AuditChain&) = delete;

    // Assigns chain_id, seq, prev_hash and hash to each record, in order, on its tenant's chain
    // (a chain is started with a fresh random id on the first record of a tenant). Fills
    // event_id when it is empty. All or nothing: when it throws, no record stays linked.
    void link(std::span<AuditRecord> records);

    // Takes back the links of records from the most recent link() whose write failed, so the
    // chain has no gap: the next record reuses their seqs. Records must be given as linked.
    void unlink(std::span<const AuditRecord> records);

    // The bytes that are hashed: a version tag, then every field as an 8-byte little-endian length
    // followed by its bytes (integers as 8-byte little-endian values), in a fixed order.
    static std::string canonicalEncoding(const AuditRecord& record);
    // Lowercase hex SHA-256 of canonicalEncoding(record).
    static std::string computeHash(const AuditRecord& record);
    // 32 lowercase hex characters from the system CSPRNG.
    static std::string randomId();

  private:
    void linkLocked(AuditRecord& record);
    void unlinkLocked(std::span<const AuditRecord> records);

    struct ChainState {
        std::string chain_id;
        uint64_t next_seq = 0;
        std::string last_hash;
    };

    std::mutex mu_;
    std::map<std::string, ChainState, std::less<>> chains_;  // by tenant_id
};

}  // namespace infrasage::audit
