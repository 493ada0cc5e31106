// Shared body of the OTLP fuzz targets: the first input byte picks the signal (metrics, traces,
// logs), the rest is the request body in the target's encoding. Every body goes through
// otlp/OtlpBodyParser and then the signal's decoder. ApiError is the only allowed exception;
// anything else (another exception, a sanitizer report, a broken invariant) is a bug. Decoded
// output is checked: spans and log rows are whole RowBinary rows, metric views point at strings
// the decoder owns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/ApiError.h"
#include "ingest/IngestLimits.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp/LogDecoder.h"
#include "otlp/MetricsDecoder.h"
#include "otlp/OtlpBodyParser.h"
#include "otlp/SpanDecoder.h"
#include "unit/ingest/RowBinaryReader.h"

namespace infrasage::otlp::fuzz {

inline constexpr int64_t kNowNanos = int64_t{1714564800} * 1'000'000'000;

inline void require(bool condition) {
    if (!condition) {
        std::abort();
    }
}

// Reads every row back with the column counts of the stream (fixed parts only differ).
inline void checkRows(const EncodedItems& items, bool spans) {
    ingest::testing::RowBinaryReader in(items.rows);
    uint32_t rows = 0;
    while (!in.atEnd()) {
        if (spans) {
            for (int i = 0; i < 7; ++i) {
                in.readString();
            }
            in.readUInt32();
            in.readUInt32();
            in.readLittleEndian(8);
            in.readString();
            in.readString();
        } else {
            in.readString();
            in.readString();
            in.readUInt32();
            in.readUInt32();
            in.readString();
            in.readString();
        }
        const auto keys = in.readStringArray();
        const auto values = in.readStringArray();
        require(keys.size() == values.size());
        in.readUInt32();
        if (!spans) {
            in.readString();
            in.readLittleEndian(1);
        }
        ++rows;
    }
    require(rows == items.count);
}

inline void fuzzOne(const uint8_t* data, std::size_t size, Encoding encoding) {
    if (size == 0) {
        return;
    }
    const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
    const ingest::IngestLimits limits;
    try {
        switch (data[0] % 3) {
            case 0: {
                opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest request;
                parseOtlpBody(body, encoding, request);
                const auto decoded = MetricsDecoder(100000).decode(request);
                for (const auto& series : decoded.series) {
                    require(series.points.size() == 1);
                    require(!series.service_id.empty());
                    for (const auto& label : series.labels) {
                        require(label.name.size() < (1U << 30));
                    }
                }
                break;
            }
            case 1: {
                opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest request;
                parseOtlpBody(body, encoding, request);
                checkRows(SpanDecoder(limits, kNowNanos).decode(request, "tenant"), true);
                break;
            }
            default: {
                opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest request;
                parseOtlpBody(body, encoding, request);
                checkRows(LogDecoder(limits, kNowNanos).decode(request, "tenant"), false);
                break;
            }
        }
    } catch (const ApiError& e) {
        require(e.httpStatus() == 400 || e.httpStatus() == 413);
    }
}

}  // namespace infrasage::otlp::fuzz
