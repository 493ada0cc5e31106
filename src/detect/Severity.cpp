#include "detect/Severity.h"

namespace infrasage::detect {

std::optional<Severity> severityFromScore(double anomaly_score) {
    if (anomaly_score >= SeverityThresholds::kCritical) {
        return Severity::Critical;
    }
    if (anomaly_score >= SeverityThresholds::kHigh) {
        return Severity::High;
    }
    if (anomaly_score >= SeverityThresholds::kMedium) {
        return Severity::Medium;
    }
    if (anomaly_score >= SeverityThresholds::kLow) {
        return Severity::Low;
    }
    return std::nullopt;  // Also NaN.
}

std::string_view severityName(Severity severity) {
    switch (severity) {
        case Severity::Low:
            return "low";
        case Severity::Medium:
            return "medium";
        case Severity::High:
            return "high";
        case Severity::Critical:
            return "critical";
    }
    return "low";
}

}  // namespace infrasage::detect
