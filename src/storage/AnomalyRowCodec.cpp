#include "storage/AnomalyRowCodec.h"

#include <bit>
#include <limits>
#include <stdexcept>

#include "storage/RowBinaryReader.h"

namespace infrasage::storage {

namespace {

void putFixed(std::string& out, uint64_t value, std::size_t bytes) {
    for (std::size_t i = 0; i < bytes; ++i) {
        out.push_back(static_cast<char>(static_cast<uint8_t>(value >> (8 * i))));
    }
}

void putString(std::string& out, std::string_view s) {
    uint64_t length = s.size();
    while (length >= 0x80) {
        out.push_back(static_cast<char>(static_cast<uint8_t>(length) | 0x80U));
        length >>= 7;
    }
    out.push_back(static_cast<char>(length));
    out.append(s);
}

void putDouble(std::string& out, double value) {
    putFixed(out, std::bit_cast<uint64_t>(value), 8);
}

uint32_t dateTime(int64_t unix_seconds, const char* column) {
    if (unix_seconds < 0 || unix_seconds > std::numeric_limits<uint32_t>::max()) {
        throw std::invalid_argument(std::string("anomaly ") + column + " out of DateTime range");
    }
    return static_cast<uint32_t>(unix_seconds);
}

void encodeRow(const AnomalyRow& r, std::string& out) {
    const uint32_t detected_at = dateTime(r.detected_at, "detected_at");
    const uint32_t changed_at = dateTime(r.status_changed_at, "status_changed_at");
    putString(out, r.tenant_id);
    putString(out, r.anomaly_id);
    putString(out, r.service_id);
    putString(out, r.metric_name);
    putFixed(out, detected_at, 4);
    for (double v : {r.value, r.expected, r.lower, r.upper, r.z_score, r.anomaly_score}) {
        putDouble(out, v);
    }
    putString(out, r.severity);
    putString(out, r.detector);
    putFixed(out, r.rca_triggered ? 1 : 0, 1);
    putString(out, r.status);
    putFixed(out, changed_at, 4);
    putString(out, r.status_changed_by);
    putFixed(out, r.version, 8);
}

AnomalyRow decodeRow(RowBinaryReader& in) {
    AnomalyRow r;
    r.tenant_id = in.string();
    r.anomaly_id = in.string();
    r.service_id = in.string();
    r.metric_name = in.string();
    r.detected_at = static_cast<int64_t>(in.fixed(4));
    r.value = in.float64();
    r.expected = in.float64();
    r.lower = in.float64();
    r.upper = in.float64();
    r.z_score = in.float64();
    r.anomaly_score = in.float64();
    r.severity = in.string();
    r.detector = in.string();
    r.rca_triggered = in.fixed(1) != 0;
    r.status = in.string();
    r.status_changed_at = static_cast<int64_t>(in.fixed(4));
    r.status_changed_by = in.string();
    r.version = in.fixed(8);
    return r;
}

}  // namespace

void AnomalyRowCodec::encode(std::span<const AnomalyRow> rows, std::string& out) {
    const std::size_t start = out.size();
    try {
        for (const AnomalyRow& row : rows) {
            encodeRow(row, out);
        }
    } catch (...) {
        out.resize(start);
        throw;
    }
}

std::vector<AnomalyRow> AnomalyRowCodec::decode(std::string_view rowbinary) {
    RowBinaryReader in(rowbinary);
    std::vector<AnomalyRow> rows;
    while (!in.atEnd()) {
        rows.push_back(decodeRow(in));
    }
    return rows;
}

}  // namespace infrasage::storage
