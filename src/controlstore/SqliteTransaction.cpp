#include "controlstore/SqliteTransaction.h"

namespace infrasage::controlstore {

SqliteTransaction::SqliteTransaction(SqliteConnection& connection) : connection_(connection) {
    connection_.exec("BEGIN IMMEDIATE");
}

SqliteTransaction::~SqliteTransaction() {
    if (!open_) {
        return;
    }
    try {
        connection_.exec("ROLLBACK");
    } catch (...) {
        // SQLite already rolled back (e.g. after an I/O error); nothing is left to undo.
    }
}

void SqliteTransaction::commit() {
    connection_.exec("COMMIT");
    open_ = false;
}

}  // namespace infrasage::controlstore
