// storage/AnomalyRepository: the anomalies of infrasage_anomalies as the API sees them — listed
// with filters and cursor pages (newest first), read one by one, and moved through their status
// lifecycle. Every SELECT is built by storage/TenantQuery from the caller's TenantScope and reads
// `FINAL`, so only the latest version of each anomaly is seen and never another tenant's.
//
// Status changes insert the whole row again with a higher version (AnomalyTable.h). The lifecycle
// is open -> acknowledged -> resolved and open -> resolved; anything else is 409. Reading the
// current status and inserting the next version are two statements, so two concurrent
// acknowledges may both succeed (the later version wins, naming its principal); a resolve racing
// an acknowledge may likewise be followed by the acknowledge's version if that one carries the
// later millisecond. ClickHouse offers no compare-and-set to prevent it.
// Depends on: storage/ClickHouseClient, storage/TenantQuery, storage/AnomalyRowCodec.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/AnomalyTable.h"
#include "storage/ClickHouseClient.h"
#include "tenancy/TenantScope.h"

namespace infrasage::storage {

struct AnomalyFilter {
    std::optional<std::string> service_id;
    std::optional<std::string> metric_name;
    std::optional<std::string> severity;  // low | medium | high | critical
    std::optional<std::string> status;    // open | acknowledged | resolved
    std::optional<int64_t> since_ms;      // detected_at >= since (inclusive)
    std::optional<int64_t> until_ms;      // detected_at <= until (inclusive)
    std::optional<double> min_score;      // anomaly_score >= min_score
    std::size_t limit = 50;               // 1..1000
    std::string page_token;               // from the previous page; empty for the first
};

struct AnomalyPage {
    std::vector<AnomalyRow> anomalies;  // newest first: detected_at DESC, anomaly_id DESC
    std::string next_page_token;        // empty when this is the last page
};

// The target of a status change.
enum class AnomalyAction { Acknowledge, Resolve };

class AnomalyRepository {
  public:
    static constexpr std::size_t kDefaultLimit = 50;
    static constexpr std::size_t kMaxLimit = 1000;

    AnomalyRepository(ClickHouseClient& client, std::string database);

    // Throws ApiError 400 (`invalid_limit`, `invalid_severity`, `invalid_status`,
    // `invalid_min_score`, `invalid_page_token`) for bad input, ClickHouseError when ClickHouse
    // fails.
    AnomalyPage list(const tenancy::TenantScope& scope, const AnomalyFilter& filter);

    // The latest version of one anomaly; nullopt when it does not exist in the scope (another
    // tenant's id is indistinguishable from an unknown one).
    std::optional<AnomalyRow> get(const tenancy::TenantScope& scope, std::string_view anomaly_id);

    // Applies the lifecycle rule and inserts the next version: status, status_changed_by =
    // `principal`, status_changed_at = now, version = max(now_ms, current + 1). Returns the new
    // row. Throws ApiError 404 `anomaly_not_found`, 409 `anomaly_already_acknowledged` or
    // `anomaly_already_resolved`.
    AnomalyRow changeStatus(const tenancy::TenantScope& scope, std::string_view anomaly_id,
                            AnomalyAction action, const std::string& principal, int64_t now_ms);

    // Inserts rows as given (RowBinary). Not retried: the caller knows whether repeating is safe
    // (re-inserting the same version of a row is: ReplacingMergeTree keeps one).
    void insert(std::span<const AnomalyRow> rows);

    // The status `action` leads to from `current`, or ApiError 409 when the lifecycle forbids it.
    static std::string nextStatus(std::string_view current, AnomalyAction action);

    static bool isValidSeverity(std::string_view severity);
    static bool isValidStatus(std::string_view status);

  private:
    ClickHouseClient& client_;
    std::string database_;
};

}  // namespace infrasage::storage
