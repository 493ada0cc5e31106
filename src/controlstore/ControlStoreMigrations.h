// controlstore/ControlStoreMigrations: the versioned schema of the control store. The DDL is kept
// portable (TEXT, BIGINT, INTEGER 0/1 booleans, CHECK, REFERENCES, plain and expression indexes),
// so a PostgreSQL implementation can apply the same list; recording which versions ran
// (schema_migrations) is the implementation's job.
#pragma once

#include <string_view>
#include <vector>

namespace infrasage::controlstore {

struct Migration {
    int version;
    std::string_view name;
    // One or more statements separated by ';', no parameters.
    std::string_view sql;
};

// All migrations in ascending version order. Append only: never edit one that has shipped.
const std::vector<Migration>& controlStoreMigrations();

}  // namespace infrasage::controlstore
