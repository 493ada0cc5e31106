#include "auth/CredentialParser.h"

#include "auth/ApiKeySecret.h"

namespace infrasage::auth {

namespace {

using Kind = PresentedCredential::Kind;

constexpr std::string_view kBearer = "bearer";

PresentedCredential malformed() {
    return {Kind::Malformed, {}};
}

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool isBearerScheme(std::string_view scheme) {
    if (scheme.size() != kBearer.size()) {
        return false;
    }
    for (std::size_t i = 0; i < scheme.size(); ++i) {
        if (lower(scheme[i]) != kBearer[i]) {
            return false;
        }
    }
    return true;
}

bool isAlphaNumeric(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool isB64Token(std::string_view token) {
    std::size_t i = 0;
    while (i < token.size() &&
           (isAlphaNumeric(token[i]) || token[i] == '-' || token[i] == '.' || token[i] == '_' ||
            token[i] == '~' || token[i] == '+' || token[i] == '/')) {
        ++i;
    }
    if (i == 0) {
        return false;
    }
    while (i < token.size() && token[i] == '=') {
        ++i;
    }
    return i == token.size();
}

PresentedCredential fromAuthorization(std::string_view header) {
    const auto space = header.find(' ');
    if (space == std::string_view::npos || !isBearerScheme(header.substr(0, space))) {
        return malformed();
    }
    const std::string_view token = header.substr(space + 1);
    if (!isB64Token(token)) {
        return malformed();  // empty, a second space, trailing junk, control characters
    }
    if (token.starts_with(kApiKeySecretPrefix)) {
        return isWellFormedApiKey(token) ? PresentedCredential{Kind::ApiKey, std::string(token)}
                                         : malformed();
    }
    return {Kind::Jwt, std::string(token)};
}

}  // namespace

PresentedCredential parseCredentials(std::string_view authorization_header,
                                     std::string_view x_api_key_header) {
    if (authorization_header.size() > kMaxCredentialHeaderBytes ||
        x_api_key_header.size() > kMaxCredentialHeaderBytes) {
        return malformed();
    }
    if (!x_api_key_header.empty() && !isWellFormedApiKey(x_api_key_header)) {
        return malformed();
    }
    if (authorization_header.empty()) {
        return x_api_key_header.empty()
                   ? PresentedCredential{}
                   : PresentedCredential{Kind::ApiKey, std::string(x_api_key_header)};
    }
    PresentedCredential bearer = fromAuthorization(authorization_header);
    if (bearer.kind == Kind::Malformed) {
        return bearer;
    }
    if (!x_api_key_header.empty() && bearer.value != x_api_key_header) {
        return malformed();  // two different credentials: refuse rather than pick one
    }
    return bearer;
}

}  // namespace infrasage::auth
