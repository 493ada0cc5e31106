#include "auth/RefreshTokenSecret.h"

#include "auth/SecretRandom.h"

namespace infrasage::auth {

GeneratedRefreshToken generateRefreshToken() {
    GeneratedRefreshToken generated;
    generated.token = std::string(kRefreshTokenPrefix) + randomBase64Url(kRefreshTokenRandomBytes);
    generated.id = std::string(kRefreshTokenIdPrefix) + randomBase62(kRefreshTokenIdRandomChars);
    generated.token_hash = refreshTokenHash(generated.token);
    return generated;
}

std::string newRefreshTokenFamilyId() {
    return std::string(kRefreshTokenFamilyPrefix) + randomBase62(kRefreshTokenIdRandomChars);
}

std::string refreshTokenHash(std::string_view token) {
    return sha256Hex(token);
}

bool isWellFormedRefreshToken(std::string_view token) {
    if (token.size() != kRefreshTokenPrefix.size() + kRefreshTokenEncodedChars ||
        !token.starts_with(kRefreshTokenPrefix)) {
        return false;
    }
    const auto decoded = base64UrlDecode(token.substr(kRefreshTokenPrefix.size()));
    return decoded && decoded->size() == kRefreshTokenRandomBytes;
}

}  // namespace infrasage::auth
