/* procedures.c: see procedures.h. */
#include "crm/procedures.h"

#include <stdio.h>
#include <string.h>

#include "core/isotime.h"
#include "core/tz.h"
#include "crm/entities.h"
#include "crm/rules.h"
#include "db/db.h"

#define MAX_STEPS 100

static bool kind_ok(const char *k)
{
	return k && (!strcmp(k, "task") || !strcmp(k, "call") || !strcmp(k, "meeting") || !strcmp(k, "email"));
}

/* step_error: a message when step s is malformed, else NULL. */
static const char *step_error(json_t *s)
{
	if (!json_is_object(s))
		return "each step must be an object {subject, kind, day_offset, duration_min}";
	const char *k;
	json_t *v;
	json_object_foreach(s, k, v)
		if (strcmp(k, "subject") && strcmp(k, "kind") && strcmp(k, "day_offset") && strcmp(k, "duration_min"))
			return "steps may only have subject, kind, day_offset and duration_min";
	json_t *subj = json_object_get(s, "subject");
	if (!json_is_string(subj) || json_string_length(subj) == 0 || json_string_length(subj) > 300)
		return "each step needs a subject of 1 to 300 characters";
	if (!kind_ok(json_string_value(json_object_get(s, "kind"))))
		return "each step's kind must be task, call, meeting or email";
	json_t *off = json_object_get(s, "day_offset");
	if (!json_is_integer(off) || json_integer_value(off) < 0 || json_integer_value(off) > 3650)
		return "each step needs a day_offset from 0 to 3650";
	json_t *d = json_object_get(s, "duration_min");
	if (d && (!json_is_integer(d) || json_integer_value(d) < 0 || json_integer_value(d) > 10080))
		return "duration_min must be from 0 to 10080";
	return NULL;
}

kt_err procedures_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors)
{
	json_t *steps = json_object_get(values, "steps");
	if (!steps)
		return ERR_OK;
	if (!json_is_array(steps) || json_array_size(steps) == 0 || json_array_size(steps) > MAX_STEPS)
		return rec_error(ctx, "steps", "must be a list of 1 to 100 steps");
	size_t i;
	json_t *s;
	json_array_foreach(steps, i, s) {
		const char *msg = step_error(s);
		if (msg)
			return rec_error(ctx, "steps", msg);
	}
	return ERR_OK;
}

static kt_err assignee_zone(struct rec_ctx *ctx, int64_t user, struct tz **tz)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn, "SELECT time_zone FROM users WHERE id = ?", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, user);
	char name[65] = "Europe/Warsaw";
	if (db_step(s) == ERR_ROW)
		snprintf(name, sizeof name, "%s", db_col_text(s, 0, NULL));
	db_reset(s);
	if (tz_load(name, tz) != ERR_OK && tz_load("UTC", tz) != ERR_OK)
		return ERR_INTERNAL;
	return ERR_OK;
}

static kt_err create_activity(struct rec_ctx *ctx, json_t *in, json_t **out)
{
	kt_err rc = record_create(ctx, entities_find("activities"), in, out);
	json_decref(in);
	return rc;
}

kt_err procedures_apply(struct rec_ctx *ctx, int64_t id, json_t *in, json_t **out)
{
	*out = NULL;
	const char *k;
	json_t *v;
	json_object_foreach(in, k, v)
		if (strcmp(k, "contact_id") && strcmp(k, "start_date") && strcmp(k, "assignee_id"))
			rec_error(ctx, k, "is not accepted here (give contact_id, start_date, assignee_id)");
	json_t *contact = json_object_get(in, "contact_id");
	json_t *start = json_object_get(in, "start_date");
	json_t *assignee = json_object_get(in, "assignee_id");
	int32_t day = 0;
	if (!json_is_integer(contact))
		rec_error(ctx, "contact_id", "is required");
	if (!json_is_string(start) || !isodate_parse(json_string_value(start), json_string_length(start), &day))
		rec_error(ctx, "start_date", "must be a date YYYY-MM-DD");
	if (assignee && !json_is_integer(assignee))
		rec_error(ctx, "assignee_id", "must be the id of a user");
	if (ctx->errors)
		return ERR_INVALID;
	json_t *proc = NULL;
	kt_err rc = record_get(ctx, entities_find("procedures"), id, false, &proc);
	if (rc)
		return rc;
	int64_t who = assignee ? json_integer_value(assignee) : ctx->user_id;
	struct tz *tz = NULL;
	rc = assignee_zone(ctx, who, &tz);
	json_t *main = NULL, *subs = json_array();
	char when[21];
	if (!rc) {
		isotime_format(tz_local_to_utc(tz, (int64_t)day * 86400 + 9 * 3600), when);
		rc = create_activity(ctx, json_pack("{s:s, s:s, s:s, s:O, s:I}", "kind", "task", "subject",
						    json_string_value(json_object_get(proc, "name")), "starts_at", when,
						    "contact_id", contact, "assignee_id", (json_int_t)who), &main);
	}
	size_t i;
	json_t *step;
	json_array_foreach(json_object_get(proc, "steps"), i, step) {
		if (rc)
			break;
		int64_t off = json_integer_value(json_object_get(step, "day_offset"));
		isotime_format(tz_local_to_utc(tz, (day + off) * 86400 + 9 * 3600), when);
		json_t *d = json_object_get(step, "duration_min");
		json_t *sub = NULL;
		rc = create_activity(ctx, json_pack("{s:O, s:O, s:s, s:I, s:O, s:O, s:I}", "kind", json_object_get(step, "kind"),
						    "subject", json_object_get(step, "subject"), "starts_at", when,
						    "duration_min", (json_int_t)(d ? json_integer_value(d) : 0),
						    "parent_id", json_object_get(main, "id"), "contact_id", contact,
						    "assignee_id", (json_int_t)who), &sub);
		if (!rc)
			json_array_append_new(subs, sub);
	}
	if (!rc) {
		json_t *fresh = NULL;
		rc = record_get(ctx, entities_find("activities"), json_integer_value(json_object_get(main, "id")), false, &fresh);
		if (!rc) {
			json_decref(main);
			main = fresh;
		}
	}
	tz_free(tz);
	json_decref(proc);
	if (rc) {
		json_decref(main);
		json_decref(subs);
		return rc;
	}
	*out = json_pack("{s:o, s:o}", "main", main, "subtasks", subs);
	return ERR_OK;
}
