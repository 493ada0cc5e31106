#include "support/TestEnv.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>

namespace infrasage::testing {

std::string envOr(const char* name, const std::string& fallback) {
    const char* value = std::getenv(name);
    return (value != nullptr && *value != '\0') ? std::string(value) : fallback;
}

std::filesystem::path sourceDir() {
    return std::filesystem::path(envOr("INFRASAGE_SOURCE_DIR", INFRASAGE_TEST_SOURCE_DIR));
}

std::filesystem::path makeTempDir(const std::string& prefix) {
    static std::atomic<int> counter{0};
    auto base = std::filesystem::temp_directory_path() / "infrasage-tests";
    auto dir = base / (prefix + "-" + std::to_string(::getpid()) + "-" +
                       std::to_string(counter.fetch_add(1)));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace infrasage::testing
