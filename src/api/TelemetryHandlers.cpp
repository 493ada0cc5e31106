#include "api/TelemetryHandlers.h"

#include "http/JsonResponse.h"
#include "storage/TelemetryTables.h"

namespace infrasage::api {

namespace {

void requireJson(const http::Request& req) {
    auto type = req.get_header_value("Content-Type");
    if (!type.empty() && type.rfind("application/json", 0) != 0) {
        throw ApiError(415, "unsupported_media_type", "Content-Type must be application/json");
    }
}

nlohmann::json failuresJson(const std::vector<ingest::RecordFailure>& failures) {
    auto list = nlohmann::json::array();
    for (const auto& f : failures) {
        list.push_back({{"index", f.index}, {"error", f.error}, {"message", f.message}});
    }
    return list;
}

}  // namespace

void handleTelemetryOne(Services& services, const http::Request& req, http::Response& res,
                        http::RequestContext& ctx) {
    requireJson(req);
    auto outcome = services.ingest.ingestOne(ctx.body, ctx.caller().tenant_id);
    ctx.ingested_records = outcome.queued;
    http::writeJson(res, 200, {{"status", "ok"}, {"queued", outcome.queued}});
}

void handleTelemetryBatch(Services& services, const http::Request& req, http::Response& res,
                          http::RequestContext& ctx) {
    requireJson(req);
    auto outcome = services.ingest.ingestBatch(ctx.body, ctx.caller().tenant_id);
    ctx.ingested_records = outcome.queued;
    if (outcome.failures.empty()) {
        http::writeJson(res, 200, {{"status", "ok"}, {"queued", outcome.queued}});
        return;
    }
    nlohmann::json body{{"queued", outcome.queued},
                        {"failed", outcome.failures.size()},
                        {"failures", failuresJson(outcome.failures)}};
    if (outcome.queued == 0) {
        // Nothing was accepted: the request as a whole failed.
        body["status"] = "error";
        body["error"] = "invalid_records";
        body["message"] = "no record in the batch is valid";
        http::writeJson(res, 400, body);
        return;
    }
    body["status"] = "ok";
    http::writeJson(res, 200, body);
}

void handleTelemetryTypes(const http::Request&, http::Response& res, http::RequestContext&) {
    auto types = nlohmann::json::array();
    for (const auto& spec : storage::kTelemetryTables) {
        auto required = nlohmann::json::array({"service_id"});
        if (spec.has_metric) {
            required.push_back("metric_name");
            required.push_back("value");
        }
        if (spec.has_body) {
            required.push_back("body");
        }
        types.push_back({{"type", spec.type_name}, {"table", spec.table}, {"required", required}});
    }
    http::writeJson(res, 200, {{"status", "ok"}, {"default", "metric"}, {"types", types}});
}

}  // namespace infrasage::api
