#include "auth/Principal.h"

namespace infrasage::auth {

std::string actorTypeName(ActorType type) {
    switch (type) {
        case ActorType::User:
            return "user";
        case ActorType::ApiKey:
            return "api_key";
        case ActorType::Development:
            return "development";
        case ActorType::System:
            return "system";
    }
    return "unknown";
}

}  // namespace infrasage::auth
