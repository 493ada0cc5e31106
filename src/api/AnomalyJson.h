// api/AnomalyJson: the JSON shapes of anomalies and services in API answers (docs/api/openapi.yaml
// `Anomaly`, `Service`). Times are RFC 3339 in UTC; a status never changed has null
// status_changed_at/by.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "storage/AnomalyTable.h"
#include "storage/ServiceCatalog.h"

namespace infrasage::api {

std::string rfc3339Seconds(int64_t unix_seconds);
nlohmann::json anomalyJson(const storage::AnomalyRow& row);
nlohmann::json serviceJson(const storage::ServiceState& state);

}  // namespace infrasage::api
