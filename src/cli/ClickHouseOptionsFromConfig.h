// cli/ClickHouseOptionsFromConfig: maps the process configuration onto ClickHouse client options.
#pragma once

#include "config/Config.h"
#include "storage/ClickHouseClient.h"

namespace infrasage::cli {

inline storage::ClickHouseOptions clickHouseOptions(const config::Config& cfg) {
    storage::ClickHouseOptions o;
    o.url = cfg.clickhouse_url;
    o.database = cfg.clickhouse_database;
    o.user = cfg.clickhouse_user;
    o.password = cfg.clickhouse_password;
    o.tls_enabled = cfg.clickhouse_tls_enabled;
    o.tls_ca_cert = cfg.clickhouse_tls_ca_cert;
    return o;
}

}  // namespace infrasage::cli
