/* bulkmail.c: see bulkmail.h.  The job chain of one bulk e-mail is made
 * unique by a dedupe key naming the next recipient, so two servers never
 * send the same batch; a message whose send fails stays queued for the
 * next run until LIM_BULK_ATTEMPTS tries, then counts as failed. */
#include "crm/bulkmail.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/b64.h"
#include "core/isotime.h"
#include "core/limits.h"
#include "core/utf8.h"
#include "db/db.h"
#include "jobs/jobs.h"
#include "jobs/mailer.h"

#define JOB_KIND "bulk_email"
#define RETRY_S 30

static const char *const PLACEHOLDERS[] = {"first_name", "last_name", "name", NULL};

/* placeholder: the length of "{name}" at s when it is a placeholder
 * (letters and '_' between braces), its index in *which (-1: unknown). */
static size_t placeholder(const char *s, int *which)
{
	size_t n = 1;
	while ((s[n] >= 'a' && s[n] <= 'z') || s[n] == '_')
		n++;
	if (n == 1 || s[n] != '}')
		return 0;
	*which = -1;
	for (int i = 0; PLACEHOLDERS[i]; i++)
		if (strlen(PLACEHOLDERS[i]) == n - 1 && memcmp(PLACEHOLDERS[i], s + 1, n - 1) == 0)
			*which = i;
	return n + 1;
}

kt_err bulkmail_render(const char *tmpl, const char *first, const char *last, struct buf *out)
{
	kt_err rc = ERR_OK;
	first = first ? first : "";
	last = last ? last : "";
	for (const char *p = tmpl; *p && !rc;) {
		int which;
		size_t n = *p == '{' ? placeholder(p, &which) : 0;
		if (n && which >= 0) {
			if (which == 0)
				rc = buf_puts(out, first);
			else if (which == 1)
				rc = buf_puts(out, last);
			else
				rc = buf_printf(out, "%s%s%s", first, *first && *last ? " " : "", last);
			p += n;
		} else {
			const char *q = strchr(p + 1, '{');
			size_t len = q ? (size_t)(q - p) : strlen(p);
			rc = buf_append(out, p, len);
			p += len;
		}
	}
	return rc;
}

/* check_text: a subject or body: text of 1..max characters whose
 * placeholders are all known. */
static void check_text(struct rec_ctx *ctx, json_t *in, const char *k, size_t max, bool one_line)
{
	json_t *v = json_object_get(in, k);
	char msg[200];
	if (!json_is_string(v) || json_string_length(v) == 0) {
		rec_error(ctx, k, "is required: non-empty text");
		return;
	}
	const char *s = json_string_value(v);
	if (utf8_count(s, json_string_length(v)) > max) {
		snprintf(msg, sizeof msg, "must be at most %zu characters", max);
		rec_error(ctx, k, msg);
		return;
	}
	if (one_line && strpbrk(s, "\r\n")) {
		rec_error(ctx, k, "must be one line");
		return;
	}
	for (const char *p = strchr(s, '{'); p; p = strchr(p + 1, '{')) {
		int which;
		size_t n = placeholder(p, &which);
		if (n && which < 0) {
			snprintf(msg, sizeof msg, "has an unknown placeholder %.*s (use {first_name}, {last_name} or {name})",
				 (int)(n < 60 ? n : 60), p);
			rec_error(ctx, k, msg);
			return;
		}
	}
}

struct who {
	int64_t id;
	char *email, *first, *last;
};

struct list {
	struct who *v;
	size_t n, cap;
};

static void list_clear(struct list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].email);
		free(l->v[i].first);
		free(l->v[i].last);
	}
	free(l->v);
}

static char *dup_str(json_t *v)
{
	return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}

static kt_err list_add(struct list *l, int64_t id, json_t *email, json_t *first, json_t *last)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct who *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return ERR_NOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (struct who){id, dup_str(email), dup_str(first), dup_str(last)};
	return ERR_OK;
}

struct pos {
	int64_t id;
	size_t at;
};

static int pos_cmp(const void *a, const void *b)
{
	const struct pos *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

/* list_dedupe: keeps each client once, where it first comes, so nobody
 * gets the message twice however often contact_ids names them (anywhere
 * among up to LIM_BULK_RECIPIENTS: sorted, not compared pairwise). */
static kt_err list_dedupe(struct list *l)
{
	if (l->n < 2)
		return ERR_OK;
	struct pos *ix = malloc(l->n * sizeof *ix);
	bool *drop = calloc(l->n, sizeof *drop);
	if (!ix || !drop) {
		free(ix);
		free(drop);
		return ERR_NOMEM;
	}
	for (size_t i = 0; i < l->n; i++)
		ix[i] = (struct pos){l->v[i].id, i};
	qsort(ix, l->n, sizeof *ix, pos_cmp);
	for (size_t i = 1; i < l->n; i++)
		if (ix[i].id == ix[i - 1].id)
			drop[ix[i].at] = true;
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (!drop[i]) {
			l->v[n++] = l->v[i];
			continue;
		}
		free(l->v[i].email);
		free(l->v[i].first);
		free(l->v[i].last);
	}
	l->n = n;
	free(ix);
	free(drop);
	return ERR_OK;
}

/* by_ids: the clients named, each live and visible. */
static kt_err by_ids(struct rec_ctx *ctx, json_t *ids, struct list *l)
{
	if (!json_is_array(ids) || json_array_size(ids) == 0 || json_array_size(ids) > LIM_BULK_RECIPIENTS)
		return rec_error(ctx, "contact_ids", "must be a list of 1 to 50000 client ids");
	const struct entity *e = ctx->lookup("contacts");
	struct buf missing;
	buf_init(&missing, 256);
	size_t i;
	json_t *v;
	int nmiss = 0;
	kt_err rc = ERR_OK;
	json_array_foreach(ids, i, v) {
		if (rc)
			break;
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			rc = rec_error(ctx, "contact_ids", "must hold client ids (positive integers)");
			break;
		}
		json_t *rec = NULL;
		kt_err r = record_get(ctx, e, json_integer_value(v), false, &rec);
		if (r == ERR_NOT_FOUND) {
			if (nmiss++ < 10)
				buf_printf(&missing, "%s%lld", nmiss > 1 ? ", " : "", (long long)json_integer_value(v));
			continue;
		}
		if (r) {
			rc = r;
			break;
		}
		rc = list_add(l, json_integer_value(v), json_object_get(rec, "email"), json_object_get(rec, "first_name"),
			      json_object_get(rec, "last_name"));
		json_decref(rec);
	}
	if (!rc && nmiss) {
		char msg[300];
		snprintf(msg, sizeof msg, "names clients that do not exist or are not visible to you: %s%s",
			 buf_cstr(&missing), nmiss > 10 ? ", ..." : "");
		rc = rec_error(ctx, "contact_ids", msg);
	}
	buf_clear(&missing);
	return rc;
}

/* by_filter: every client the list with these parameters shows. */
static kt_err by_filter(struct rec_ctx *ctx, json_t *filter, struct list *l)
{
	if (!json_is_object(filter))
		return rec_error(ctx, "filter", "must be an object of list parameters, e.g. {\"city\": \"Kraków\"}");
	json_t *p = json_object();
	const char *k;
	json_t *v;
	char key[96];
	json_object_foreach(filter, k, v) {
		snprintf(key, sizeof key, "filter.%.80s", k);
		if (strcmp(k, "limit") == 0 || strcmp(k, "cursor") == 0)
			rec_error(ctx, key, "is not a filter: all matching clients are sent to");
		else if (json_is_string(v))
			json_object_set(p, k, v);
		else if (json_is_integer(v))
			json_object_set_new(p, k, json_sprintf("%lld", (long long)json_integer_value(v)));
		else if (json_is_boolean(v))
			json_object_set_new(p, k, json_string(json_is_true(v) ? "true" : "false"));
		else
			rec_error(ctx, key, "must be a string, a number or true/false");
	}
	json_object_set_new(p, "limit", json_string("500"));
	kt_err rc = ctx->errors ? ERR_INVALID : ERR_OK;
	const struct entity *e = ctx->lookup("contacts");
	while (!rc) {
		json_t *page = NULL;
		rc = record_list(ctx, e, p, &page);
		if (rc == ERR_BAD_QUERY) {
			/* The list's complaints, as fields of the filter. */
			json_t *errs = ctx->errors;
			ctx->errors = NULL;
			json_object_foreach(errs, k, v) {
				snprintf(key, sizeof key, "filter.%.80s", k);
				rec_error(ctx, key, json_string_value(v));
			}
			json_decref(errs);
			rc = ERR_INVALID;
			break;
		}
		size_t i;
		json_t *rec;
		json_array_foreach(json_object_get(page, "items"), i, rec) {
			if (rc)
				break;
			rc = list_add(l, json_integer_value(json_object_get(rec, "id")), json_object_get(rec, "email"),
				      json_object_get(rec, "first_name"), json_object_get(rec, "last_name"));
		}
		json_t *next = json_object_get(page, "next_cursor");
		if (!rc && l->n > LIM_BULK_RECIPIENTS)
			rc = rec_error(ctx, "filter", "matches more than 50000 clients: narrow it down");
		if (!rc && json_is_string(next))
			json_object_set(p, "cursor", next);
		bool more = json_is_string(next);
		json_decref(page);
		if (!more)
			break;
	}
	json_decref(p);
	return rc;
}

kt_err bulkmail_create(struct rec_ctx *ctx, json_t *in, json_t **out)
{
	*out = NULL;
	if (!json_is_object(in))
		return ERR_BAD_JSON;
	const char *k;
	json_t *v;
	json_object_foreach(in, k, v)
		if (strcmp(k, "subject") && strcmp(k, "body") && strcmp(k, "contact_ids") && strcmp(k, "filter"))
			rec_error(ctx, k, "is not accepted here (give subject, body and contact_ids or filter)");
	check_text(ctx, in, "subject", LIM_BULK_SUBJECT, true);
	check_text(ctx, in, "body", LIM_BULK_BODY, false);
	json_t *ids = json_object_get(in, "contact_ids"), *filter = json_object_get(in, "filter");
	if (!ids == !filter)
		rec_error(ctx, ids ? "filter" : "contact_ids", "give either contact_ids or filter (one of them)");
	if (ctx->errors)
		return ERR_INVALID;
	struct list l = {0};
	kt_err rc = ids ? by_ids(ctx, ids, &l) : by_filter(ctx, filter, &l);
	if (!rc)
		rc = list_dedupe(&l);
	if (!rc && l.n == 0)
		rc = rec_error(ctx, "filter", "matches no clients");
	struct db_stmt *s;
	int64_t id = 0;
	if (!rc)
		rc = db_prepare(ctx->conn,
				"INSERT INTO bulk_emails (subject, body, total, created_at, created_by) VALUES (?, ?, ?, ?, ?)"
				" RETURNING id", &s);
	if (!rc) {
		db_bind_str(s, 1, json_string_value(json_object_get(in, "subject")));
		db_bind_str(s, 2, json_string_value(json_object_get(in, "body")));
		db_bind_int64(s, 3, (int64_t)l.n);
		db_bind_int64(s, 4, ctx->now);
		ctx->user_id ? db_bind_int64(s, 5, ctx->user_id) : db_bind_null(s, 5);
		rc = db_step(s);
		id = rc == ERR_ROW ? db_col_int64(s, 0) : 0;
		rc = rc == ERR_ROW ? ERR_OK : rc == ERR_DONE ? ERR_INTERNAL : rc;
		db_reset(s);
	}
	bool queued = false;
	for (size_t i = 0; i < l.n && !rc; i++) {
		rc = db_prepare(ctx->conn,
				"INSERT INTO bulk_email_recipients (bulk_email_id, contact_id, email, name, status, error)"
				" VALUES (?, ?, ?, ?, ?, ?)", &s);
		if (rc)
			break;
		struct who *w = &l.v[i];
		bool has = w->email && *w->email;
		char name[210];
		snprintf(name, sizeof name, "%s%s%s", w->first ? w->first : "", w->first && *w->first ? " " : "",
			 w->last ? w->last : "");
		db_bind_int64(s, 1, id);
		db_bind_int64(s, 2, w->id);
		db_bind_str(s, 3, has ? w->email : NULL);
		db_bind_str(s, 4, name);
		db_bind_str(s, 5, has ? "queued" : "skipped");
		db_bind_str(s, 6, has ? NULL : "no e-mail address");
		rc = db_exec_stmt(s);
		queued |= has;
	}
	if (!rc && queued) {
		json_t *p = json_pack("{s:I}", "bulk_email_id", (json_int_t)id);
		char key[64];
		snprintf(key, sizeof key, JOB_KIND ":%lld:0", (long long)id);
		rc = jobs_enqueue(ctx->conn, JOB_KIND, p, ctx->now, key, ctx->now, NULL);
		json_decref(p);
	} else if (!rc) {
		rc = db_prepare(ctx->conn, "UPDATE bulk_emails SET finished_at = ? WHERE id = ?", &s);
		if (!rc) {
			db_bind_int64(s, 1, ctx->now);
			db_bind_int64(s, 2, id);
			rc = db_exec_stmt(s);
		}
	}
	list_clear(&l);
	if (!rc)
		rc = bulkmail_get(ctx, id, NULL, out);
	return rc;
}

/* ---- reading ----------------------------------------------------------- */

static json_t *time_json(struct db_stmt *s, int col)
{
	if (db_col_is_null(s, col))
		return json_null();
	char at[21];
	isotime_format(db_col_int64(s, col), at);
	return json_string(at);
}

static json_t *text_json(struct db_stmt *s, int col)
{
	const char *t = db_col_text(s, col, NULL);
	return t ? json_string(t) : json_null();
}

static bool admin(const struct rec_ctx *ctx)
{
	return ctx->role == ROLE_ADMIN || ctx->user_id == 0;
}

/* head: the bulk e-mail id with its counts, if the caller may see it. */
static kt_err head(struct rec_ctx *ctx, int64_t id, json_t **out)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       "SELECT id, subject, body, total, created_at, created_by, finished_at FROM bulk_emails"
			       " WHERE id = ?", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	rc = db_step(s);
	int64_t by = rc == ERR_ROW && !db_col_is_null(s, 5) ? db_col_int64(s, 5) : 0;
	if (rc == ERR_ROW && (admin(ctx) || by == ctx->user_id)) {
		*out = json_pack("{s:I, s:o, s:o, s:o, s:o, s:s}", "id", (json_int_t)id, "subject", text_json(s, 1),
				 "body", text_json(s, 2), "created_at", time_json(s, 4), "created_by",
				 by ? json_integer(by) : json_null(), "status", db_col_is_null(s, 6) ? "sending" : "done");
		json_object_set_new(*out, "finished_at", time_json(s, 6));
		rc = *out ? ERR_OK : ERR_NOMEM;
	} else if (rc == ERR_ROW || rc == ERR_DONE) {
		rc = ERR_NOT_FOUND;
	}
	db_reset(s);
	if (rc)
		return rc;
	json_t *counts = json_pack("{s:i, s:i, s:i, s:i, s:i}", "total", 0, "queued", 0, "sent", 0, "failed", 0, "skipped", 0);
	rc = db_prepare(ctx->conn, "SELECT status, COUNT(*) FROM bulk_email_recipients WHERE bulk_email_id = ? GROUP BY status", &s);
	if (!rc) {
		db_bind_int64(s, 1, id);
		int64_t total = 0;
		while ((rc = db_step(s)) == ERR_ROW) {
			total += db_col_int64(s, 1);
			json_object_set_new(counts, db_col_text(s, 0, NULL), json_integer(db_col_int64(s, 1)));
		}
		db_reset(s);
		json_object_set_new(counts, "total", json_integer(total));
		rc = rc == ERR_DONE ? ERR_OK : rc;
	}
	json_object_set_new(*out, "counts", counts);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static kt_err page_args(struct rec_ctx *ctx, json_t *params, int64_t *limit, int64_t *after, const char **status)
{
	const char *k;
	json_t *v;
	json_object_foreach(params, k, v) {
		const char *s = json_string_value(v);
		char *end;
		if (!s)
			continue;
		if (strcmp(k, "limit") == 0) {
			long long n = strtoll(s, &end, 10);
			if (!*s || *end || n < 1 || n > LIM_LIST_MAX)
				return rec_error(ctx, "limit", "must be an integer from 1 to 500"), ERR_BAD_QUERY;
			*limit = n;
		} else if (strcmp(k, "cursor") == 0) {
			unsigned char raw[32];
			size_t n;
			if (strlen(s) > 40 || !b64url_decode(s, strlen(s), raw, sizeof raw - 1, &n))
				return rec_error(ctx, "cursor", "is not a cursor this server gave"), ERR_BAD_QUERY;
			raw[n] = '\0';
			long long a = strtoll((char *)raw, &end, 10);
			if (!n || *end || a <= 0)
				return rec_error(ctx, "cursor", "is not a cursor this server gave"), ERR_BAD_QUERY;
			*after = a;
		} else if (status && strcmp(k, "status") == 0) {
			if (strcmp(s, "queued") && strcmp(s, "sent") && strcmp(s, "failed") && strcmp(s, "skipped"))
				return rec_error(ctx, "status", "must be queued, sent, failed or skipped"), ERR_BAD_QUERY;
			*status = s;
		} else {
			return rec_error(ctx, k, "is not a parameter of this list"), ERR_BAD_QUERY;
		}
	}
	return ERR_OK;
}

static json_t *cursor_of(int64_t last)
{
	char num[24], enc[40];
	snprintf(num, sizeof num, "%lld", (long long)last);
	b64url_encode((const unsigned char *)num, strlen(num), enc, sizeof enc);
	return json_string(enc);
}

kt_err bulkmail_get(struct rec_ctx *ctx, int64_t id, json_t *params, json_t **out)
{
	*out = NULL;
	int64_t limit = LIM_LIST_DEFAULT, after = 0;
	const char *status = NULL;
	kt_err rc = page_args(ctx, params, &limit, &after, &status);
	json_t *b = NULL;
	if (!rc)
		rc = head(ctx, id, &b);
	if (rc)
		return rc;
	struct db_stmt *s;
	char sql[400];
	snprintf(sql, sizeof sql,
		 "SELECT id, contact_id, email, name, status, attempts, error, sent_at FROM bulk_email_recipients"
		 " WHERE bulk_email_id = ? AND id > ?%s ORDER BY id LIMIT ?", status ? " AND status = ?" : "");
	rc = db_prepare(ctx->conn, sql, &s);
	json_t *items = json_array();
	int64_t last = 0;
	if (!rc) {
		int idx = 1;
		db_bind_int64(s, idx++, id);
		db_bind_int64(s, idx++, after);
		if (status)
			db_bind_str(s, idx++, status);
		db_bind_int64(s, idx, limit + 1);
		while ((rc = db_step(s)) == ERR_ROW) {
			if ((int64_t)json_array_size(items) == limit)
				break;
			last = db_col_int64(s, 0);
			json_array_append_new(items, json_pack("{s:I, s:o, s:o, s:o, s:I, s:o, s:o}", "contact_id",
				(json_int_t)db_col_int64(s, 1), "email", text_json(s, 2), "name", text_json(s, 3),
				"status", text_json(s, 4), "attempts", (json_int_t)db_col_int64(s, 5), "error",
				text_json(s, 6), "sent_at", time_json(s, 7)));
		}
		bool more = rc == ERR_ROW;
		db_reset(s);
		rc = rc == ERR_ROW || rc == ERR_DONE ? ERR_OK : rc;
		json_object_set_new(b, "next_cursor", more ? cursor_of(last) : json_null());
	}
	json_object_set_new(b, "recipients", items);
	if (rc) {
		json_decref(b);
		return rc;
	}
	*out = b;
	return ERR_OK;
}

kt_err bulkmail_list(struct rec_ctx *ctx, json_t *params, json_t **out)
{
	*out = NULL;
	int64_t limit = LIM_LIST_DEFAULT, after = INT64_MAX;
	kt_err rc = page_args(ctx, params, &limit, &after, NULL);
	if (after == 0)
		after = INT64_MAX;
	if (rc)
		return rc;
	struct db_stmt *s;
	rc = db_prepare(ctx->conn, admin(ctx)
				? "SELECT id FROM bulk_emails WHERE id < ? AND (1 = 1 OR created_by = ?) ORDER BY id DESC LIMIT ?"
				: "SELECT id FROM bulk_emails WHERE id < ? AND created_by = ? ORDER BY id DESC LIMIT ?", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, after);
	db_bind_int64(s, 2, ctx->user_id);
	db_bind_int64(s, 3, limit + 1);
	int64_t ids[LIM_LIST_MAX + 1];
	int n = 0;
	while ((rc = db_step(s)) == ERR_ROW && n <= limit)
		ids[n++] = db_col_int64(s, 0);
	db_reset(s);
	if (rc != ERR_ROW && rc != ERR_DONE)
		return rc;
	json_t *items = json_array();
	rc = ERR_OK;
	for (int i = 0; i < n && i < limit && !rc; i++) {
		json_t *b = NULL;
		rc = head(ctx, ids[i], &b);
		if (!rc)
			json_array_append_new(items, b);
	}
	if (rc) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o, s:o}", "items", items, "next_cursor", n > limit ? cursor_of(ids[limit - 1]) : json_null());
	return *out ? ERR_OK : ERR_NOMEM;
}

/* ---- the job ------------------------------------------------------------- */

struct msg {
	int64_t rid, contact;
	int attempts;
	char email[256];
	char first[101 * 4], last[101 * 4];
	bool live;
};

struct batch {
	int64_t id, author;
	char *subject, *body;
	struct msg m[LIM_BULK_BATCH];
	int n;
};

static char *col_dup(struct db_stmt *s, int col)
{
	const char *t = db_col_text(s, col, NULL);
	return strdup(t ? t : "");
}

static kt_err load_batch(struct db_conn *c, struct batch *b)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(c, "SELECT subject, body, created_by FROM bulk_emails WHERE id = ?", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, b->id);
	rc = db_step(s);
	if (rc == ERR_ROW) {
		b->subject = col_dup(s, 0);
		b->body = col_dup(s, 1);
		b->author = db_col_is_null(s, 2) ? 0 : db_col_int64(s, 2);
		rc = b->subject && b->body ? ERR_OK : ERR_NOMEM;
	} else if (rc == ERR_DONE) {
		rc = ERR_NOT_FOUND;
	}
	db_reset(s);
	if (rc)
		return rc;
	rc = db_prepare(c,
			"SELECT r.id, r.contact_id, r.email, r.attempts, c.first_name, c.last_name, c.deleted_at"
			" FROM bulk_email_recipients r JOIN contacts c ON c.id = r.contact_id"
			" WHERE r.bulk_email_id = ? AND r.status = 'queued' ORDER BY r.id LIMIT ?", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, b->id);
	db_bind_int64(s, 2, LIM_BULK_BATCH);
	while ((rc = db_step(s)) == ERR_ROW && b->n < LIM_BULK_BATCH) {
		struct msg *m = &b->m[b->n++];
		m->rid = db_col_int64(s, 0);
		m->contact = db_col_int64(s, 1);
		const char *t = db_col_text(s, 2, NULL);
		snprintf(m->email, sizeof m->email, "%s", t ? t : "");
		m->attempts = (int)db_col_int64(s, 3);
		t = db_col_text(s, 4, NULL);
		snprintf(m->first, sizeof m->first, "%s", t ? t : "");
		t = db_col_text(s, 5, NULL);
		snprintf(m->last, sizeof m->last, "%s", t ? t : "");
		m->live = db_col_is_null(s, 6);
	}
	db_reset(s);
	return rc == ERR_DONE || rc == ERR_ROW ? ERR_OK : rc;
}

struct outcome {
	const struct batch *b;
	const struct msg *m;
	const char *status;     /* sent, failed, skipped, queued (to retry) */
	const char *error;
	const char *subject;    /* as sent */
	int64_t now;
};

static kt_err record_tx(struct db_conn *c, void *arg)
{
	struct outcome *o = arg;
	struct db_stmt *s;
	kt_err rc = db_prepare(c,
			       "UPDATE bulk_email_recipients SET status = ?, attempts = attempts + ?, error = ?, sent_at = ?"
			       " WHERE id = ? AND status = 'queued'", &s);
	if (rc)
		return rc;
	bool sent = strcmp(o->status, "sent") == 0;
	db_bind_str(s, 1, o->status);
	db_bind_int64(s, 2, strcmp(o->status, "skipped") ? 1 : 0);
	db_bind_str(s, 3, o->error);
	sent ? db_bind_int64(s, 4, o->now) : db_bind_null(s, 4);
	db_bind_int64(s, 5, o->m->rid);
	rc = db_exec_stmt(s);
	if (rc || (!sent && strcmp(o->status, "failed")))
		return rc;
	/* On the client's timeline, as the author's e-mail. */
	struct rec_ctx ctx = {.conn = c, .user_id = o->b->author, .now = o->now};
	json_t *h = json_pack("{s:I, s:s, s:s, s:s, s:o}", "bulk_email_id", (json_int_t)o->b->id, "subject", o->subject,
			      "to", o->m->email, "status", o->status, "error", o->error ? json_string(o->error) : json_null());
	rc = h ? record_history_add(&ctx, "contacts", o->m->contact, "bulk_email", h) : ERR_NOMEM;
	json_decref(h);
	return rc;
}

struct follow {
	int64_t id, now, delay;
	bool more;
};

static kt_err follow_tx(struct db_conn *c, void *arg)
{
	struct follow *f = arg;
	struct db_stmt *s;
	kt_err rc = db_prepare(c,
			       "SELECT id FROM bulk_email_recipients WHERE bulk_email_id = ? AND status = 'queued'"
			       " ORDER BY id LIMIT 1", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, f->id);
	rc = db_step(s);
	int64_t next = rc == ERR_ROW ? db_col_int64(s, 0) : 0;
	db_reset(s);
	if (rc != ERR_ROW && rc != ERR_DONE)
		return rc;
	f->more = next != 0;
	if (!next) {
		rc = db_prepare(c, "UPDATE bulk_emails SET finished_at = ? WHERE id = ? AND finished_at IS NULL", &s);
		if (!rc) {
			db_bind_int64(s, 1, f->now);
			db_bind_int64(s, 2, f->id);
			rc = db_exec_stmt(s);
		}
		return rc;
	}
	json_t *p = json_pack("{s:I}", "bulk_email_id", (json_int_t)f->id);
	char key[96];
	snprintf(key, sizeof key, JOB_KIND ":%lld:%lld:%lld", (long long)f->id, (long long)next, (long long)f->now / RETRY_S);
	rc = jobs_enqueue(c, JOB_KIND, p, f->now + f->delay, key, f->now, NULL);
	json_decref(p);
	return rc;
}

kt_err bulkmail_job(struct app *app, struct db_conn *c, json_t *payload, char *err, size_t errcap)
{
	struct batch *b = calloc(1, sizeof *b);
	if (!b)
		return ERR_NOMEM;
	b->id = json_integer_value(json_object_get(payload, "bulk_email_id"));
	kt_err rc = load_batch(c, b);
	if (rc == ERR_NOT_FOUND)
		rc = ERR_OK; /* deleted meanwhile: nothing to send */
	bool failures = false;
	for (int i = 0; i < b->n && !rc; i++) {
		struct msg *m = &b->m[i];
		struct outcome o = {b, m, "sent", NULL, NULL, app_now(app)};
		struct buf subject, body;
		buf_init(&subject, 4096);
		buf_init(&body, 4 * 1024 * 1024);
		char why[256] = "";
		if (!m->live) {
			o.status = "skipped";
			o.error = "client deleted";
		} else {
			rc = bulkmail_render(b->subject, m->first, m->last, &subject);
			if (!rc)
				rc = bulkmail_render(b->body, m->first, m->last, &body);
			/* The client's name as it is, whole characters (mailer_send
			 * encodes it, so it cannot add a recipient or a header). */
			char name[sizeof m->first + sizeof m->last];
			snprintf(name, sizeof name, "%s%s%s", m->first, *m->first && *m->last ? " " : "", m->last);
			struct mail mail = {.from = app->smtp_from, .to = m->email, .to_name = name,
					    .subject = buf_cstr(&subject), .body = buf_cstr(&body)};
			kt_err sr = rc ? rc : mailer_send(app->smtp_url, app->smtp_allow_plaintext, &mail, why, sizeof why);
			if (sr) {
				failures = true;
				o.status = m->attempts + 1 >= LIM_BULK_ATTEMPTS ? "failed" : "queued";
				o.error = why[0] ? why : err_info(sr)->code;
				rc = ERR_OK;
			}
		}
		o.subject = buf_cstr(&subject);
		o.now = app_now(app);
		if (!rc)
			rc = db_tx_run(c, true, record_tx, &o);
		buf_clear(&subject);
		buf_clear(&body);
	}
	if (!rc && b->subject) {
		struct follow f = {b->id, app_now(app), failures ? RETRY_S : 0, false};
		rc = db_tx_run(c, true, follow_tx, &f);
	}
	if (rc)
		snprintf(err, errcap, "bulk e-mail %lld: %s", (long long)b->id, err_info(rc)->code);
	free(b->subject);
	free(b->body);
	free(b);
	return rc;
}
