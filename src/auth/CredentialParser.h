// auth/CredentialParser: decides which credential a request presents, from its Authorization and
// X-API-Key headers, before any lookup or signature work. Defends against ambiguity (two
// different credentials in one request are refused rather than one silently chosen), against
// scheme confusion (only `Bearer`; Basic and others are refused), and against oversized or
// malformed header values reaching the verifiers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace infrasage::auth {

inline constexpr std::size_t kMaxCredentialHeaderBytes = 8192;

struct PresentedCredential {
    enum class Kind { None, ApiKey, Jwt, Malformed };
    Kind kind = Kind::None;
    // The API key secret or the JWT; empty for None and Malformed (a malformed value is never
    // carried further, so it cannot end up in a log).
    std::string value;
};

// An empty header counts as absent. Rules:
// - X-API-Key must be a well-formed API key, else Malformed.
// - Authorization must be `Bearer <token>`: scheme case-insensitive, exactly one space, and a
//   token of RFC 6750 b64token characters with nothing after it, else Malformed. A token starting
//   with `isage_` is an API key (Malformed unless well-formed); any other token is a JWT, which
//   JwtCodec then verifies.
// - Both headers present with different values: Malformed. Either longer than 8 KiB: Malformed.
PresentedCredential parseCredentials(std::string_view authorization_header,
                                     std::string_view x_api_key_header);

}  // namespace infrasage::auth
