// ingest/SampleIngestService: THE sample ingestion path behind Prometheus remote write and OTLP
// metrics. A decoder hands it decoder-neutral series (ingest/MetricSamples.h); it validates them,
// fingerprints each series' identity, and makes new series rows and every sample row durable in
// ONE write-ahead-log group commit (streams storage::kSeriesStream and kSamplesStream; the
// delivery worker inserts them into infrasage_series / infrasage_samples). It also counts what it
// accepted and dropped (observability::Metrics) and bounds concurrent requests like IngestService.
//
// What is refused, and how (Prometheus retries 5xx forever and drops a batch on 4xx, so one bad
// sample must not make it resend, nor lose, the good ones):
//  - a series whose IDENTITY is invalid (service_id or metric_name empty or too long, more than
//    max_labels_per_series labels or max_label_bytes_per_series bytes of names and values, an
//    empty/too long label name, a too long label value, a duplicate label name, invalid UTF-8 or
//    a control character in any of them): with InvalidSeries::RejectRequest (remote write) the
//    whole request is refused with 400 and a stable code and NOTHING of it is written — such a
//    payload comes from a broken client and resending it can never succeed; with
//    InvalidSeries::DropSeries (OTLP partial success) only that series' samples are dropped and
//    counted under the code.
//  - a SAMPLE that cannot be stored is dropped and counted, the rest of the request is written:
//    timestamp older than IngestLimits::max_age (timestamp_too_old) or further ahead than
//    max_future (timestamp_in_future); a Prometheus staleness marker (the exact NaN bit pattern
//    0x7ff0000000000002: "this series ended") is not a value — it is dropped and counted as
//    stale_markers, the series row stays; any other NaN or ±Inf (non_finite_value) is dropped as
//    well, because the detectors downstream work on finite values and JSON ingestion refuses
//    them too.
// Names are checked for UTF-8 and control characters, not for the Prometheus name regex: OTLP
// names contain dots and Prometheus 3 allows UTF-8 names.
//
// Fingerprint: XXH3-64 (xxHash 0.8, seed 0; its output is frozen by the xxHash specification)
// over a canonical encoding — service_id, metric_name, then the labels sorted by name, every
// string prefixed by its LEB128 length so no two identities share an encoding. Stable across
// processes, releases and label order. Collision odds for n series of one tenant ≈ n²/2^65:
// 1e6 series → 3e-8, 1e8 series → 3e-4.
//
// Series already written by this process are remembered in a bounded cache per tenant (two
// generations, `series_cache_capacity` fingerprints in all), so a series goes to the series stream
// once per process (and again after eviction or a restart: the ReplacingMergeTree de-duplicates).
// Depends on: ingest/MetricSamples, ingest/IngestLimits, wal/WriteAheadLog, storage/SampleTables,
// observability/Metrics, common/Clock, xxHash.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/Clock.h"
#include "ingest/IngestLimits.h"
#include "ingest/MetricSamples.h"
#include "observability/Metrics.h"
#include "wal/WriteAheadLog.h"

namespace infrasage::ingest {

struct SampleLimits {
    // Field sizes (service_id, metric_name, label name = attribute key, label value = attribute
    // value) and the timestamp window, shared with JSON ingestion.
    IngestLimits base{};
    std::size_t max_labels_per_series = 64;
    std::size_t max_label_bytes_per_series = 16384;  // names + values of one series
    std::size_t max_series_per_request = 100000;
    std::size_t max_samples_per_request = 1000000;
};

enum class InvalidSeries {
    RejectRequest,  // 400, nothing written (remote write)
    DropSeries,     // drop its samples, count them (OTLP partial success)
};

struct SampleRejection {
    std::string reason;  // stable code: timestamp_too_old, stale_marker, non_finite_value, ...
    uint64_t samples = 0;
};

struct SampleIngestOutcome {
    uint64_t accepted_samples = 0;
    uint64_t accepted_series = 0;               // series with at least one accepted sample
    uint64_t new_series = 0;                    // series rows written (not in this process's cache)
    uint64_t rejected_samples = 0;              // dropped samples, stale markers included
    uint64_t stale_markers = 0;                 // of which Prometheus staleness markers
    std::vector<SampleRejection> rejections{};  // per reason, in first-seen order
    std::string first_error;  // a human-readable message for the first rejection (or empty)
};

// The exact bit pattern Prometheus writes as a staleness marker (prometheus/model/value).
inline constexpr uint64_t kStaleMarkerBits = 0x7ff0000000000002ULL;

// 64-bit fingerprint of a series identity (see above). Labels may come in any order.
uint64_t seriesFingerprint(std::string_view service_id, std::string_view metric_name,
                           std::span<const LabelView> labels);

class SampleIngestService {
  public:
    SampleIngestService(wal::WriteAheadLog& wal, SampleLimits limits, const Clock& clock,
                        observability::Metrics& metrics, unsigned max_inflight,
                        std::size_t series_cache_capacity = 1u << 20);
    ~SampleIngestService();
    SampleIngestService(const SampleIngestService&) = delete;
    SampleIngestService& operator=(const SampleIngestService&) = delete;

    // Validates and makes durable one request's series for `tenant_id` (from the principal).
    // Throws ApiError: 400 with a stable code (nothing written) for an invalid series under
    // RejectRequest or a request over max_series/max_samples_per_request; 503 + Retry-After
    // when too many requests are in flight (overloaded) or the WAL is full
    // (ingestion_backlog_full). Dropped samples are reported in the outcome, not thrown.
    SampleIngestOutcome ingest(std::string_view tenant_id, std::span<const SeriesSamples> batch,
                               InvalidSeries invalid_series = InvalidSeries::RejectRequest);

    const SampleLimits& limits() const { return limits_; }

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
    SampleLimits limits_;
};

}  // namespace infrasage::ingest
