#include "storage/Streams.h"

namespace infrasage::storage {

std::optional<StreamTarget> streamTarget(StreamId stream) {
    if (stream < kTelemetryTypeCount) {
        auto type = static_cast<TelemetryType>(stream);
        return StreamTarget{tableSpec(type).table, insertColumns(type)};
    }
    if (stream == kAuditStream) {
        return StreamTarget{kAuditLogTable, kAuditLogColumns};
    }
    return std::nullopt;
}

}  // namespace infrasage::storage
