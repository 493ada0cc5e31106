#include "observability/Log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace infrasage::observability {

namespace {

spdlog::logger& jsonLogger() {
    // The pattern is the bare message: the message is already a complete JSON object.
    static auto logger = [] {
        auto l = spdlog::stderr_logger_mt("infrasage-json");
        l->set_pattern("%v");
        l->set_level(spdlog::level::info);
        l->flush_on(spdlog::level::trace);
        return l;
    }();
    return *logger;
}

spdlog::level::level_enum toSpd(LogLevel level) {
    switch (level) {
        case LogLevel::Trace:
            return spdlog::level::trace;
        case LogLevel::Debug:
            return spdlog::level::debug;
        case LogLevel::Info:
            return spdlog::level::info;
        case LogLevel::Warn:
            return spdlog::level::warn;
        case LogLevel::Error:
            return spdlog::level::err;
    }
    return spdlog::level::info;
}

std::string timestampNow() {
    auto now = std::chrono::system_clock::now();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
    auto t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return fmt::format("{}.{:03d}Z", buf, ms.count());
}

}  // namespace

void setLogLevel(std::string_view level) {
    auto parsed = spdlog::level::from_str(std::string(level));
    jsonLogger().set_level(parsed == spdlog::level::off ? spdlog::level::info : parsed);
}

void log(LogLevel level, std::string_view message, const nlohmann::json& fields) {
    auto& logger = jsonLogger();
    auto spd = toSpd(level);
    if (!logger.should_log(spd)) {
        return;
    }
    nlohmann::json line = nlohmann::json::object();
    line["ts"] = timestampNow();
    line["level"] = spdlog::level::to_string_view(spd).data();
    line["msg"] = message;
    if (fields.is_object()) {
        line.update(fields);
    }
    logger.log(spd, "{}", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace infrasage::observability
