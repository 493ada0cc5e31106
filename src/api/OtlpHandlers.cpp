#include "api/OtlpHandlers.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "otlp/OtlpIngestService.h"
#include "otlp/OtlpResponse.h"

namespace infrasage::api {

namespace {

using otlp::Encoding;
using ExportFn = otlp::ExportOutcome (otlp::OtlpIngestService::*)(std::string_view, Encoding,
                                                                  std::string_view);

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// Without a known Content-Type there is no encoding to answer in: the usual JSON error.
Encoding requireOtlpEncoding(const http::Request& req) {
    const auto encoding = otlp::encodingForContentType(req.get_header_value("Content-Type"));
    if (!encoding) {
        throw ApiError(415, "unsupported_media_type",
                       "Content-Type must be application/x-protobuf or application/json");
    }
    return *encoding;
}

// The pipeline inflated gzip already; any other coding would leave the body unreadable.
void requireKnownContentEncoding(const http::Request& req) {
    const auto content_encoding = lowercase(req.get_header_value("Content-Encoding"));
    if (!content_encoding.empty() && content_encoding != "gzip" && content_encoding != "identity") {
        throw ApiError(415, "unsupported_encoding", "Content-Encoding must be gzip or identity");
    }
}

void writeOtlpError(http::Response& res, const ApiError& error, Encoding encoding) {
    const int grpc_code = otlp::grpcCodeForHttpStatus(error.httpStatus());
    res.status = error.httpStatus();
    if (error.retryAfterSeconds() > 0) {
        res.set_header("Retry-After", std::to_string(error.retryAfterSeconds()));
    }
    if (encoding == Encoding::Protobuf) {
        res.set_content(otlp::statusBody(grpc_code, error.what(), encoding),
                        std::string(otlp::contentTypeOf(encoding)));
        return;
    }
    const nlohmann::json body{{"status", "error"},
                              {"error", error.code()},
                              {"message", error.what()},
                              {"code", grpc_code}};
    res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                    "application/json");
}

void handleExport(Services& s, const http::Request& req, http::Response& res,
                  http::RequestContext& ctx, otlp::Signal signal, ExportFn fn) {
    const Encoding encoding = requireOtlpEncoding(req);
    try {
        requireKnownContentEncoding(req);
        if (s.otlp == nullptr) {
            throw ApiError(503, "unavailable", "OTLP ingestion is not configured");
        }
        const auto outcome = (s.otlp->*fn)(ctx.body, encoding, ctx.caller().tenant_id);
        ctx.ingested_records = outcome.accepted;
        if (outcome.accepted == 0 && outcome.rejected > 0) {
            throw ApiError(400, "invalid_records",
                           "no item in the request could be accepted; " + outcome.error_message);
        }
        res.status = 200;
        res.set_content(
            otlp::exportResponseBody(signal, outcome.rejected, outcome.error_message, encoding),
            std::string(otlp::contentTypeOf(encoding)));
    } catch (const ApiError& error) {
        ctx.error_code = error.code();
        writeOtlpError(res, error, encoding);
    }
}

}  // namespace

void handleOtlpMetrics(Services& s, const http::Request& req, http::Response& res,
                       http::RequestContext& ctx) {
    handleExport(s, req, res, ctx, otlp::Signal::Metrics, &otlp::OtlpIngestService::exportMetrics);
}

void handleOtlpTraces(Services& s, const http::Request& req, http::Response& res,
                      http::RequestContext& ctx) {
    handleExport(s, req, res, ctx, otlp::Signal::Traces, &otlp::OtlpIngestService::exportTraces);
}

void handleOtlpLogs(Services& s, const http::Request& req, http::Response& res,
                    http::RequestContext& ctx) {
    handleExport(s, req, res, ctx, otlp::Signal::Logs, &otlp::OtlpIngestService::exportLogs);
}

}  // namespace infrasage::api
