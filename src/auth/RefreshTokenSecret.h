// auth/RefreshTokenSecret: the format, generation and storage hash of refresh tokens. Defends
// against guessing (256 random bits), against a stolen database (only SHA-256 of the token is
// stored; a plain digest suffices because the token is uniformly random, so there is nothing to
// brute-force), and against replay of a stolen token (each token has an id and a family id so the
// store can rotate on every use and revoke the whole family when a used token comes back).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace infrasage::auth {

inline constexpr std::string_view kRefreshTokenPrefix = "isr_";
inline constexpr std::size_t kRefreshTokenRandomBytes = 32;   // 256 bits
inline constexpr std::size_t kRefreshTokenEncodedChars = 43;  // unpadded base64url of 32 bytes
inline constexpr std::string_view kRefreshTokenIdPrefix = "rt_";
inline constexpr std::string_view kRefreshTokenFamilyPrefix = "rtf_";
inline constexpr std::size_t kRefreshTokenIdRandomChars = 16;  // base62

struct GeneratedRefreshToken {
    std::string token;       // given to the client once, never stored or logged
    std::string id;          // `rt_…`: public identifier of this token
    std::string token_hash;  // refreshTokenHash(token): what the store keeps
};

GeneratedRefreshToken generateRefreshToken();

// `rtf_…`: one per login; every rotation of that login's tokens keeps it.
std::string newRefreshTokenFamilyId();

// Lower-case hex SHA-256 of the token.
std::string refreshTokenHash(std::string_view token);

// Exactly `isr_` + 43 base64url characters that decode to 32 bytes (canonical encoding).
bool isWellFormedRefreshToken(std::string_view token);

}  // namespace infrasage::auth
