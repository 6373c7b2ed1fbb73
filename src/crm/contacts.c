/* contacts.c: the rules of a client record: a PESEL fills in or must agree
 * with the birth date; records get their creator as owner by default; a
 * new client gets its first activity planned (autoplan); deleting one
 * cancels its planned activities. */
#include <stdio.h>
#include <string.h>

#include "core/ident.h"
#include "core/isotime.h"
#include "core/tz.h"
#include "crm/entities.h"
#include "crm/rules.h"
#include "crm/settings.h"
#include "db/db.h"

kt_err contacts_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors)
{
	json_t *pesel = json_object_get(values, "pesel");
	if (!json_is_string(pesel))
		return ERR_OK;
	char born[11];
	if (!ident_pesel_birth_date(json_string_value(pesel), born))
		return ERR_OK;
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
	return ERR_OK;
}

/* Deleting a client cancels its planned activities (each keeps its
 * history), so none is left pointing at a client in the trash unnoticed. */
kt_err contacts_before_delete(struct rec_ctx *ctx, int64_t id, json_t *cur)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       "SELECT id FROM activities WHERE contact_id = ? AND status = 'planned'"
			       " AND deleted_at IS NULL LIMIT 1000", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	int64_t ids[1000];
	int n = 0;
	while ((rc = db_step(s)) == ERR_ROW && n < 1000)
		ids[n++] = db_col_int64(s, 0);
	db_reset(s);
	if (rc != ERR_DONE && rc != ERR_ROW)
		return rc;
	rc = db_prepare(ctx->conn,
			"UPDATE activities SET status = 'cancelled', version = version + 1, updated_at = ?, updated_by = ?"
			" WHERE id = ?", &s);
	json_t *changes = json_pack("{s:[s,s], s:s}", "status", "planned", "cancelled", "reason", "client deleted");
	for (int i = 0; i < n && !rc; i++) {
		db_bind_int64(s, 1, ctx->now);
		ctx->user_id ? db_bind_int64(s, 2, ctx->user_id) : db_bind_null(s, 2);
		db_bind_int64(s, 3, ids[i]);
		rc = db_exec_stmt(s);
		if (!rc)
			rc = record_history_add(ctx, "activities", ids[i], "update", changes);
	}
	json_decref(changes);
	return rc;
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
	json_t *in = json_pack("{s:s, s:s, s:s, s:I, s:I, s:i}", "kind", phone ? "call" : "email", "subject", subject,
			       "starts_at", when, "assignee_id", json_integer_value(owner), "contact_id", (json_int_t)id,
			       "duration_min", 15);
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
