// config/Settings: the table of every setting InfraSage reads — name, default, description and
// whether it is a secret. `serve --help` prints it, Config reads through it, docs/configuration.md
// mirrors it. A setting that is not in this table cannot be read.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace infrasage::config {

struct SettingSpec {
    std::string_view name;
    std::string_view default_value;
    std::string_view description;
    bool secret = false;  // may also come from NAME_FILE; never printed
};

std::span<const SettingSpec> allSettings();

// Human-readable listing of every setting with its default, for --help.
std::string settingsHelp();

}  // namespace infrasage::config
