// watchdog/AnomalyWriter: inserts a cycle's anomalies into the anomalies table as one RowBinary
// INSERT. The rows carry deterministic ids and kWatchdogVersion, so repeating an insert whose
// outcome was unknown (a network error) only re-inserts identical rows.
#pragma once

#include <string>
#include <vector>

#include "storage/ClickHouseClient.h"
#include "watchdog/AnomalySink.h"

namespace infrasage::watchdog {

class AnomalyWriter final : public AnomalySink {
  public:
    explicit AnomalyWriter(storage::ClickHouseClient& client) : client_(client) {}

    void write(const std::vector<storage::AnomalyRow>& rows) override;

    // The RowBinary body in kAnomalyColumnList order (exposed for tests).
    static std::string encode(const std::vector<storage::AnomalyRow>& rows);

  private:
    storage::ClickHouseClient& client_;
};

}  // namespace infrasage::watchdog
