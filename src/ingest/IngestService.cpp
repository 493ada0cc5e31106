#include "ingest/IngestService.h"

#include "common/ApiError.h"
#include "storage/Streams.h"

namespace infrasage::ingest {

// Borrows a parser from the pool for one request and counts the request against the in-flight
// bound; both are returned when the lease ends, whatever happens.
class IngestService::ParserLease {
  public:
    explicit ParserLease(IngestService& service) : service_(service), slot_(service.gate_) {
        std::lock_guard lock(service_.pool_mutex_);
        if (!service_.parser_pool_.empty()) {
            parser_ = std::move(service_.parser_pool_.back());
            service_.parser_pool_.pop_back();
        }
    }
    ~ParserLease() {
        if (parser_) {
            std::lock_guard lock(service_.pool_mutex_);
            service_.parser_pool_.push_back(std::move(parser_));
        }
    }
    ParserLease(const ParserLease&) = delete;
    ParserLease& operator=(const ParserLease&) = delete;

    RecordParser& parser() {
        if (!parser_) {
            parser_ = std::make_unique<RecordParser>(service_.limits_, service_.clock_);
        }
        return *parser_;
    }

  private:
    IngestService& service_;
    InflightGate::Slot slot_;
    std::unique_ptr<RecordParser> parser_;
};

IngestService::IngestService(wal::WriteAheadLog& wal, IngestLimits limits, const Clock& clock,
                             observability::Metrics& metrics, unsigned max_inflight)
    : wal_(wal), limits_(limits), clock_(clock), metrics_(metrics), gate_(max_inflight) {}

IngestService::~IngestService() = default;

IngestOutcome IngestService::ingestOne(std::string_view body, std::string_view tenant_id) {
    return ingest(&RecordParser::parseSingle, body, tenant_id);
}

IngestOutcome IngestService::ingestBatch(std::string_view body, std::string_view tenant_id) {
    return ingest(&RecordParser::parseBatch, body, tenant_id);
}

IngestOutcome IngestService::ingest(ParseFn parse, std::string_view body,
                                    std::string_view tenant_id) {
    ParserLease lease(*this);
    ParseResult parsed;
    try {
        parsed = (lease.parser().*parse)(body, tenant_id);
    } catch (const ApiError& e) {
        metrics_.addRecordsRejected(e.code(), 1);  // the body as a whole was refused
        throw;
    }
    return persist(std::move(parsed));
}

IngestOutcome IngestService::persist(ParseResult&& parsed) {
    std::vector<wal::WalFrame> frames;
    for (std::size_t i = 0; i < storage::kTelemetryTypeCount; ++i) {
        if (parsed.encoded.counts[i] == 0) {
            continue;
        }
        auto type = static_cast<storage::TelemetryType>(i);
        frames.push_back(wal::WalFrame{storage::telemetryStream(type), parsed.encoded.counts[i],
                                       std::move(parsed.encoded.rows[i])});
    }
    appendDurably(wal_, frames, metrics_, static_cast<double>(parsed.accepted));
    for (const auto& frame : frames) {
        metrics_.addRecordsAccepted(
            std::string(
                storage::tableSpec(static_cast<storage::TelemetryType>(frame.stream)).type_name),
            frame.row_count);
    }
    for (const auto& failure : parsed.failures) {
        metrics_.addRecordsRejected(failure.error, 1);
    }
    return IngestOutcome{parsed.accepted, std::move(parsed.failures)};
}

}  // namespace infrasage::ingest
