// eval/NabProfiles: the NAB application profiles (cost matrices) — standard, reward_low_FP_rate and
// reward_low_FN_rate — loaded from NAB's profiles.json or taken from the published defaults.
#pragma once

#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace infrasage::eval {

struct NabCostMatrix {
    double tpWeight = 1.0;
    double fpWeight = 0.11;
    double fnWeight = 1.0;
    double tnWeight = 1.0;  // unused by the NAB score; kept because profiles.json carries it
};

struct NabProfile {
    std::string name;
    NabCostMatrix costs;
};

class NabProfiles {
  public:
    // The three published profiles, in the order standard, reward_low_FP_rate, reward_low_FN_rate.
    static NabProfiles defaults();
    // Parses `{"<name>": {"CostMatrix":
    // {"tpWeight":..,"fpWeight":..,"fnWeight":..,"tnWeight":..}}}`.
    static NabProfiles fromJson(const nlohmann::json& document);
    static NabProfiles load(const std::filesystem::path& profilesJson);

    // Throws std::out_of_range for an unknown profile name.
    const NabCostMatrix& costs(std::string_view name) const;
    const std::vector<NabProfile>& all() const { return profiles_; }

  private:
    std::vector<NabProfile> profiles_;
};

}  // namespace infrasage::eval
