#include "eval/NabProfiles.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace infrasage::eval {

NabProfiles NabProfiles::defaults() {
    NabProfiles profiles;
    profiles.profiles_ = {{"standard", {1.0, 0.11, 1.0, 1.0}},
                          {"reward_low_FP_rate", {1.0, 0.22, 1.0, 1.0}},
                          {"reward_low_FN_rate", {1.0, 0.11, 2.0, 1.0}}};
    return profiles;
}

NabProfiles NabProfiles::fromJson(const nlohmann::json& document) {
    NabProfiles profiles;
    for (const auto& [name, body] : document.items()) {
        const auto& matrix = body.at("CostMatrix");
        NabCostMatrix costs{matrix.at("tpWeight").get<double>(),
                            matrix.at("fpWeight").get<double>(),
                            matrix.at("fnWeight").get<double>(), matrix.value("tnWeight", 1.0)};
        profiles.profiles_.push_back({name, costs});
    }
    return profiles;
}

NabProfiles NabProfiles::load(const std::filesystem::path& profilesJson) {
    std::ifstream in(profilesJson);
    if (!in) {
        throw std::runtime_error("cannot open NAB profiles " + profilesJson.string());
    }
    return fromJson(nlohmann::json::parse(in));
}

const NabCostMatrix& NabProfiles::costs(std::string_view name) const {
    for (const auto& profile : profiles_) {
        if (profile.name == name) {
            return profile.costs;
        }
    }
    throw std::out_of_range("unknown NAB profile " + std::string(name));
}

}  // namespace infrasage::eval
