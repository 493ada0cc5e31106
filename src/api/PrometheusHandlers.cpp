#include "api/PrometheusHandlers.h"

#include <cctype>
#include <string>
#include <string_view>

#include "ingest/RemoteWriteDecoder.h"

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

void checkHeaders(const http::Request& req) {
    const auto content_type = req.get_header_value("Content-Type");
    if (mediaType(content_type) != "application/x-protobuf") {
        throw ApiError(415, "unsupported_media_type",
                       "Content-Type must be application/x-protobuf (Prometheus remote write)");
    }
    // Remote write 2.0 announces itself with proto=io.prometheus.write.v2.Request.
    if (lowered(content_type).find("io.prometheus.write.v2") != std::string::npos) {
        throw ApiError(415, "unsupported_media_type",
                       "remote write 2.0 is not supported; use protobuf_message: "
                       "prometheus.WriteRequest (remote write 1.0)");
    }
    if (lowered(req.get_header_value("Content-Encoding")) != "snappy") {
        throw ApiError(400, "unsupported_encoding",
                       "Content-Encoding must be snappy (Prometheus remote write)");
    }
    const auto version = req.get_header_value("X-Prometheus-Remote-Write-Version");
    if (!version.empty() && version.rfind("0.1.", 0) != 0) {
        throw ApiError(400, "unsupported_version",
                       "X-Prometheus-Remote-Write-Version must be 0.1.x (remote write 1.0)");
    }
}

}  // namespace

void handlePrometheusWrite(Services& services, const http::Request& req, http::Response& res,
                           http::RequestContext& ctx) {
    if (services.samples == nullptr || services.remote_write == nullptr) {
        throw ApiError(503, "unavailable", "sample ingestion is not configured").withRetryAfter(5);
    }
    checkHeaders(req);
    // One decoded request per worker thread: its buffers keep their capacity between requests.
    thread_local ingest::DecodedWriteRequest decoded;
    try {
        services.remote_write->decodeSnappy(ctx.body, decoded);
    } catch (const ApiError& e) {
        services.metrics.addRecordsRejected(e.code(), 1);
        throw;
    }
    const auto outcome = services.samples->ingest(ctx.caller().tenant_id, decoded.series);
    ctx.ingested_records = outcome.accepted_samples;
    decoded.clear();
    res.status = 204;
}

}  // namespace infrasage::api
