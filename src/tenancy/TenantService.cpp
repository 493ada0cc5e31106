#include "tenancy/TenantService.h"

#include "common/ApiError.h"

namespace infrasage::tenancy {

bool isValidTenantId(std::string_view id) {
    if (id.size() < 2 || id.size() > 63 || id.front() == '-') {
        return false;
    }
    for (char c : id) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            return false;
        }
    }
    return true;
}

TenantService::TenantService(controlstore::ControlStore& store, const Clock& clock,
                             std::function<void()> on_change)
    : store_(store), clock_(clock), on_change_(std::move(on_change)) {}

void TenantService::apply(controlstore::Tenant& tenant, const TenantChange& change) {
    auto quota = [](const std::optional<int64_t>& v, int64_t& field) {
        if (!v) {
            return;
        }
        if (*v < 0) {
            throw ApiError(400, "invalid_quota", "quotas must not be negative");
        }
        field = *v;
    };
    if (change.name) {
        if (change.name->empty() || change.name->size() > 200) {
            throw ApiError(400, "invalid_name", "name must be 1 to 200 bytes");
        }
        tenant.name = *change.name;
    }
    if (change.plan) {
        if (change.plan->empty() || change.plan->size() > 64) {
            throw ApiError(400, "invalid_plan", "plan must be 1 to 64 bytes");
        }
        tenant.plan = *change.plan;
    }
    quota(change.rps_quota, tenant.rps_quota);
    quota(change.events_per_month, tenant.events_per_month);
    quota(change.max_api_keys, tenant.max_api_keys);
    quota(change.max_users, tenant.max_users);
    if (change.active) {
        tenant.active = *change.active;
    }
}

controlstore::Tenant TenantService::create(const std::string& id, const TenantChange& fields) {
    if (!isValidTenantId(id)) {
        throw ApiError(400, "invalid_tenant_id",
                       "tenant id must be 2-63 characters of a-z, 0-9 and '-'");
    }
    controlstore::Tenant tenant;
    tenant.id = id;
    tenant.name = id;
    tenant.created_at = clock_.nowNanos() / 1'000'000'000;
    apply(tenant, fields);
    if (!store_.createTenant(tenant)) {
        throw ApiError(409, "already_exists", "a tenant with this id exists");
    }
    return tenant;
}

controlstore::Tenant TenantService::ensure(const std::string& id, const TenantChange& fields) {
    if (auto existing = store_.tenant(id)) {
        return *existing;
    }
    return create(id, fields);
}

std::vector<controlstore::Tenant> TenantService::list() {
    return store_.tenants();
}

controlstore::Tenant TenantService::get(const std::string& id) {
    auto tenant = store_.tenant(id);
    if (!tenant) {
        throw ApiError(404, "not_found", "no such tenant");
    }
    return *tenant;
}

controlstore::Tenant TenantService::update(const std::string& id, const TenantChange& change) {
    auto tenant = get(id);
    apply(tenant, change);
    store_.updateTenant(tenant);
    on_change_();
    return tenant;
}

}  // namespace infrasage::tenancy
