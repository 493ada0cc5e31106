// storage/AnomalyRowCodec: AnomalyRows as ClickHouse RowBinary rows of infrasage_anomalies, in
// kAnomalyColumnList order — encode() for inserts (the Watchdog's rows, the API's status-change
// versions), decode() for `SELECT <kAnomalyColumnList> ... FORMAT RowBinary`. Binary rows need no
// escaping, so service and metric names of any bytes round-trip exactly.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/AnomalyTable.h"

namespace infrasage::storage {

class AnomalyRowCodec {
  public:
    // Appends one row per anomaly to `out`. Throws std::invalid_argument for a detected_at or
    // status_changed_at outside DateTime's range [0, 2^32) (and then appends nothing).
    static void encode(std::span<const AnomalyRow> rows, std::string& out);

    // Rows in kAnomalyColumnList order. Throws std::runtime_error on truncated input.
    static std::vector<AnomalyRow> decode(std::string_view rowbinary);
};

}  // namespace infrasage::storage
