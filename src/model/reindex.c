/* reindex.c: rebuilds the search documents of a table when the recipe of
 * record_search_doc changes (a migration queues the table in
 * search_rebuild).  In batches by id, each in its own transaction, the
 * queue row remembering how far it got, so an interrupted rebuild resumes
 * where it stopped.  Not here: one record's document (list.c, record.c). */
#include <stdio.h>
#include <string.h>

#include "core/limits.h"
#include "core/log.h"
#include "model/record_int.h"

struct rebuild {
	const struct entity *(*lookup)(const char *name);
	int64_t rows;           /* documents written so far */
	bool idle;              /* the queue is empty */
};

/* One batch of the first queued table. */
static kt_err rebuild_batch(struct db_conn *c, void *arg)
{
	struct rebuild *rb = arg;
	struct db_stmt *s;
	char q[160];
	/* Servers starting together share the work: a table another one is
	 * rebuilding (its row locked) is skipped. */
	snprintf(q, sizeof q, "SELECT table_name, after_id FROM search_rebuild ORDER BY table_name LIMIT 1%s",
		 db_sql_skip_locked(db_conn_db(c)));
	kt_err rc = db_prepare(c, q, &s);
	if (rc)
		return rc;
	char table[64] = "";
	int64_t after = 0;
	rc = db_step(s);
	if (rc == ERR_ROW) {
		snprintf(table, sizeof table, "%s", db_col_text(s, 0, NULL));
		after = db_col_int64(s, 1);
	}
	db_reset(s);
	if (rc == ERR_DONE) {
		rb->idle = true;
		return ERR_OK;
	}
	if (rc != ERR_ROW)
		return rc;
	const struct entity *e = rb->lookup(table);
	int64_t n = 0, last = after;
	struct buf sql;
	buf_init(&sql, 8192);
	rc = e && e->searchable ? buf_puts(&sql, "SELECT ") : ERR_OK;
	if (e && e->searchable) {
		if (!rc)
			rc = rec_select_cols(e, &sql);
		if (!rc)
			rc = buf_printf(&sql, " FROM %s WHERE id > ? ORDER BY id LIMIT %d", e->name, LIM_REINDEX_BATCH);
		if (!rc)
			rc = db_prepare(c, buf_cstr(&sql), &s);
		if (!rc) {
			struct buf doc;
			buf_init(&doc, 64 * 1024);
			db_bind_int64(s, 1, after);
			/* The documents are written after the walk: one statement
			 * at a time on a connection. */
			json_t *rows = json_array();
			while (rows && (rc = db_step(s)) == ERR_ROW)
				json_array_append_new(rows, rec_row_json(e, s));
			db_reset(s);
			rc = !rows ? ERR_NOMEM : rc == ERR_DONE ? ERR_OK : rc;
			size_t i;
			json_t *rec;
			json_array_foreach(rows, i, rec) {
				if (rc)
					break;
				buf_reset(&doc);
				last = json_integer_value(json_object_get(rec, "id"));
				rc = record_search_doc(e, rec, &doc);
				if (!rc)
					rc = db_search_put(c, e->name, last, buf_cstr(&doc));
				n++;
			}
			json_decref(rows);
			buf_clear(&doc);
		}
	}
	buf_clear(&sql);
	if (rc)
		return rc;
	/* A short batch (or a table that is gone) ends the table's rebuild. */
	bool more = n == LIM_REINDEX_BATCH;
	rc = db_prepare(c, more ? "UPDATE search_rebuild SET after_id = ? WHERE table_name = ?"
				: "DELETE FROM search_rebuild WHERE table_name = ?", &s);
	if (rc)
		return rc;
	int idx = 1;
	if (more)
		db_bind_int64(s, idx++, last);
	db_bind_str(s, idx, table);
	rc = db_exec_stmt(s);
	if (!rc)
		rb->rows += n;
	if (!rc && !more)
		log_info("event=search_rebuilt table=%s", table);
	return rc;
}

kt_err record_search_rebuild(struct db *db, const struct entity *(*lookup)(const char *name), int64_t *rows)
{
	struct db_conn *c;
	struct rebuild rb = {lookup, 0, false};
	kt_err rc = db_conn_acquire(db, &c);
	if (rc)
		return rc;
	while (!rc && !rb.idle)
		rc = db_tx_run(c, true, rebuild_batch, &rb);
	db_conn_release(c);
	if (rows)
		*rows = rb.rows;
	return rc;
}
