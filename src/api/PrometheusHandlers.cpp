#include "api/PrometheusHandlers.h"

#include <cctype>
#include <string>
#include <string_view>

#include "ingest/RemoteWriteDecoder.h"
#include "ingest/SampleIngestService.h"

namespace infrasage::api {

namespace {

std::string lowered(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

// The media type without parameters and blanks, lower-cased.
std::string mediaType(std::string_view header) {
    auto type = header.substr(0, header.find(';'));
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) {
        type.remove_suffix(1);
    }
    return lowered(type);
}

// The value of the Content-Type parameter `proto`, lower-cased; empty when absent.
std::string protoParameter(std::string_view content_type) {
    const std::string lower = lowered(content_type);
    std::size_t at = lower.find(';');
    while (at != std::string::npos) {
        std::size_t begin = at + 1;
        while (begin < lower.size() && (lower[begin] == ' ' || lower[begin] == '\t')) {
            ++begin;
        }
        at = lower.find(';', begin);
        const std::string_view param =
            std::string_view(lower).substr(begin, at == std::string::npos ? at : at - begin);
        if (param.starts_with("proto=")) {
            std::string_view value = param.substr(6);
            while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
                value.remove_suffix(1);
            }
            return std::string(value);
        }
    }
    return {};
}

// Content negotiation of the remote write specifications: the message type is the Content-Type's
// `proto` parameter (absent: 1.0); X-Prometheus-Remote-Write-Version, when sent, must match it.
ingest::RemoteWriteVersion negotiate(const http::Request& req) {
    const auto content_type = req.get_header_value("Content-Type");
    if (mediaType(content_type) != "application/x-protobuf") {
        throw ApiError(415, "unsupported_media_type",
                       "Content-Type must be application/x-protobuf (Prometheus remote write)");
    }
    const std::string proto = protoParameter(content_type);
    ingest::RemoteWriteVersion version{};
    if (proto.empty() || proto == "prometheus.writerequest") {
        version = ingest::RemoteWriteVersion::V1;
    } else if (proto == "io.prometheus.write.v2.request") {
        version = ingest::RemoteWriteVersion::V2;
    } else {
        throw ApiError(415, "unsupported_media_type",
                       "proto must be prometheus.WriteRequest (remote write 1.0) or "
                       "io.prometheus.write.v2.Request (2.0)");
    }
    if (lowered(req.get_header_value("Content-Encoding")) != "snappy") {
        throw ApiError(400, "unsupported_encoding",
                       "Content-Encoding must be snappy (Prometheus remote write)");
    }
    const auto sent = req.get_header_value("X-Prometheus-Remote-Write-Version");
    const char* expected = version == ingest::RemoteWriteVersion::V1 ? "0.1." : "2.";
    if (!sent.empty() && !sent.starts_with(expected)) {
        throw ApiError(400, "unsupported_version",
                       "X-Prometheus-Remote-Write-Version " + sent.substr(0, 32) +
                           " does not match the body's message type");
    }
    return version;
}

// Remote write 2.0's answer headers: what was written, also on errors, so the sender can count
// partial writes. Stale markers are handled (they end a series), so they count as written.
void setWrittenHeaders(http::Response& res, uint64_t samples) {
    res.set_header("X-Prometheus-Remote-Write-Samples-Written", std::to_string(samples));
    res.set_header("X-Prometheus-Remote-Write-Histograms-Written", "0");
    res.set_header("X-Prometheus-Remote-Write-Exemplars-Written", "0");
}

// 2.0: samples or histogram samples not written make the answer an error (the specification's
// partial-write rule); 1.0 keeps counting them without failing, as Prometheus 2.x expects.
void refuseUnwritten(const ingest::SampleIngestOutcome& outcome, std::size_t histograms) {
    const uint64_t dropped = outcome.rejected_samples - outcome.stale_markers;
    if (dropped == 0 && histograms == 0) {
        return;
    }
    std::string message = std::to_string(dropped) + " samples and " + std::to_string(histograms) +
                          " native histogram samples not written";
    if (!outcome.first_error.empty()) {
        message += "; " + outcome.first_error;
    }
    throw ApiError(400, histograms > 0 ? "native_histograms_unsupported" : "samples_not_written",
                   message);
}

}  // namespace

void handlePrometheusWrite(Services& services, const http::Request& req, http::Response& res,
                           http::RequestContext& ctx) {
    if (services.samples == nullptr || services.remote_write == nullptr) {
        throw ApiError(503, "unavailable", "sample ingestion is not configured").withRetryAfter(5);
    }
    const auto version = negotiate(req);
    const bool v2 = version == ingest::RemoteWriteVersion::V2;
    // One decoded request per worker thread: its buffers keep their capacity between requests.
    thread_local ingest::DecodedWriteRequest decoded;
    ingest::SampleIngestOutcome outcome;
    try {
        try {
            services.remote_write->decodeSnappy(ctx.body, decoded, version);
        } catch (const ApiError& e) {
            services.metrics.addRecordsRejected(e.code(), 1);
            throw;
        }
        outcome = services.samples->ingest(ctx.caller().tenant_id, decoded.series);
    } catch (const ApiError&) {
        if (v2) {
            setWrittenHeaders(res, 0);  // a refused request writes nothing
        }
        throw;
    }
    const std::size_t histograms = decoded.histograms;
    decoded.clear();
    ctx.ingested_records = outcome.accepted_samples;
    if (histograms > 0) {
        services.metrics.addRecordsRejected("native_histogram_unsupported",
                                            static_cast<double>(histograms));
    }
    if (v2) {
        setWrittenHeaders(res, outcome.accepted_samples + outcome.stale_markers);
        refuseUnwritten(outcome, histograms);
    }
    res.status = 204;
}

}  // namespace infrasage::api
