#include "storage/Streams.h"

#include "storage/SampleTables.h"

namespace infrasage::storage {

std::optional<StreamTarget> streamTarget(StreamId stream) {
    if (stream < kTelemetryTypeCount) {
        auto type = static_cast<TelemetryType>(stream);
        return StreamTarget{tableSpec(type).table, insertColumns(type)};
    }
    if (stream == kSeriesStream) {
        return StreamTarget{kSeriesTable, kSeriesColumnList};
    }
    if (stream == kSamplesStream) {
        return StreamTarget{kSamplesTable, kSampleColumnList};
    }
    if (stream == kSpansStream) {
        return StreamTarget{kSpansTable, kSpanColumnList};
    }
    if (stream == kOtlpLogsStream) {
        return StreamTarget{tableSpec(TelemetryType::Log).table, kOtlpLogColumnList};
    }
    if (stream == kAuditStream) {
        return StreamTarget{kAuditLogTable, kAuditLogColumns};
    }
    return std::nullopt;
}

}  // namespace infrasage::storage
