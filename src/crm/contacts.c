/* contacts.c: the rules of a client record: a PESEL fills in or must agree
 * with the birth date; records get their creator as owner by default (an
 * agent may choose one of their own department: rights.c); a
 * new client gets its first activity planned (autoplan); deleting one
 * cancels its planned activities, and restoring it plans them again. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/ident.h"
#include "core/isotime.h"
#include "core/limits.h"
#include "core/tz.h"
#include "crm/entities.h"
#include "crm/inquiries.h"
#include "crm/rules.h"
#include "crm/settings.h"
#include "db/db.h"

/* birth_date_in_range: a given birth date lies between 1900-01-01 and
 * today.  Today is taken where it is latest on Earth (UTC+14), so no
 * user's today is refused whatever their time zone. */
static void birth_date_in_range(struct rec_ctx *ctx, json_t *values)
{
	const char *bd = json_string_value(json_object_get(values, "birth_date"));
	if (!bd)
		return;
	time_t t = (time_t)(ctx->now > 0 ? ctx->now : (int64_t)time(NULL)) + 14 * 3600;
	struct tm tm;
	char today[16];
	if (!gmtime_r(&t, &tm))
		return;
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	if (strcmp(bd, "1900-01-01") < 0 || strcmp(bd, today) > 0)
		rec_error(ctx, "birth_date", "must lie between 1900-01-01 and today");
}

kt_err contacts_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors)
{
	birth_date_in_range(ctx, values);
	kt_err rc = rights_owner(ctx, values, cur, errors);
	if (rc)
		return rc;
	json_t *pesel = json_object_get(values, "pesel");
	if (!pesel && cur)
		pesel = json_object_get(cur, "pesel");
	if (!json_is_string(pesel))
		return ERR_OK;
	char born[11];
	if (!ident_pesel_birth_date(json_string_value(pesel), born))
		return ERR_OK;
	/* The PESEL holds the birth date: a missing one is filled in, a
	 * cleared one restored, a different one refused. */
	json_t *bd = json_object_get(values, "birth_date");
	if (!bd && cur)
		bd = json_object_get(cur, "birth_date");
	if (!bd || json_is_null(bd))
		json_object_set_new(values, "birth_date", json_string(born));
	else if (strcmp(json_string_value(bd), born) != 0)
		rec_error(ctx, "birth_date", "does not match the birth date in the PESEL");
	return ERR_OK;
}

kt_err owned_before_write(struct rec_ctx *ctx, json_t *values, json_t *cur)
{
	if (!cur && !json_object_get(values, "owner_id") && ctx->user_id)
		json_object_set_new(values, "owner_id", json_integer(ctx->user_id));
	return scope_department(ctx, values, cur, "owner_id");
}

/* Deleting a client cancels its planned activities (each keeps its
 * history), so none is left pointing at a client in the trash unnoticed;
 * restoring it plans again those its deletion cancelled and nobody has
 * touched since: those whose last history entry is that cancellation, at
 * the moment of the deletion (not one cancelled by hand). */
#define CLIENT_DELETED "{\"status\":[\"planned\",\"cancelled\"],\"reason\":\"client deleted\"}"
#define CLIENT_RESTORED "{\"status\":[\"cancelled\",\"planned\"],\"reason\":\"client restored\"}"
#define MAX_CASCADE 1000

/* set_activities: the activities sel (prepared and bound) finds get
 * status `to`, each with a history entry of `changes` (JSON text). */
static kt_err set_activities(struct rec_ctx *ctx, struct db_stmt *sel, const char *to, const char *changes)
{
	int64_t ids[MAX_CASCADE];
	int n = 0;
	kt_err rc;
	while ((rc = db_step(sel)) == ERR_ROW && n < MAX_CASCADE)
		ids[n++] = db_col_int64(sel, 0);
	db_reset(sel);
	if (rc != ERR_DONE && rc != ERR_ROW)
		return rc;
	struct db_stmt *s;
	rc = db_prepare(ctx->conn,
			"UPDATE activities SET status = ?, version = version + 1, updated_at = ?, updated_by = ?"
			" WHERE id = ?", &s);
	json_t *ch = rc ? NULL : json_loads(changes, 0, NULL);
	if (!rc && !ch)
		rc = ERR_NOMEM;
	for (int i = 0; i < n && !rc; i++) {
		db_bind_str(s, 1, to);
		db_bind_int64(s, 2, ctx->now);
		ctx->user_id ? db_bind_int64(s, 3, ctx->user_id) : db_bind_null(s, 3);
		db_bind_int64(s, 4, ids[i]);
		rc = db_exec_stmt(s);
		if (!rc)
			rc = record_history_add(ctx, "activities", ids[i], "update", ch);
	}
	json_decref(ch);
	return rc;
}

kt_err contacts_before_delete(struct rec_ctx *ctx, int64_t id, json_t *cur)
{
	(void)cur;
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       "SELECT id FROM activities WHERE contact_id = ? AND status = 'planned'"
			       " AND deleted_at IS NULL LIMIT 1000", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	return set_activities(ctx, s, "cancelled", CLIENT_DELETED);
}

kt_err contacts_before_restore(struct rec_ctx *ctx, int64_t id, json_t *cur)
{
	json_t *at = json_object_get(cur, "deleted_at");
	int64_t deleted = 0;
	if (!json_is_string(at) || !isotime_parse(json_string_value(at), json_string_length(at), &deleted))
		return ERR_OK;
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       "SELECT a.id FROM activities a JOIN history h ON h.id = (SELECT MAX(l.id) FROM history l"
			       " WHERE l.entity = 'activities' AND l.record_id = a.id)"
			       " WHERE a.contact_id = ? AND a.status = 'cancelled' AND a.deleted_at IS NULL"
			       " AND h.at = ? AND h.action = 'update' AND h.changes = ? LIMIT 1000", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, deleted);
	db_bind_str(s, 3, CLIENT_DELETED);
	return set_activities(ctx, s, "planned", CLIENT_RESTORED);
}

struct owner {
	char tz[65];
	char locale[8];
};

static kt_err load_owner(struct rec_ctx *ctx, int64_t id, struct owner *o)
{
	snprintf(o->tz, sizeof o->tz, "Europe/Warsaw");
	snprintf(o->locale, sizeof o->locale, "pl");
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn, "SELECT time_zone, locale FROM users WHERE id = ?", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	rc = db_step(s);
	if (rc == ERR_ROW) {
		snprintf(o->tz, sizeof o->tz, "%s", db_col_text(s, 0, NULL));
		snprintf(o->locale, sizeof o->locale, "%s", db_col_text(s, 1, NULL));
	}
	db_reset(s);
	return rc == ERR_ROW || rc == ERR_DONE ? ERR_OK : rc;
}

/* The first working day (Mon-Fri) at least days after today, at hour,
 * in the owner's zone; today itself only when days is 0 and hour is ahead. */
int64_t contacts_autoplan_time(const struct tz *tz, int64_t now, int days, int hour)
{
	int32_t day = tz_local_day(tz, now) + days;
	for (int guard = 0; guard < 14; guard++, day++) {
		int wd = (int)(((int64_t)day % 7 + 7 + 4) % 7); /* 1970-01-01 was a Thursday; 0 = Sunday */
		if (wd == 0 || wd == 6)
			continue;
		int64_t t = tz_local_to_utc(tz, (int64_t)day * 86400 + hour * 3600);
		if (t > now)
			return t;
	}
	return now + 86400;
}

/* Autoplan: a new client gets a first activity for its owner: a call when
 * it has a phone (also with an e-mail), an e-mail when it has only that. */
kt_err contacts_after_write(struct rec_ctx *ctx, int64_t id, json_t *rec, json_t *cur)
{
	if (cur || !settings_get_int(ctx->conn, "autoplan_enabled", 1))
		return ERR_OK;
	bool phone = json_is_string(json_object_get(rec, "phone"));
	bool email = json_is_string(json_object_get(rec, "email"));
	json_t *owner = json_object_get(rec, "owner_id");
	if ((!phone && !email) || !json_is_integer(owner))
		return ERR_OK;
	struct owner o;
	kt_err rc = load_owner(ctx, json_integer_value(owner), &o);
	if (rc)
		return rc;
	struct tz *tz = NULL;
	if (tz_load(o.tz, &tz) != ERR_OK && tz_load("UTC", &tz) != ERR_OK)
		return ERR_INTERNAL;
	int64_t at = contacts_autoplan_time(tz, ctx->now, (int)settings_get_int(ctx->conn, "autoplan_days", 1),
					    (int)settings_get_int(ctx->conn, "autoplan_hour", 9));
	tz_free(tz);
	char when[21];
	isotime_format(at, when);
	bool en = strcmp(o.locale, "en") == 0;
	const char *first = json_string_value(json_object_get(rec, "first_name"));
	const char *last = json_string_value(json_object_get(rec, "last_name"));
	char subject[320];
	snprintf(subject, sizeof subject, "%s: %s%s%s", phone ? (en ? "First call" : "Pierwszy telefon")
							    : (en ? "First e-mail" : "Pierwszy e-mail"),
		 first && *first ? first : "", first && *first ? " " : "", last ? last : "");
	/* The activity is about the client and names it: it is no more visible
	 * than the client (the engine also hides it wherever the client is). */
	json_t *vis = json_object_get(rec, "visibility");
	json_t *in = json_pack("{s:s, s:s, s:s, s:I, s:I, s:i, s:s}", "kind", phone ? "call" : "email", "subject", subject,
			       "starts_at", when, "assignee_id", json_integer_value(owner), "contact_id", (json_int_t)id,
			       "duration_min", 15, "visibility", json_is_string(vis) ? json_string_value(vis) : "company");
	json_t *out = NULL;
	/* The owner may sit in another department than an agent creating the
	 * client; autoplan acts for the office, not for the caller. */
	enum role saved = ctx->role;
	ctx->role = ROLE_ADMIN;
	rc = record_create(ctx, entities_find("activities"), in, &out);
	ctx->role = saved;
	json_decref(in);
	json_decref(out);
	return rc;
}

static kt_err set_status(struct rec_ctx *ctx, int64_t id, const char *status, json_t *reason)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       "UPDATE contacts SET status = ?, close_reason_id = ?, version = version + 1, updated_at = ?,"
			       " updated_by = ? WHERE id = ? AND deleted_at IS NULL", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, status);
	json_is_integer(reason) ? db_bind_int64(s, 2, json_integer_value(reason)) : db_bind_null(s, 2);
	db_bind_int64(s, 3, ctx->now);
	ctx->user_id ? db_bind_int64(s, 4, ctx->user_id) : db_bind_null(s, 4);
	db_bind_int64(s, 5, id);
	return db_exec_stmt(s);
}

static kt_err reason_name(struct rec_ctx *ctx, int64_t id, char out[101])
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       "SELECT name FROM close_reasons WHERE id = ? AND entity = 'contacts' AND deleted_at IS NULL", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	rc = db_step(s);
	if (rc == ERR_ROW)
		snprintf(out, 101, "%s", db_col_text(s, 0, NULL));
	db_reset(s);
	return rc == ERR_ROW ? ERR_OK : rc == ERR_DONE ? ERR_NOT_FOUND : rc;
}

kt_err contacts_finish(struct rec_ctx *ctx, int64_t id, json_t *in, json_t **out)
{
	*out = NULL;
	const char *k;
	json_t *v;
	json_object_foreach(in, k, v)
		if (strcmp(k, "close_reason_id") && strcmp(k, "note"))
			rec_error(ctx, k, "is not accepted here (give close_reason_id and note)");
	json_t *reason = json_object_get(in, "close_reason_id");
	json_t *note = json_object_get(in, "note");
	char name[101] = "";
	if (!json_is_integer(reason)) {
		rec_error(ctx, "close_reason_id", "is required: why the service ends");
	} else {
		kt_err rc = reason_name(ctx, json_integer_value(reason), name);
		if (rc == ERR_NOT_FOUND)
			rec_error(ctx, "close_reason_id", "is not a close reason for clients");
		else if (rc)
			return rc;
	}
	if (note && !json_is_null(note) && (!json_is_string(note) || json_string_length(note) > LIM_TEXT_LONG))
		rec_error(ctx, "note", "must be text of at most 20,000 characters");
	if (ctx->errors)
		return ERR_INVALID;
	json_t *cur = NULL;
	kt_err rc = record_get(ctx, ctx->lookup("contacts"), id, false, &cur);
	if (rc)
		return rc;
	char was[16];
	snprintf(was, sizeof was, "%s", json_string_value(json_object_get(cur, "status")));
	json_decref(cur);
	if (strcmp(was, "finished") == 0) {
		ctx->message = "This client's service is already finished; reopen it first.";
		return ERR_CONFLICT;
	}
	rc = set_status(ctx, id, "finished", reason);
	json_t *h = json_pack("{s:[s,s], s:O, s:s, s:O}", "status", was, "finished", "close_reason_id", reason,
			      "close_reason", name, "note", note ? note : json_null());
	if (!rc)
		rc = record_history_add(ctx, "contacts", id, "finish", h);
	json_decref(h);
	if (!rc)
		rc = record_get(ctx, ctx->lookup("contacts"), id, false, out);
	return rc;
}

kt_err contacts_reopen(struct rec_ctx *ctx, int64_t id, json_t **out)
{
	*out = NULL;
	json_t *cur = NULL;
	kt_err rc = record_get(ctx, ctx->lookup("contacts"), id, false, &cur);
	if (rc)
		return rc;
	bool finished = strcmp(json_string_value(json_object_get(cur, "status")), "finished") == 0;
	json_decref(cur);
	if (!finished) {
		ctx->message = "This client's service is not finished.";
		return ERR_CONFLICT;
	}
	rc = set_status(ctx, id, "active", NULL);
	json_t *h = json_pack("{s:[s,s]}", "status", "finished", "active");
	if (!rc)
		rc = record_history_add(ctx, "contacts", id, "reopen", h);
	json_decref(h);
	if (!rc)
		rc = record_get(ctx, ctx->lookup("contacts"), id, false, out);
	return rc;
}
