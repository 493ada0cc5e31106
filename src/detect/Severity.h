// detect/Severity: the four severities of an anomaly, derived from anomaly_score alone so that
// every detector (and later the ensemble) grades the same way.
#pragma once

#include <optional>
#include <string_view>

namespace infrasage::detect {

enum class Severity { Low, Medium, High, Critical };

// Score bands. With anomaly_score = |z| / (|z| + 3) (threshold 3), they correspond to
// |z| >= 3 (low), >= 4.5 (medium), >= 7 (high) and >= 12 (critical).
struct SeverityThresholds {
    static constexpr double kLow = 0.5;
    static constexpr double kMedium = 0.6;
    static constexpr double kHigh = 0.7;
    static constexpr double kCritical = 0.8;
};

// The severity of a score; nothing below kLow (not an anomaly).
std::optional<Severity> severityFromScore(double anomaly_score);

// "low", "medium", "high", "critical": the strings of the anomalies table and API.
std::string_view severityName(Severity severity);

}  // namespace infrasage::detect
