// storage/RowSink: where durable rows go once they leave the write-ahead log. A stream id names a
// destination table; rows arrive already encoded as ClickHouse RowBinary for that table's columns.
#pragma once

#include <cstdint>
#include <string_view>

namespace infrasage::storage {

using StreamId = uint16_t;

class RowSink {
  public:
    virtual ~RowSink() = default;
    // Inserts `row_count` rows for one stream in one statement. Throws ClickHouseError (or another
    // std::exception) on failure; the caller retries.
    virtual void insert(StreamId stream, std::string_view rowbinary, uint32_t row_count) = 0;
};

}  // namespace infrasage::storage
