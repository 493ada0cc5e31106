// common/ApiError: the one error type that reaches HTTP clients. Carries a stable machine code
// (`invalid_json`, `timestamp_too_old`, ...) and the HTTP status, so every layer can reject input
// without knowing how the response is rendered.
#pragma once

#include <stdexcept>
#include <string>

namespace infrasage {

class ApiError : public std::runtime_error {
  public:
    ApiError(int http_status, std::string code, const std::string& message)
        : std::runtime_error(message), http_status_(http_status), code_(std::move(code)) {}

    // For 429/503: seconds the client should wait before retrying (sent as Retry-After).
    ApiError withRetryAfter(int seconds) && {
        retry_after_seconds_ = seconds;
        return std::move(*this);
    }

    int httpStatus() const { return http_status_; }
    const std::string& code() const { return code_; }
    int retryAfterSeconds() const { return retry_after_seconds_; }

  private:
    int http_status_;
    std::string code_;
    int retry_after_seconds_ = 0;
};

}  // namespace infrasage
