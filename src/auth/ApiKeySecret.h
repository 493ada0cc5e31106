// auth/ApiKeySecret: the format, generation and storage hash of API key secrets. Defends against
// guessing (190 random bits per secret), against a stolen database (only a keyed hash is stored:
// without the pepper, which lives outside the database, no one can test guesses offline), and
// against secrets leaking into logs (only the id and the display prefix are meant to be shown).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace infrasage::auth {

inline constexpr std::string_view kApiKeySecretPrefix = "isage_";
inline constexpr std::size_t kApiKeySecretRandomChars = 32;  // 32 * log2(62) ≈ 190 bits
inline constexpr std::size_t kApiKeySecretLength =
    kApiKeySecretPrefix.size() + kApiKeySecretRandomChars;
inline constexpr std::string_view kApiKeyIdPrefix = "isage_key_";
inline constexpr std::size_t kApiKeyIdRandomChars = 16;
inline constexpr std::size_t kApiKeyDisplayPrefixLength = 8;

struct GeneratedApiKey {
    std::string secret;  // shown to the creator once, never stored or logged
    std::string id;      // public identifier (`isage_key_…`), what audit entries carry
    std::string prefix;  // first 8 characters of the secret, for display next to the id
};

GeneratedApiKey generateApiKey();

// Exactly `isage_` followed by 32 base62 characters. Cheap, so it runs before any lookup.
bool isWellFormedApiKey(std::string_view secret);

// HMAC-SHA256(pepper, secret) as hex. A keyed hash rather than a password KDF: the secret has
// ≥128 bits of entropy, so a slow hash buys nothing, and a deterministic hash makes checking a
// presented key one indexed lookup by hash.
class ApiKeyHasher {
  public:
    static constexpr std::size_t kMinPepperBytes = 32;

    // Throws std::invalid_argument when the pepper is shorter than 32 bytes.
    explicit ApiKeyHasher(std::string pepper);

    std::string hash(std::string_view secret) const;

  private:
    std::string pepper_;
};

}  // namespace infrasage::auth
