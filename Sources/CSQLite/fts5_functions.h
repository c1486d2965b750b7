// FTS5 auxiliary functions of our own, registered on every catalog connection.
//
// Why hand-written: FTS5's bm25() reads N, the average row length and every phrase's document count
// from the one table it runs on, so a shard scores with its own statistics and a sharded catalog ranks
// differently from one catalog (ARCHITECTURE.md, *Cluster*: per-shard IDF measured not negligible).
// vsearch_bm25() is FTS5's bm25() (sqlite/ext/fts5/fts5_aux.c, public domain) with those statistics
// passed in, so every shard scores with the cluster's summed figures and one machine with its own.
#ifndef VSEARCH_CSQLITE_FTS5_FUNCTIONS_H
#define VSEARCH_CSQLITE_FTS5_FUNCTIONS_H
#include <math.h>
#include <string.h>
#include <sqlite3.h>

// vsearch_bm25(fts, avgdl, idfs, w0, w1, …): BM25 of the current row, "lower is better" like bm25().
//   avgdl: average tokens per row (all columns), from the statistics the caller chose;
//   idfs:  a blob of native doubles, one IDF per phrase of the MATCH expression, in expression order;
//   w…:    column weights (missing ones weigh 1), as bm25()'s arguments.
// Per phrase: score += idf * f * (k1 + 1) / (f + k1 * (1 - b + b * D / avgdl)), with f the phrase's
// column-weighted occurrences in the row and D the row's tokens (all columns); k1 = 1.2, b = 0.75.
static void vsearch_fts5_bm25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *context,
                              int argumentCount, sqlite3_value **arguments) {
    const double k1 = 1.2, b = 0.75;
    if (argumentCount < 2 || sqlite3_value_type(arguments[1]) != SQLITE_BLOB) {
        sqlite3_result_error(context, "vsearch_bm25: expects (table, avgdl, idf blob, weights...)", -1);
        return;
    }
    double avgdl = sqlite3_value_double(arguments[0]);
    const double *idfs = (const double *)sqlite3_value_blob(arguments[1]);
    int phraseCount = api->xPhraseCount(fts);
    if (sqlite3_value_bytes(arguments[1]) != phraseCount * (int)sizeof(double) || !(avgdl > 0)) {
        sqlite3_result_error(context, "vsearch_bm25: the statistics do not match the query's phrases", -1);
        return;
    }
    double local[64];
    double *frequencies = phraseCount <= 64 ? local : sqlite3_malloc64(sizeof(double) * (sqlite3_uint64)phraseCount);
    if (!frequencies) { sqlite3_result_error_nomem(context); return; }
    memset(frequencies, 0, sizeof(double) * (size_t)phraseCount);
    int instances = 0, rc = api->xInstCount(fts, &instances);
    for (int i = 0; rc == SQLITE_OK && i < instances; i++) {
        int phrase, column, offset;
        rc = api->xInst(fts, i, &phrase, &column, &offset);
        if (rc == SQLITE_OK) frequencies[phrase] += argumentCount - 2 > column ? sqlite3_value_double(arguments[2 + column]) : 1.0;
    }
    int tokens = 0;
    if (rc == SQLITE_OK) rc = api->xColumnSize(fts, -1, &tokens);
    if (rc == SQLITE_OK) {
        double score = 0, rowLength = (double)tokens;
        for (int i = 0; i < phraseCount; i++) {
            score += idfs[i] * ((frequencies[i] * (k1 + 1.0)) / (frequencies[i] + k1 * (1 - b + b * rowLength / avgdl)));
        }
        sqlite3_result_double(context, -1.0 * score);
    } else {
        sqlite3_result_error_code(context, rc);
    }
    if (frequencies != local) sqlite3_free(frequencies);
}

// vsearch_fts_totals(fts): the table's row count and total tokens (all columns) as the text "rows tokens",
// the figures bm25() derives N and avgdl from. Works on any row (FTS5 keeps them in one record).
static void vsearch_fts5_totals(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *context,
                                int argumentCount, sqlite3_value **arguments) {
    (void)argumentCount; (void)arguments;
    sqlite3_int64 rows = 0, tokens = 0;
    int rc = api->xRowCount(fts, &rows);
    if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, -1, &tokens);
    if (rc != SQLITE_OK) { sqlite3_result_error_code(context, rc); return; }
    char text[48];
    sqlite3_snprintf((int)sizeof text, text, "%lld %lld", rows, tokens);
    sqlite3_result_text(context, text, -1, SQLITE_TRANSIENT);
}

// Registers both functions on `db` (FTS5's documented way to reach its API: `SELECT fts5(?1)` with a
// bound "fts5_api_ptr" pointer). Returns an SQLite result code.
static inline int vsearch_register_fts5_functions(sqlite3 *db) {
    fts5_api *api = 0;
    sqlite3_stmt *statement = 0;
    int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, 0);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_pointer(statement, 1, (void *)&api, "fts5_api_ptr", 0);
    sqlite3_step(statement);
    rc = sqlite3_finalize(statement);
    if (rc != SQLITE_OK) return rc;
    if (!api || api->iVersion < 2) return SQLITE_ERROR;
    rc = api->xCreateFunction(api, "vsearch_bm25", 0, vsearch_fts5_bm25, 0);
    if (rc == SQLITE_OK) rc = api->xCreateFunction(api, "vsearch_fts_totals", 0, vsearch_fts5_totals, 0);
    return rc;
}
#endif
