/* agenda.c: see agenda.h.  Each query walks an index on (assignee_id,
 * starts_at), so the cost follows the size of the answer, not the table. */
#include "crm/agenda.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/isotime.h"
#include "core/limits.h"
#include "core/tz.h"
#include "crm/entities.h"
#include "db/db.h"

#define PER_LIST 50     /* items per bucket; "counts" gives the totals */
#define CAL_MAX 2000

/* Activity columns; the linked client comes from with_clients. */
static kt_err select_activities(const struct entity *e, struct buf *sql, const char *where)
{
	kt_err rc = buf_puts(sql, "SELECT ");
	if (!rc)
		rc = record_select_cols(e, "a.", sql);
	if (!rc)
		rc = buf_printf(sql, " FROM activities a WHERE a.deleted_at IS NULL AND %s", where);
	return rc;
}

static json_t *row_typed(const struct entity *e, struct db_stmt *s, const struct rec_proj *proj)
{
	json_t *o = record_row_json_proj(e, s, proj);
	json_object_set_new(o, "type", json_string(strcmp(e->name, "activities") == 0 ? "activity" : "inquiry"));
	return o;
}

/* with_clients: each item's client as the caller may see it ("contact":
 * name and phone, or only its id with "hidden"). */
static kt_err with_clients(struct rec_ctx *ctx, json_t *items)
{
	static const char *const extra[] = {"phone", NULL};
	return record_links_fill(ctx, entities_find("contacts"), "contact_id", "contact", extra, items);
}

static kt_err fill(struct rec_ctx *ctx, const char *sql, int64_t a, int64_t b, const struct rec_proj *proj, json_t *list)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn, sql, &s);
	if (rc)
		return rc;
	const struct entity *e = entities_find("activities");
	db_bind_int64(s, 1, ctx->user_id);
	db_bind_int64(s, 2, a);
	db_bind_int64(s, 3, b);
	db_bind_int64(s, 4, PER_LIST);
	while ((rc = db_step(s)) == ERR_ROW)
		json_array_append_new(list, row_typed(e, s, proj));
	db_reset(s);
	return rc == ERR_DONE ? with_clients(ctx, list) : rc;
}

/* count_between: a COUNT over an index range [a, b) (integers, or the
 * dates da, db when given) of the caller's items. */
static kt_err count_between(struct rec_ctx *ctx, const char *sql, int64_t a, int64_t b, const char *da, const char *db,
			    int64_t *n)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn, sql, &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, ctx->user_id);
	if (da) {
		db_bind_str(s, 2, da);
		db_bind_str(s, 3, db);
	} else {
		db_bind_int64(s, 2, a);
		db_bind_int64(s, 3, b);
	}
	rc = db_step(s);
	*n = rc == ERR_ROW ? db_col_int64(s, 0) : 0;
	db_reset(s);
	return rc == ERR_ROW ? ERR_OK : rc;
}

/* Open inquiries I handle join the panel by their planned close date. */
static kt_err open_inquiries(struct rec_ctx *ctx, const struct tz *tz, const struct rec_proj *proj, json_t *res)
{
	const struct entity *e = entities_find("inquiries");
	struct buf sql;
	buf_init(&sql, 8192);
	kt_err rc = buf_puts(&sql, "SELECT ");
	if (!rc)
		rc = record_select_cols(e, "i.", &sql);
	if (!rc)
		rc = buf_puts(&sql, " FROM inquiries i WHERE i.deleted_at IS NULL AND i.handler_id = ? AND i.outcome = 'open'"
				    " AND i.planned_close_date >= ? AND i.planned_close_date < ?"
				    " ORDER BY i.planned_close_date, i.id LIMIT ?");
	struct db_stmt *s = NULL;
	if (!rc)
		rc = db_prepare(ctx->conn, buf_cstr(&sql), &s);
	buf_clear(&sql);
	if (rc)
		return rc;
	int32_t today = tz_local_day(tz, ctx->now);
	char d[5][11];
	snprintf(d[0], sizeof d[0], "0000-01-01");
	for (int i = 1; i < 5; i++)
		isodate_format(today + i - 1, d[i]);
	static const char *const names[] = {"overdue", "today", "tomorrow", "day_after"};
	for (int i = 0; i < 4 && !rc; i++) {
		db_bind_int64(s, 1, ctx->user_id);
		db_bind_str(s, 2, d[i]);
		db_bind_str(s, 3, d[i + 1]);
		db_bind_int64(s, 4, PER_LIST);
		json_t *list = json_object_get(res, names[i]);
		while ((rc = db_step(s)) == ERR_ROW)
			json_array_append_new(list, row_typed(e, s, proj));
		db_reset(s);
		rc = rc == ERR_DONE ? with_clients(ctx, list) : rc;
		int64_t n = 0;
		if (!rc)
			rc = count_between(ctx, "SELECT COUNT(*) FROM inquiries WHERE handler_id = ? AND outcome = 'open'"
						" AND deleted_at IS NULL AND planned_close_date >= ? AND planned_close_date < ?",
					   0, 0, d[i], d[i + 1], &n);
		json_t *counts = json_object_get(res, "counts");
		json_object_set_new(counts, names[i], json_integer(json_integer_value(json_object_get(counts, names[i])) + n));
	}
	return rc;
}

kt_err agenda_reminders(struct rec_ctx *ctx, const struct tz *tz, const struct rec_proj *proj,
			const struct rec_proj *iproj, json_t **out)
{
	*out = NULL;
	int32_t today = tz_local_day(tz, ctx->now);
	int64_t bounds[5] = {INT64_MIN / 2, ctx->now, tz_day_start(tz, today + 1), tz_day_start(tz, today + 2),
			     tz_day_start(tz, today + 3)};
	static const char *const names[] = {"overdue", "today", "tomorrow", "day_after"};
	struct buf sql;
	buf_init(&sql, 8192);
	kt_err rc = select_activities(entities_find("activities"), &sql,
				       "a.assignee_id = ? AND a.status = 'planned' AND a.starts_at >= ? AND a.starts_at < ?"
				       " ORDER BY a.starts_at, a.id LIMIT ?");
	json_t *res = json_object(), *counts = json_object();
	json_object_set_new(res, "counts", counts);
	for (int i = 0; i < 4 && !rc; i++) {
		json_t *list = json_array();
		json_object_set_new(res, names[i], list);
		rc = fill(ctx, buf_cstr(&sql), bounds[i], bounds[i + 1], proj, list);
		int64_t n = 0;
		if (!rc)
			rc = count_between(ctx, "SELECT COUNT(*) FROM activities WHERE assignee_id = ? AND status = 'planned'"
						" AND deleted_at IS NULL AND starts_at >= ? AND starts_at < ?", bounds[i], bounds[i + 1], NULL, NULL, &n);
		json_object_set_new(counts, names[i], json_integer(n));
	}
	buf_clear(&sql);
	if (!rc)
		rc = open_inquiries(ctx, tz, iproj, res);
	if (rc) {
		json_decref(res);
		return rc;
	}
	*out = res;
	return ERR_OK;
}

kt_err agenda_calendar(struct rec_ctx *ctx, int64_t from, int64_t to, int64_t user_id, int64_t department_id,
		       const struct rec_proj *proj, json_t **out)
{
	*out = NULL;
	struct rec_cond cond;
	kt_err src = record_scope(ctx, entities_find("activities"), "a.", &cond);
	if (src)
		return src;
	struct buf where;
	buf_init(&where, 2 * LIM_COND_SQL);
	kt_err rc = buf_printf(&where, "%s%s%s%s%s ORDER BY a.starts_at, a.id LIMIT ?",
			       department_id ? "a.assignee_id IN (SELECT id FROM users WHERE department_id = ? AND deleted_at IS NULL)"
					     : "a.assignee_id = ?",
			       " AND a.starts_at >= ? AND a.starts_at < ? AND (a.ends_at > ? OR a.starts_at >= ?) AND a.status <> 'cancelled'",
			       cond.sql[0] ? " AND (" : "", cond.sql, cond.sql[0] ? ")" : "");
	struct buf sql;
	buf_init(&sql, 4 * LIM_COND_SQL);
	/* An activity lasts at most 7 days, so one starting before from - 7 d
	 * cannot overlap: the index range stays bounded. */
	if (!rc)
		rc = select_activities(entities_find("activities"), &sql, buf_cstr(&where));
	buf_clear(&where);
	struct db_stmt *s = NULL;
	if (!rc)
		rc = db_prepare(ctx->conn, buf_cstr(&sql), &s);
	buf_clear(&sql);
	if (rc) {
		json_decref(cond.args);
		return rc;
	}
	int i = 1;
	db_bind_int64(s, i++, department_id ? department_id : user_id);
	db_bind_int64(s, i++, from - 7 * 86400);
	db_bind_int64(s, i++, to);
	db_bind_int64(s, i++, from);
	db_bind_int64(s, i++, from);
	record_bind_cond(s, &i, &cond);
	json_decref(cond.args);
	db_bind_int64(s, i++, CAL_MAX + 1);
	json_t *items = json_array();
	const struct entity *e = entities_find("activities");
	int n = 0;
	while ((rc = db_step(s)) == ERR_ROW && n++ < CAL_MAX)
		json_array_append_new(items, row_typed(e, s, proj));
	db_reset(s);
	bool truncated = rc == ERR_ROW;
	if (rc == ERR_DONE || rc == ERR_ROW) {
		kt_err lr = with_clients(ctx, items);
		rc = lr ? lr : rc;
	}
	if (rc != ERR_DONE && rc != ERR_ROW) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o, s:b}", "items", items, "truncated", truncated);
	return ERR_OK;
}
