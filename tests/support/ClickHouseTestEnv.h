// Test support: connection settings for the test ClickHouse instance, read from the variables that
// `CLICKHOUSE_INSTANCE=test scripts/clickhouse.sh env` exports. Missing variables are an error, not
// a reason to skip: a storage test that silently does not run proves nothing.
#pragma once

#include <string>

#include "storage/ClickHouseClient.h"

namespace infrasage::testing {

// Plain HTTP options (CLICKHOUSE_URL, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD_FILE) with `database`
// as the current database. Throws std::runtime_error naming what is missing and how to set it.
storage::ClickHouseOptions clickHouseOptions(const std::string& database);

// HTTPS options (CLICKHOUSE_HTTPS_URL, CLICKHOUSE_TLS_CA_CERT, plus user and password).
storage::ClickHouseOptions clickHouseTlsOptions(const std::string& database);

}  // namespace infrasage::testing
