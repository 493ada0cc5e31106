// audit/AuditRowCodec: AuditRecords as ClickHouse RowBinary rows of infrasage_audit_log, in
// storage::kAuditLogColumns order. encode() writes what the WAL carries to ClickHouse; decode()
// reads `SELECT <kAuditLogColumns> ... FORMAT RowBinary` back with every byte intact, which hash
// verification needs (text formats would have to round-trip escapes and UTF-8).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/AuditEntry.h"

namespace infrasage::audit {

class AuditRowCodec {
  public:
    // Timestamps a DateTime column can hold: [0, 2^32) seconds, as milliseconds.
    static constexpr int64_t kMaxTimestampMs = (int64_t{1} << 32) * 1000 - 1;

    // Appends one row per record to `out`. Throws std::invalid_argument for a timestamp outside
    // [0, kMaxTimestampMs].
    static void encode(std::span<const AuditRecord> records, std::string& out);

    // Rows in kAuditLogColumns order. Throws std::runtime_error on truncated or malformed input.
    static std::vector<AuditRecord> decode(std::string_view rowbinary);
};

}  // namespace infrasage::audit
