// api/AuditRecorder: turns every routed request into an audit entry before its answer is sent —
// reads, state changes, denials (401/403/429) and failed logins. Successful ingestion (JSON, remote
// write, OTLP) and its refusals for backpressure (503 overloaded / ingestion_backlog_full) are
// summarised per key per minute instead (AuditLog::recordIngestion). Health probes and /metrics
// touch no tenant data and are not audited. If the entry cannot be made durable, the request is
// answered 503 rather than succeeding unaudited.
#pragma once

#include "audit/AuditLog.h"
#include "http/RequestObserver.h"
#include "observability/Metrics.h"

namespace infrasage::api {

class AuditRecorder final : public http::RequestObserver {
  public:
    AuditRecorder(audit::AuditLog& log, observability::Metrics& metrics)
        : log_(log), metrics_(metrics) {}

    void onComplete(const http::Route& route, const http::Request& req, const http::Response& res,
                    const http::RequestContext& ctx) override;

    static std::string outcomeFor(int status);

  private:
    audit::AuditLog& log_;
    observability::Metrics& metrics_;
};

}  // namespace infrasage::api
