// tenancy/TenantScope: the only way code names "whose data". A scope is made from an
// authenticated Principal — its own tenant, or (super_admin only, explicitly asked for) all
// tenants — never from request input. Repositories take a TenantScope and build the tenant
// condition themselves (storage/TenantQuery), so a handler cannot forget or forge it.
// Depends on: auth (Principal), common.
#pragma once

#include <optional>
#include <string>

#include "auth/Principal.h"

namespace infrasage::tenancy {

class TenantScope {
  public:
    // The caller's own tenant.
    static TenantScope of(const auth::Principal& principal) {
        return TenantScope(principal.tenant_id, false);
    }
    // Every tenant: only for super_admin (throws ApiError 403 otherwise).
    static TenantScope allTenantsFor(const auth::Principal& principal);
    // A named tenant: the caller's own, or any tenant for super_admin (403 otherwise).
    static TenantScope tenantFor(const auth::Principal& principal, const std::string& tenant_id);

    bool allTenants() const { return all_; }
    // The tenant id; empty when allTenants().
    const std::string& tenantId() const { return tenant_id_; }

  private:
    TenantScope(std::string tenant_id, bool all) : tenant_id_(std::move(tenant_id)), all_(all) {}
    std::string tenant_id_;
    bool all_;
};

}  // namespace infrasage::tenancy
