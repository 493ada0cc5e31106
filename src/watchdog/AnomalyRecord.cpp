#include "watchdog/AnomalyRecord.h"

#include <openssl/evp.h>

#include <array>
#include <span>
#include <stdexcept>
#include <string_view>

#include "common/Hex.h"
#include "detect/Severity.h"

namespace infrasage::watchdog {

namespace {

constexpr size_t kIdHexDigits = 16;

void appendField(std::string& out, std::string_view field) {
    auto size = static_cast<uint64_t>(field.size());
    for (unsigned i = 0; i < 8; ++i) {
        out += static_cast<char>((size >> (8U * i)) & 0xffU);
    }
    out.append(field);
}

std::array<unsigned char, 32> sha256(std::string_view data) {
    std::array<unsigned char, 32> digest{};
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("anomaly id: SHA-256 failed");
    }
    return digest;
}

}  // namespace

std::string anomalyId(const SeriesKey& key, int64_t detected_at) {
    std::string input;
    appendField(input, key.tenant_id);
    appendField(input, key.service_id);
    appendField(input, key.metric_name);
    appendField(input, std::to_string(detected_at));
    auto digest = sha256(input);
    return "anom-" + toHex(std::span<const unsigned char>(digest.data(), kIdHexDigits / 2));
}

storage::AnomalyRow makeAnomalyRow(const SeriesKey& key, const detect::Point& point,
                                   const detect::DetectorOutput& output) {
    storage::AnomalyRow row;
    row.tenant_id = key.tenant_id;
    row.anomaly_id = anomalyId(key, point.timestamp);
    row.service_id = key.service_id;
    row.metric_name = key.metric_name;
    row.detected_at = point.timestamp;
    row.value = point.value;
    row.expected = output.expected;
    row.lower = output.lower;
    row.upper = output.upper;
    row.z_score = output.z_score;
    row.anomaly_score = output.anomaly_score;
    // A reported anomaly scores >= 0.5 by the Ensemble's contract; "low" guards a future change.
    auto severity = detect::severityFromScore(output.anomaly_score);
    row.severity = std::string(detect::severityName(severity.value_or(detect::Severity::Low)));
    row.detector = output.detector.empty() ? std::string("ensemble") : std::string(output.detector);
    row.status = "open";
    row.version = storage::kWatchdogVersion;
    return row;
}

}  // namespace infrasage::watchdog
