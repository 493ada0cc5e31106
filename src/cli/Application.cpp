#include "cli/Application.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/AdminCommand.h"
#include "cli/EvalCommand.h"
#include "cli/MigrateCommand.h"
#include "cli/ServeCommand.h"
#include "cli/WatchdogCommand.h"
#include "config/Config.h"
#include "config/Settings.h"

namespace infrasage::cli {

namespace {

// Loads and validates the configuration, printing the variable to fix on failure.
std::optional<config::Config> loadConfig() {
    try {
        auto cfg = config::Config::load(config::processEnvironment());
        cfg.validate();
        return cfg;
    } catch (const config::ConfigError& e) {
        std::cerr << "infrasage: configuration error: " << e.what() << "\n"
                  << "  fix the environment variable " << e.variable() << " and start again\n";
        return std::nullopt;
    }
}

}  // namespace

int runApplication(int argc, char** argv) {
    CLI::App app{"InfraSage: self-hosted AIOps platform"};
    app.require_subcommand(1);
    app.set_version_flag("--version", INFRASAGE_VERSION);

    auto* serve = app.add_subcommand("serve", "Run the server (gateway, engine and UI roles)");
    serve->footer(config::settingsHelp());
    auto* migrate = app.add_subcommand("migrate", "Apply ClickHouse schema migrations and exit");
    migrate->footer(config::settingsHelp());
    AdminCommand admin(app);
    WatchdogCommand watchdog(app);
    EvalCommand eval(app);

    CLI11_PARSE(app, argc, argv);

    auto cfg = loadConfig();
    if (!cfg) {
        return 2;
    }
    if (serve->parsed()) {
        return runServe(*cfg);
    }
    if (migrate->parsed()) {
        return runMigrate(*cfg);
    }
    if (admin.parsed()) {
        return admin.run(*cfg);
    }
    if (watchdog.parsed()) {
        return watchdog.run(*cfg);
    }
    if (eval.parsed()) {
        return eval.run(*cfg);
    }
    return 1;
}

}  // namespace infrasage::cli
