// Test helper: builds JWTs with OpenSSL directly (HMAC, RSA, base64), independently of JwtCodec
// and libjwt, so that the verifier is checked against an encoder it does not share code with.
#pragma once

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace infrasage::auth::testing {

inline constexpr int64_t kNow = 1714564800;  // 2024-05-01T12:00:00Z
inline const std::string kSecret = "0123456789abcdef0123456789abcdef-test-secret";

inline std::string base64Url(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    while (!out.empty() && out.back() == '=') {
        out.pop_back();
    }
    for (auto& c : out) {
        c = c == '+' ? '-' : (c == '/' ? '_' : c);
    }
    return out;
}

inline std::string hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    HMAC(md, key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &size);
    return std::string(reinterpret_cast<const char*>(mac), size);
}

// header.payload.signature with the signature computed by `sign` over "header.payload".
template <typename Sign>
std::string signedToken(std::string_view header_json, std::string_view payload_json, Sign sign) {
    const std::string input = base64Url(header_json) + "." + base64Url(payload_json);
    return input + "." + base64Url(sign(input));
}

inline std::string hs256(std::string_view header_json, std::string_view payload_json,
                         std::string_view key = kSecret) {
    return signedToken(header_json, payload_json,
                       [&](const std::string& input) { return hmac(EVP_sha256(), key, input); });
}

inline const std::string kHs256Header = R"({"alg":"HS256","typ":"JWT"})";

inline nlohmann::json validClaims() {
    return {{"sub", "alice@example.com"}, {"tenant_id", "acme-corp"}, {"role", "viewer"},
            {"iss", "infrasage"},         {"aud", "infrasage-api"},   {"jti", "jti-0001"},
            {"iat", kNow - 60},           {"exp", kNow + 3600}};
}

inline std::string hs256Claims(const nlohmann::json& claims, std::string_view key = kSecret) {
    return hs256(kHs256Header, claims.dump(), key);
}

// An RSA key pair made fresh for the test; its public half as PEM text is what an
// algorithm-confusion attacker would use as an HMAC key.
class RsaKey {
  public:
    RsaKey() : key_(EVP_RSA_gen(2048), EVP_PKEY_free) {
        if (!key_) {
            throw std::runtime_error("RSA key generation failed");
        }
    }

    std::string publicPem() const {
        std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
        PEM_write_bio_PUBKEY(bio.get(), key_.get());
        char* data = nullptr;
        const long size = BIO_get_mem_data(bio.get(), &data);
        return std::string(data, static_cast<std::size_t>(size));
    }

    std::string signRs256(std::string_view input) const {
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                    EVP_MD_CTX_free);
        std::size_t size = 0;
        EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get());
        EVP_DigestSign(ctx.get(), nullptr, &size,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size());
        std::vector<unsigned char> signature(size);
        EVP_DigestSign(ctx.get(), signature.data(), &size,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size());
        return std::string(reinterpret_cast<const char*>(signature.data()), size);
    }

  private:
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_;
};

}  // namespace infrasage::auth::testing
