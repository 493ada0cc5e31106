// auth/SecretRandom: the one source of secrets and secret comparisons in auth. Defends against
// guessable secrets (all randomness comes from the OS CSPRNG through libsodium, and base62
// characters are drawn without modulo bias), against timing attacks on secret comparison
// (constant-time compare), and against home-made digests (SHA-256/HMAC from libsodium).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace infrasage::auth {

// `chars` characters from [0-9A-Za-z], each uniform (log2(62) ≈ 5.95 bits of entropy per char).
std::string randomBase62(std::size_t chars);

// `bytes` random bytes encoded as unpadded base64url (RFC 4648 §5).
std::string randomBase64Url(std::size_t bytes);

// Compares in time that depends only on the lengths. Lengths are NOT secret here: every secret we
// compare (HMAC/SHA-256 digests, fixed-format tokens) has a public, fixed length, so returning
// early on a length mismatch reveals nothing an attacker does not already know.
bool constantTimeEquals(std::string_view a, std::string_view b);

// Lower-case hex SHA-256 of `data` (64 characters).
std::string sha256Hex(std::string_view data);

// Raw 32-byte HMAC-SHA256 of `data` under `key` (any key length).
std::string hmacSha256(std::string_view key, std::string_view data);

// Lower-case hex HMAC-SHA256 (64 characters).
std::string hmacSha256Hex(std::string_view key, std::string_view data);

// Base64url without padding (RFC 4648 §5), as JWT segments use.
std::string base64UrlEncode(std::string_view bytes);

// Strict inverse of base64UrlEncode: nullopt for any character outside [A-Za-z0-9_-] (padding and
// whitespace included), an impossible length, or non-zero unused trailing bits — so every byte
// string has exactly one accepted encoding.
std::optional<std::string> base64UrlDecode(std::string_view encoded);

// Throws std::runtime_error when libsodium cannot be initialised (no entropy source). Every
// function above calls it; it is public for components that call libsodium directly.
void ensureSodiumInitialised();

}  // namespace infrasage::auth
