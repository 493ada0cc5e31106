// audit/AuditOutbox: audit entries for actions taken where the server's WAL cannot be written —
// the admin CLI, which may run while the server holds the WAL, or while it is stopped. The CLI
// puts each entry in the control store's outbox; the server moves outbox entries into the audit
// log (durable WAL, hash chain) and only then deletes them, so none is lost either way.
#pragma once

#include <string>

#include "audit/AuditEntry.h"
#include "audit/AuditLog.h"
#include "controlstore/ControlStore.h"

namespace infrasage::audit {

std::string encodeOutboxEntry(const AuditEntry& entry);
// Throws std::invalid_argument for a malformed entry.
AuditEntry decodeOutboxEntry(const std::string& json);

// Moves up to `limit` pending outbox entries into `log`; returns how many. A malformed entry is
// recorded as an `audit.outbox_malformed` failure entry instead of being dropped silently.
std::size_t drainAuditOutbox(controlstore::ControlStore& store, AuditLog& log,
                             std::size_t limit = 1000);

}  // namespace infrasage::audit
