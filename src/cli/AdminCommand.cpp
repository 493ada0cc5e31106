#include "cli/AdminCommand.h"

#include <pwd.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "audit/AuditOutbox.h"
#include "cli/IdentityStack.h"
#include "common/ApiError.h"

namespace infrasage::cli {

namespace {

std::string osUser() {
    const passwd* pw = ::getpwuid(::geteuid());
    return pw != nullptr ? pw->pw_name : std::to_string(::geteuid());
}

// A secret from a file, or from stdin when the path is "-"; one trailing newline is dropped.
std::string readSecret(const std::string& path) {
    std::stringstream content;
    if (path == "-") {
        content << std::cin.rdbuf();
    } else {
        std::ifstream in(path);
        if (!in) {
            throw std::runtime_error("cannot read " + path);
        }
        content << in.rdbuf();
    }
    auto s = content.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
        s.pop_back();
    }
    return s;
}

int64_t nowSeconds() {
    return SystemClock::instance().nowNanos() / 1'000'000'000;
}

class Audit {
  public:
    Audit(controlstore::ControlStore& store) : store_(store), actor_("cli:" + osUser()) {}
    const std::string& actor() const { return actor_; }
    void record(const std::string& tenant, const std::string& action, const std::string& resource,
                const std::string& outcome, int status) {
        audit::AuditEntry e;
        e.timestamp_ms = SystemClock::instance().nowNanos() / 1'000'000;
        e.tenant_id = tenant;
        e.actor = actor_;
        e.actor_type = "cli";
        e.action = action;
        e.resource = resource;
        e.outcome = outcome;
        e.status = static_cast<uint16_t>(status);
        e.client_ip = "local";
        store_.enqueueAuditEntry(audit::encodeOutboxEntry(e), nowSeconds());
    }

  private:
    controlstore::ControlStore& store_;
    std::string actor_;
};

void printKey(const controlstore::ApiKey& k) {
    std::cout << k.id << "\t" << k.name << "\t" << k.scope << "\t" << k.prefix << "…\t"
              << auth::apiKeyStatus(k, nowSeconds()) << "\n";
}

}  // namespace

AdminCommand::AdminCommand(CLI::App& app) {
    admin_ = app.add_subcommand("admin", "Manage tenants, users and API keys on the control store");
    admin_->require_subcommand(1);
    bootstrap_ =
        admin_->add_subcommand("bootstrap", "Create a tenant and its first admin (idempotent)");
    bootstrap_->add_option("--tenant", o_.tenant, "Tenant id (slug)")->required();
    bootstrap_->add_option("--email", o_.email, "Admin email")->required();
    bootstrap_
        ->add_option("--password-file", o_.password_file, "File with the password, - for stdin")
        ->required();
    bootstrap_->add_option("--role", o_.role, "admin (default) or super_admin");

    auto* apikey = admin_->add_subcommand("apikey", "API keys");
    apikey->require_subcommand(1);
    key_create_ =
        apikey->add_subcommand("create", "Create a key; prints its secret once, last line");
    key_create_->add_option("--tenant", o_.tenant)->required();
    key_create_->add_option("--name", o_.name)->required();
    key_create_->add_option("--scope", o_.scope, "ingestion | readonly | full")->required();
    key_create_->add_option("--rate-limit-rps", o_.rate_limit_rps);
    key_create_->add_option("--expires-in", o_.expires_in, "e.g. 90d, 12h, 3600s");
    key_list_ = apikey->add_subcommand("list", "List a tenant's keys");
    key_list_->add_option("--tenant", o_.tenant)->required();
    key_revoke_ = apikey->add_subcommand("revoke", "Revoke a key at once");
    key_revoke_->add_option("--tenant", o_.tenant)->required();
    key_revoke_->add_option("--key-id", o_.key_id)->required();
    key_rotate_ =
        apikey->add_subcommand("rotate", "Replace a key (same scope); prints the new secret");
    key_rotate_->add_option("--tenant", o_.tenant)->required();
    key_rotate_->add_option("--key-id", o_.key_id)->required();

    auto* user = admin_->add_subcommand("user", "Users");
    user->require_subcommand(1);
    user_create_ = user->add_subcommand("create", "Create a user");
    user_create_->add_option("--tenant", o_.tenant)->required();
    user_create_->add_option("--email", o_.email)->required();
    user_create_->add_option("--role", o_.role, "viewer | operator | admin | super_admin");
    user_create_->add_option("--password-file", o_.password_file)->required();
    user_disable_ = user->add_subcommand("disable", "Disable a user and void its tokens");
    user_disable_->add_option("--tenant", o_.tenant)->required();
    user_disable_->add_option("--email", o_.email)->required();
    user_reset_ = user->add_subcommand("reset-password", "Set a new password and void tokens");
    user_reset_->add_option("--tenant", o_.tenant)->required();
    user_reset_->add_option("--email", o_.email)->required();
    user_reset_->add_option("--password-file", o_.password_file)->required();

    auto* tenant = admin_->add_subcommand("tenant", "Tenants");
    tenant->require_subcommand(1);
    tenant_create_ = tenant->add_subcommand("create", "Create a tenant");
    tenant_create_->add_option("--tenant", o_.tenant, "Tenant id (slug)")->required();
    tenant_create_->add_option("--name", o_.name);
    tenant_create_->add_option("--plan", o_.plan);
    tenant_create_->add_option("--rps-quota", o_.rps_quota);
    tenant_list_ = tenant->add_subcommand("list", "List tenants");
}

int AdminCommand::run(const config::Config& cfg) {
    IdentityStack identity(cfg, SystemClock::instance());
    Audit audit(identity.store());
    std::string action;
    std::string resource;
    try {
        if (bootstrap_->parsed()) {
            action = "tenant.bootstrap";
            resource = o_.tenant;
            identity.tenants().ensure(o_.tenant, {});
            auto password = readSecret(o_.password_file);
            try {
                auto u = identity.users().create(o_.tenant, auth::Role::SuperAdmin, o_.email,
                                                 password, o_.role);
                std::cout << "created tenant " << o_.tenant << " and " << o_.role << " " << u.email
                          << "\n";
            } catch (const ApiError& e) {
                if (e.code() != "already_exists") {
                    throw;
                }
                std::cout << "tenant " << o_.tenant << " and user " << o_.email
                          << " already exist\n";
            }
        } else if (key_create_->parsed()) {
            action = "apikey.create";
            auth::ApiKeyRequest request{o_.name, o_.scope, o_.rate_limit_rps, std::nullopt};
            if (!o_.expires_in.empty()) {
                request.expires_in_seconds = auth::parseDurationSeconds(o_.expires_in);
                if (!request.expires_in_seconds) {
                    throw ApiError(400, "invalid_expiry", "--expires-in must look like 90d");
                }
            }
            auto created = identity.apiKeys().create(o_.tenant, audit.actor(), request);
            resource = created.key.id;
            std::cout << "key_id " << created.key.id << " scope " << created.key.scope
                      << " (the secret below is shown once)\n"
                      << created.secret << "\n";
        } else if (key_list_->parsed()) {
            action = "apikey.list";
            for (const auto& k : identity.apiKeys().list(o_.tenant)) {
                printKey(k);
            }
        } else if (key_revoke_->parsed()) {
            action = "apikey.revoke";
            resource = o_.key_id;
            printKey(identity.apiKeys().revoke(o_.tenant, o_.key_id));
        } else if (key_rotate_->parsed()) {
            action = "apikey.rotate";
            resource = o_.key_id;
            auto created = identity.apiKeys().rotate(o_.tenant, audit.actor(), o_.key_id);
            std::cout << "key_id " << created.key.id << " replaces " << o_.key_id
                      << " (the secret below is shown once)\n"
                      << created.secret << "\n";
        } else if (user_create_->parsed()) {
            action = "user.create";
            auto u = identity.users().create(o_.tenant, auth::Role::SuperAdmin, o_.email,
                                             readSecret(o_.password_file), o_.role);
            resource = u.id;
            std::cout << "created " << u.role << " " << u.email << " (" << u.id << ")\n";
        } else if (user_disable_->parsed()) {
            action = "user.disable";
            auto u = identity.users().byEmail(o_.tenant, o_.email);
            resource = u.id;
            identity.users().update(o_.tenant, auth::Role::SuperAdmin, u.id, {false, {}, {}});
            std::cout << "disabled " << u.email << "; its tokens no longer work\n";
        } else if (user_reset_->parsed()) {
            action = "user.reset_password";
            auto u = identity.users().byEmail(o_.tenant, o_.email);
            resource = u.id;
            identity.users().update(o_.tenant, auth::Role::SuperAdmin, u.id,
                                    {{}, {}, readSecret(o_.password_file)});
            std::cout << "password changed for " << u.email << "; old tokens no longer work\n";
        } else if (tenant_create_->parsed()) {
            action = "tenant.create";
            resource = o_.tenant;
            tenancy::TenantChange change;
            if (!o_.name.empty()) {
                change.name = o_.name;
            }
            if (!o_.plan.empty()) {
                change.plan = o_.plan;
            }
            if (o_.rps_quota >= 0) {
                change.rps_quota = o_.rps_quota;
            }
            identity.tenants().create(o_.tenant, change);
            std::cout << "created tenant " << o_.tenant << "\n";
        } else if (tenant_list_->parsed()) {
            action = "tenant.list";
            for (const auto& t : identity.tenants().list()) {
                std::cout << t.id << "\t" << t.name << "\t" << t.plan << "\t"
                          << (t.active ? "active" : "suspended") << "\n";
            }
        }
        audit.record(o_.tenant, action, resource, "allowed", 200);
        return 0;
    } catch (const ApiError& e) {
        audit.record(o_.tenant, action, resource, "failed", e.httpStatus());
        std::cerr << "infrasage admin: " << e.code() << ": " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        audit.record(o_.tenant, action, resource, "failed", 500);
        std::cerr << "infrasage admin: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace infrasage::cli
