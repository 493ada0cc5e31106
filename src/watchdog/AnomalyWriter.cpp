#include "watchdog/AnomalyWriter.h"

#include <bit>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string_view>

namespace infrasage::watchdog {

namespace {

class RowBinaryEncoder {
  public:
    explicit RowBinaryEncoder(std::string& out) : out_(out) {}

    void string(std::string_view value) {
        uint64_t length = value.size();
        while (length >= 0x80U) {
            out_ += static_cast<char>((length & 0x7fU) | 0x80U);
            length >>= 7U;
        }
        out_ += static_cast<char>(length);
        out_.append(value);
    }
    void dateTime(int64_t unix_seconds) {
        if (unix_seconds < 0 || unix_seconds > std::numeric_limits<uint32_t>::max()) {
            throw std::out_of_range("anomaly writer: time outside the DateTime range");
        }
        littleEndian(static_cast<uint64_t>(unix_seconds), 4);
    }
    void float64(double value) { littleEndian(std::bit_cast<uint64_t>(value), 8); }
    void uint8(bool value) { out_ += static_cast<char>(value ? 1 : 0); }
    void uint64(uint64_t value) { littleEndian(value, 8); }

  private:
    void littleEndian(uint64_t value, unsigned bytes) {
        for (unsigned i = 0; i < bytes; ++i) {
            out_ += static_cast<char>((value >> (8U * i)) & 0xffU);
        }
    }

    std::string& out_;
};

}  // namespace

std::string AnomalyWriter::encode(const std::vector<storage::AnomalyRow>& rows) {
    std::string body;
    RowBinaryEncoder out(body);
    for (const auto& row : rows) {
        out.string(row.tenant_id);
        out.string(row.anomaly_id);
        out.string(row.service_id);
        out.string(row.metric_name);
        out.dateTime(row.detected_at);
        out.float64(row.value);
        out.float64(row.expected);
        out.float64(row.lower);
        out.float64(row.upper);
        out.float64(row.z_score);
        out.float64(row.anomaly_score);
        out.string(row.severity);
        out.string(row.detector);
        out.uint8(row.rca_triggered);
        out.string(row.status);
        out.dateTime(row.status_changed_at);
        out.string(row.status_changed_by);
        out.uint64(row.version);
    }
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
