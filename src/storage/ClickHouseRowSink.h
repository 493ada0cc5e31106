// storage/ClickHouseRowSink: the production RowSink. Sends each batch as one
// `INSERT ... FORMAT RowBinary` into the stream's table (storage/Streams) in the client's database;
// sample blocks are first put into the table's key order (storage/SampleRowOrder).
#pragma once

#include "storage/ClickHouseClient.h"
#include "storage/RowSink.h"

namespace infrasage::storage {

class ClickHouseRowSink final : public RowSink {
  public:
    explicit ClickHouseRowSink(ClickHouseClient& client) : client_(client) {}

    // Throws std::invalid_argument for a stream id this build does not know, ClickHouseError
    // when the insert fails (Kind::Network: outcome unknown).
    void insert(StreamId stream, std::string_view rowbinary, uint32_t row_count) override;

  private:
    ClickHouseClient& client_;
};

}  // namespace infrasage::storage
