#include "ingest/IngestAdmission.h"

#include "common/ApiError.h"

namespace infrasage::ingest {

InflightGate::Slot::Slot(InflightGate& gate) : gate_(gate) {
    if (gate_.inflight_.fetch_add(1) >= gate_.max_inflight_) {
        gate_.inflight_.fetch_sub(1);
        throw ApiError(503, "overloaded", "too many concurrent ingestion requests")
            .withRetryAfter(1);
    }
}

InflightGate::Slot::~Slot() {
    gate_.inflight_.fetch_sub(1);
}

void appendDurably(wal::WriteAheadLog& wal, std::span<const wal::WalFrame> frames,
                   observability::Metrics& metrics, double items) {
    if (frames.empty()) {
        return;
    }
    try {
        wal.append(frames);
    } catch (const wal::WalFullError&) {
        metrics.addRecordsRejected("ingestion_backlog_full", items);
        throw ApiError(503, "ingestion_backlog_full",
                       "storage is unavailable and the local buffer is full; retry later")
            .withRetryAfter(5);
    }
}

}  // namespace infrasage::ingest
