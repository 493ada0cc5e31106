#include "audit/AuditReader.h"

#include <algorithm>
#include <limits>

#include "audit/AuditRowCodec.h"
#include "audit/PageToken.h"
#include "common/ApiError.h"
#include "storage/SqlLiteral.h"
#include "storage/Streams.h"
#include "storage/TenantQuery.h"

namespace infrasage::audit {

namespace {

using storage::SqlBuilder;
using storage::TenantQuery;

// ts_ms >= since: the seconds column narrows by the sort key, the expression decides the
// milliseconds within the boundary second.
void addSince(TenantQuery& query, int64_t since_ms) {
    const int64_t seconds = since_ms / 1000;
    query.whereSince("timestamp", seconds);
    query.where(SqlBuilder("timestamp > toDateTime(")
                    .integer(seconds)
                    .sql(") OR timestamp_ms >= ")
                    .integer(since_ms % 1000));
}

void addUntil(TenantQuery& query, int64_t until_ms) {
    const int64_t seconds = until_ms / 1000;
    query.whereUntil("timestamp", seconds + 1);
    query.where(SqlBuilder("timestamp < toDateTime(")
                    .integer(seconds)
                    .sql(") OR timestamp_ms <= ")
                    .integer(until_ms % 1000));
}

// Rows strictly after the cursor in (timestamp, timestamp_ms, event_id) descending order.
void addBefore(TenantQuery& query, const PageCursor& cursor) {
    const int64_t seconds = cursor.timestamp_ms / 1000;
    query.whereUntil("timestamp", seconds + 1);
    query.where(SqlBuilder("timestamp < toDateTime(")
                    .integer(seconds)
                    .sql(") OR timestamp_ms < ")
                    .integer(cursor.timestamp_ms % 1000)
                    .sql(" OR (timestamp_ms = ")
                    .integer(cursor.timestamp_ms % 1000)
                    .sql(" AND event_id < ")
                    .string(cursor.event_id)
                    .sql(")"));
}

std::size_t checkedLimit(std::size_t limit) {
    if (limit == 0) {
        throw ApiError(400, "invalid_limit", "limit must be between 1 and 1000");
    }
    return std::min(limit, AuditReader::kMaxLimit);
}

}  // namespace

AuditReader::AuditReader(storage::ClickHouseClient& client, std::string database,
                         std::size_t verify_page_rows)
    : client_(client),
      database_(std::move(database)),
      verify_page_rows_(std::max<std::size_t>(verify_page_rows, 2)) {}

AuditPage AuditReader::list(const tenancy::TenantScope& scope, const AuditFilter& filter) {
    const std::size_t limit = checkedLimit(filter.limit);
    if (filter.outcome && !isValidOutcome(*filter.outcome)) {
        throw ApiError(400, "invalid_outcome", "outcome must be allowed, denied or failed");
    }
    std::optional<PageCursor> cursor;
    if (!filter.page_token.empty()) {
        cursor = PageToken::decode(filter.page_token);
    }
    const int64_t since = std::max<int64_t>(filter.since_ms.value_or(0), 0);
    const int64_t until = std::min(filter.until_ms.value_or(AuditRowCodec::kMaxTimestampMs),
                                   AuditRowCodec::kMaxTimestampMs);
    if (until < since) {
        return {};
    }

    TenantQuery query(scope, database_, storage::kAuditLogTable);
    query.select(storage::kAuditLogColumnList);
    if (filter.actor) {
        query.whereEquals("actor", *filter.actor);
    }
    if (filter.action) {
        query.whereEquals("action", *filter.action);
    }
    if (filter.outcome) {
        query.whereEquals("outcome", *filter.outcome);
    }
    if (since > 0) {
        addSince(query, since);
    }
    if (until < AuditRowCodec::kMaxTimestampMs) {
        addUntil(query, until);
    }
    if (cursor) {
        addBefore(query, *cursor);
    }
    // One row more than asked tells whether another page exists.
    query.orderBy("timestamp DESC, timestamp_ms DESC, event_id DESC").limit(limit + 1);
    query.format("RowBinary");

    AuditPage page;
    page.entries = AuditRowCodec::decode(client_.query(query.str()));
    if (page.entries.size() > limit) {
        page.entries.resize(limit);
        const AuditRecord& last = page.entries.back();
        page.next_page_token = PageToken::encode({last.entry.timestamp_ms, last.event_id});
    }
    return page;
}

// Streams the tenant's rows in (chain_id, seq) order, a page at a time. A page ends inside a run
// of rows with the same seq only when it holds nothing else; otherwise the rows with the page's
// last seq are fetched again at the start of the next page, so duplicates are seen together.
VerifyResult AuditReader::verify(const tenancy::TenantScope& one_tenant) {
    if (one_tenant.allTenants()) {
        throw ApiError(400, "tenant_required", "verification covers one tenant at a time");
    }
    ChainVerifier verifier;
    std::optional<std::pair<std::string, uint64_t>> from;  // (chain_id, seq), inclusive
    for (;;) {
        TenantQuery query(one_tenant, database_, storage::kAuditLogTable);
        query.select(storage::kAuditLogColumnList);
        if (from) {
            query.where(SqlBuilder("chain_id > ")
                            .string(from->first)
                            .sql(" OR (chain_id = ")
                            .string(from->first)
                            .sql(" AND seq >= ")
                            .unsignedInteger(from->second)
                            .sql(")"));
        }
        query.orderBy("chain_id, seq, hash").limit(verify_page_rows_).format("RowBinary");
        const std::vector<AuditRecord> rows = AuditRowCodec::decode(client_.query(query.str()));

        std::size_t usable = rows.size();
        if (rows.size() == verify_page_rows_) {
            const AuditRecord& last = rows.back();
            while (usable > 0 && rows[usable - 1].chain_id == last.chain_id &&
                   rows[usable - 1].seq == last.seq) {
                --usable;
            }
            if (usable == 0) {  // a whole page of one seq: take it and move past that seq
                usable = rows.size();
                if (last.seq == std::numeric_limits<uint64_t>::max()) {
                    for (const AuditRecord& row : rows) {
                        verifier.add(row);
                    }
                    break;
                }
                from.emplace(last.chain_id, last.seq + 1);
            } else {
                from.emplace(last.chain_id, last.seq);
            }
        }
        for (std::size_t i = 0; i < usable; ++i) {
            verifier.add(rows[i]);
        }
        if (rows.size() < verify_page_rows_) {
            break;
        }
    }
    return verifier.result();
}

}  // namespace infrasage::audit
