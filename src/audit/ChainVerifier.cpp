#include "audit/ChainVerifier.h"

#include "audit/AuditChain.h"

namespace infrasage::audit {

void ChainVerifier::add(const AuditRecord& record) {
    const bool valid_hash = AuditChain::computeHash(record) == record.hash;
    const bool same_chain = previous_ && previous_->chain_id == record.chain_id;
    if (same_chain && previous_->seq == record.seq) {
        if (valid_hash && previous_->hash == record.hash) {
            return;  // a redelivered copy of the same row
        }
        broken(record.chain_id, record.seq, valid_hash ? "duplicate_seq" : "hash_mismatch");
        return;  // keep the first copy as the link the next row must follow
    }
    ++result_.entries;
    if (!same_chain) {
        ++result_.chains;
    }
    if (!valid_hash) {
        broken(record.chain_id, record.seq, "hash_mismatch");
    } else if (!same_chain && record.seq != 0) {
        broken(record.chain_id, 0, "chain_starts_late");
    } else if (same_chain && record.seq != previous_->seq + 1) {
        broken(record.chain_id, previous_->seq + 1, "missing_seq");
    } else if (record.prev_hash != (same_chain ? previous_->hash : std::string())) {
        broken(record.chain_id, record.seq, "bad_prev_hash");
    }
    previous_ = record;
}

void ChainVerifier::broken(const std::string& chain_id, uint64_t seq, const char* reason) {
    result_.ok = false;
    if (!result_.first_broken) {
        result_.first_broken = BrokenLink{chain_id, seq, reason};
    }
}

}  // namespace infrasage::audit
