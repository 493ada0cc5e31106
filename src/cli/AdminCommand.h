// cli/AdminCommand: `infrasage admin …` — bootstrap, API keys, users and tenants straight on the
// control store, with or without a running server (incident response must not depend on the API).
// Secrets come from a file or stdin, never argv; a new API key's secret is printed once, alone on
// the last line of stdout. Every action is audited as actor `cli:<os user>` through the control
// store's audit outbox, which the server moves into the audit log.
#pragma once

#include <CLI/CLI.hpp>

#include "config/Config.h"

namespace infrasage::cli {

class AdminCommand {
  public:
    explicit AdminCommand(CLI::App& app);
    bool parsed() const { return admin_->parsed(); }
    int run(const config::Config& cfg);

  private:
    struct Options {
        std::string tenant, email, name, scope, role = "admin", password_file, key_id, expires_in,
                                                plan;
        int64_t rate_limit_rps = 0;
        int64_t rps_quota = -1;
    };
    CLI::App* admin_ = nullptr;
    CLI::App* bootstrap_ = nullptr;
    CLI::App* key_create_ = nullptr;
    CLI::App* key_list_ = nullptr;
    CLI::App* key_revoke_ = nullptr;
    CLI::App* key_rotate_ = nullptr;
    CLI::App* user_create_ = nullptr;
    CLI::App* user_disable_ = nullptr;
    CLI::App* user_reset_ = nullptr;
    CLI::App* tenant_create_ = nullptr;
    CLI::App* tenant_list_ = nullptr;
    Options o_;
};

}  // namespace infrasage::cli
