#include "audit/AuditRowCodec.h"

#include <stdexcept>

#include "ingest/RowBinaryWriter.h"
#include "storage/RowBinaryReader.h"

namespace infrasage::audit {

namespace {

using ingest::RowBinaryWriter;

std::size_t rowSize(const AuditRecord& r) {
    const AuditEntry& e = r.entry;
    std::size_t size = 4 + 2 + 8 + 2;  // timestamp, timestamp_ms, seq, status
    for (std::string_view s :
         {std::string_view(e.tenant_id), std::string_view(r.event_id), std::string_view(r.chain_id),
          std::string_view(r.prev_hash), std::string_view(r.hash), std::string_view(e.actor),
          std::string_view(e.actor_type), std::string_view(e.action), std::string_view(e.resource),
          std::string_view(e.outcome), std::string_view(e.client_ip),
          std::string_view(e.user_agent), std::string_view(e.request_id),
          std::string_view(e.details)}) {
        size += RowBinaryWriter::stringSize(s);
    }
    return size;
}

// RowBinaryWriter has no 16- and 64-bit writers; these continue from its position.
void writeLittleEndian(RowBinaryWriter& w, uint64_t value, std::size_t bytes) {
    char* pos = w.position();
    for (std::size_t i = 0; i < bytes; ++i) {
        *pos++ = static_cast<char>(static_cast<uint8_t>(value >> (8 * i)));
    }
    w = RowBinaryWriter(pos);
}

void encodeRow(const AuditRecord& r, RowBinaryWriter& w) {
    const AuditEntry& e = r.entry;
    if (e.timestamp_ms < 0 || e.timestamp_ms > AuditRowCodec::kMaxTimestampMs) {
        throw std::invalid_argument("audit timestamp out of DateTime range");
    }
    w.writeString(e.tenant_id);
    w.writeUInt32(static_cast<uint32_t>(e.timestamp_ms / 1000));
    writeLittleEndian(w, static_cast<uint64_t>(e.timestamp_ms % 1000), 2);
    w.writeString(r.event_id);
    w.writeString(r.chain_id);
    writeLittleEndian(w, r.seq, 8);
    w.writeString(r.prev_hash);
    w.writeString(r.hash);
    w.writeString(e.actor);
    w.writeString(e.actor_type);
    w.writeString(e.action);
    w.writeString(e.resource);
    w.writeString(e.outcome);
    writeLittleEndian(w, e.status, 2);
    w.writeString(e.client_ip);
    w.writeString(e.user_agent);
    w.writeString(e.request_id);
    w.writeString(e.details);
}

AuditRecord decodeRow(storage::RowBinaryReader& in) {
    AuditRecord r;
    AuditEntry& e = r.entry;
    e.tenant_id = in.string();
    const auto seconds = static_cast<int64_t>(in.fixed(4));
    const auto millis = static_cast<int64_t>(in.fixed(2));
    e.timestamp_ms = seconds * 1000 + millis;
    r.event_id = in.string();
    r.chain_id = in.string();
    r.seq = in.fixed(8);
    r.prev_hash = in.string();
    r.hash = in.string();
    e.actor = in.string();
    e.actor_type = in.string();
    e.action = in.string();
    e.resource = in.string();
    e.outcome = in.string();
    e.status = static_cast<uint16_t>(in.fixed(2));
    e.client_ip = in.string();
    e.user_agent = in.string();
    e.request_id = in.string();
    e.details = in.string();
    return r;
}

}  // namespace

void AuditRowCodec::encode(std::span<const AuditRecord> records, std::string& out) {
    std::size_t size = 0;
    for (const AuditRecord& r : records) {
        size += rowSize(r);
    }
    const std::size_t start = out.size();
    out.resize(start + size);
    RowBinaryWriter writer(out.data() + start);
    try {
        for (const AuditRecord& r : records) {
            encodeRow(r, writer);
        }
    } catch (...) {
        out.resize(start);
        throw;
    }
}

std::vector<AuditRecord> AuditRowCodec::decode(std::string_view rowbinary) {
    storage::RowBinaryReader in(rowbinary);
    std::vector<AuditRecord> records;
    while (!in.atEnd()) {
        records.push_back(decodeRow(in));
    }
    return records;
}

}  // namespace infrasage::audit
