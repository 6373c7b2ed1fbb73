/* reports.c: the inquiries board and the reports of inquiries and of
 * finished clients.  Each is one grouped query under the caller's
 * visibility condition; labels come with the rows so a report is
 * readable without more requests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/isotime.h"
#include "core/limits.h"
#include "crm/inquiries.h"
#include "db/db.h"

static kt_err scoped(struct rec_ctx *ctx, const char *entity, const char *prefix, struct rec_cond *c)
{
	return record_scope(ctx, ctx->lookup(entity), prefix, c);
}

#define BOARD_COUNT_CAP 100

kt_err inquiries_board(struct rec_ctx *ctx, json_t *params, json_t **out)
{
	*out = NULL;
	int64_t per = 20;
	json_t *filters = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(params, k, v) {
		if (strcmp(k, "cards") == 0) {
			char *end;
			const char *s = json_string_value(v);
			per = strtoll(s, &end, 10);
			if (!*s || *end || per < 0 || per > 100) {
				json_decref(filters);
				return rec_error(ctx, "cards", "must be an integer from 0 to 100"), ERR_BAD_QUERY;
			}
		} else {
			json_object_set(filters, k, v);
		}
	}
	const struct entity *se = ctx->lookup("statuses"), *ie = ctx->lookup("inquiries");
	json_t *sp = json_pack("{s:s, s:s, s:s}", "entity", "inquiries", "sort", "position", "limit", "100");
	json_t *statuses = NULL;
	kt_err rc = record_list(ctx, se, sp, &statuses);
	json_decref(sp);
	json_t *cols = json_array();
	size_t i;
	json_t *st;
	json_array_foreach(json_object_get(statuses, "items"), i, st) {
		if (rc)
			break;
		json_t *lp = json_deep_copy(filters);
		json_object_set_new(lp, "status_id", json_sprintf("%lld", (long long)json_integer_value(json_object_get(st, "id"))));
		json_object_set_new(lp, "limit", json_sprintf("%lld", (long long)(per ? per : 1)));
		/* Newest cards first, straight off the (status_id, id) index. */
		if (!json_object_get(lp, "sort"))
			json_object_set_new(lp, "sort", json_string("-id"));
		json_t *page = NULL;
		rc = record_list(ctx, ie, lp, &page);
		json_decref(lp);
		if (rc)
			break;
		/* The count, under the same visibility, without a second page walk. */
		struct rec_cond c;
		rc = scoped(ctx, "inquiries", "", &c);
		struct db_stmt *s = NULL;
		char sql[1400 + LIM_COND_SQL];
		/* Counted up to BOARD_COUNT_CAP: a column of old won inquiries
		 * must not make every board view scan them all.  In id order, so
		 * the walk takes the (status_id, id) index and reads the table in
		 * its own order (by updated_at it jumps about: half the speed). */
		snprintf(sql, sizeof sql,
			 "SELECT COUNT(*), COALESCE(SUM(value), 0) FROM (SELECT value FROM inquiries"
			 " WHERE status_id = ? AND deleted_at IS NULL%s%s%s ORDER BY id LIMIT %d) t",
			 c.sql[0] ? " AND (" : "", c.sql, c.sql[0] ? ")" : "", BOARD_COUNT_CAP);
		if (!rc)
			rc = db_prepare(ctx->conn, sql, &s);
		int64_t n = 0, value = 0;
		if (!rc) {
			int idx = 2;
			db_bind_int64(s, 1, json_integer_value(json_object_get(st, "id")));
			rc = record_bind_cond(s, &idx, &c);
			if (!rc && db_step(s) == ERR_ROW) {
				n = db_col_int64(s, 0);
				value = db_col_int64(s, 1);
			}
			db_reset(s);
		}
		json_decref(c.args);
		json_t *cards = json_incref(json_object_get(page, "items"));
		if (!per)
			json_array_clear(cards);
		bool capped = n >= BOARD_COUNT_CAP;
		json_array_append_new(cols, json_pack("{s:O, s:I, s:b, s:o, s:o, s:O}", "status", st, "count", (json_int_t)n,
						      "count_capped", capped, "value", capped ? json_null() : json_integer(value),
						      "cards", cards, "next_cursor", json_object_get(page, "next_cursor")));
		json_decref(page);
	}
	json_decref(statuses);
	json_decref(filters);
	if (rc) {
		json_decref(cols);
		return rc;
	}
	*out = json_pack("{s:o}", "columns", cols);
	return ERR_OK;
}

kt_err inquiries_report(struct rec_ctx *ctx, int32_t from, int32_t to, enum report_group g, json_t **out)
{
	*out = NULL;
	static const char *const key_sql[] = {
		[REPORT_STATUS] = "i.status_id",
		[REPORT_HANDLER] = "i.handler_id",
		[REPORT_CLOSE_REASON] = "i.close_reason_id",
		[REPORT_MONTH] = "(i.created_at / 86400)",
	};
	static const char *const label_sql[] = {
		[REPORT_STATUS] = "(SELECT name FROM statuses WHERE id = i.status_id)",
		[REPORT_HANDLER] = "(SELECT name FROM users WHERE id = i.handler_id)",
		[REPORT_CLOSE_REASON] = "(SELECT name FROM close_reasons WHERE id = i.close_reason_id)",
		[REPORT_MONTH] = "NULL",
	};
	struct rec_cond c;
	kt_err rc = scoped(ctx, "inquiries", "i.", &c);
	if (rc)
		return rc;
	char sql[2200 + LIM_COND_SQL];
	snprintf(sql, sizeof sql,
		 "SELECT %s AS k, MIN(%s), COUNT(*),"
		 " SUM(CASE WHEN i.outcome = 'open' THEN 1 ELSE 0 END), SUM(CASE WHEN i.outcome = 'won' THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN i.outcome = 'lost' THEN 1 ELSE 0 END), COALESCE(SUM(i.value), 0),"
		 " COALESCE(SUM(CASE WHEN i.outcome = 'won' THEN i.value ELSE 0 END), 0)"
		 " FROM inquiries i WHERE i.deleted_at IS NULL AND i.created_at >= ? AND i.created_at < ?%s%s%s"
		 " GROUP BY %s ORDER BY 3 DESC, 1 LIMIT 1000",
		 key_sql[g], label_sql[g], c.sql[0] ? " AND (" : "", c.sql, c.sql[0] ? ")" : "", key_sql[g]);
	struct db_stmt *s;
	rc = db_prepare(ctx->conn, sql, &s);
	if (rc) {
		json_decref(c.args);
		return rc;
	}
	int idx = 3;
	db_bind_int64(s, 1, (int64_t)from * 86400);
	db_bind_int64(s, 2, (int64_t)to * 86400);
	rc = record_bind_cond(s, &idx, &c);
	json_decref(c.args);
	json_t *rows = json_array();
	/* Months are grouped in SQL by day and folded to YYYY-MM here, which
	 * keeps the SQL portable (no date functions). */
	json_t *months = g == REPORT_MONTH ? json_object() : NULL;
	while (rc == ERR_OK && (rc = db_step(s)) == ERR_ROW) {
		rc = ERR_OK;
		json_t *key, *label;
		if (g == REPORT_MONTH) {
			int y;
			unsigned m, d;
			isotime_civil_from_days(db_col_int64(s, 0), &y, &m, &d);
			char ym[16];
			snprintf(ym, sizeof ym, "%04d-%02u", y, m);
			json_t *row = json_object_get(months, ym);
			if (!row) {
				row = json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i}", "key", ym, "label", ym, "count", 0,
						"open", 0, "won", 0, "lost", 0, "value", 0, "value_won", 0);
				json_object_set_new(months, ym, row);
			}
			static const char *const f[] = {"count", "open", "won", "lost", "value", "value_won"};
			for (int j = 0; j < 6; j++)
				json_object_set_new(row, f[j], json_integer(json_integer_value(json_object_get(row, f[j])) +
									      db_col_int64(s, 2 + j)));
			continue;
		}
		key = db_col_is_null(s, 0) ? json_null() : json_integer(db_col_int64(s, 0));
		label = db_col_is_null(s, 1) ? json_null() : json_string(db_col_text(s, 1, NULL));
		json_array_append_new(rows, json_pack("{s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I}", "key", key, "label", label,
						      "count", (json_int_t)db_col_int64(s, 2), "open", (json_int_t)db_col_int64(s, 3),
						      "won", (json_int_t)db_col_int64(s, 4), "lost", (json_int_t)db_col_int64(s, 5),
						      "value", (json_int_t)db_col_int64(s, 6), "value_won", (json_int_t)db_col_int64(s, 7)));
	}
	db_reset(s);
	if (months) {
		const char *k;
		json_t *v;
		json_object_foreach(months, k, v)
			json_array_append(rows, v);
		json_decref(months);
	}
	if (rc != ERR_DONE) {
		json_decref(rows);
		return rc;
	}
	*out = json_pack("{s:o}", "rows", rows);
	return ERR_OK;
}

kt_err contacts_report(struct rec_ctx *ctx, int32_t from, int32_t to, json_t **out)
{
	*out = NULL;
	struct rec_cond c;
	kt_err rc = scoped(ctx, "contacts", "c.", &c);
	if (rc)
		return rc;
	char sql[1600 + LIM_COND_SQL];
	snprintf(sql, sizeof sql,
		 "SELECT h.changes, COUNT(*) FROM history h JOIN contacts c ON c.id = h.record_id"
		 " WHERE h.entity = 'contacts' AND h.action = 'finish' AND h.at >= ? AND h.at < ?%s%s%s"
		 " GROUP BY h.changes LIMIT 10000", c.sql[0] ? " AND (" : "", c.sql, c.sql[0] ? ")" : "");
	struct db_stmt *s;
	rc = db_prepare(ctx->conn, sql, &s);
	if (rc) {
		json_decref(c.args);
		return rc;
	}
	int idx = 3;
	db_bind_int64(s, 1, (int64_t)from * 86400);
	db_bind_int64(s, 2, (int64_t)to * 86400);
	rc = record_bind_cond(s, &idx, &c);
	json_decref(c.args);
	json_t *by = json_object();
	while (rc == ERR_OK && (rc = db_step(s)) == ERR_ROW) {
		rc = ERR_OK;
		size_t len;
		const char *t = db_col_text(s, 0, &len);
		json_t *ch = json_loadb(t ? t : "{}", t ? len : 2, 0, NULL);
		json_t *rid = json_object_get(ch, "close_reason_id");
		json_t *label = json_object_get(ch, "close_reason");
		char key[32];
		snprintf(key, sizeof key, "%lld", (long long)json_integer_value(rid));
		json_t *row = json_object_get(by, key);
		if (!row) {
			row = json_pack("{s:O, s:O, s:i}", "key", rid ? rid : json_null(), "label", label ? label : json_null(), "count", 0);
			json_object_set_new(by, key, row);
		}
		json_object_set_new(row, "count", json_integer(json_integer_value(json_object_get(row, "count")) + db_col_int64(s, 1)));
		json_decref(ch);
	}
	db_reset(s);
	json_t *rows = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(by, k, v)
		json_array_append(rows, v);
	json_decref(by);
	if (rc != ERR_DONE) {
		json_decref(rows);
		return rc;
	}
	*out = json_pack("{s:o}", "rows", rows);
	return ERR_OK;
}
