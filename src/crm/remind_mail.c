/* remind_mail.c: see remind_mail.h.  The job re-reads the activity: one
 * that was done, cancelled, deleted or moved since the job was planned
 * sends nothing (a moved one has its own job). */
#include "crm/remind_mail.h"

#include <stdio.h>
#include <string.h>

#include "core/app.h"
#include "core/buf.h"
#include "core/tz.h"
#include "crm/rules.h"
#include "db/db.h"
#include "jobs/mailer.h"

struct facts {
	char subject[301], status[16], kind[16], place[301];
	int64_t starts_at, deleted;
	char to[255], to_name[201], locale[8], zone[65];
	char client[202], phone[32];
};

static void copy(struct db_stmt *s, int col, char *out, size_t cap)
{
	const char *t = db_col_text(s, col, NULL);
	snprintf(out, cap, "%s", t ? t : "");
}

/* assignee_of: who the reminder goes to. */
static kt_err assignee_of(struct db_conn *c, int64_t id, int64_t *user)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(c, "SELECT assignee_id FROM activities WHERE id = ?", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	rc = db_step(s);
	*user = rc == ERR_ROW && !db_col_is_null(s, 0) ? db_col_int64(s, 0) : 0;
	db_reset(s);
	return rc == ERR_ROW ? (*user ? ERR_OK : ERR_NOT_FOUND) : rc == ERR_DONE ? ERR_NOT_FOUND : rc;
}

/* load: the activity, its assignee and its client as the assignee may
 * see it (a client hidden from them is not named in their e-mail). */
static kt_err load(struct db_conn *c, int64_t id, int64_t now, struct facts *f)
{
	int64_t user;
	kt_err rc = assignee_of(c, id, &user);
	struct rec_ctx ctx;
	if (!rc)
		rc = scope_user_ctx(c, user, now, &ctx);
	if (rc)
		return rc;
	struct db_stmt *s;
	int idx;
	rc = scope_prepare_join(&ctx,
				"SELECT a.subject, a.status, a.kind, a.place, a.starts_at, a.deleted_at,"
				" u.email, u.name, u.locale, u.time_zone, c.first_name, c.last_name, c.phone"
				" FROM activities a JOIN users u ON u.id = a.assignee_id",
				"contacts", "c.", "c.id = a.contact_id", "WHERE a.id = ?", &s, &idx);
	if (rc)
		return rc;
	db_bind_int64(s, idx, id);
	rc = db_step(s);
	if (rc == ERR_ROW) {
		copy(s, 0, f->subject, sizeof f->subject);
		copy(s, 1, f->status, sizeof f->status);
		copy(s, 2, f->kind, sizeof f->kind);
		copy(s, 3, f->place, sizeof f->place);
		f->starts_at = db_col_is_null(s, 4) ? 0 : db_col_int64(s, 4);
		f->deleted = !db_col_is_null(s, 5);
		copy(s, 6, f->to, sizeof f->to);
		copy(s, 7, f->to_name, sizeof f->to_name);
		copy(s, 8, f->locale, sizeof f->locale);
		copy(s, 9, f->zone, sizeof f->zone);
		char first[101], last[101];
		copy(s, 10, first, sizeof first);
		copy(s, 11, last, sizeof last);
		snprintf(f->client, sizeof f->client, "%s%s%s", first, *first ? " " : "", last);
		copy(s, 12, f->phone, sizeof f->phone);
	}
	db_reset(s);
	return rc == ERR_ROW ? ERR_OK : rc == ERR_DONE ? ERR_NOT_FOUND : rc;
}

struct words {
	const char *reminder, *when, *client, *phone, *place, *footer;
	const char *kinds[4];
};

static const struct words PL = {"Przypomnienie", "Kiedy", "Klient", "Telefon", "Miejsce",
				"Wiadomość wysłana przez Kontakt.", {"Zadanie", "Telefon", "Spotkanie", "E-mail"}};
static const struct words EN = {"Reminder", "When", "Client", "Phone", "Place",
				"Sent by Kontakt.", {"Task", "Call", "Meeting", "E-mail"}};

static const char *kind_word(const struct words *w, const char *kind)
{
	static const char *const kinds[] = {"task", "call", "meeting", "email"};
	for (int i = 0; i < 4; i++)
		if (strcmp(kind, kinds[i]) == 0)
			return w->kinds[i];
	return kind;
}

kt_err remind_mail_job(struct app *app, struct db_conn *c, json_t *payload, char *err, size_t errcap)
{
	int64_t id = json_integer_value(json_object_get(payload, "activity_id"));
	int64_t planned = json_integer_value(json_object_get(payload, "starts_at"));
	struct facts f;
	memset(&f, 0, sizeof f);
	kt_err rc = load(c, id, app_now(app), &f);
	if (rc == ERR_NOT_FOUND)
		return ERR_OK;
	if (rc)
		return rc;
	if (f.deleted || strcmp(f.status, "planned") != 0 || f.starts_at != planned || !f.to[0])
		return ERR_OK;
	const struct words *w = strcmp(f.locale, "en") == 0 ? &EN : &PL;
	struct tz *tz = NULL;
	if (tz_load(f.zone, &tz) != ERR_OK && tz_load("UTC", &tz) != ERR_OK)
		return ERR_INTERNAL;
	char when[32];
	tz_format_local(tz, f.starts_at, when);
	tz_free(tz);
	when[16] = '\0';
	when[10] = ' ';
	char subject[700];
	snprintf(subject, sizeof subject, "%s: %.5s %.300s — %.202s", w->reminder, when + 11, f.subject,
		 f.client[0] ? f.client : kind_word(w, f.kind));
	struct buf body;
	buf_init(&body, 16384);
	rc = buf_printf(&body, "%s: %s\n\n%s: %s\n", kind_word(w, f.kind), f.subject, w->when, when);
	if (!rc && f.client[0])
		rc = buf_printf(&body, "%s: %s\n", w->client, f.client);
	if (!rc && f.phone[0])
		rc = buf_printf(&body, "%s: %s\n", w->phone, f.phone);
	if (!rc && f.place[0])
		rc = buf_printf(&body, "%s: %s\n", w->place, f.place);
	if (!rc)
		rc = buf_printf(&body, "\n-- \n%s\n", w->footer);
	struct mail m = {.from = app->smtp_from, .to = f.to, .to_name = f.to_name, .subject = subject,
			 .body = buf_cstr(&body)};
	if (!rc)
		rc = mailer_send(app->smtp_url, app->smtp_allow_plaintext, &m, err, errcap);
	buf_clear(&body);
	return rc;
}
