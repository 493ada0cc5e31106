#include "tenancy/TenantScope.h"

#include "common/ApiError.h"

namespace infrasage::tenancy {

TenantScope TenantScope::allTenantsFor(const auth::Principal& principal) {
    if (principal.role != "super_admin") {
        throw ApiError(403, "forbidden", "only super_admin may read across tenants");
    }
    return TenantScope("", true);
}

TenantScope TenantScope::tenantFor(const auth::Principal& principal, const std::string& tenant_id) {
    if (tenant_id == principal.tenant_id) {
        return TenantScope(tenant_id, false);
    }
    if (principal.role != "super_admin") {
        // 404, not 403: another tenant's existence is not disclosed.
        throw ApiError(404, "not_found", "no such tenant");
    }
    return TenantScope(tenant_id, false);
}

}  // namespace infrasage::tenancy
