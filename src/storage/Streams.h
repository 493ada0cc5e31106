// storage/Streams: the registry of stream ids that may appear in the write-ahead log and the table
// each one lands in. Ids are persisted in WAL frames, so an id is never reused for another table.
#pragma once

#include <optional>
#include <string_view>

#include "storage/RowSink.h"
#include "storage/TelemetryTables.h"

namespace infrasage::storage {

struct StreamTarget {
    std::string_view table;
    std::string_view columns;
};

// Stream ids 0..5 are the telemetry types, in TelemetryType order.
inline StreamId telemetryStream(TelemetryType type) {
    return static_cast<StreamId>(type);
}

// The table and column list for a stream id; nullopt for an id this build does not know.
std::optional<StreamTarget> streamTarget(StreamId stream);

}  // namespace infrasage::storage
