// eval/NabCorpus: reading the Numenta Anomaly Benchmark files — a series CSV
// (`timestamp,value[,anomaly_score,...]`, columns found by header name) and the label windows JSON
// (`{"<category>/<file>.csv": [["start", "end"], ...]}`). Timestamps are NAB's
// "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC, held as microseconds since the epoch.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace infrasage::eval {

struct NabWindow {
    int64_t startMicros = 0;
    int64_t endMicros = 0;
};

struct NabSeries {
    std::vector<int64_t> timestampsMicros;
    std::vector<double> values;
    // Empty when the CSV has no `anomaly_score` column (a raw data file).
    std::vector<double> anomalyScores;
};

// Parses "YYYY-MM-DD HH:MM:SS" with an optional fraction; throws std::invalid_argument otherwise.
int64_t parseNabTimestamp(std::string_view text);

class NabCorpus {
  public:
    NabCorpus() = default;
    explicit NabCorpus(std::map<std::string, std::vector<NabWindow>> windows);

    static NabCorpus fromWindowsJson(const nlohmann::json& document);
    static NabCorpus loadWindows(const std::filesystem::path& windowsJson);
    static NabSeries readSeries(const std::filesystem::path& csv);

    bool contains(const std::string& fileKey) const { return windows_.count(fileKey) != 0; }
    // Windows of a file key such as "realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv", sorted by
    // start; throws std::out_of_range for a file the labels do not know.
    const std::vector<NabWindow>& windowsFor(const std::string& fileKey) const;
    std::vector<std::string> fileKeys() const;
    size_t windowCount() const;

  private:
    std::map<std::string, std::vector<NabWindow>> windows_;
};

}  // namespace infrasage::eval
