// libFuzzer target: Prometheus remote write bodies (ingest/RemoteWriteDecoder), read from the
// network before anything validates them. Each input is tried as a snappy-compressed body (what
// the endpoint receives) and as an already decompressed protobuf (to reach the wire reader with
// arbitrary bytes), each as remote write 1.0 and as 2.0 (symbol table and label references). Any
// crash, sanitizer report or exception other than ApiError is a finding; the decoded views must
// stay inside the request's buffers and add up.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/ApiError.h"
#include "ingest/RemoteWriteDecoder.h"

namespace {

using infrasage::ingest::DecodedWriteRequest;
using infrasage::ingest::RemoteWriteDecoder;
using infrasage::ingest::RemoteWriteOptions;
using infrasage::ingest::RemoteWriteVersion;

RemoteWriteOptions smallOptions() {
    RemoteWriteOptions options;
    options.max_decompressed_bytes = 1u << 20;
    return options;
}

bool inside(std::string_view part, const std::string& whole) {
    return part.empty() || (part.data() >= whole.data() &&
                            part.data() + part.size() <= whole.data() + whole.size());
}

void check(const DecodedWriteRequest& out, const RemoteWriteOptions& options) {
    std::size_t points = 0;
    for (const auto& series : out.series) {
        points += series.points.size();
        if (series.service_id.data() != options.default_service.data() &&
            !inside(series.service_id, out.raw)) {
            std::abort();
        }
        if (!inside(series.metric_name, out.raw)) {
            std::abort();
        }
        for (const auto& label : series.labels) {
            if (!inside(label.name, out.raw) || !inside(label.value, out.raw)) {
                std::abort();
            }
        }
    }
    if (points != out.samples) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    static const RemoteWriteDecoder decoder(smallOptions());
    static DecodedWriteRequest out;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    for (auto version : {RemoteWriteVersion::V1, RemoteWriteVersion::V2}) {
        try {
            decoder.decodeSnappy(input, out, version);
            check(out, decoder.options());
        } catch (const infrasage::ApiError&) {
            // refused: the expected outcome for most inputs
        }
        try {
            decoder.decodeProtobuf(input, out, version);
            check(out, decoder.options());
        } catch (const infrasage::ApiError&) {
        }
    }
    return 0;
}
