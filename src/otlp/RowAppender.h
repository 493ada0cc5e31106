// otlp/RowAppender: appends ClickHouse RowBinary values to a growing buffer, with the encoding of
// ingest/RowBinaryWriter (which writes into exactly sized buffers on the JSON hot path; OTLP rows
// are not on a measured path, so appending keeps the encoders short).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/RowBinaryWriter.h"
#include "otlp/AttributeSet.h"

namespace infrasage::otlp {

class RowAppender {
  public:
    explicit RowAppender(std::string& out) : out_(out) {}

    void string(std::string_view value) {
        ingest::RowBinaryWriter(grow(ingest::RowBinaryWriter::stringSize(value)))
            .writeString(value);
    }
    void uint8(uint8_t value) { out_.push_back(static_cast<char>(value)); }
    void uint32(uint32_t value) { ingest::RowBinaryWriter(grow(4)).writeUInt32(value); }
    void uint64(uint64_t value) {
        uint32(static_cast<uint32_t>(value & 0xFFFFFFFFU));
        uint32(static_cast<uint32_t>(value >> 32U));
    }
    // attr_keys then attr_values: two Array(String) columns.
    void attributes(const std::vector<Attribute>& attributes) {
        ingest::RowBinaryWriter(grow(ingest::RowBinaryWriter::varUIntSize(attributes.size())))
            .writeVarUInt(attributes.size());
        for (const auto& attribute : attributes) {
            string(attribute.key);
        }
        ingest::RowBinaryWriter(grow(ingest::RowBinaryWriter::varUIntSize(attributes.size())))
            .writeVarUInt(attributes.size());
        for (const auto& attribute : attributes) {
            string(attribute.value);
        }
    }

  private:
    char* grow(std::size_t bytes) {
        const std::size_t at = out_.size();
        out_.resize(at + bytes);
        return out_.data() + at;
    }

    std::string& out_;
};

}  // namespace infrasage::otlp
