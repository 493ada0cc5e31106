#include "storage/ClickHouseRowSink.h"

#include <stdexcept>
#include <string>

#include "storage/SampleRowOrder.h"
#include "storage/SampleTables.h"
#include "storage/Streams.h"

namespace infrasage::storage {

void ClickHouseRowSink::insert(StreamId stream, std::string_view rowbinary, uint32_t row_count) {
    const auto target = streamTarget(stream);
    if (!target) {
        throw std::invalid_argument("unknown stream id " + std::to_string(stream));
    }
    if (row_count == 0) {
        return;  // nothing to send; ClickHouse would accept an empty body anyway
    }
    if (stream == kSamplesStream) {
        // Sample blocks arrive in request order; in key order ClickHouse skips its own sort.
        if (auto sorted = sampleRowsInKeyOrder(rowbinary)) {
            client_.insert(target->table, target->columns, "RowBinary", *sorted);
            return;
        }
    }
    client_.insert(target->table, target->columns, "RowBinary", rowbinary);
}

}  // namespace infrasage::storage
