#include "storage/AnomalyRepository.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "common/ApiError.h"
#include "storage/AnomalyPageToken.h"
#include "storage/AnomalyRowCodec.h"
#include "storage/SqlLiteral.h"
#include "storage/TenantQuery.h"

namespace infrasage::storage {

namespace {

constexpr int64_t kMaxDateTime = std::numeric_limits<uint32_t>::max();
constexpr std::array<std::string_view, 4> kSeverities = {"low", "medium", "high", "critical"};
constexpr std::array<std::string_view, 3> kStatuses = {"open", "acknowledged", "resolved"};

// Milliseconds to the DateTime seconds that satisfy `detected_at * 1000 >= since_ms`.
int64_t ceilSeconds(int64_t ms) {
    return ms / 1000 + (ms % 1000 > 0 ? 1 : 0);
}

// Rows strictly after the cursor in (detected_at, anomaly_id) descending order. The bound on
// detected_at alone lets ClickHouse skip by the sort key; the second condition breaks the tie.
void addAfterCursor(TenantQuery& query, const AnomalyCursor& cursor) {
    query.whereUntil("detected_at", cursor.detected_at + 1);
    query.where(SqlBuilder("detected_at < toDateTime(")
                    .integer(cursor.detected_at)
                    .sql(") OR anomaly_id < ")
                    .string(cursor.anomaly_id));
}

void addFilters(TenantQuery& query, const AnomalyFilter& filter) {
    if (filter.service_id) {
        query.whereEquals("service_id", *filter.service_id);
    }
    if (filter.metric_name) {
        query.whereEquals("metric_name", *filter.metric_name);
    }
    if (filter.severity) {
        query.whereEquals("severity", *filter.severity);
    }
    if (filter.status) {
        query.whereEquals("status", *filter.status);
    }
    if (filter.min_score) {
        query.where(SqlBuilder("anomaly_score >= ").real(*filter.min_score));
    }
}

void validate(const AnomalyFilter& filter) {
    if (filter.limit == 0 || filter.limit > AnomalyRepository::kMaxLimit) {
        throw ApiError(400, "invalid_limit", "limit must be between 1 and 1000");
    }
    if (filter.severity && !AnomalyRepository::isValidSeverity(*filter.severity)) {
        throw ApiError(400, "invalid_severity", "severity must be low, medium, high or critical");
    }
    if (filter.status && !AnomalyRepository::isValidStatus(*filter.status)) {
        throw ApiError(400, "invalid_status", "status must be open, acknowledged or resolved");
    }
    if (filter.min_score && !(std::isfinite(*filter.min_score) && *filter.min_score >= 0.0 &&
                              *filter.min_score <= 1.0)) {
        throw ApiError(400, "invalid_min_score", "min_score must be a number from 0 to 1");
    }
}

ApiError notFound() {
    return ApiError(404, "anomaly_not_found", "no such anomaly");
}

}  // namespace

AnomalyRepository::AnomalyRepository(ClickHouseClient& client, std::string database)
    : client_(client), database_(std::move(database)) {}

bool AnomalyRepository::isValidSeverity(std::string_view severity) {
    return std::find(kSeverities.begin(), kSeverities.end(), severity) != kSeverities.end();
}

bool AnomalyRepository::isValidStatus(std::string_view status) {
    return std::find(kStatuses.begin(), kStatuses.end(), status) != kStatuses.end();
}

AnomalyPage AnomalyRepository::list(const tenancy::TenantScope& scope,
                                    const AnomalyFilter& filter) {
    validate(filter);
    std::optional<AnomalyCursor> cursor;
    if (!filter.page_token.empty()) {
        cursor = AnomalyPageToken::decode(filter.page_token);
    }
    const int64_t since = std::max<int64_t>(ceilSeconds(filter.since_ms.value_or(0)), 0);
    const int64_t until = std::min(filter.until_ms.value_or(kMaxDateTime * 1000) / 1000,
                                   kMaxDateTime);  // inclusive seconds
    if (until < since) {
        return {};
    }

    TenantQuery query(scope, database_, kAnomaliesTable);
    query.select(kAnomalyColumnList).final();
    addFilters(query, filter);
    if (since > 0) {
        query.whereSince("detected_at", since);
    }
    if (until < kMaxDateTime) {
        query.whereUntil("detected_at", until + 1);
    }
    if (cursor) {
        addAfterCursor(query, *cursor);
    }
    // One row more than asked tells whether another page exists.
    query.orderBy("detected_at DESC, anomaly_id DESC").limit(filter.limit + 1).format("RowBinary");

    AnomalyPage page;
    page.anomalies = AnomalyRowCodec::decode(client_.query(query.str()));
    if (page.anomalies.size() > filter.limit) {
        page.anomalies.resize(filter.limit);
        const AnomalyRow& last = page.anomalies.back();
        page.next_page_token = AnomalyPageToken::encode({last.detected_at, last.anomaly_id});
    }
    return page;
}

std::optional<AnomalyRow> AnomalyRepository::get(const tenancy::TenantScope& scope,
                                                 std::string_view anomaly_id) {
    TenantQuery query(scope, database_, kAnomaliesTable);
    query.select(kAnomalyColumnList).final().whereEquals("anomaly_id", anomaly_id);
    query.limit(1).format("RowBinary");
    auto rows = AnomalyRowCodec::decode(client_.query(query.str()));
    if (rows.empty()) {
        return std::nullopt;
    }
    return std::move(rows.front());
}

std::string AnomalyRepository::nextStatus(std::string_view current, AnomalyAction action) {
    if (current == "resolved") {
        throw ApiError(409, "anomaly_already_resolved", "the anomaly is already resolved");
    }
    if (action == AnomalyAction::Resolve) {
        return "resolved";
    }
    if (current == "acknowledged") {
        throw ApiError(409, "anomaly_already_acknowledged", "the anomaly is already acknowledged");
    }
    return "acknowledged";
}

AnomalyRow AnomalyRepository::changeStatus(const tenancy::TenantScope& scope,
                                           std::string_view anomaly_id, AnomalyAction action,
                                           const std::string& principal, int64_t now_ms) {
    auto current = get(scope, anomaly_id);
    if (!current) {
        throw notFound();
    }
    AnomalyRow next = std::move(*current);
    next.status = nextStatus(next.status, action);
    next.status_changed_by = principal;
    next.status_changed_at = std::clamp<int64_t>(now_ms / 1000, 0, kMaxDateTime);
    next.version = std::max(static_cast<uint64_t>(std::max<int64_t>(now_ms, 0)), next.version + 1);
    insert(std::span<const AnomalyRow>(&next, 1));
    return next;
}

void AnomalyRepository::insert(std::span<const AnomalyRow> rows) {
    if (rows.empty()) {
        return;
    }
    std::string data;
    AnomalyRowCodec::encode(rows, data);
    client_.insert(kAnomaliesTable, kAnomalyColumnList, "RowBinary", data);
}

}  // namespace infrasage::storage
