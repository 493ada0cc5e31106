#include "cli/MigrateCommand.h"

#include <iostream>

#include "cli/ClickHouseOptionsFromConfig.h"
#include "storage/SchemaMigrations.h"

namespace infrasage::cli {

int runMigrate(const config::Config& cfg) {
    try {
        storage::ClickHouseClient clickhouse(clickHouseOptions(cfg));
        storage::SchemaMigrations migrations(clickhouse, cfg.clickhouse_database);
        auto applied = migrations.apply();
        for (const auto& m : applied) {
            std::cout << "applied migration " << m.version << " " << m.name << "\n";
        }
        std::cout << "schema at version " << migrations.currentVersion() << " (" << applied.size()
                  << " applied now)\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "infrasage migrate: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace infrasage::cli
