// auth/UserService: user management within a tenant. Nobody grants a role above their own,
// `system` is never granted through the API, and only super_admin grants super_admin. Disabling a
// user or changing its password voids its tokens (tokens_valid_after) and refresh tokens at once.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/PasswordHasher.h"
#include "auth/Roles.h"
#include "common/Clock.h"
#include "controlstore/ControlStore.h"

namespace infrasage::auth {

struct UserChange {
    std::optional<bool> active;
    std::optional<std::string> role;
    std::optional<std::string> password;
};

class UserService {
  public:
    UserService(controlstore::ControlStore& store, const PasswordHasher& passwords,
                const Clock& clock, std::function<void()> on_change);

    // `granter` is the role of whoever asks (CLI: super_admin).
    controlstore::User create(const std::string& tenant_id, Role granter, const std::string& email,
                              const std::string& password, const std::string& role);
    std::vector<controlstore::User> list(const std::string& tenant_id);
    controlstore::User get(const std::string& tenant_id, const std::string& user_id);
    controlstore::User update(const std::string& tenant_id, Role granter,
                              const std::string& user_id, const UserChange& change);
    controlstore::User byEmail(const std::string& tenant_id, const std::string& email);

  private:
    void checkGrant(Role granter, const std::string& role) const;
    int64_t now() const { return clock_.nowNanos() / 1'000'000'000; }

    controlstore::ControlStore& store_;
    const PasswordHasher& passwords_;
    const Clock& clock_;
    std::function<void()> on_change_;
};

bool isValidEmail(std::string_view email);

}  // namespace infrasage::auth
