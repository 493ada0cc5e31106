// auth/Principal: the authenticated caller as every handler sees it. Handlers never read
// credentials themselves; they get a Principal from the authentication filter, and its tenant_id is
// the only tenant they may touch.
#pragma once

#include <cstdint>
#include <string>

#include "auth/Roles.h"

namespace infrasage::auth {

enum class ActorType { User, ApiKey, Development, System };

struct Principal {
    std::string tenant_id;
    std::string actor;  // user email or API key id; never a secret
    ActorType actor_type = ActorType::User;
    std::string role;                // viewer | operator | admin | super_admin | system
    Scope scope = Scope::None;       // API keys only
    std::string user_id;             // users only
    int64_t key_rate_limit_rps = 0;  // API keys only; 0 = none
};

std::string actorTypeName(ActorType type);

}  // namespace infrasage::auth
