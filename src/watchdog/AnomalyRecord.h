// watchdog/AnomalyRecord: turns a reported detector judgement into an anomalies-table row, with
// the severity graded from the score and a deterministic anomaly_id, so re-running a cycle after a
// crash produces the same ids (ReplacingMergeTree deduplicates them) rather than new anomalies.
#pragma once

#include <cstdint>
#include <string>

#include "detect/DetectorOutput.h"
#include "detect/Point.h"
#include "storage/AnomalyTable.h"
#include "watchdog/SeriesKey.h"

namespace infrasage::watchdog {

// "anom-" + the first 16 hex digits of SHA-256 over the length-prefixed tenant, service, metric
// and detected_at: stable across processes and versions, and unambiguous (no separator games:
// ("a|b", "c") and ("a", "b|c") hash differently).
std::string anomalyId(const SeriesKey& key, int64_t detected_at);

// The row the Watchdog writes: version kWatchdogVersion, status open, detected_at the bucket start.
storage::AnomalyRow makeAnomalyRow(const SeriesKey& key, const detect::Point& point,
                                   const detect::DetectorOutput& output);

}  // namespace infrasage::watchdog
