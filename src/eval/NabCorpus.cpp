#include "eval/NabCorpus.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace infrasage::eval {

namespace {

int parseDigits(std::string_view text, size_t pos, size_t count) {
    int value = 0;
    const char* first = text.data() + pos;
    auto [end, ec] = std::from_chars(first, first + count, value);
    if (ec != std::errc() || end != first + count) {
        throw std::invalid_argument("bad NAB timestamp: " + std::string(text));
    }
    return value;
}

std::vector<std::string> splitCsvLine(const std::string& line) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream in(line);
    while (std::getline(in, field, ',')) {
        if (!field.empty() && field.back() == '\r') {
            field.pop_back();
        }
        fields.push_back(field);
    }
    return fields;
}

double parseDouble(const std::string& text) {
    size_t used = 0;
    double value = std::stod(text, &used);
    if (used != text.size()) {
        throw std::invalid_argument("bad number in NAB CSV: " + text);
    }
    return value;
}

}  // namespace

int64_t parseNabTimestamp(std::string_view text) {
    // Fixed layout "YYYY-MM-DD HH:MM:SS" (19 chars), then optionally ".f..." up to microseconds.
    if (text.size() < 19 || text[4] != '-' || text[7] != '-' ||
        (text[10] != ' ' && text[10] != 'T') || text[13] != ':' || text[16] != ':') {
        throw std::invalid_argument("bad NAB timestamp: " + std::string(text));
    }
    const std::chrono::year_month_day date{
        std::chrono::year{parseDigits(text, 0, 4)},
        std::chrono::month{static_cast<unsigned>(parseDigits(text, 5, 2))},
        std::chrono::day{static_cast<unsigned>(parseDigits(text, 8, 2))}};
    if (!date.ok()) {
        throw std::invalid_argument("bad NAB date: " + std::string(text));
    }
    int64_t micros = 0;
    if (text.size() > 19) {
        if (text[19] != '.' || text.size() == 20 || text.size() > 26) {
            throw std::invalid_argument("bad NAB timestamp fraction: " + std::string(text));
        }
        const size_t digits = text.size() - 20;
        micros = parseDigits(text, 20, digits);
        for (size_t i = digits; i < 6; ++i) {
            micros *= 10;
        }
    }
    const int64_t days = std::chrono::sys_days{date}.time_since_epoch().count();
    const int64_t seconds = days * 86400 + int64_t{parseDigits(text, 11, 2)} * 3600 +
                            int64_t{parseDigits(text, 14, 2)} * 60 + parseDigits(text, 17, 2);
    return seconds * 1000000 + micros;
}

NabCorpus::NabCorpus(std::map<std::string, std::vector<NabWindow>> windows)
    : windows_(std::move(windows)) {
    for (auto& [key, list] : windows_) {
        std::sort(list.begin(), list.end(), [](const NabWindow& a, const NabWindow& b) {
            return a.startMicros < b.startMicros;
        });
    }
}

NabCorpus NabCorpus::fromWindowsJson(const nlohmann::json& document) {
    std::map<std::string, std::vector<NabWindow>> windows;
    for (const auto& [key, list] : document.items()) {
        auto& out = windows[key];
        for (const auto& pair : list) {
            out.push_back({parseNabTimestamp(pair.at(0).get<std::string>()),
                           parseNabTimestamp(pair.at(1).get<std::string>())});
        }
    }
    return NabCorpus(std::move(windows));
}

NabCorpus NabCorpus::loadWindows(const std::filesystem::path& windowsJson) {
    std::ifstream in(windowsJson);
    if (!in) {
        throw std::runtime_error("cannot open NAB windows " + windowsJson.string());
    }
    return fromWindowsJson(nlohmann::json::parse(in));
}

NabSeries NabCorpus::readSeries(const std::filesystem::path& csv) {
    std::ifstream in(csv);
    if (!in) {
        throw std::runtime_error("cannot open NAB series " + csv.string());
    }
    std::string line;
    if (!std::getline(in, line)) {
        throw std::runtime_error("empty NAB series " + csv.string());
    }
    const auto header = splitCsvLine(line);
    auto column = [&header](const std::string& name) {
        auto it = std::find(header.begin(), header.end(), name);
        return it == header.end() ? header.size() : static_cast<size_t>(it - header.begin());
    };
    const size_t tsCol = column("timestamp");
    const size_t valueCol = column("value");
    const size_t scoreCol = column("anomaly_score");
    if (tsCol == header.size() || valueCol == header.size()) {
        throw std::runtime_error("NAB series without timestamp,value header: " + csv.string());
    }
    NabSeries series;
    while (std::getline(in, line)) {
        if (line.empty() || line == "\r") {
            continue;
        }
        const auto fields = splitCsvLine(line);
        if (fields.size() < header.size()) {
            throw std::runtime_error("short row in " + csv.string() + ": " + line);
        }
        series.timestampsMicros.push_back(parseNabTimestamp(fields[tsCol]));
        series.values.push_back(parseDouble(fields[valueCol]));
        if (scoreCol != header.size()) {
            series.anomalyScores.push_back(parseDouble(fields[scoreCol]));
        }
    }
    return series;
}

const std::vector<NabWindow>& NabCorpus::windowsFor(const std::string& fileKey) const {
    auto it = windows_.find(fileKey);
    if (it == windows_.end()) {
        throw std::out_of_range("no NAB labels for " + fileKey);
    }
    return it->second;
}

std::vector<std::string> NabCorpus::fileKeys() const {
    std::vector<std::string> keys;
    for (const auto& entry : windows_) {
        keys.push_back(entry.first);
    }
    return keys;
}

size_t NabCorpus::windowCount() const {
    size_t count = 0;
    for (const auto& entry : windows_) {
        count += entry.second.size();
    }
    return count;
}

}  // namespace infrasage::eval
