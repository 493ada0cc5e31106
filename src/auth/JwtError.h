// auth/JwtError: why a bearer token was refused, as a stable machine code. The HTTP layer answers
// 401 for every code and may log the code, never the token.
#pragma once

#include <stdexcept>
#include <string>

namespace infrasage::auth {

class JwtError : public std::runtime_error {
  public:
    // `code` is one of: token_too_large, malformed_token, unsupported_algorithm,
    // invalid_signature, token_expired, token_not_yet_valid, token_issued_in_future,
    // invalid_issuer, invalid_audience, missing_claim, invalid_claim, duplicate_claim,
    // unknown_claim, lifetime_too_long.
    JwtError(std::string code, const std::string& message)
        : std::runtime_error(message), code_(std::move(code)) {}

    const std::string& code() const { return code_; }

  private:
    std::string code_;
};

}  // namespace infrasage::auth
