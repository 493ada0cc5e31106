#include "watchdog/AnomalyWriter.h"

#include "storage/AnomalyRowCodec.h"

namespace infrasage::watchdog {

// One RowBinary codec for the anomalies table (storage::AnomalyRowCodec), shared with the API's
// status changes, so the Watchdog's rows and the API's versions cannot drift apart.
std::string AnomalyWriter::encode(const std::vector<storage::AnomalyRow>& rows) {
    std::string body;
    storage::AnomalyRowCodec::encode(rows, body);
    return body;
}

void AnomalyWriter::write(const std::vector<storage::AnomalyRow>& rows) {
    if (rows.empty()) {
        return;
    }
    client_.insert(storage::kAnomaliesTable, storage::kAnomalyColumnList, "RowBinary",
                   encode(rows));
}

}  // namespace infrasage::watchdog
