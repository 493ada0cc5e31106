// auth/Roles: the role ladder and API-key scopes of PRODUCT.md §2. A role includes every role
// below it; a key's scope caps what the key may do, and a `full` key is never more than an admin.
#pragma once

#include <optional>
#include <string_view>

namespace infrasage::auth {

enum class Role : int { Viewer = 1, Operator = 2, Admin = 3, SuperAdmin = 4, System = 5 };

enum class Scope { None, Ingestion, ReadOnly, Full };

std::optional<Role> parseRole(std::string_view name);
std::string_view roleName(Role role);
std::optional<Scope> parseScope(std::string_view name);  // ingestion | readonly | full
std::string_view scopeName(Scope scope);

// The highest role a key acts with: full keys as admins (never more), ingestion keys as operators
// (what ingestion routes ask of users), readonly keys as viewers. Which routes a key may call at
// all is decided by the route's admitted scopes first.
Role roleForScope(Scope scope);

}  // namespace infrasage::auth
