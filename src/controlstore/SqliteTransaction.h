// controlstore/SqliteTransaction: a write transaction (RAII). BEGIN IMMEDIATE takes the database's
// write lock up front, so another process's writer makes us wait through busy_timeout instead of
// failing mid-transaction when a deferred read lock cannot be upgraded; the transaction rolls
// back unless commit() is reached.
#pragma once

#include "controlstore/SqliteConnection.h"

namespace infrasage::controlstore {

class SqliteTransaction {
  public:
    explicit SqliteTransaction(SqliteConnection& connection);
    ~SqliteTransaction();
    SqliteTransaction(const SqliteTransaction&) = delete;
    SqliteTransaction& operator=(const SqliteTransaction&) = delete;

    void commit();

  private:
    SqliteConnection& connection_;
    bool open_ = true;
};

}  // namespace infrasage::controlstore
