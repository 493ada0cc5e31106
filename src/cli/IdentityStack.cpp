#include "cli/IdentityStack.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "auth/SecretRandom.h"

namespace infrasage::cli {

namespace {

constexpr int64_t kProductionAccessTtl = 3600;
constexpr int64_t kDevelopmentAccessTtl = int64_t{24} * 3600;

std::string persistedSecret(const std::filesystem::path& file) {
    if (std::ifstream in(file); in) {
        std::stringstream content;
        content << in.rdbuf();
        if (content.str().size() >= 32) {
            return content.str();
        }
    }
    std::filesystem::create_directories(file.parent_path());
    auto secret = auth::randomBase64Url(48);
    auto old_mask = ::umask(077);
    {
        std::ofstream out(file, std::ios::trunc);
        out << secret;
    }
    ::umask(old_mask);
    return secret;
}

}  // namespace

IdentitySecrets identitySecrets(const config::Config& cfg) {
    IdentitySecrets s{cfg.jwt_secret, cfg.api_key_pepper};
    const auto dir = std::filesystem::path(cfg.data_dir) / "secrets";
    if (!cfg.production && s.jwt_secret.empty()) {
        s.jwt_secret = persistedSecret(dir / "jwt-secret");
    }
    if (!cfg.production && s.api_key_pepper.empty()) {
        s.api_key_pepper = persistedSecret(dir / "api-key-pepper");
    }
    return s;
}

std::string controlStorePath(const config::Config& cfg) {
    const std::string& url = cfg.control_store_url;
    if (url.empty()) {
        return (std::filesystem::path(cfg.data_dir) / "control.db").string();
    }
    if (url.rfind("sqlite://", 0) == 0) {
        return url.substr(9);
    }
    if (url.find("://") != std::string::npos) {
        throw config::ConfigError("INFRASAGE_CONTROL_STORE_URL",
                                  "only sqlite:// is supported by this build");
    }
    return url;
}

namespace {

auth::JwtSettings jwtSettings(const config::Config& cfg, const std::string& secret) {
    auth::JwtSettings s;
    s.secret = secret;
    s.max_lifetime_seconds = cfg.production ? kProductionAccessTtl : kDevelopmentAccessTtl;
    return s;
}

auth::TokenSettings tokenSettings(const config::Config& cfg) {
    auth::TokenSettings s;
    s.access_ttl_seconds = cfg.production ? kProductionAccessTtl : kDevelopmentAccessTtl;
    return s;
}

}  // namespace

IdentityStack::IdentityStack(const config::Config& cfg, const Clock& clock)
    : secrets_(identitySecrets(cfg)),
      store_(controlstore::openSqliteControlStore(controlStorePath(cfg))),
      hasher_(secrets_.api_key_pepper),
      jwt_(jwtSettings(cfg, secrets_.jwt_secret)),
      authenticator_(*store_, jwt_, hasher_, clock),
      auth_(*store_, jwt_, passwords_, throttle_, clock, tokenSettings(cfg)),
      api_keys_(*store_, hasher_, clock, [this] { authenticator_.invalidate(); }),
      users_(*store_, passwords_, clock, [this] { authenticator_.invalidate(); }),
      tenants_(*store_, clock, [this] { authenticator_.invalidate(); }) {}

}  // namespace infrasage::cli
