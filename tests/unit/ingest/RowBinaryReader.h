// Test helper: decodes the RowBinary rows RecordParser produces, written independently of
// ingest/RowBinaryWriter so that the tests check the wire format rather than echo the encoder.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "storage/TelemetryTables.h"

namespace infrasage::ingest::testing {

struct DecodedRow {
    std::string tenant_id;
    std::string service_id;
    uint32_t timestamp = 0;
    uint32_t timestamp_nanos = 0;
    std::optional<std::string> metric_name;  // tables with has_metric only
    std::optional<double> value;
    std::optional<std::string> body;  // tables with has_body only
    std::string trace_id;
    std::vector<std::string> attr_keys;
    std::vector<std::string> attr_values;
    uint32_t received_at = 0;
};

class RowBinaryReader {
  public:
    explicit RowBinaryReader(std::string_view bytes) : bytes_(bytes) {}

    bool atEnd() const { return pos_ == bytes_.size(); }

    uint64_t readVarUInt() {
        uint64_t value = 0;
        for (unsigned shift = 0; shift < 64; shift += 7) {
            const auto byte = static_cast<uint8_t>(take(1)[0]);
            value |= static_cast<uint64_t>(byte & 0x7F) << shift;
            if ((byte & 0x80) == 0) {
                return value;
            }
        }
        throw std::runtime_error("LEB128 longer than 10 bytes");
    }

    std::string readString() { return std::string(take(static_cast<std::size_t>(readVarUInt()))); }

    uint64_t readLittleEndian(std::size_t bytes) {
        const std::string_view raw = take(bytes);
        uint64_t value = 0;
        for (std::size_t i = 0; i < bytes; ++i) {
            value |= static_cast<uint64_t>(static_cast<uint8_t>(raw[i])) << (8 * i);
        }
        return value;
    }

    uint32_t readUInt32() { return static_cast<uint32_t>(readLittleEndian(4)); }

    double readFloat64() {
        const uint64_t bits = readLittleEndian(8);
        double value = 0;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    }

    std::vector<std::string> readStringArray() {
        std::vector<std::string> values(static_cast<std::size_t>(readVarUInt()));
        for (auto& v : values) {
            v = readString();
        }
        return values;
    }

    DecodedRow readRow(storage::TelemetryType type) {
        const auto& spec = storage::tableSpec(type);
        DecodedRow row;
        row.tenant_id = readString();
        row.service_id = readString();
        row.timestamp = readUInt32();
        row.timestamp_nanos = readUInt32();
        if (spec.has_metric) {
            row.metric_name = readString();
            row.value = readFloat64();
        }
        if (spec.has_body) {
            row.body = readString();
        }
        row.trace_id = readString();
        row.attr_keys = readStringArray();
        row.attr_values = readStringArray();
        row.received_at = readUInt32();
        return row;
    }

  private:
    std::string_view take(std::size_t n) {
        if (bytes_.size() - pos_ < n) {
            throw std::runtime_error("RowBinary data ends inside a value");
        }
        const std::string_view out = bytes_.substr(pos_, n);
        pos_ += n;
        return out;
    }

    std::string_view bytes_;
    std::size_t pos_ = 0;
};

// Decodes every row of one table; throws if the bytes do not split into whole rows.
inline std::vector<DecodedRow> decodeRows(std::string_view bytes, storage::TelemetryType type) {
    RowBinaryReader reader(bytes);
    std::vector<DecodedRow> rows;
    while (!reader.atEnd()) {
        rows.push_back(reader.readRow(type));
    }
    return rows;
}

}  // namespace infrasage::ingest::testing
