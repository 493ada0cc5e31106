// audit/ChainVerifier: checks one tenant's audit records, fed in (chain_id, seq) order, against
// the hash chains AuditChain built, and keeps the first broken link. It holds only the previous
// record, so a reader can stream any number of rows through it page by page.
// Exact duplicates (same seq, same valid hash) are skipped: the delivery path may insert a row
// twice after an insert whose outcome was unknown, and that is not tampering.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "audit/AuditEntry.h"

namespace infrasage::audit {

struct BrokenLink {
    std::string chain_id;
    // The first seq found broken; for missing_seq and chain_starts_late, the first missing one.
    uint64_t seq = 0;
    // hash_mismatch: the stored hash is not the hash of the row (the row was edited)
    // missing_seq: seqs are skipped (rows were deleted)
    // bad_prev_hash: prev_hash is not the previous row's hash (a row before it was replaced)
    // chain_starts_late: the chain's first row is not seq 0 (its head was deleted)
    // duplicate_seq: two different rows carry the same seq (a row was forged beside another)
    std::string reason;
    bool operator==(const BrokenLink&) const = default;
};

struct VerifyResult {
    bool ok = true;
    uint64_t chains = 0;
    uint64_t entries = 0;  // rows checked, exact duplicates not counted
    std::optional<BrokenLink> first_broken;
};

class ChainVerifier {
  public:
    // Records must arrive ordered by (chain_id, seq).
    void add(const AuditRecord& record);
    const VerifyResult& result() const { return result_; }

  private:
    void broken(const std::string& chain_id, uint64_t seq, const char* reason);

    VerifyResult result_;
    std::optional<AuditRecord> previous_;
};

}  // namespace infrasage::audit
