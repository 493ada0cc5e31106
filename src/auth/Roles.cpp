#include "auth/Roles.h"

#include <array>
#include <utility>

namespace infrasage::auth {

namespace {

constexpr std::array<std::pair<std::string_view, Role>, 5> kRoles{{
    {"viewer", Role::Viewer},
    {"operator", Role::Operator},
    {"admin", Role::Admin},
    {"super_admin", Role::SuperAdmin},
    {"system", Role::System},
}};

constexpr std::array<std::pair<std::string_view, Scope>, 3> kScopes{{
    {"ingestion", Scope::Ingestion},
    {"readonly", Scope::ReadOnly},
    {"full", Scope::Full},
}};

}  // namespace

std::optional<Role> parseRole(std::string_view name) {
    for (const auto& [text, role] : kRoles) {
        if (text == name) {
            return role;
        }
    }
    return std::nullopt;
}

std::string_view roleName(Role role) {
    for (const auto& [text, r] : kRoles) {
        if (r == role) {
            return text;
        }
    }
    return "unknown";
}

std::optional<Scope> parseScope(std::string_view name) {
    for (const auto& [text, scope] : kScopes) {
        if (text == name) {
            return scope;
        }
    }
    return std::nullopt;
}

std::string_view scopeName(Scope scope) {
    for (const auto& [text, s] : kScopes) {
        if (s == scope) {
            return text;
        }
    }
    return "none";
}

Role roleForScope(Scope scope) {
    switch (scope) {
        case Scope::Full:
            return Role::Admin;
        case Scope::Ingestion:
            return Role::Operator;  // ingestion routes ask for operator
        case Scope::ReadOnly:
        case Scope::None:
            return Role::Viewer;
    }
    return Role::Viewer;
}

}  // namespace infrasage::auth
