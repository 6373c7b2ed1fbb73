/* ical.c: see ical.h.  Activities from 90 days back to a year ahead,
 * at most 5,000, cancelled ones as STATUS:CANCELLED so subscribers drop
 * them. */
#include "crm/ical.h"

#include <libical/ical.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/b64.h"
#include "crm/rules.h"
#include "db/db.h"

static void hash_hex(const char *s, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(out, 65, h, sizeof h);
}

kt_err ical_token_new(struct db_conn *c, int64_t user, int64_t now, char out[64])
{
	unsigned char raw[24];
	randombytes_buf(raw, sizeof raw);
	b64url_encode(raw, sizeof raw, out, 64);
	char hash[65];
	hash_hex(out, hash);
	struct db_stmt *s;
	kt_err rc = db_prepare(c,
			       "INSERT INTO ical_tokens (user_id, token_hash, created_at) VALUES (?, ?, ?)"
			       " ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash,"
			       " created_at = excluded.created_at", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, user);
	db_bind_str(s, 2, hash);
	db_bind_int64(s, 3, now);
	return db_exec_stmt(s);
}

static struct icaltimetype utc(int64_t t)
{
	return icaltime_from_timet_with_zone((time_t)t, 0, icaltimezone_get_utc_timezone());
}

static icalcomponent *event(struct db_stmt *s, int64_t now)
{
	icalcomponent *ev = icalcomponent_new_vevent();
	char uid[64];
	snprintf(uid, sizeof uid, "activity-%lld@kontakt", (long long)db_col_int64(s, 0));
	icalcomponent_add_property(ev, icalproperty_new_uid(uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(utc(now)));
	icalcomponent_add_property(ev, icalproperty_new_dtstart(utc(db_col_int64(s, 3))));
	int64_t end = db_col_is_null(s, 4) ? db_col_int64(s, 3) : db_col_int64(s, 4);
	if (end > db_col_int64(s, 3))
		icalcomponent_add_property(ev, icalproperty_new_dtend(utc(end)));
	icalcomponent_add_property(ev, icalproperty_new_summary(db_col_text(s, 1, NULL)));
	const char *status = db_col_text(s, 2, NULL);
	icalcomponent_add_property(ev, icalproperty_new_status(strcmp(status, "cancelled") == 0 ? ICAL_STATUS_CANCELLED
											   : ICAL_STATUS_CONFIRMED));
	icalcomponent_add_property(ev, icalproperty_new_categories(db_col_text(s, 5, NULL)));
	if (!db_col_is_null(s, 6))
		icalcomponent_add_property(ev, icalproperty_new_location(db_col_text(s, 6, NULL)));
	char desc[1200] = "";
	const char *note = db_col_text(s, 7, NULL), *first = db_col_text(s, 8, NULL), *last = db_col_text(s, 9, NULL),
		   *phone = db_col_text(s, 10, NULL);
	snprintf(desc, sizeof desc, "%s%s%s%s%s%s%.800s", first ? first : "", first && *first ? " " : "", last ? last : "",
		 phone ? " " : "", phone ? phone : "", (last && note) ? "\n" : "", note ? note : "");
	if (desc[0])
		icalcomponent_add_property(ev, icalproperty_new_description(desc));
	return ev;
}

kt_err ical_feed(struct db_conn *c, const char *token, int64_t now, char **out)
{
	*out = NULL;
	if (!token || strlen(token) > 64)
		return ERR_NOT_FOUND;
	char hash[65];
	hash_hex(token, hash);
	struct db_stmt *s;
	kt_err rc = db_prepare(c,
			       "SELECT t.user_id FROM ical_tokens t JOIN users u ON u.id = t.user_id"
			       " WHERE t.token_hash = ? AND u.active = 1 AND u.deleted_at IS NULL", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, hash);
	rc = db_step(s);
	int64_t user = rc == ERR_ROW ? db_col_int64(s, 0) : 0;
	db_reset(s);
	if (rc != ERR_ROW)
		return rc == ERR_DONE ? ERR_NOT_FOUND : rc;
	/* The feed is the user's own: their tasks, with each client as they
	 * may see it (a hidden one adds nothing to the description). */
	struct rec_ctx ctx;
	rc = scope_user_ctx(c, user, now, &ctx);
	if (rc)
		return rc;
	int idx;
	rc = scope_prepare_join(&ctx,
				"SELECT a.id, a.subject, a.status, a.starts_at, a.ends_at, a.kind, a.place, a.note,"
				" c.first_name, c.last_name, c.phone FROM activities a",
				"contacts", "c.", "c.id = a.contact_id",
				"WHERE a.assignee_id = ? AND a.deleted_at IS NULL AND a.starts_at >= ? AND a.starts_at < ?"
				" ORDER BY a.starts_at, a.id LIMIT 5000", &s, &idx);
	if (rc)
		return rc;
	db_bind_int64(s, idx++, user);
	db_bind_int64(s, idx++, now - 90 * 86400);
	db_bind_int64(s, idx++, now + 366 * 86400);
	icalcomponent *cal = icalcomponent_vanew(ICAL_VCALENDAR_COMPONENT, icalproperty_new_version("2.0"),
						 icalproperty_new_prodid("-//Kontakt//CRM//PL"),
						 icalproperty_new_calscale("GREGORIAN"), (void *)0);
	icalproperty *name = icalproperty_new_x("Kontakt");
	icalproperty_set_x_name(name, "X-WR-CALNAME");
	icalcomponent_add_property(cal, name);
	while ((rc = db_step(s)) == ERR_ROW)
		icalcomponent_add_component(cal, event(s, now));
	db_reset(s);
	if (rc == ERR_DONE) {
		char *text = icalcomponent_as_ical_string_r(cal);
		*out = text ? strdup(text) : NULL;
		free(text);
		rc = *out ? ERR_OK : ERR_NOMEM;
	}
	icalcomponent_free(cal);
	return rc;
}
