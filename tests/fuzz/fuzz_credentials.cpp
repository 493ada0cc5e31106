// libFuzzer target for auth/CredentialParser, which reads the Authorization and X-API-Key
// headers of every request. The input is "<Authorization>\n<X-API-Key>" (no newline: no
// X-API-Key). No exception may escape, and the result must obey the parser's contract.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "auth/ApiKeySecret.h"
#include "auth/CredentialParser.h"

namespace {

using infrasage::auth::isWellFormedApiKey;
using infrasage::auth::kMaxCredentialHeaderBytes;
using infrasage::auth::parseCredentials;
using Kind = infrasage::auth::PresentedCredential::Kind;

void require(bool condition) {
    if (!condition) {
        std::abort();
    }
}

bool isBase62(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// An independent statement of the API key format.
bool referenceWellFormed(std::string_view s) {
    if (s.size() != 38 || s.substr(0, 6) != "isage_") {
        return false;
    }
    for (std::size_t i = 6; i < s.size(); ++i) {
        if (!isBase62(s[i])) {
            return false;
        }
    }
    return true;
}

void checkContract(std::string_view authorization, std::string_view api_key) {
    const auto presented = parseCredentials(authorization, api_key);
    const bool oversized = authorization.size() > kMaxCredentialHeaderBytes ||
                           api_key.size() > kMaxCredentialHeaderBytes;
    switch (presented.kind) {
        case Kind::None:
            require(authorization.empty() && api_key.empty() && presented.value.empty());
            break;
        case Kind::Malformed:
            require(presented.value.empty());
            break;
        case Kind::ApiKey:
            require(!oversized && referenceWellFormed(presented.value));
            require(api_key.empty() || api_key == presented.value);
            require(authorization.empty() || authorization.ends_with(" " + presented.value));
            break;
        case Kind::Jwt:
            require(!oversized && api_key.empty() && !presented.value.empty());
            require(!presented.value.starts_with("isage_"));
            require(presented.value.find_first_of(" \t\r\n,") == std::string_view::npos);
            require(authorization.size() == presented.value.size() + 7);
            require(authorization.ends_with(presented.value));
            break;
    }
    if (!oversized && !api_key.empty() && authorization.empty()) {
        require((presented.kind == Kind::ApiKey) == referenceWellFormed(api_key));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto newline = input.find('\n');
    const std::string_view authorization = input.substr(0, newline);
    const std::string_view api_key =
        newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
    require(isWellFormedApiKey(input) == referenceWellFormed(input));
    require(isWellFormedApiKey(api_key) == referenceWellFormed(api_key));
    checkContract(authorization, api_key);
    checkContract(api_key, authorization);
    return 0;
}
