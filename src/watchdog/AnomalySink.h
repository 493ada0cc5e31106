// watchdog/AnomalySink: where a cycle's anomalies go. AnomalyWriter inserts them into ClickHouse;
// unit tests collect them.
#pragma once

#include <vector>

#include "storage/AnomalyTable.h"

namespace infrasage::watchdog {

class AnomalySink {
  public:
    virtual ~AnomalySink() = default;
    // Stores every row or throws. Writing the same rows twice must be harmless (the ids are
    // deterministic and the table deduplicates them).
    virtual void write(const std::vector<storage::AnomalyRow>& rows) = 0;
};

}  // namespace infrasage::watchdog
