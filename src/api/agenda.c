/* agenda.c: the routes of the daily work around activities: reminders,
 * calendar, a task's thread, client and company timelines, applying a
 * service procedure, and the office settings behind autoplan. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/app.h"
#include "core/isotime.h"
#include "core/tz.h"
#include "crm/agenda.h"
#include "crm/entities.h"
#include "crm/ical.h"
#include "crm/procedures.h"
#include "crm/settings.h"
#include "crm/timeline.h"
#include "db/db.h"

static kt_err caller_zone(struct http_req *req, struct tz **tz)
{
	if (tz_load(req->auth.time_zone[0] ? req->auth.time_zone : "Europe/Warsaw", tz) == ERR_OK)
		return ERR_OK;
	return tz_load("UTC", tz);
}

/* The query of the reminders: fields= of the activities, inquiry_fields=
 * of the inquiries. */
static kt_err reminders_query(struct rec_ctx *ctx, struct http_req *req, struct rec_proj *proj,
			      struct rec_proj *iproj)
{
	json_t *q = http_query(req);
	const char *k;
	json_t *v;
	kt_err rc = q ? ERR_OK : ERR_NOMEM;
	json_object_foreach(q, k, v) {
		if (strcmp(k, "fields") == 0)
			rc = record_proj_parse(ctx, entities_find("activities"), k, json_string_value(v), proj);
		else if (strcmp(k, "inquiry_fields") == 0)
			rc = record_proj_parse(ctx, entities_find("inquiries"), k, json_string_value(v), iproj);
		else
			rc = api_param_error(req, k, "is not a parameter of the reminders (fields, inquiry_fields)");
		if (rc)
			break;
	}
	json_decref(q);
	return rc;
}

static kt_err reminders_op(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out)
{
	(void)arg;
	struct rec_proj proj = {.some = false}, iproj = {.some = false};
	struct tz *tz = NULL;
	kt_err rc = reminders_query(ctx, req, &proj, &iproj);
	if (!rc)
		rc = caller_zone(req, &tz);
	if (!rc)
		rc = agenda_reminders(ctx, tz, &proj, &iproj, out);
	tz_free(tz);
	return rc;
}

kt_err api_reminders_get(struct http_req *req)
{
	return api_read(req, reminders_op, NULL);
}

static bool param_id(const char *s, int64_t *out)
{
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;
	if (!s || !*s || *end || v <= 0)
		return false;
	*out = v;
	return true;
}

struct cal {
	int64_t from, to, user_id, department_id;
	const char *fields;
};

static kt_err calendar_op(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out)
{
	struct cal *c = arg;
	const char *owner = c->department_id ? "department_id" : "user_id";
	kt_err rc = record_exists(ctx, c->department_id ? "departments" : "users",
				  c->department_id ? c->department_id : c->user_id);
	if (rc == ERR_NOT_FOUND)
		return api_param_error(req, owner, "does not exist");
	struct rec_proj proj = {.some = false};
	if (!rc && c->fields)
		rc = record_proj_parse(ctx, entities_find("activities"), "fields", c->fields, &proj);
	return rc ? rc : agenda_calendar(ctx, c->from, c->to, c->user_id, c->department_id, &proj, out);
}

kt_err api_calendar_get(struct http_req *req)
{
	json_t *q = http_query(req);
	int64_t from = 0, to = 0, user = req->auth.user_id, dep = 0;
	const char *fields = NULL;
	const char *k;
	json_t *v;
	json_object_foreach(q, k, v) {
		const char *s = json_string_value(v);
		if (strcmp(k, "from") == 0) {
			if (!isotime_parse(s, strlen(s), &from))
				api_param_error(req, "from", "must be an ISO 8601 time, e.g. 2026-11-23T00:00:00Z");
		} else if (strcmp(k, "to") == 0) {
			if (!isotime_parse(s, strlen(s), &to))
				api_param_error(req, "to", "must be an ISO 8601 time");
		} else if (strcmp(k, "user_id") == 0) {
			if (!param_id(s, &user))
				api_param_error(req, "user_id", "must be the id of a user");
		} else if (strcmp(k, "department_id") == 0) {
			if (!param_id(s, &dep))
				api_param_error(req, "department_id", "must be the id of a department");
		} else if (strcmp(k, "fields") == 0) {
			fields = arena_strdup(&req->arena, s);
		} else {
			api_param_error(req, k, "is not a parameter of the calendar (from, to, user_id, department_id, fields)");
		}
	}
	json_decref(q);
	if (!req->err_fields && (!from || !to))
		api_param_error(req, from ? "to" : "from", "is required");
	if (!req->err_fields && to <= from)
		api_param_error(req, "to", "must be after from");
	if (!req->err_fields && to - from > 62 * 86400)
		api_param_error(req, "to", "a calendar range spans at most 62 days");
	if (req->err_fields)
		return ERR_BAD_QUERY;
	struct cal cal = {from, to, dep ? 0 : user, dep, fields};
	return api_read(req, calendar_op, &cal);
}

/* A task's thread: its main task (itself when it has none) and subtasks. */
static kt_err thread_op(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out)
{
	(void)arg;
	const struct entity *e = entities_find("activities");
	json_t *main = NULL, *subs = NULL;
	kt_err rc = record_get(ctx, e, req->id, false, &main);
	if (!rc && json_is_integer(json_object_get(main, "parent_id"))) {
		int64_t parent = json_integer_value(json_object_get(main, "parent_id"));
		json_decref(main);
		main = NULL;
		rc = record_get(ctx, e, parent, false, &main);
	}
	if (!rc) {
		json_t *p = json_pack("{s:s, s:s}", "sort", "starts_at", "limit", "500");
		json_object_set_new(p, "parent_id", json_sprintf("%lld", (long long)json_integer_value(json_object_get(main, "id"))));
		rc = record_list(ctx, e, p, &subs);
		json_decref(p);
	}
	if (!rc)
		rc = record_decorate(ctx, e, main);
	if (!rc)
		*out = json_pack("{s:O, s:O}", "main", main, "subtasks", json_object_get(subs, "items"));
	json_decref(main);
	json_decref(subs);
	return rc ? rc : *out ? ERR_OK : ERR_NOMEM;
}

kt_err api_activities_thread(struct http_req *req)
{
	return api_read(req, thread_op, NULL);
}

static kt_err timeline_op(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out)
{
	json_t *params = http_query(req);
	kt_err rc = params ? timeline_get(ctx, arg, req->id, params, out) : ERR_NOMEM;
	json_decref(params);
	return rc;
}

kt_err api_contacts_timeline(struct http_req *req)
{
	return api_read(req, timeline_op, "contacts");
}

kt_err api_companies_timeline(struct http_req *req)
{
	return api_read(req, timeline_op, "companies");
}

kt_err api_procedures_apply(struct http_req *req)
{
	return api_write_body(req, procedures_apply, "Send {\"contact_id\", \"start_date\"}.", 201);
}

kt_err api_settings_get(struct http_req *req)
{
	json_t *out = NULL;
	kt_err rc = settings_all(req->conn, &out);
	return rc ? rc : http_reply_json(req, 200, out);
}

struct set {
	json_t *in;
	json_t *errors;
	int64_t now;
};

static kt_err set_tx(struct db_conn *c, void *arg)
{
	struct set *s = arg;
	json_object_clear(s->errors);
	return settings_set(c, s->in, s->now, s->errors);
}

kt_err api_settings_update(struct http_req *req)
{
	if (!req->body)
		return ERR_BAD_JSON;
	struct rec_ctx ctx;
	api_ctx(req, &ctx);
	struct set s = {req->body, json_object(), ctx.now};
	kt_err rc = db_tx_run(req->conn, true, set_tx, &s);
	if (rc) {
		req->err_fields = s.errors;
		return rc;
	}
	json_decref(s.errors);
	return api_settings_get(req);
}

kt_err api_me_ical(struct http_req *req)
{
	char token[64];
	kt_err rc = ical_token_new(req->conn, req->auth.user_id, app_now(req->app), token);
	if (rc)
		return rc;
	return http_reply_json(req, 201, json_pack("{s:s++}", "url", "/ical/", token, ".ics"));
}

kt_err api_ical_feed(struct http_req *req)
{
	size_t n = strlen(req->token);
	if (n < 5 || strcmp(req->token + n - 4, ".ics") != 0)
		return ERR_NOT_FOUND;
	char token[101];
	snprintf(token, sizeof token, "%.*s", (int)(n - 4), req->token);
	struct db_conn *c = NULL;
	kt_err rc = db_conn_acquire(req->app->db, &c);
	char *text = NULL;
	if (!rc)
		rc = ical_feed(c, token, app_now(req->app), &text);
	db_conn_release(c);
	if (rc)
		return rc;
	rc = http_reply_bytes(req, 200, "text/calendar; charset=utf-8", text, strlen(text));
	free(text);
	return rc;
}
