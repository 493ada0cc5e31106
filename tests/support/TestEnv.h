// Test support: where the tests find the source tree, the built binary and scratch directories.
#pragma once

#include <filesystem>
#include <string>

namespace infrasage::testing {

// Value of an environment variable, or `fallback` when unset or empty.
std::string envOr(const char* name, const std::string& fallback);

// The repository root (INFRASAGE_SOURCE_DIR, set by CTest).
std::filesystem::path sourceDir();

// A fresh, empty directory under the build tree's tmp folder, unique per call.
std::filesystem::path makeTempDir(const std::string& prefix);

}  // namespace infrasage::testing
