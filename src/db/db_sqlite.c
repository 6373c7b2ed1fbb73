/* db_sqlite.c: the SQLite engine behind db.h.  WAL, foreign keys, a busy
 * timeout and synchronous=FULL (NORMAL on request) on every connection;
 * search through one FTS5 table per searchable table (<table>_fts).
 * Knows nothing about Kontakt's tables beyond that naming rule. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/collate.h"
#include "core/limits.h"
#include "core/log.h"
#include "db/db_int.h"

#define CONN(c) ((sqlite3 *)(c)->impl)
#define STMT(s) ((sqlite3_stmt *)(s)->impl)

static kt_err map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
		return ERR_OK;
	case SQLITE_ROW:
		return ERR_ROW;
	case SQLITE_DONE:
		return ERR_DONE;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return ERR_BUSY;
	case SQLITE_NOMEM:
		return ERR_NOMEM;
	case SQLITE_FULL:
		return ERR_UNAVAILABLE;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		return ERR_IO;
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return ERR_DUPLICATE;
		if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
			return ERR_IN_USE;
		return ERR_INVALID;
	default:
		return ERR_DB;
	}
}

static kt_err lite_exec(struct db_conn *c, const char *sql)
{
	int rc = sqlite3_exec(CONN(c), sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? ERR_OK : map_rc(sqlite3_extended_errcode(CONN(c)));
}

static int lite_collate(void *arg, int alen, const void *a, int blen, const void *b)
{
	return collate_pl(a, (size_t)alen, b, (size_t)blen);
}

static kt_err lite_connect(struct db *db, struct db_conn *c)
{
	sqlite3 *h = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	if (db->create)
		flags |= SQLITE_OPEN_CREATE;
	int rc = sqlite3_open_v2(db->sqlite_path, &h, flags, NULL);
	if (rc != SQLITE_OK) {
		log_error("event=db_open_failed path=\"%s\" msg=\"%s\"", db->sqlite_path,
			  h ? sqlite3_errmsg(h) : "out of memory");
		sqlite3_close(h);
		return rc == SQLITE_CANTOPEN ? ERR_IO : map_rc(rc);
	}
	c->impl = h;
	sqlite3_extended_result_codes(h, 1);
	sqlite3_busy_timeout(h, LIM_DB_BUSY_MS);
	sqlite3_create_collation(h, "kt_pl", SQLITE_UTF8, NULL, lite_collate);
	kt_err e = lite_exec(c, "PRAGMA journal_mode=WAL");
	if (!e)
		e = lite_exec(c, db->sync_normal ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL");
	if (!e)
		e = lite_exec(c, "PRAGMA foreign_keys=ON");
	if (!e)
		e = lite_exec(c, "PRAGMA temp_store=MEMORY");
	/* Bulk loads re-read the same index pages; 256 MiB keeps them in memory. */
	if (!e && db->bulk)
		e = lite_exec(c, "PRAGMA cache_size=-262144");
	if (e) {
		log_error("event=db_setup_failed path=\"%s\" msg=\"%s\"", db->sqlite_path, sqlite3_errmsg(h));
		sqlite3_close(h);
		c->impl = NULL;
		return e == ERR_DB ? ERR_IO : e;
	}
	return ERR_OK;
}

static void lite_disconnect(struct db_conn *c)
{
	sqlite3_close(CONN(c));
	c->impl = NULL;
}

static kt_err lite_prepare(struct db_stmt *s)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(CONN(s->conn), s->sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(rc) == ERR_BUSY ? ERR_BUSY : ERR_DB;
	s->impl = st;
	return ERR_OK;
}

static void lite_finalize(struct db_stmt *s)
{
	sqlite3_finalize(STMT(s));
	s->impl = NULL;
}

static kt_err lite_bind_int64(struct db_stmt *s, int idx, int64_t v)
{
	return map_rc(sqlite3_bind_int64(STMT(s), idx, v));
}

static kt_err lite_bind_double(struct db_stmt *s, int idx, double v)
{
	return map_rc(sqlite3_bind_double(STMT(s), idx, v));
}

static kt_err lite_bind_text(struct db_stmt *s, int idx, const char *v, size_t len)
{
	return map_rc(sqlite3_bind_text64(STMT(s), idx, v, len, SQLITE_TRANSIENT, SQLITE_UTF8));
}

static kt_err lite_bind_null(struct db_stmt *s, int idx)
{
	return map_rc(sqlite3_bind_null(STMT(s), idx));
}

static kt_err lite_step(struct db_stmt *s)
{
	int rc = sqlite3_step(STMT(s));
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return map_rc(rc);
	return map_rc(sqlite3_extended_errcode(CONN(s->conn)));
}

static int lite_col_count(struct db_stmt *s)
{
	return sqlite3_column_count(STMT(s));
}

static bool lite_col_is_null(struct db_stmt *s, int col)
{
	return sqlite3_column_type(STMT(s), col) == SQLITE_NULL;
}

static int64_t lite_col_int64(struct db_stmt *s, int col)
{
	return sqlite3_column_int64(STMT(s), col);
}

static double lite_col_double(struct db_stmt *s, int col)
{
	return sqlite3_column_double(STMT(s), col);
}

static const char *lite_col_text(struct db_stmt *s, int col, size_t *len)
{
	const unsigned char *t = sqlite3_column_text(STMT(s), col);
	if (len)
		*len = t ? (size_t)sqlite3_column_bytes(STMT(s), col) : 0;
	return (const char *)t;
}

static void lite_reset(struct db_stmt *s)
{
	sqlite3_reset(STMT(s));
	sqlite3_clear_bindings(STMT(s));
}

static kt_err lite_begin(struct db_conn *c, bool write)
{
	return lite_exec(c, write ? "BEGIN IMMEDIATE" : "BEGIN");
}

static const char *lite_errmsg(struct db_conn *c)
{
	return c->impl ? sqlite3_errmsg(CONN(c)) : "not connected";
}

static int64_t lite_changes(struct db_conn *c)
{
	return sqlite3_changes64(CONN(c));
}

static kt_err lite_search_sql(const char *table, struct buf *sql)
{
	return buf_printf(sql, "id IN (SELECT rowid FROM %s_fts WHERE %s_fts MATCH ?)", table, table);
}

/* Each space-separated token of folded_q becomes a quoted prefix query,
 * all of them required: 'jan kow' -> '"jan"* "kow"*'. */
static kt_err lite_search_bind(struct db_stmt *s, int *idx, const char *folded_q)
{
	struct buf q;
	buf_init(&q, 4 * LIM_Q + 64);
	kt_err rc = ERR_OK;
	const char *p = folded_q;
	while (*p && !rc) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (q.len)
			rc = buf_putc(&q, ' ');
		if (!rc)
			rc = buf_putc(&q, '"');
		for (; *p && *p != ' ' && !rc; p++)
			rc = *p == '"' ? buf_puts(&q, "\"\"") : buf_putc(&q, *p);
		if (!rc)
			rc = buf_puts(&q, "\"*");
	}
	if (!rc)
		rc = lite_bind_text(s, (*idx)++, q.len ? buf_cstr(&q) : "\"\"", q.len ? q.len : 2);
	buf_clear(&q);
	return rc;
}

static kt_err lite_search_put(struct db_conn *c, const char *table, int64_t id, const char *doc)
{
	struct db_stmt *s;
	char sql[160];
	snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO %.64s_fts(rowid, doc) VALUES (?, ?)", table);
	kt_err rc = db_prepare(c, sql, &s);
	if (rc)
		return rc;
	lite_bind_int64(s, 1, id);
	lite_bind_text(s, 2, doc, strlen(doc));
	return db_exec_stmt(s);
}

static kt_err lite_search_del(struct db_conn *c, const char *table, int64_t id)
{
	struct db_stmt *s;
	char sql[160];
	snprintf(sql, sizeof sql, "DELETE FROM %.64s_fts WHERE rowid = ?", table);
	kt_err rc = db_prepare(c, sql, &s);
	if (rc)
		return rc;
	lite_bind_int64(s, 1, id);
	return db_exec_stmt(s);
}

static kt_err lite_integrity_check(struct db_conn *c)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(c, "PRAGMA integrity_check", &s);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == ERR_ROW) {
		const char *t = db_col_text(s, 0, NULL);
		rc = t && strcmp(t, "ok") == 0 ? ERR_OK : ERR_DB;
	} else {
		rc = ERR_DB;
	}
	db_reset(s);
	return rc;
}

static kt_err lite_ddl_token(const char *tok, size_t len, struct buf *out)
{
	if (len == 2 && memcmp(tok, "PK", 2) == 0)
		return buf_puts(out, "INTEGER PRIMARY KEY AUTOINCREMENT");
	if (len == 4 && memcmp(tok, "BLOB", 4) == 0)
		return buf_puts(out, "BLOB");
	if (len == 9 && memcmp(tok, "COLLATION", 9) == 0)
		return buf_puts(out, "SELECT 1");
	if (len > 7 && memcmp(tok, "SEARCH:", 7) == 0)
		return buf_printf(out,
				  "CREATE VIRTUAL TABLE %.*s_fts USING fts5(doc, prefix='1 2 3',"
				  " tokenize='unicode61 remove_diacritics 2');",
				  (int)(len - 7), tok + 7);
	return ERR_INTERNAL;
}

static kt_err lite_migrate_lock(struct db_conn *c)
{
	return ERR_OK;
}

const struct db_ops db_sqlite_ops = {
	.name = "sqlite",
	.connect = lite_connect,
	.disconnect = lite_disconnect,
	.prepare = lite_prepare,
	.finalize = lite_finalize,
	.bind_int64 = lite_bind_int64,
	.bind_double = lite_bind_double,
	.bind_text = lite_bind_text,
	.bind_null = lite_bind_null,
	.step = lite_step,
	.col_count = lite_col_count,
	.col_is_null = lite_col_is_null,
	.col_int64 = lite_col_int64,
	.col_double = lite_col_double,
	.col_text = lite_col_text,
	.reset = lite_reset,
	.exec = lite_exec,
	.begin = lite_begin,
	.errmsg = lite_errmsg,
	.changes = lite_changes,
	.search_sql = lite_search_sql,
	.search_bind = lite_search_bind,
	.search_put = lite_search_put,
	.search_del = lite_search_del,
	.integrity_check = lite_integrity_check,
	.ddl_token = lite_ddl_token,
	.migrate_lock = lite_migrate_lock,
};
