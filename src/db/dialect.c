/* dialect.c: the few SQL fragments that differ between the engines and
 * that callers outside src/db must splice into otherwise portable SQL.
 * Each returns a static string. */
#include "db/db_int.h"

#include "core/buf.h"

const char *db_sql_skip_locked(const struct db *db)
{
	/* SQLite's write transaction already excludes every other writer. */
	return db->engine == DB_PG ? " FOR UPDATE SKIP LOCKED" : "";
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
	return c->db->ops->exec(c, on ? "PRAGMA cache_size=-1048576" : c->db->bulk ? "PRAGMA cache_size=-262144" : "PRAGMA cache_size=-2000");
}
