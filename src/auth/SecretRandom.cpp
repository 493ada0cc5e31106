#include "auth/SecretRandom.h"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace infrasage::auth {

namespace {

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

const unsigned char* bytesOf(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

std::string toHex(const unsigned char* bytes, std::size_t size) {
    std::string hex(size * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), bytes, size);
    hex.pop_back();  // sodium writes a terminating NUL
    return hex;
}

}  // namespace

void ensureSodiumInitialised() {
    // sodium_init is idempotent and thread-safe; the static makes later calls free.
    static const bool ok = sodium_init() >= 0;
    if (!ok) {
        throw std::runtime_error("libsodium could not be initialised");
    }
}

std::string randomBase62(std::size_t chars) {
    ensureSodiumInitialised();
    std::string out(chars, '\0');
    for (auto& c : out) {
        // randombytes_uniform rejects samples above the largest multiple of 62: no modulo bias.
        c = kBase62[randombytes_uniform(static_cast<uint32_t>(kBase62.size()))];
    }
    return out;
}

std::string base64UrlEncode(std::string_view bytes) {
    constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    std::string out(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
    sodium_bin2base64(out.data(), out.size(), bytesOf(bytes), bytes.size(), kVariant);
    out.pop_back();  // terminating NUL
    return out;
}

std::optional<std::string> base64UrlDecode(std::string_view encoded) {
    std::string out(encoded.size() * 3 / 4 + 1, '\0');
    std::size_t size = 0;
    const char* end = nullptr;
    // With no `ignore` set, libsodium refuses anything outside the alphabet, and it refuses a
    // dangling 6-bit group or non-zero trailing bits.
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), encoded.data(),
                          encoded.size(), nullptr, &size, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != encoded.data() + encoded.size()) {
        return std::nullopt;
    }
    out.resize(size);
    return out;
}

std::string randomBase64Url(std::size_t bytes) {
    ensureSodiumInitialised();
    std::string raw(bytes, '\0');
    randombytes_buf(raw.data(), raw.size());
    std::string encoded = base64UrlEncode(raw);
    sodium_memzero(raw.data(), raw.size());
    return encoded;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;  // lengths are public (see header)
    }
    return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string sha256Hex(std::string_view data) {
    ensureSodiumInitialised();
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256(digest.data(), bytesOf(data), data.size());
    return toHex(digest.data(), digest.size());
}

std::string hmacSha256(std::string_view key, std::string_view data) {
    ensureSodiumInitialised();
    crypto_auth_hmacsha256_state state{};
    std::string mac(crypto_auth_hmacsha256_BYTES, '\0');
    crypto_auth_hmacsha256_init(&state, bytesOf(key), key.size());
    crypto_auth_hmacsha256_update(&state, bytesOf(data), data.size());
    crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char*>(mac.data()));
    sodium_memzero(&state, sizeof state);
    return mac;
}

std::string hmacSha256Hex(std::string_view key, std::string_view data) {
    const std::string mac = hmacSha256(key, data);
    return toHex(bytesOf(mac), mac.size());
}

}  // namespace infrasage::auth
