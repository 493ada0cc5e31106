#include "auth/PasswordHasher.h"

#include <sodium.h>

#include <array>
#include <stdexcept>

#include "auth/SecretRandom.h"
#include "common/ApiError.h"

namespace infrasage::auth {

namespace {

constexpr std::string_view kArgon2idPrefix = "$argon2id$";

bool isArgon2id(std::string_view phc) {
    // crypto_pwhash_str_verify would also accept argon2i; we only ever store argon2id.
    return phc.starts_with(kArgon2idPrefix) && phc.size() < crypto_pwhash_STRBYTES;
}

}  // namespace

void validatePasswordPolicy(std::string_view password) {
    if (password.size() < kMinPasswordBytes) {
        throw ApiError(400, "weak_password", "password must be at least 12 bytes long");
    }
    if (password.size() > kMaxPasswordBytes) {
        throw ApiError(400, "weak_password", "password must be at most 1024 bytes long");
    }
}

PasswordHasher::Cost PasswordHasher::Cost::interactive() {
    return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordHasher::Cost PasswordHasher::Cost::minimum() {
    return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

PasswordHasher::PasswordHasher(Cost cost) : cost_(cost) {
    ensureSodiumInitialised();
    dummy_hash_ = hash(randomBase62(32));
}

std::string PasswordHasher::hash(std::string_view password) const {
    validatePasswordPolicy(password);
    std::array<char, crypto_pwhash_STRBYTES> out{};
    if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), cost_.opslimit,
                              cost_.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw std::runtime_error("argon2id hashing failed (out of memory?)");
    }
    return std::string(out.data());
}

bool PasswordHasher::verify(std::string_view phc, std::string_view password) const {
    if (!isArgon2id(phc) || password.size() > kMaxPasswordBytes) {
        return false;
    }
    const std::string terminated(phc);  // libsodium reads a NUL-terminated string
    return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

bool PasswordHasher::needsRehash(std::string_view phc) const {
    if (!isArgon2id(phc)) {
        return true;
    }
    const std::string terminated(phc);
    return crypto_pwhash_str_needs_rehash(terminated.c_str(), cost_.opslimit, cost_.memlimit) != 0;
}

void PasswordHasher::burnVerifyTime() const {
    // The dummy password is random and forgotten, so this can never succeed.
    static_cast<void>(verify(dummy_hash_, "burn-verify-time-placeholder"));
}

}  // namespace infrasage::auth
