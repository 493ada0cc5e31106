#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "config/Config.h"
#include "config/Settings.h"
#include "support/TestEnv.h"

namespace infrasage::config {
namespace {

EnvLookup envFrom(std::map<std::string, std::string> values) {
    return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
        auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        return it->second;
    };
}

std::map<std::string, std::string> strongProduction() {
    return {{"INFRASAGE_ENV", "production"},
            {"JWT_SECRET", std::string(32, 'k')},
            {"INFRASAGE_API_KEY_PEPPER", std::string(32, 'p')},
            {"CLICKHOUSE_USER", "infrasage"},
            {"CLICKHOUSE_PASSWORD", "a-long-random-password-42"}};
}

std::string refusedVariable(const std::map<std::string, std::string>& env) {
    try {
        Config::load(envFrom(env)).validate();
    } catch (const ConfigError& e) {
        return e.variable();
    }
    return "";
}

TEST(ConfigTest, DefaultsMatchTheSettingsTable) {
    auto c = Config::load(envFrom({}));
    EXPECT_FALSE(c.production);
    EXPECT_EQ(c.listen_host, "0.0.0.0");
    EXPECT_EQ(c.listen_port, 8080);
    EXPECT_EQ(c.clickhouse_database, "infrasage");
    EXPECT_EQ(c.watchdog_interval_seconds, 60u);
    EXPECT_DOUBLE_EQ(c.watchdog_z_threshold, 3.0);
    EXPECT_EQ(c.watchdog_direction, "both");
    EXPECT_DOUBLE_EQ(c.watchdog_min_deviation, 0.0);
    EXPECT_EQ(c.watchdog_warmup_seconds, 86400u);
    EXPECT_NO_THROW(c.validate());
}

TEST(ConfigTest, WatchdogRulesAreRead) {
    auto c = Config::load(envFrom({{"WATCHDOG_DIRECTION", "above"},
                                   {"WATCHDOG_MIN_DEVIATION", "2.5"},
                                   {"WATCHDOG_WARMUP_SECONDS", "0"}}));
    EXPECT_EQ(c.watchdog_direction, "above");
    EXPECT_DOUBLE_EQ(c.watchdog_min_deviation, 2.5);
    EXPECT_EQ(c.watchdog_warmup_seconds, 0u);
}

TEST(ConfigTest, StrongProductionConfigurationStarts) {
    EXPECT_EQ(refusedVariable(strongProduction()), "");
}

TEST(ConfigTest, ProductionRefusesShortJwtSecretAndNamesIt) {
    auto env = strongProduction();
    env["JWT_SECRET"] = std::string(31, 'k');
    EXPECT_EQ(refusedVariable(env), "JWT_SECRET");
    env.erase("JWT_SECRET");
    EXPECT_EQ(refusedVariable(env), "JWT_SECRET");
}

TEST(ConfigTest, ProductionRefusesShortApiKeyPepper) {
    auto env = strongProduction();
    env["INFRASAGE_API_KEY_PEPPER"] = "short";
    EXPECT_EQ(refusedVariable(env), "INFRASAGE_API_KEY_PEPPER");
}

TEST(ConfigTest, ProductionRefusesDefaultClickHousePasswords) {
    for (const char* weak :
         {"clickhouse", "", "changeme", "STRONG_RANDOM_PASSWORD_HERE", "short"}) {
        auto env = strongProduction();
        env["CLICKHOUSE_PASSWORD"] = weak;
        EXPECT_EQ(refusedVariable(env), "CLICKHOUSE_PASSWORD") << weak;
    }
}

TEST(ConfigTest, ProductionRefusesDefaultClickHouseUser) {
    auto env = strongProduction();
    env["CLICKHOUSE_USER"] = "default";
    EXPECT_EQ(refusedVariable(env), "CLICKHOUSE_USER");
}

TEST(ConfigTest, DevelopmentAcceptsWeakSecrets) {
    EXPECT_EQ(refusedVariable({{"CLICKHOUSE_PASSWORD", "clickhouse"}}), "");
}

TEST(ConfigTest, SecretsComeFromFilesWithoutTrailingNewline) {
    auto dir = testing::makeTempDir("config");
    std::ofstream(dir / "jwt") << std::string(40, 'z') << "\n";
    std::ofstream(dir / "ch") << "file-password-123\n";
    auto env = strongProduction();
    env.erase("JWT_SECRET");
    env["JWT_SECRET_FILE"] = (dir / "jwt").string();
    env["CLICKHOUSE_PASSWORD_FILE"] = (dir / "ch").string();
    auto c = Config::load(envFrom(env));
    EXPECT_EQ(c.jwt_secret, std::string(40, 'z'));
    EXPECT_EQ(c.clickhouse_password, "file-password-123");
    EXPECT_NO_THROW(c.validate());
}

TEST(ConfigTest, UnreadableSecretFileIsNamed) {
    try {
        Config::load(envFrom({{"JWT_SECRET_FILE", "/nonexistent/secret"}}));
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.variable(), "JWT_SECRET_FILE");
    }
}

TEST(ConfigTest, MalformedValuesAreRefusedWithTheirName) {
    auto bad = [](const std::string& name, const std::string& value) {
        try {
            Config::load(envFrom({{name, value}}));
        } catch (const ConfigError& e) {
            return e.variable();
        }
        return std::string();
    };
    EXPECT_EQ(bad("INFRASAGE_ENV", "prod"), "INFRASAGE_ENV");
    EXPECT_EQ(bad("INFRASAGE_LISTEN", "8080"), "INFRASAGE_LISTEN");
    EXPECT_EQ(bad("INFRASAGE_LISTEN", "0.0.0.0:99999"), "INFRASAGE_LISTEN");
    EXPECT_EQ(bad("INFRASAGE_HTTP_WORKERS", "many"), "INFRASAGE_HTTP_WORKERS");
    EXPECT_EQ(bad("GATEWAY_TLS_ENABLED", "maybe"), "GATEWAY_TLS_ENABLED");
    EXPECT_EQ(bad("WATCHDOG_Z_SCORE_THRESHOLD", "-1"), "WATCHDOG_Z_SCORE_THRESHOLD");
    EXPECT_EQ(bad("WATCHDOG_DIRECTION", "up"), "WATCHDOG_DIRECTION");
    EXPECT_EQ(bad("WATCHDOG_MIN_DEVIATION", "-0.5"), "WATCHDOG_MIN_DEVIATION");
    EXPECT_EQ(bad("WATCHDOG_MIN_DEVIATION", "nan"), "WATCHDOG_MIN_DEVIATION");
    EXPECT_EQ(bad("WATCHDOG_WARMUP_SECONDS", "-1"), "WATCHDOG_WARMUP_SECONDS");
}

TEST(ConfigTest, TlsWithoutFilesIsRefused) {
    EXPECT_EQ(refusedVariable({{"GATEWAY_TLS_ENABLED", "true"}}), "GATEWAY_TLS_CERT");
}

TEST(ConfigTest, HelpListsEverySettingWithItsDefault) {
    auto help = settingsHelp();
    for (const auto& s : allSettings()) {
        EXPECT_NE(help.find(std::string(s.name)), std::string::npos) << s.name;
    }
    EXPECT_NE(help.find("0.0.0.0:8080"), std::string::npos);
}

}  // namespace
}  // namespace infrasage::config
