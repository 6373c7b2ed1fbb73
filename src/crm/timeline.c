/* timeline.c: see timeline.h.  One UNION ALL over the three sources,
 * ordered by (time, kind, id) with a keyset cursor, then each row loaded
 * through the engine so it looks exactly like the record's own GET. */
#include "crm/timeline.h"

#include <stdlib.h>
#include <string.h>

#include "core/b64.h"
#include "core/buf.h"
#include "core/isotime.h"
#include "core/limits.h"
#include "crm/entities.h"
#include "db/db.h"

enum { K_CHANGE = 1, K_NOTE = 2, K_ACTIVITY = 3, K_INQUIRY = 4 };

static kt_err parse(struct rec_ctx *ctx, json_t *params, int64_t *limit, int64_t cur[3])
{
	const char *k;
	json_t *v;
	json_object_foreach(params, k, v) {
		const char *s = json_string_value(v);
		char *end;
		if (strcmp(k, "limit") == 0) {
			long long n = strtoll(s, &end, 10);
			if (!*s || *end || n < 1 || n > LIM_LIST_MAX)
				return rec_error(ctx, "limit", "must be an integer from 1 to 500"), ERR_BAD_QUERY;
			*limit = n;
		} else if (strcmp(k, "cursor") == 0) {
			unsigned char raw[96];
			size_t n;
			if (strlen(s) > 120 || !b64url_decode(s, strlen(s), raw, sizeof raw - 1, &n))
				return rec_error(ctx, "cursor", "is not a cursor this server gave"), ERR_BAD_QUERY;
			raw[n] = '\0';
			long long a, b, c;
			char tail;
			if (sscanf((char *)raw, "%lld,%lld,%lld%c", &a, &b, &c, &tail) != 3)
				return rec_error(ctx, "cursor", "is not a cursor this server gave"), ERR_BAD_QUERY;
			cur[0] = a, cur[1] = b, cur[2] = c;
		} else {
			return rec_error(ctx, k, "is not a parameter of the timeline"), ERR_BAD_QUERY;
		}
	}
	return ERR_OK;
}

static kt_err load_item(struct rec_ctx *ctx, int kind, int64_t id, json_t **rec)
{
	if (kind == K_ACTIVITY)
		return record_get(ctx, entities_find("activities"), id, false, rec);
	if (kind == K_NOTE)
		return record_get(ctx, entities_find("notes"), id, false, rec);
	if (kind == K_INQUIRY)
		return record_get(ctx, entities_find("inquiries"), id, false, rec);
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       "SELECT h.action, h.changes, h.user_id, u.name FROM history h"
			       " LEFT JOIN users u ON u.id = h.user_id WHERE h.id = ?", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	rc = db_step(s);
	if (rc == ERR_ROW) {
		size_t len;
		const char *ch = db_col_text(s, 1, &len);
		json_t *changes = json_loadb(ch ? ch : "{}", ch ? len : 2, 0, NULL);
		*rec = json_pack("{s:I, s:s, s:o, s:o, s:o}", "id", (json_int_t)id, "action", db_col_text(s, 0, NULL),
				 "changes", changes ? changes : json_object(),
				 "user_id", db_col_is_null(s, 2) ? json_null() : json_integer(db_col_int64(s, 2)),
				 "user_name", db_col_is_null(s, 3) ? json_null() : json_string(db_col_text(s, 3, NULL)));
		rc = ERR_OK;
	} else if (rc == ERR_DONE) {
		rc = ERR_NOT_FOUND;
	}
	db_reset(s);
	return rc;
}

static kt_err pinned(struct rec_ctx *ctx, const char *link, int64_t id, json_t *out)
{
	struct rec_cond cond;
	kt_err rc = record_scope(ctx, entities_find("activities"), "", &cond);
	if (rc)
		return rc;
	char sql[1400 + LIM_COND_SQL];
	snprintf(sql, sizeof sql,
		 "SELECT id FROM activities WHERE %s = ? AND status = 'planned' AND starts_at < ?"
		 " AND deleted_at IS NULL%s%s%s ORDER BY starts_at, id LIMIT 50", link,
		 cond.sql[0] ? " AND (" : "", cond.sql, cond.sql[0] ? ")" : "");
	struct db_stmt *s;
	rc = db_prepare(ctx->conn, sql, &s);
	if (rc) {
		json_decref(cond.args);
		return rc;
	}
	int idx = 3;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, ctx->now);
	record_bind_cond(s, &idx, &cond);
	json_decref(cond.args);
	int64_t ids[50];
	int n = 0;
	while ((rc = db_step(s)) == ERR_ROW && n < 50)
		ids[n++] = db_col_int64(s, 0);
	db_reset(s);
	for (int i = 0; i < n && (rc == ERR_DONE || rc == ERR_ROW || rc == ERR_OK); i++) {
		json_t *rec = NULL;
		rc = record_get(ctx, entities_find("activities"), ids[i], false, &rec);
		if (!rc)
			json_array_append_new(out, rec);
	}
	return rc == ERR_DONE || rc == ERR_ROW ? ERR_OK : rc;
}

kt_err timeline_get(struct rec_ctx *ctx, const char *entity, int64_t id, json_t *params, json_t **out)
{
	*out = NULL;
	const char *link = strcmp(entity, "companies") == 0 ? "company_id" : "contact_id";
	json_t *self = NULL;
	kt_err rc = record_get(ctx, entities_find(entity), id, true, &self);
	json_decref(self);
	if (rc)
		return rc;
	int64_t limit = LIM_LIST_DEFAULT, cur[3] = {INT64_MAX, 9, INT64_MAX};
	bool first_page = !json_object_get(params, "cursor");
	if ((rc = parse(ctx, params, &limit, cur)) != ERR_OK)
		return rc;
	struct rec_cond ca, cn, ci;
	memset(&ca, 0, sizeof ca);
	memset(&cn, 0, sizeof cn);
	memset(&ci, 0, sizeof ci);
	rc = record_scope(ctx, entities_find("activities"), "", &ca);
	if (!rc)
		rc = record_scope(ctx, entities_find("notes"), "", &cn);
	if (!rc)
		rc = record_scope(ctx, entities_find("inquiries"), "", &ci);
	struct buf sql;
	buf_init(&sql, 16384);
	/* Each source under its own visibility: a client everyone sees may
	 * still have activities only some may see. */
	if (!rc)
		rc = buf_printf(&sql,
				"SELECT k, id, at FROM ("
				"SELECT 3 AS k, id, COALESCE(done_at, starts_at, created_at) AS at FROM activities"
				" WHERE %s = ? AND deleted_at IS NULL%s%s%s"
				" UNION ALL SELECT 2 AS k, id, created_at AS at FROM notes WHERE %s = ? AND deleted_at IS NULL%s%s%s"
				" UNION ALL SELECT 1 AS k, id, at FROM history WHERE entity = ? AND record_id = ?"
				" UNION ALL SELECT 4 AS k, id, created_at AS at FROM inquiries WHERE %s AND deleted_at IS NULL%s%s%s"
				") t WHERE (at, k, id) < (?, ?, ?) ORDER BY at DESC, k DESC, id DESC LIMIT ?",
				link, ca.sql[0] ? " AND (" : "", ca.sql, ca.sql[0] ? ")" : "",
				link, cn.sql[0] ? " AND (" : "", cn.sql, cn.sql[0] ? ")" : "",
				strcmp(entity, "companies") == 0 ? "contact_id IN (SELECT id FROM contacts WHERE company_id = ?)"
								 : "contact_id = ?",
				ci.sql[0] ? " AND (" : "", ci.sql, ci.sql[0] ? ")" : "");
	struct db_stmt *s = NULL;
	if (!rc)
		rc = db_prepare(ctx->conn, buf_cstr(&sql), &s);
	buf_clear(&sql);
	if (!rc) {
		int idx = 1;
		db_bind_int64(s, idx++, id);
		record_bind_cond(s, &idx, &ca);
		db_bind_int64(s, idx++, id);
		record_bind_cond(s, &idx, &cn);
		db_bind_str(s, idx++, entity);
		db_bind_int64(s, idx++, id);
		db_bind_int64(s, idx++, id);
		record_bind_cond(s, &idx, &ci);
		db_bind_int64(s, idx++, cur[0]);
		db_bind_int64(s, idx++, cur[1]);
		db_bind_int64(s, idx++, cur[2]);
		db_bind_int64(s, idx++, limit + 1);
	}
	json_decref(ca.args);
	json_decref(cn.args);
	json_decref(ci.args);
	if (rc)
		return rc;
	int64_t rows[LIM_LIST_MAX + 1][3];
	int n = 0;
	while ((rc = db_step(s)) == ERR_ROW && n <= limit) {
		rows[n][0] = db_col_int64(s, 0);
		rows[n][1] = db_col_int64(s, 1);
		rows[n][2] = db_col_int64(s, 2);
		n++;
	}
	db_reset(s);
	if (rc != ERR_DONE && rc != ERR_ROW)
		return rc;
	static const char *const types[] = {"", "change", "note", "activity", "inquiry"};
	json_t *items = json_array();
	rc = ERR_OK;
	for (int i = 0; i < n && i < limit && !rc; i++) {
		json_t *rec = NULL;
		rc = load_item(ctx, (int)rows[i][0], rows[i][1], &rec);
		if (rc == ERR_NOT_FOUND) {
			rc = ERR_OK; /* deleted or hidden since the page was read */
			continue;
		}
		char at[21];
		isotime_format(rows[i][2], at);
		if (!rc)
			json_array_append_new(items, json_pack("{s:s, s:s, s:o}", "type", types[rows[i][0]], "at", at, "record", rec));
	}
	json_t *next = json_null();
	if (!rc && n > limit) {
		char raw[96], enc[140];
		int len = snprintf(raw, sizeof raw, "%lld,%lld,%lld", (long long)rows[limit - 1][2],
				   (long long)rows[limit - 1][0], (long long)rows[limit - 1][1]);
		b64url_encode((const unsigned char *)raw, (size_t)len, enc, sizeof enc);
		next = json_string(enc);
	}
	json_t *pin = json_array();
	if (!rc && first_page)
		rc = pinned(ctx, link, id, pin);
	if (rc) {
		json_decref(items);
		json_decref(pin);
		json_decref(next);
		return rc;
	}
	*out = json_pack("{s:o, s:o, s:o}", "pinned", pin, "items", items, "next_cursor", next);
	return ERR_OK;
}
