// auth/PasswordHasher: argon2id hashes of user passwords (libsodium). Defends against offline
// cracking of a stolen database (memory-hard, salted hashes in PHC string form), against user
// enumeration by timing (burnVerifyTime makes "no such user" cost as much as "wrong password"),
// and against trivially guessable passwords (validatePasswordPolicy).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace infrasage::auth {

inline constexpr std::size_t kMinPasswordBytes = 12;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// Throws ApiError(400, "weak_password") for passwords shorter than 12 or longer than 1024 bytes.
void validatePasswordPolicy(std::string_view password);

class PasswordHasher {
  public:
    struct Cost {
        unsigned long long opslimit;
        std::size_t memlimit;  // bytes

        // libsodium's INTERACTIVE limits (2 passes, 64 MiB): the production default.
        static Cost interactive();
        // libsodium's minimum (1 pass, 8 KiB): only for tests, never for real hashes.
        static Cost minimum();
    };

    // Hashes a dummy password once, so that burnVerifyTime has a hash of the same cost to check.
    explicit PasswordHasher(Cost cost = Cost::interactive());

    // PHC string `$argon2id$v=19$m=…,t=…,p=1$salt$hash`. Applies validatePasswordPolicy first.
    // Throws std::runtime_error if hashing fails (out of memory).
    std::string hash(std::string_view password) const;

    // True when `password` matches `phc`. False for a malformed or non-argon2id hash, and for a
    // password over the size limit (without hashing it).
    bool verify(std::string_view phc, std::string_view password) const;

    // True when `phc` was made with other limits than this hasher's (or is not argon2id): the
    // caller should store hash(password) after the next successful verify.
    bool needsRehash(std::string_view phc) const;

    // Costs what verify costs and returns nothing: call it when the account does not exist so
    // the response time does not tell an attacker which emails have accounts.
    void burnVerifyTime() const;

  private:
    Cost cost_;
    std::string dummy_hash_;
};

}  // namespace infrasage::auth
