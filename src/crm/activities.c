/* activities.c: the rules of tasks, calls, meetings and e-mails on top of
 * the record engine: the assignee (mine by default; agents assign within
 * their department), planned vs done (a done activity's time is locked),
 * the end time, main tasks whose progress rolls up from their subtasks,
 * planning the next step when completing, and the reminder e-mail job.
 * Reminders, calendar and timeline reads are in their own files. */
#include <stdio.h>
#include <string.h>

#include "core/isotime.h"
#include "crm/entities.h"
#include "crm/rules.h"
#include "db/db.h"
#include "jobs/jobs.h"

/* The value of key after the write: the new one, else the stored one. */
static json_t *merged(json_t *values, json_t *cur, const char *key)
{
	json_t *v = json_object_get(values, key);
	return v ? v : cur ? json_object_get(cur, key) : NULL;
}

static const char *merged_str(json_t *values, json_t *cur, const char *key)
{
	const char *s = json_string_value(merged(values, cur, key));
	return s ? s : "";
}

/* A time from values (Unix seconds) or cur (ISO text); false if none. */
static bool merged_time(json_t *values, json_t *cur, const char *key, int64_t *t)
{
	json_t *v = json_object_get(values, key);
	if (v)
		return json_is_integer(v) ? (*t = json_integer_value(v), true) : false;
	v = cur ? json_object_get(cur, key) : NULL;
	return json_is_string(v) && isotime_parse(json_string_value(v), json_string_length(v), t);
}

/* Whether values sets key to other than cur holds; times compare as
 * instants (values has Unix seconds, cur ISO text). */
static bool changes(json_t *values, json_t *cur, const char *key)
{
	json_t *v = json_object_get(values, key), *c = cur ? json_object_get(cur, key) : NULL;
	int64_t t;
	if (!v)
		return false;
	if (json_is_integer(v) && json_is_string(c) && isotime_parse(json_string_value(c), json_string_length(c), &t))
		return json_integer_value(v) != t;
	return !json_equal(v, c);
}

/* Walks up from parent; true when id is among its ancestors (or itself). */
static kt_err makes_cycle(struct rec_ctx *ctx, int64_t id, int64_t parent, bool *cycle)
{
	*cycle = false;
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn, "SELECT parent_id FROM activities WHERE id = ?", &s);
	for (int depth = 0; !rc && parent && depth < 64; depth++) {
		if (parent == id) {
			*cycle = true;
			return ERR_OK;
		}
		db_bind_int64(s, 1, parent);
		rc = db_step(s);
		parent = rc == ERR_ROW && !db_col_is_null(s, 0) ? db_col_int64(s, 0) : 0;
		db_reset(s);
		rc = rc == ERR_ROW || rc == ERR_DONE ? ERR_OK : rc;
	}
	return rc;
}

kt_err activities_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors)
{
	int64_t start = 0, end = 0;
	bool has_start = merged_time(values, cur, "starts_at", &start);
	json_t *ends = json_object_get(values, "ends_at");
	if (json_is_integer(ends)) {
		end = json_integer_value(ends);
		if (!has_start)
			rec_error(ctx, "ends_at", "needs starts_at");
		else if (end < start)
			rec_error(ctx, "ends_at", "must not be before starts_at");
		else if (end - start > 10080 * 60)
			rec_error(ctx, "ends_at", "an activity lasts at most 7 days");
	}
	if (cur && strcmp(merged_str(NULL, cur, "status"), "done") == 0 &&
	    strcmp(merged_str(values, cur, "status"), "planned") != 0) {
		static const char *const locked[] = {"starts_at", "ends_at", "duration_min", NULL};
		for (int i = 0; locked[i]; i++)
			if (changes(values, cur, locked[i]))
				rec_error(ctx, locked[i], "a done activity's time cannot be changed; set it back to planned first");
	}
	json_t *parent = json_object_get(values, "parent_id");
	if (json_is_integer(parent) && cur) {
		bool cycle = false;
		kt_err rc = makes_cycle(ctx, json_integer_value(json_object_get(cur, "id")), json_integer_value(parent), &cycle);
		if (rc)
			return rc;
		if (cycle)
			rec_error(ctx, "parent_id", "would make the activity its own ancestor");
	}
	kt_err rc = rights_person(ctx, values, cur, "assignee_id", "agents can assign activities only within their own department");
	if (rc)
		return rc;
	json_t *next = json_object_get(values, "next");
	if (next && !json_is_null(next)) {
		if (!json_is_object(next))
			rec_error(ctx, "next", "must be the activity to plan next, as an object");
		else if (strcmp(merged_str(values, cur, "status"), "done") != 0)
			rec_error(ctx, "next", "can only be planned when this activity is done");
		/* Each next is created by a nested record_create: a chain as
		 * deep as the JSON parser allows (2048) held the write lock
		 * for seconds and the stack for as many frames. */
		else if (!json_is_null(json_object_get(next, "next")) && json_object_get(next, "next"))
			rec_error(ctx, "next", "plans one activity; its own next comes when it is done");
	}
	return ERR_OK;
}

kt_err activities_before_write(struct rec_ctx *ctx, json_t *values, json_t *cur)
{
	if (!cur && !json_object_get(values, "assignee_id")) {
		if (!ctx->user_id)
			return rec_error(ctx, "assignee_id", "is required");
		json_object_set_new(values, "assignee_id", json_integer(ctx->user_id));
	}
	const char *old = cur ? merged_str(NULL, cur, "status") : "";
	const char *now_status = merged_str(values, cur, "status");
	if (strcmp(now_status, "done") == 0 && strcmp(old, "done") != 0) {
		json_object_set_new(values, "done_at", json_integer(ctx->now));
		if (strcmp(merged_str(values, cur, "kind"), "task") == 0 && !json_object_get(values, "percent_done"))
			json_object_set_new(values, "percent_done", json_integer(100));
	} else if (strcmp(now_status, "done") != 0 && strcmp(old, "done") == 0) {
		json_object_set_new(values, "done_at", json_null());
	}
	int64_t start = 0;
	bool has_start = merged_time(values, cur, "starts_at", &start);
	json_t *ends = json_object_get(values, "ends_at");
	if (json_is_integer(ends) && has_start) {
		json_object_set_new(values, "duration_min", json_integer((json_integer_value(ends) - start) / 60));
	} else if (has_start && (json_object_get(values, "starts_at") || json_object_get(values, "duration_min") || !cur)) {
		json_t *d = merged(values, cur, "duration_min");
		json_object_set_new(values, "ends_at", json_integer(start + 60 * (d ? json_integer_value(d) : 0)));
	} else if (!has_start && json_object_get(values, "starts_at")) {
		json_object_set_new(values, "ends_at", json_null());
	}
	kt_err rc = scope_department(ctx, values, cur, "assignee_id");
	if (rc)
		return rc;
	json_t *next = json_object_get(values, "next");
	if (next) {
		json_decref(ctx->stash);
		ctx->stash = json_is_object(next) ? json_incref(next) : NULL;
		json_object_del(values, "next");
	}
	return ERR_OK;
}

/* The parent's progress: the mean over its subtasks that are not
 * cancelled, a done one counting as 100. */
static kt_err roll_up(struct rec_ctx *ctx, int64_t parent)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'done' THEN 100 ELSE percent_done END), 0)"
			       " FROM activities WHERE parent_id = ? AND deleted_at IS NULL AND status <> 'cancelled'", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, parent);
	rc = db_step(s);
	int64_t n = rc == ERR_ROW ? db_col_int64(s, 0) : 0, sum = rc == ERR_ROW ? db_col_int64(s, 1) : 0;
	db_reset(s);
	if (rc != ERR_ROW)
		return rc;
	int64_t pct = n ? (sum + n / 2) / n : 0;
	rc = db_prepare(ctx->conn,
			"UPDATE activities SET percent_done = ?, version = version + 1, updated_at = ?"
			" WHERE id = ? AND percent_done <> ?", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, pct);
	db_bind_int64(s, 2, ctx->now);
	db_bind_int64(s, 3, parent);
	db_bind_int64(s, 4, pct);
	return db_exec_stmt(s);
}

/* A reminder e-mail job at starts_at - remind_before_min; the key makes
 * it unique per (activity, time, lead), so a moved activity gets a new
 * job and the old one finds the time changed and sends nothing. */
static kt_err plan_reminder(struct rec_ctx *ctx, int64_t id, json_t *rec)
{
	json_t *lead = json_object_get(rec, "remind_before_min");
	json_t *st = json_object_get(rec, "starts_at");
	int64_t start;
	if (!json_is_integer(lead) || !json_is_string(st) || strcmp(json_string_value(json_object_get(rec, "status")), "planned") != 0 ||
	    !isotime_parse(json_string_value(st), json_string_length(st), &start))
		return ERR_OK;
	int64_t at = start - 60 * json_integer_value(lead);
	if (start < ctx->now)
		return ERR_OK;
	char key[96];
	snprintf(key, sizeof key, "remind:%lld:%lld:%lld", (long long)id, (long long)start,
		 (long long)json_integer_value(lead));
	json_t *p = json_pack("{s:I, s:I}", "activity_id", (json_int_t)id, "starts_at", (json_int_t)start);
	kt_err rc = jobs_enqueue(ctx->conn, "remind", p, at > ctx->now ? at : ctx->now, key, ctx->now, NULL);
	json_decref(p);
	return rc;
}

/* Plans the activity of "next" (stashed by before_write) with the links
 * of the one just completed. */
static kt_err plan_next(struct rec_ctx *ctx, json_t *rec)
{
	json_t *next = ctx->stash;
	ctx->stash = NULL;
	json_t *in = json_deep_copy(next);
	json_decref(next);
	static const char *const inherit[] = {"contact_id", "company_id", "inquiry_id", "deal_id", "assignee_id", "kind", NULL};
	for (int i = 0; inherit[i]; i++) {
		json_t *v = json_object_get(rec, inherit[i]);
		if (!json_object_get(in, inherit[i]) && v && !json_is_null(v))
			json_object_set(in, inherit[i], v);
	}
	json_t *outer = ctx->errors;
	ctx->errors = NULL;
	json_t *out = NULL;
	kt_err rc = record_create(ctx, entities_find("activities"), in, &out);
	json_decref(in);
	json_decref(out);
	json_t *inner = ctx->errors;
	ctx->errors = outer;
	if (inner) {
		const char *k;
		json_t *v;
		char key[128];
		json_object_foreach(inner, k, v) {
			snprintf(key, sizeof key, "next.%.100s", k);
			rec_error(ctx, key, json_string_value(v));
		}
		json_decref(inner);
	}
	return rc;
}

kt_err activities_after_write(struct rec_ctx *ctx, int64_t id, json_t *rec, json_t *cur)
{
	kt_err rc = ERR_OK;
	json_t *parent = json_object_get(rec, "parent_id");
	json_t *old_parent = cur ? json_object_get(cur, "parent_id") : NULL;
	if (json_is_integer(parent))
		rc = roll_up(ctx, json_integer_value(parent));
	if (!rc && json_is_integer(old_parent) && !json_equal(old_parent, parent))
		rc = roll_up(ctx, json_integer_value(old_parent));
	if (!rc)
		rc = plan_reminder(ctx, id, rec);
	if (!rc && ctx->stash)
		rc = plan_next(ctx, rec);
	return rc;
}

kt_err activities_before_delete(struct rec_ctx *ctx, int64_t id, json_t *cur)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn, "SELECT 1 FROM activities WHERE parent_id = ? AND deleted_at IS NULL LIMIT 1", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	rc = db_step(s);
	db_reset(s);
	if (rc == ERR_ROW) {
		ctx->message = "Delete or move this task's subtasks first.";
		return ERR_IN_USE;
	}
	return rc == ERR_DONE ? ERR_OK : rc;
}

kt_err activities_list_param(struct rec_ctx *ctx, const char *key, const char *value, struct rec_cond *out)
{
	bool on = strcmp(value, "1") == 0 || strcmp(value, "true") == 0;
	bool off = strcmp(value, "0") == 0 || strcmp(value, "false") == 0;
	if (strcmp(key, "mine") != 0 && strcmp(key, "overdue") != 0 && strcmp(key, "open") != 0)
		return ERR_NOT_FOUND;
	if (!on && !off)
		return rec_error(ctx, key, "must be 1 or 0");
	if (strcmp(key, "mine") == 0) {
		snprintf(out->sql, sizeof out->sql, on ? "assignee_id = ? AND status = 'planned'" : "assignee_id <> ?");
		out->args = json_pack("[I]", (json_int_t)ctx->user_id);
	} else if (strcmp(key, "overdue") == 0) {
		snprintf(out->sql, sizeof out->sql, on ? "status = 'planned' AND starts_at < ?" : "NOT (status = 'planned' AND starts_at < ?)");
		out->args = json_pack("[I]", (json_int_t)ctx->now);
	} else {
		snprintf(out->sql, sizeof out->sql, on ? "status = 'planned'" : "status <> 'planned'");
		out->args = json_array();
	}
	return ERR_OK;
}

/* Lists of activities carry the linked client as the caller may see it
 * (name, or only its id with "hidden"), so a task list reads
 * "Call — Jan Nowak" without a request per row. */
kt_err activities_decorate(struct rec_ctx *ctx, json_t *items)
{
	return record_links_fill(ctx, entities_find("contacts"), "contact_id", "contact", NULL, items);
}
