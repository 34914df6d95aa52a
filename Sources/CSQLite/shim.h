#ifndef PORTFOLIO_LEDGER_CSQLITE_SHIM_H
#define PORTFOLIO_LEDGER_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro cast ((sqlite3_destructor_type)-1) that Swift cannot import.
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }

// sqlite3_db_config is variadic, which Swift cannot call: the integer on/off options through a
// fixed signature. `value` 1 enables, 0 disables, -1 only queries; the setting after the call is
// stored in `*current`.
static inline int csqlite_db_config_flag(sqlite3 *db, int option, int value, int *current) {
    return sqlite3_db_config(db, option, value, current);
}
#endif
