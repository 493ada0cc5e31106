// auth/Principal: the authenticated caller as every handler sees it. Handlers never read
// credentials themselves; they get a Principal from the authentication filter, and its tenant_id is
// the only tenant they may touch.
#pragma once

#include <string>

namespace infrasage::auth {

enum class ActorType { User, ApiKey, Development, System };

struct Principal {
    std::string tenant_id;
    std::string actor;  // user email or API key id; never a secret
    ActorType actor_type = ActorType::User;
    std::string role;  // viewer | operator | admin | super_admin | system
};

std::string actorTypeName(ActorType type);

}  // namespace infrasage::auth
