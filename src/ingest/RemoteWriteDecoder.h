// ingest/RemoteWriteDecoder: turns a Prometheus remote write body — 1.0 (snappy block compression
// of a protobuf prometheus.WriteRequest) or 2.0 (io.prometheus.write.v2.Request: strings interned
// in a symbol table, labels as references into it) — into decoder-neutral series for
// SampleIngestService, and maps Prometheus labels onto InfraSage's identity: `__name__` →
// metric_name; service_id ← the value of the first label of `service_labels` present with a
// non-empty value (default `service`, then `job`), else "unknown"; every other label → an
// attribute. The labels used for service and name are not repeated among the attributes; a label
// with an empty value is dropped (in Prometheus an empty label value means the label is absent).
//
// Why a hand-written protobuf wire reader instead of libprotobuf's generated classes: on this
// machine decoding remote-write payloads costs 0.92 CPU-s per million samples with libprotobuf vs
// 0.18 with a zero-copy reader (TECH-NOTES), more than ClickHouse's whole narrow-row insert;
// bench/micro_remote_write.cpp measures this reader against classes generated from
// proto/prometheus/remote.proto, per million samples of node-exporter shape on one thread: snappy
// alone 0.020 CPU-s, snappy + this reader 0.094, snappy + libprotobuf 0.35. The reader is
// zero-copy: label names and values are views into the decompressed buffer (DecodedWriteRequest).
//
// Wire rules: 1.0 WriteRequest{timeseries=1 {labels=1 {name=1, value=2}, samples=2 {value=1
// double, timestamp=2 int64}}}; 2.0 Request{symbols=4, timeseries=5 {labels_refs=1 (packed or
// not; pairs of references, each inside the table), samples=2 (as 1.0), histograms=3,
// exemplars=4 (counted, not stored)}}; 1.0's exemplars=3 and native histograms=4 are counted
// likewise; every other field (metadata, created timestamps, future fields) is skipped by its
// wire type; groups (wire types 3/4), field number 0, a known field with the wrong
// wire type, varints longer than 10 bytes and any length past its enclosing message are malformed.
// Nesting is fixed at three levels and read iteratively. Series, samples and labels per series are
// bounded while reading (SampleLimits), so a small body cannot make it allocate without bound.
// Errors throw ApiError: 400 invalid_snappy / invalid_protobuf / too_many_labels /
// too_many_series / too_many_samples / too_many_symbols / duplicate_label_name, 413
// payload_too_large (decompressed size over max_decompressed_bytes, checked from the snappy header
// BEFORE decompressing). Depends on: ingest/MetricSamples, ingest/SampleIngestService (limits),
// snappy.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/MetricSamples.h"
#include "ingest/SampleIngestService.h"

namespace infrasage::ingest {

struct RemoteWriteOptions {
    std::vector<std::string> service_labels{"service", "job"};
    std::string default_service = "unknown";
    std::size_t max_decompressed_bytes = 32u << 20;
    // Remote write 2.0 symbol table entries (each costs a 16-byte view; the body alone would
    // allow 16 M of them).
    std::size_t max_symbols = 1u << 20;
    SampleLimits limits{};
};

enum class RemoteWriteVersion { V1, V2 };

// The decoded request. Reused across requests (its buffers keep their capacity); the views in
// `series` point into `raw`, `labels` and `points` and stay valid until the next decode.
struct DecodedWriteRequest {
    std::string raw;                        // the decompressed protobuf
    std::vector<std::string_view> symbols;  // 2.0 only
    std::vector<LabelView> labels;
    std::vector<SamplePoint> points;
    std::vector<SeriesSamples> series;
    std::size_t samples = 0;
    std::size_t histograms = 0;  // native histogram samples, not stored
    std::size_t exemplars = 0;   // exemplars, not stored

    void clear();
};

class RemoteWriteDecoder {
  public:
    explicit RemoteWriteDecoder(RemoteWriteOptions options);

    // Snappy block decompression, then the protobuf. Throws ApiError (see above).
    void decodeSnappy(std::string_view body, DecodedWriteRequest& out,
                      RemoteWriteVersion version = RemoteWriteVersion::V1) const;
    // The protobuf request alone (already decompressed, copied into out.raw).
    void decodeProtobuf(std::string_view protobuf, DecodedWriteRequest& out,
                        RemoteWriteVersion version = RemoteWriteVersion::V1) const;

    const RemoteWriteOptions& options() const { return options_; }

  private:
    void decodeRaw(DecodedWriteRequest& out, RemoteWriteVersion version) const;
    void readSymbols(DecodedWriteRequest& out) const;

    RemoteWriteOptions options_;
};

}  // namespace infrasage::ingest
