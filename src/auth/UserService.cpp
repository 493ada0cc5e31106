#include "auth/UserService.h"

#include "auth/AuthService.h"
#include "auth/SecretRandom.h"
#include "common/ApiError.h"

namespace infrasage::auth {

namespace {

ApiError notFound() {
    return ApiError(404, "not_found", "no such user");
}

}  // namespace

bool isValidEmail(std::string_view email) {
    auto at = email.find('@');
    if (email.size() > 254 || at == 0 || at == std::string_view::npos ||
        email.find('.', at) == std::string_view::npos || email.back() == '.') {
        return false;
    }
    for (char c : email) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '"' || c == '<' ||
            c == '>') {
            return false;
        }
    }
    return email.find('@', at + 1) == std::string_view::npos;
}

UserService::UserService(controlstore::ControlStore& store, const PasswordHasher& passwords,
                         const Clock& clock, std::function<void()> on_change)
    : store_(store), passwords_(passwords), clock_(clock), on_change_(std::move(on_change)) {}

void UserService::checkGrant(Role granter, const std::string& role) const {
    auto target = parseRole(role);
    if (!target || *target == Role::System) {
        throw ApiError(400, "invalid_role", "role must be viewer, operator, admin or super_admin");
    }
    if (static_cast<int>(*target) > static_cast<int>(granter)) {
        throw ApiError(403, "forbidden", "a role above your own cannot be granted");
    }
}

controlstore::User UserService::create(const std::string& tenant_id, Role granter,
                                       const std::string& email_in, const std::string& password,
                                       const std::string& role) {
    const auto email = normalizeEmail(email_in);
    if (!isValidEmail(email)) {
        throw ApiError(400, "invalid_email", "not a valid email address");
    }
    checkGrant(granter, role);
    validatePasswordPolicy(password);
    auto tenant = store_.tenant(tenant_id);
    if (!tenant) {
        throw ApiError(404, "not_found", "no such tenant");
    }
    if (store_.countUsers(tenant_id) >= tenant->max_users) {
        throw ApiError(409, "quota_exceeded", "the tenant has reached its user quota");
    }
    controlstore::User user;
    user.id = "usr_" + randomBase62(16);
    user.tenant_id = tenant_id;
    user.email = email;
    user.password_hash = passwords_.hash(password);
    user.role = role;
    user.created_at = now();
    if (!store_.createUser(user)) {
        throw ApiError(409, "already_exists", "a user with this email exists");
    }
    return user;
}

std::vector<controlstore::User> UserService::list(const std::string& tenant_id) {
    return store_.users(tenant_id);
}

controlstore::User UserService::get(const std::string& tenant_id, const std::string& user_id) {
    auto user = store_.userById(user_id);
    if (!user || user->tenant_id != tenant_id) {
        throw notFound();
    }
    return *user;
}

controlstore::User UserService::byEmail(const std::string& tenant_id, const std::string& email) {
    auto user = store_.userByEmail(normalizeEmail(email));
    if (!user || user->tenant_id != tenant_id) {
        throw notFound();
    }
    return *user;
}

controlstore::User UserService::update(const std::string& tenant_id, Role granter,
                                       const std::string& user_id, const UserChange& change) {
    auto user = get(tenant_id, user_id);
    auto current = parseRole(user.role);
    if (current && static_cast<int>(*current) > static_cast<int>(granter)) {
        throw ApiError(403, "forbidden", "a user above your own role cannot be changed");
    }
    bool void_tokens = false;
    if (change.role) {
        checkGrant(granter, *change.role);
        user.role = *change.role;  // old tokens carry the old role and are refused as stale
    }
    if (change.password) {
        validatePasswordPolicy(*change.password);
        user.password_hash = passwords_.hash(*change.password);
        void_tokens = true;
    }
    if (change.active) {
        void_tokens = void_tokens || (user.active && !*change.active);
        user.active = *change.active;
    }
    const auto t = now();
    if (void_tokens) {
        user.tokens_valid_after = t;
        store_.revokeUserRefreshTokens(user.id, t);
    }
    store_.updateUser(user);
    on_change_();
    return user;
}

}  // namespace infrasage::auth
