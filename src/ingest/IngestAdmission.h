// ingest/IngestAdmission: the overload behaviour every ingestion path shares, so that JSON, OTLP
// (and any later protocol) answer a flood the same way:
//  - InflightGate bounds concurrent ingestion requests: beyond the bound a request is refused with
//    503 `overloaded` and Retry-After: 1 before any work, so large bodies cannot starve health
//    checks and reads of CPU and workers (INFRASAGE_INGEST_MAX_INFLIGHT).
//  - appendDurably makes frames durable in the write-ahead log; when its disk cap is reached the
//    request is refused with 503 `ingestion_backlog_full` and Retry-After: 5 (ClickHouse is
//    unavailable and the local buffer is full), and the refused items are counted.
// Depends on: wal/WriteAheadLog, observability/Metrics, common/ApiError.
#pragma once

#include <atomic>
#include <span>

#include "observability/Metrics.h"
#include "wal/WriteAheadLog.h"

namespace infrasage::ingest {

class InflightGate {
  public:
    explicit InflightGate(unsigned max_inflight) : max_inflight_(max_inflight) {}

    // Holds one of the gate's places for its lifetime; throws ApiError 503 `overloaded` (with
    // Retry-After) when none is free.
    class Slot {
      public:
        explicit Slot(InflightGate& gate);
        ~Slot();
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;

      private:
        InflightGate& gate_;
    };

  private:
    unsigned max_inflight_;
    std::atomic<unsigned> inflight_{0};
};

// wal.append(frames), with a full WAL turned into ApiError 503 `ingestion_backlog_full`
// (Retry-After: 5) and `items` counted as rejected under that code.
void appendDurably(wal::WriteAheadLog& wal, std::span<const wal::WalFrame> frames,
                   observability::Metrics& metrics, double items);

}  // namespace infrasage::ingest
