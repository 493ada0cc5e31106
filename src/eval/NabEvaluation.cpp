#include "eval/NabEvaluation.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace infrasage::eval {

namespace {

std::vector<std::filesystem::path> csvFiles(const std::filesystem::path& dataDir) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dataDir)) {
        if (entry.is_regular_file() && entry.path().extension() == ".csv") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string formatTimestamp(int64_t micros) {
    const std::chrono::sys_seconds seconds{std::chrono::seconds{micros / 1000000}};
    return fmt::format("{:%Y-%m-%d %H:%M:%S}", seconds);
}

bool inWindow(const std::vector<NabWindow>& windows, int64_t micros) {
    return std::any_of(windows.begin(), windows.end(), [micros](const NabWindow& w) {
        return micros >= w.startMicros && micros <= w.endMicros;
    });
}

}  // namespace

NabEvaluation::NabEvaluation(NabCorpus corpus, NabProfiles profiles)
    : corpus_(std::move(corpus)), profiles_(std::move(profiles)) {}

std::vector<NabFileResult> NabEvaluation::run(const std::filesystem::path& dataDir,
                                              const DetectorFactory& factory) const {
    std::vector<NabFileResult> results;
    for (const auto& path : csvFiles(dataDir)) {
        NabFileResult result;
        result.fileKey = std::filesystem::relative(path, dataDir).generic_string();
        if (!corpus_.contains(result.fileKey)) {
            throw std::runtime_error("no NAB labels for " + result.fileKey);
        }
        result.series = NabCorpus::readSeries(path);
        const auto detector = factory();
        auto& s = result.series;
        s.anomalyScores.clear();
        s.anomalyScores.reserve(s.values.size());
        for (size_t i = 0; i < s.values.size(); ++i) {
            const detect::Point point{s.timestampsMicros[i] / 1000000, s.values[i]};
            s.anomalyScores.push_back(detector->update(point).anomaly_score);
        }
        results.push_back(std::move(result));
    }
    return results;
}

std::vector<NabFileResult> NabEvaluation::load(const std::filesystem::path& dataDir,
                                               const std::filesystem::path& resultsDir,
                                               const std::string& detector) const {
    std::vector<NabFileResult> results;
    for (const auto& path : csvFiles(dataDir)) {
        const std::filesystem::path key = std::filesystem::relative(path, dataDir);
        const auto file =
            resultsDir / key.parent_path() / (detector + "_" + key.filename().string());
        NabFileResult result{key.generic_string(), NabCorpus::readSeries(file)};
        if (result.series.anomalyScores.size() != result.series.values.size()) {
            throw std::runtime_error("no anomaly_score column in " + file.string());
        }
        results.push_back(std::move(result));
    }
    return results;
}

void NabEvaluation::write(const std::filesystem::path& outDir,
                          const std::vector<NabFileResult>& results) const {
    for (const auto& result : results) {
        const std::filesystem::path key(result.fileKey);
        const auto dir = outDir / key.parent_path();
        std::filesystem::create_directories(dir);
        std::ofstream out(dir / ("infrasage_" + key.filename().string()));
        if (!out) {
            throw std::runtime_error("cannot write NAB results under " + dir.string());
        }
        const auto& windows = corpus_.windowsFor(result.fileKey);
        const auto& s = result.series;
        out << "timestamp,value,anomaly_score,label\n";
        for (size_t i = 0; i < s.values.size(); ++i) {
            out << formatTimestamp(s.timestampsMicros[i]) << ',' << fmt::format("{}", s.values[i])
                << ',' << fmt::format("{}", s.anomalyScores[i]) << ','
                << (inWindow(windows, s.timestampsMicros[i]) ? 1 : 0) << '\n';
        }
    }
}

std::vector<NabProfileResult> NabEvaluation::score(
    const std::vector<NabFileResult>& results) const {
    std::vector<NabFileInput> inputs;
    inputs.reserve(results.size());
    for (const auto& result : results) {
        inputs.push_back({result.series.timestampsMicros, result.series.anomalyScores,
                          corpus_.windowsFor(result.fileKey)});
    }
    std::vector<NabProfileResult> out;
    for (const auto& profile : profiles_.all()) {
        const NabScorer scorer(profile.costs);
        NabProfileResult line{profile.name, scorer.optimiseThreshold(inputs), 0.0};
        line.normalised = NabScorer::normalise(line.best.score, scorer.nullScore(inputs),
                                               scorer.perfectScore(inputs));
        out.push_back(std::move(line));
    }
    return out;
}

}  // namespace infrasage::eval
