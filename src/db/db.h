/* db.h: the one database API of Kontakt, over SQLite and PostgreSQL.
 *
 * Callers write portable SQL with '?' placeholders; dialect text (DDL
 * differences, search clauses) lives only inside src/db.  A struct db is
 * shared by all threads; a struct db_conn is used by one thread at a time
 * between db_conn_acquire and db_conn_release.  Statements are prepared
 * once per connection and cached by their SQL text. */
#ifndef KT_DB_H
#define KT_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct db;
struct db_conn;
struct db_stmt;

enum db_engine { DB_SQLITE = 1, DB_PG = 2 };

struct db_options {
	const char *sqlite_path;  /* one of these two */
	const char *pg_url;
	int pool_size;            /* connections; >= 1 */
	bool sync_normal;         /* SQLite synchronous=NORMAL instead of FULL */
	bool create;              /* SQLite: create the file if missing */
	bool bulk;                /* SQLite: a large page cache for bulk loads (demo, import) */
};

/* db_open: connects pool_size connections; *out is freed with db_free. */
kt_err db_open(const struct db_options *opt, struct db **out);
void db_free(struct db *db);
enum db_engine db_engine_of(const struct db *db);
/* db_describe: "sqlite:PATH" or "postgresql" for logs; borrowed. */
const char *db_describe(const struct db *db);

/* db_conn_acquire: waits for a free connection; give it back with
 * db_conn_release (which rolls back a transaction left open). */
kt_err db_conn_acquire(struct db *db, struct db_conn **out);
void db_conn_release(struct db_conn *c);
struct db *db_conn_db(struct db_conn *c);

/* Transactions.  A write transaction takes the write lock at once
 * (BEGIN IMMEDIATE on SQLite) so it never fails half-way on an upgrade. */
kt_err db_begin(struct db_conn *c, bool write);
kt_err db_commit(struct db_conn *c);
void db_rollback(struct db_conn *c);

/* db_tx_run: runs fn inside a transaction, committing when it returns
 * ERR_OK and rolling back otherwise; retried up to LIM_DB_RETRIES times
 * when the database reports ERR_BUSY (fn must be safe to repeat). */
typedef kt_err (*db_tx_fn)(struct db_conn *c, void *ctx);
kt_err db_tx_run(struct db_conn *c, bool write, db_tx_fn fn, void *ctx);

/* db_prepare: a reset statement for sql, from the connection's cache;
 * borrowed until the connection is released.  Bind indexes are 1-based,
 * column indexes 0-based. */
kt_err db_prepare(struct db_conn *c, const char *sql, struct db_stmt **out);
kt_err db_bind_int64(struct db_stmt *s, int idx, int64_t v);
kt_err db_bind_double(struct db_stmt *s, int idx, double v);
/* db_bind_text: copies v[0..len); a NULL v binds SQL NULL. */
kt_err db_bind_text(struct db_stmt *s, int idx, const char *v, size_t len);
kt_err db_bind_str(struct db_stmt *s, int idx, const char *v);
kt_err db_bind_null(struct db_stmt *s, int idx);
/* db_step: ERR_ROW when a row is ready, ERR_DONE at the end, else an error. */
kt_err db_step(struct db_stmt *s);
/* db_exec_stmt: step once expecting no row (or ignoring it); ERR_OK on done. */
kt_err db_exec_stmt(struct db_stmt *s);
int db_col_count(struct db_stmt *s);
bool db_col_is_null(struct db_stmt *s, int col);
int64_t db_col_int64(struct db_stmt *s, int col);
double db_col_double(struct db_stmt *s, int col);
/* db_col_text: NULL for SQL NULL; borrowed until the next step or reset. */
const char *db_col_text(struct db_stmt *s, int col, size_t *len);
void db_reset(struct db_stmt *s);

/* db_exec: runs SQL without parameters or results (may hold several
 * statements; used by migrations). */
kt_err db_exec(struct db_conn *c, const char *sql);
/* db_errmsg: the last engine message of c, for logs; borrowed. */
const char *db_errmsg(struct db_conn *c);
/* db_changes: rows changed by the last statement. */
int64_t db_changes(struct db_conn *c);

/* Search: the dialect's way to restrict a table to rows whose search
 * document matches every folded prefix in q.  db_search_sql appends a
 * condition "id IN (...)" with '?' parameters; db_search_bind binds them
 * starting at *idx (advanced).  db_search_put stores the document of one
 * row; db_search_del removes it. */
struct buf;
kt_err db_search_sql(struct db *db, const char *table, struct buf *sql);
kt_err db_search_bind(struct db_stmt *s, int *idx, const char *folded_q);
kt_err db_search_put(struct db_conn *c, const char *table, int64_t id, const char *doc);
kt_err db_search_del(struct db_conn *c, const char *table, int64_t id);

/* db_search_join: the fastest plan for "search results, newest first":
 * from gets the FROM clause over table and its search index, cond the
 * match condition (one '?' bound with db_search_bind), order the
 * expression to sort by, newest first with DESC (the row id). */
kt_err db_search_join(struct db *db, const char *table, struct buf *from, struct buf *cond, struct buf *order);

/* db_nulls_first: whether NULL sorts before every value in ascending order
 * (SQLite) rather than after it (PostgreSQL); keyset pages over a column
 * that may be NULL follow the engine's own order, which its indexes keep. */
bool db_nulls_first(const struct db *db);

/* db_sql_skip_locked: " FOR UPDATE SKIP LOCKED" where the engine has it
 * (PostgreSQL), "" where a write transaction is exclusive (SQLite). */
const char *db_sql_skip_locked(const struct db *db);

/* db_conn_bulk: while on, c keeps far more of the database in memory
 * (SQLite: a 256 MiB page cache) for a transaction that writes a great
 * many rows, such as an import; off goes back to the usual size.  A no-op
 * on PostgreSQL, whose buffers are the server's. */
kt_err db_conn_bulk(struct db_conn *c, bool on);

/* db_indexes_off: drops the indexes of table that are neither its primary
 * key nor unique, in the caller's transaction, and hands their definitions
 * to *saved (malloc'd); db_indexes_on builds them again and frees saved
 * (NULL is fine).  For loading a great many rows into an empty table:
 * building an index once costs far less than keeping it up row by row. */
kt_err db_indexes_off(struct db_conn *c, const char *table, char **saved);
kt_err db_indexes_on(struct db_conn *c, char *saved);

/* db_refresh_stats: after loading a great many rows, brings the planner's
 * statistics up to date (PostgreSQL: ANALYZE, without which a fresh load
 * is planned as if its tables were empty, a search walking a whole table;
 * SQLite: PRAGMA optimize, which analyzes only what needs it). */
kt_err db_refresh_stats(struct db_conn *c);

/* db_integrity_check: ERR_OK when the database file is sound. */
kt_err db_integrity_check(struct db_conn *c);

#endif
