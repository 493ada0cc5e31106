// observability/Log: structured logging. Every line on stderr is one JSON object (ts, level, msg
// and fields), so log shippers need no parsing rules. Callers pass key ids or 8-character prefixes,
// never secrets.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace infrasage::observability {

enum class LogLevel { Trace, Debug, Info, Warn, Error };

// Sets the minimum level ("trace".."error"); unknown names keep "info".
void setLogLevel(std::string_view level);

void log(LogLevel level, std::string_view message,
         const nlohmann::json& fields = nlohmann::json::object());

inline void logInfo(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
    log(LogLevel::Info, m, f);
}
inline void logWarn(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
    log(LogLevel::Warn, m, f);
}
inline void logError(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
    log(LogLevel::Error, m, f);
}

}  // namespace infrasage::observability
