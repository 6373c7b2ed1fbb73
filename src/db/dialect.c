/* dialect.c: the few SQL fragments that differ between the engines and
 * that callers outside src/db must splice into otherwise portable SQL.
 * Each returns a static string. */
#include "db/db_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

const char *db_sql_skip_locked(const struct db *db)
{
	/* SQLite's write transaction already excludes every other writer. */
	return db->engine == DB_PG ? " FOR UPDATE SKIP LOCKED" : "";
}

kt_err db_refresh_stats(struct db_conn *c)
{
	return db_exec(c, c->db->engine == DB_PG ? "ANALYZE" : "PRAGMA optimize");
}

bool db_nulls_first(const struct db *db)
{
	return db->engine == DB_SQLITE;
}

kt_err db_search_join(struct db *db, const char *table, struct buf *from, struct buf *cond, struct buf *order)
{
	kt_err rc;
	if (db->engine == DB_SQLITE) {
		/* FTS5 hands its matches out in rowid order: joined this way the
		 * query stops after one page instead of sorting every match. */
		rc = buf_printf(from, "%s_fts JOIN %s ON %s.id = %s_fts.rowid", table, table, table, table);
		if (!rc)
			rc = buf_printf(cond, "%s_fts MATCH ?", table);
		if (!rc)
			rc = buf_printf(order, "%s_fts.rowid", table);
		return rc;
	}
	rc = buf_puts(from, table);
	if (!rc)
		rc = db->ops->search_sql(table, cond);
	if (!rc)
		rc = buf_puts(order, "id");
	return rc;
}

kt_err db_conn_bulk(struct db_conn *c, bool on)
{
	if (c->db->engine != DB_SQLITE)
		return ERR_OK;
	/* The same size db_open's bulk option gives every connection. */
	return c->db->ops->exec(c, on || c->db->bulk ? "PRAGMA cache_size=-262144" : "PRAGMA cache_size=-2000");
}

static bool plain_name(const char *s)
{
	if (!s || !*s || strlen(s) > 120)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

kt_err db_indexes_off(struct db_conn *c, const char *table, char **saved)
{
	*saved = NULL;
	struct db_stmt *s;
	kt_err rc = db_prepare(c, c->db->engine == DB_SQLITE
				       ? "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
					 " AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"
				       : "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
					 " AND tablename = ? AND indexdef NOT LIKE 'CREATE UNIQUE%'", &s);
	if (rc)
		return rc;
	struct buf names, defs;
	buf_init(&names, 64 * 1024);
	buf_init(&defs, 1024 * 1024);
	db_bind_str(s, 1, table);
	while (!rc && (rc = db_step(s)) == ERR_ROW) {
		const char *name = db_col_text(s, 0, NULL), *def = db_col_text(s, 1, NULL);
		if (!plain_name(name) || !def) {
			rc = ERR_INTERNAL;
			break;
		}
		rc = buf_append(&names, name, strlen(name) + 1);
		if (!rc)
			rc = buf_append(&defs, def, strlen(def) + 1);
	}
	db_reset(s);
	if (rc == ERR_DONE)
		rc = ERR_OK;
	char sql[160];
	for (size_t off = 0; !rc && off < names.len; off += strlen(names.data + off) + 1) {
		snprintf(sql, sizeof sql, "DROP INDEX %s", names.data + off);
		rc = db_exec(c, sql);
	}
	buf_clear(&names);
	if (!rc)
		rc = buf_append(&defs, "", 1);
	if (rc) {
		buf_clear(&defs);
		return rc;
	}
	*saved = buf_take(&defs);
	return *saved ? ERR_OK : ERR_NOMEM;
}

kt_err db_indexes_on(struct db_conn *c, char *saved)
{
	kt_err rc = ERR_OK;
	for (const char *p = saved; p && *p && !rc; p += strlen(p) + 1)
		rc = db_exec(c, p);
	free(saved);
	return rc;
}
