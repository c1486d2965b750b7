// SQLite 3 (Debian libsqlite3-dev) for the Catalog target, plus the few wrappers Swift needs.
#ifndef VSEARCH_CSQLITE_SHIM_H
#define VSEARCH_CSQLITE_SHIM_H
#include <sqlite3.h>
#include "fts5_functions.h"

// SQLITE_TRANSIENT is the macro ((sqlite3_destructor_type)-1), a cast Swift cannot import: these
// wrappers bind text and blobs that SQLite copies before returning, so Swift buffers may go away.
static inline int vsearch_sqlite3_bind_text_transient(sqlite3_stmt *statement, int index, const char *text, int bytes) {
    return sqlite3_bind_text(statement, index, text, bytes, SQLITE_TRANSIENT);
}

static inline int vsearch_sqlite3_bind_blob_transient(sqlite3_stmt *statement, int index, const void *blob, int bytes) {
    return sqlite3_bind_blob(statement, index, blob, bytes, SQLITE_TRANSIENT);
}
#endif
