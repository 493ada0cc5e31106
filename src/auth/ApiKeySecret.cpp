#include "auth/ApiKeySecret.h"

#include <stdexcept>

#include "auth/SecretRandom.h"

namespace infrasage::auth {

namespace {

bool isBase62(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

}  // namespace

GeneratedApiKey generateApiKey() {
    GeneratedApiKey key;
    key.secret = std::string(kApiKeySecretPrefix) + randomBase62(kApiKeySecretRandomChars);
    key.id = std::string(kApiKeyIdPrefix) + randomBase62(kApiKeyIdRandomChars);
    key.prefix = key.secret.substr(0, kApiKeyDisplayPrefixLength);
    return key;
}

bool isWellFormedApiKey(std::string_view secret) {
    if (secret.size() != kApiKeySecretLength || !secret.starts_with(kApiKeySecretPrefix)) {
        return false;
    }
    for (const char c : secret.substr(kApiKeySecretPrefix.size())) {
        if (!isBase62(c)) {
            return false;
        }
    }
    return true;
}

ApiKeyHasher::ApiKeyHasher(std::string pepper) : pepper_(std::move(pepper)) {
    if (pepper_.size() < kMinPepperBytes) {
        throw std::invalid_argument("API key pepper must be at least 32 bytes");
    }
}

std::string ApiKeyHasher::hash(std::string_view secret) const {
    return hmacSha256Hex(pepper_, secret);
}

}  // namespace infrasage::auth
