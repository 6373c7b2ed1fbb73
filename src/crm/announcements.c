/* announcements.c: see announcements.h.  The audience is kept twice: as the
 * JSON lists the API shows and as hidden keys (",manager,agent,", ",3,7,")
 * that portable SQL matches with LIKE, so "addressed to me" is one
 * condition on both engines.  Receipts are announcement_receipts, one row
 * per (announcement, user).  Not here: CRUD (the engine's), e-mail. */
#include "crm/announcements.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/isotime.h"
#include "core/limits.h"
#include "crm/accounts.h"
#include "crm/entities.h"
#include "crm/kb.h"
#include "crm/rules.h"
#include "db/db.h"

static const char *const ROLE_ORDER[] = {"admin", "manager", "agent"};

static const char NO_AUDIENCE[] =
	"Empty audience: announcements need an audience (roles, departments or everyone).";

static json_t *time_or_null(struct db_stmt *s, int col)
{
	if (db_col_is_null(s, col))
		return json_null();
	char t[21];
	isotime_format(db_col_int64(s, col), t);
	return json_string(t);
}

/* norm_roles: v as the canonical list of roles (admin, manager, agent
 * order, no repeats) in *out; a field error when v is anything else. */
static kt_err norm_roles(struct rec_ctx *ctx, json_t *v, json_t **out)
{
	static const char msg[] = "must be a list of roles: admin, manager, agent";
	*out = NULL;
	if (!json_is_array(v))
		return rec_error(ctx, "audience_roles", msg);
	bool seen[3] = {false, false, false};
	size_t i;
	json_t *r;
	json_array_foreach(v, i, r) {
		int k = -1;
		for (int j = 0; j < 3 && json_is_string(r); j++)
			if (strcmp(json_string_value(r), ROLE_ORDER[j]) == 0)
				k = j;
		if (k < 0)
			return rec_error(ctx, "audience_roles", msg);
		seen[k] = true;
	}
	json_t *a = json_array();
	for (int j = 0; j < 3 && a; j++)
		if (seen[j])
			json_array_append_new(a, json_string(ROLE_ORDER[j]));
	*out = a;
	return a ? ERR_OK : ERR_NOMEM;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* norm_departments: v as a sorted list of existing department ids. */
static kt_err norm_departments(struct rec_ctx *ctx, json_t *v, json_t **out)
{
	*out = NULL;
	if (!json_is_array(v) || json_array_size(v) > LIM_AUDIENCE_DEPARTMENTS)
		return rec_error(ctx, "audience_departments", "must be a list of at most 100 department ids");
	size_t n = json_array_size(v), k = 0;
	int64_t *ids = malloc((n ? n : 1) * sizeof *ids);
	if (!ids)
		return ERR_NOMEM;
	size_t i;
	json_t *d;
	json_array_foreach(v, i, d) {
		if (!json_is_integer(d) || json_integer_value(d) <= 0) {
			free(ids);
			return rec_error(ctx, "audience_departments", "must be a list of department ids");
		}
		ids[k++] = json_integer_value(d);
	}
	qsort(ids, k, sizeof *ids, cmp_id);
	json_t *a = json_array();
	kt_err rc = a ? ERR_OK : ERR_NOMEM;
	for (i = 0; i < k && !rc; i++) {
		if (i && ids[i] == ids[i - 1])
			continue;
		rc = record_exists(ctx, "departments", ids[i]);
		if (rc == ERR_NOT_FOUND)
			rc = rec_error(ctx, "audience_departments", "refers to a department that does not exist");
		else if (!rc)
			json_array_append_new(a, json_integer(ids[i]));
	}
	free(ids);
	if (rc) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return ERR_OK;
}

/* set_keys: the hidden keys reads match the audience on. */
static kt_err set_keys(json_t *roles, json_t *deps, json_t *values)
{
	struct buf rk, dk;
	buf_init(&rk, 64);
	buf_init(&dk, 4096);
	kt_err rc = ERR_OK;
	size_t i;
	json_t *x;
	json_array_foreach(roles, i, x)
		if (!rc)
			rc = buf_printf(&rk, "%s%s,", i ? "" : ",", json_string_value(x));
	json_array_foreach(deps, i, x)
		if (!rc)
			rc = buf_printf(&dk, "%s%lld,", i ? "" : ",", (long long)json_integer_value(x));
	if (!rc) {
		json_object_set_new(values, "roles_key", json_string(buf_cstr(&rk)));
		json_object_set_new(values, "departments_key", json_string(buf_cstr(&dk)));
	}
	buf_clear(&rk);
	buf_clear(&dk);
	return rc;
}

/* current: the list given, else (a copy of) cur's list k, else []. */
static json_t *current(json_t *given, json_t *cur, const char *k)
{
	if (given)
		return json_incref(given);
	json_t *c = cur ? json_object_get(cur, k) : NULL;
	return json_is_array(c) ? json_deep_copy(c) : json_array(); /* a copy: it may be cleared */
}

kt_err announcements_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors)
{
	kt_err rc = cur ? rights_author_only(ctx, cur, "Only the author of an announcement or an admin may change it.") : ERR_OK;
	if (rc)
		return rc;
	json_t *roles_in = json_object_get(values, "audience_roles");
	json_t *deps_in = json_object_get(values, "audience_departments");
	json_t *every = json_object_get(values, "audience_everyone");
	if (cur && !roles_in && !deps_in && !every)
		return ERR_OK;
	json_t *roles = NULL, *deps = NULL;
	rc = roles_in ? norm_roles(ctx, roles_in, &roles) : ERR_OK;
	kt_err rc2 = deps_in ? norm_departments(ctx, deps_in, &deps) : ERR_OK;
	if (rc || rc2) {
		json_decref(roles);
		json_decref(deps);
		return rc && rc != ERR_INVALID ? rc : rc2 ? rc2 : rc;
	}
	json_t *r = current(roles, cur, "audience_roles"), *d = current(deps, cur, "audience_departments");
	bool empty = json_array_size(r) == 0 && json_array_size(d) == 0;
	if (json_is_true(every)) {
		if (json_array_size(roles) || json_array_size(deps)) {
			rc = rec_error(ctx, "audience_everyone", "cannot be combined with audience roles or departments");
		} else {
			json_array_clear(r);
			json_array_clear(d);
			empty = true;
		}
	} else if (json_is_false(every) && empty) {
		ctx->message = NO_AUDIENCE;
		rc = rec_error(ctx, "audience_everyone", "announcements need an audience");
	}
	if (!rc) {
		json_object_set(values, "audience_roles", r);
		json_object_set(values, "audience_departments", d);
		json_object_set_new(values, "audience_everyone", json_boolean(empty));
		rc = set_keys(r, d, values);
	}
	json_decref(roles);
	json_decref(deps);
	json_decref(r);
	json_decref(d);
	return rc;
}

/* AUDIENCE: addressed to everyone, or to roles and/or departments where
 * the user must match each list given ("agents of department 3" reaches
 * exactly them).  Each %s is the column prefix; binds the role's and the
 * department's LIKE patterns. */
#define AUDIENCE "%saudience_everyone = 1 OR ((%sroles_key <> '' OR %sdepartments_key <> '')" \
		 " AND (%sroles_key = '' OR %sroles_key LIKE ?)" \
		 " AND (%sdepartments_key = '' OR %sdepartments_key LIKE ?))"

/* audience_cond: "addressed to ctx's user", over columns with prefix p. */
static kt_err audience_cond(struct rec_ctx *ctx, const char *p, struct rec_cond *out)
{
	char rp[32], dp[40], pre[24];
	snprintf(rp, sizeof rp, "%%,%s,%%", accounts_role_name(ctx->role));
	/* Keys hold department ids only: no department matches no list. */
	if (ctx->department_id)
		snprintf(dp, sizeof dp, "%%,%lld,%%", (long long)ctx->department_id);
	else
		snprintf(dp, sizeof dp, "%%,none,%%");
	snprintf(pre, sizeof pre, "%.20s", p);
	snprintf(out->sql, sizeof out->sql, AUDIENCE, pre, pre, pre, pre, pre, pre, pre);
	out->args = json_pack("[ss]", rp, dp);
	return out->args ? ERR_OK : ERR_NOMEM;
}

/* Everyone sees what is addressed to them and what they wrote; admins
 * see every announcement. */
kt_err announcements_scope(struct rec_ctx *ctx, const char *prefix, struct rec_cond *out)
{
	out->sql[0] = '\0';
	out->args = NULL;
	if (ctx->role == ROLE_ADMIN || ctx->user_id == 0)
		return ERR_OK;
	struct rec_cond a;
	kt_err rc = audience_cond(ctx, prefix, &a);
	if (rc)
		return rc;
	snprintf(out->sql, sizeof out->sql, "%.20screated_by = ? OR %.900s", prefix, a.sql);
	out->args = json_pack("[I]", (json_int_t)ctx->user_id);
	if (out->args)
		json_array_extend(out->args, a.args);
	json_decref(a.args);
	return out->args ? ERR_OK : ERR_NOMEM;
}

static kt_err addressed(struct rec_ctx *ctx, int64_t id, bool *yes)
{
	*yes = false;
	struct rec_cond a;
	kt_err rc = audience_cond(ctx, "", &a);
	if (rc)
		return rc;
	char sql[1200 + LIM_COND_SQL];
	snprintf(sql, sizeof sql, "SELECT 1 FROM announcements WHERE id = ? AND deleted_at IS NULL AND (%s)", a.sql);
	struct db_stmt *s;
	rc = db_prepare(ctx->conn, sql, &s);
	if (!rc) {
		int idx = 2;
		db_bind_int64(s, 1, id);
		rc = record_bind_cond(s, &idx, &a);
		if (!rc)
			rc = db_step(s);
		db_reset(s);
		*yes = rc == ERR_ROW;
		if (rc == ERR_ROW || rc == ERR_DONE)
			rc = ERR_OK;
	}
	json_decref(a.args);
	return rc;
}

/* The first acknowledgement counts; it also clears a "later". */
static kt_err upsert_ack(struct rec_ctx *ctx, int64_t id)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       "INSERT INTO announcement_receipts (announcement_id, user_id, acked_at, later_until)"
			       " VALUES (?, ?, ?, NULL) ON CONFLICT (announcement_id, user_id) DO UPDATE SET"
			       " acked_at = COALESCE(announcement_receipts.acked_at, excluded.acked_at), later_until = NULL",
			       &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, ctx->user_id);
	db_bind_int64(s, 3, ctx->now);
	return db_exec_stmt(s);
}

/* "Later" after an acknowledgement changes nothing. */
static kt_err upsert_later(struct rec_ctx *ctx, int64_t id)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       "INSERT INTO announcement_receipts (announcement_id, user_id, acked_at, later_until)"
			       " VALUES (?, ?, NULL, ?) ON CONFLICT (announcement_id, user_id) DO UPDATE SET"
			       " later_until = CASE WHEN announcement_receipts.acked_at IS NULL"
			       " THEN excluded.later_until ELSE NULL END",
			       &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, ctx->user_id);
	db_bind_int64(s, 3, ctx->now + LIM_ANNOUNCEMENT_LATER_S);
	return db_exec_stmt(s);
}

static kt_err receipt(struct rec_ctx *ctx, int64_t id, json_t **out)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       "SELECT acked_at, later_until FROM announcement_receipts"
			       " WHERE announcement_id = ? AND user_id = ?", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, ctx->user_id);
	rc = db_step(s);
	if (rc == ERR_ROW) {
		*out = json_pack("{sIsIsoso}", "announcement_id", (json_int_t)id, "user_id", (json_int_t)ctx->user_id,
				 "acked_at", time_or_null(s, 0), "later_until", time_or_null(s, 1));
		rc = *out ? ERR_OK : ERR_NOMEM;
	} else if (rc == ERR_DONE) {
		rc = ERR_INTERNAL;
	}
	db_reset(s);
	return rc;
}

static kt_err mark(struct rec_ctx *ctx, int64_t id, bool later, json_t **out)
{
	*out = NULL;
	bool yes = false;
	kt_err rc = record_exists(ctx, "announcements", id);
	if (!rc)
		rc = addressed(ctx, id, &yes);
	if (!rc && !yes) {
		ctx->message = "This announcement is not addressed to you.";
		rc = ERR_FORBIDDEN;
	}
	if (!rc)
		rc = later ? upsert_later(ctx, id) : upsert_ack(ctx, id);
	if (!rc)
		rc = receipt(ctx, id, out);
	return rc;
}

kt_err announcements_ack(struct rec_ctx *ctx, int64_t id, json_t **out)
{
	return mark(ctx, id, false, out);
}

kt_err announcements_later(struct rec_ctx *ctx, int64_t id, json_t **out)
{
	return mark(ctx, id, true, out);
}

/* The author has read what they wrote: when it is addressed to them too,
 * it is acknowledged at once rather than shown to them as pending. */
kt_err announcements_after_write(struct rec_ctx *ctx, int64_t id, json_t *rec, json_t *cur)
{
	if (cur || !ctx->user_id)
		return ERR_OK;
	bool yes = false;
	kt_err rc = addressed(ctx, id, &yes);
	return rc || !yes ? rc : upsert_ack(ctx, id);
}

/* The author and admins may delete an announcement, restore it from the
 * trash and show it again, as they alone may change it (rights.c). */
kt_err announcements_before_delete(struct rec_ctx *ctx, int64_t id, json_t *cur)
{
	(void)id;
	return rights_author_only(ctx, cur, "Only the author of an announcement or an admin may delete it.");
}

kt_err announcements_before_restore(struct rec_ctx *ctx, int64_t id, json_t *cur)
{
	(void)id;
	return rights_author_only(ctx, cur, "Only the author of an announcement or an admin may restore it.");
}

/* Each announcement gets body_html, author_name and the caller's receipt
 * ({acked_at, later_until} or null). */
kt_err announcements_decorate(struct rec_ctx *ctx, json_t *items)
{
	struct db_stmt *r = NULL, *u = NULL;
	kt_err rc = db_prepare(ctx->conn,
			       "SELECT acked_at, later_until FROM announcement_receipts"
			       " WHERE announcement_id = ? AND user_id = ?", &r);
	if (!rc)
		rc = db_prepare(ctx->conn, "SELECT name, login FROM users WHERE id = ?", &u);
	size_t i;
	json_t *a;
	json_array_foreach(items, i, a) {
		if (rc)
			break;
		json_t *h = kb_html(json_object_get(a, "body"));
		if (!h) {
			rc = ERR_NOMEM;
			break;
		}
		json_object_set_new(a, "body_html", h);
		int64_t id = json_integer_value(json_object_get(a, "id"));
		db_bind_int64(r, 1, id);
		db_bind_int64(r, 2, ctx->user_id);
		kt_err st = db_step(r);
		json_object_set_new(a, "receipt", st == ERR_ROW ? json_pack("{soso}", "acked_at", time_or_null(r, 0),
									   "later_until", time_or_null(r, 1))
							       : json_null());
		db_reset(r);
		if (st != ERR_ROW && st != ERR_DONE)
			rc = st;
		json_t *by = json_object_get(a, "created_by");
		json_t *name = json_null();
		if (!rc && json_is_integer(by)) {
			db_bind_int64(u, 1, json_integer_value(by));
			st = db_step(u);
			if (st == ERR_ROW) {
				const char *n = db_col_text(u, 0, NULL);
				name = json_string(n && *n ? n : db_col_text(u, 1, NULL));
			} else if (st != ERR_DONE) {
				rc = st;
			}
			db_reset(u);
		}
		json_object_set_new(a, "author_name", name ? name : json_null());
	}
	return rc;
}

kt_err announcements_pending(struct rec_ctx *ctx, json_t **out)
{
	*out = NULL;
	const struct entity *e = entities_find("announcements");
	struct rec_cond a;
	kt_err rc = audience_cond(ctx, "a.", &a);
	if (rc)
		return rc;
	struct buf sql;
	buf_init(&sql, 8192);
	rc = buf_puts(&sql, "SELECT ");
	if (!rc)
		rc = record_select_cols(e, "a.", &sql);
	if (!rc)
		rc = buf_printf(&sql,
				" FROM announcements a LEFT JOIN announcement_receipts r"
				" ON r.announcement_id = a.id AND r.user_id = ?"
				" WHERE a.deleted_at IS NULL AND r.acked_at IS NULL"
				" AND (r.later_until IS NULL OR r.later_until <= ?) AND (%s)"
				" ORDER BY a.created_at DESC, a.id DESC LIMIT ?", a.sql);
	struct db_stmt *s = NULL;
	if (!rc)
		rc = db_prepare(ctx->conn, buf_cstr(&sql), &s);
	buf_clear(&sql);
	json_t *items = json_array();
	if (!rc && !items)
		rc = ERR_NOMEM;
	if (!rc) {
		int idx = 3;
		db_bind_int64(s, 1, ctx->user_id);
		db_bind_int64(s, 2, ctx->now);
		rc = record_bind_cond(s, &idx, &a);
		if (!rc)
			rc = db_bind_int64(s, idx, LIM_ANNOUNCEMENT_PENDING);
		while (!rc && (rc = db_step(s)) == ERR_ROW) {
			rc = ERR_OK;
			json_array_append_new(items, record_row_json(e, s));
		}
		if (rc == ERR_DONE)
			rc = ERR_OK;
		db_reset(s);
	}
	json_decref(a.args);
	if (!rc)
		rc = announcements_decorate(ctx, items);
	if (!rc)
		*out = json_pack("{sO}", "items", items);
	json_decref(items);
	return rc ? rc : *out ? ERR_OK : ERR_NOMEM;
}

kt_err announcements_reannounce(struct rec_ctx *ctx, int64_t id, json_t **out)
{
	*out = NULL;
	const struct entity *e = entities_find("announcements");
	json_t *rec = NULL;
	kt_err rc = record_get(ctx, e, id, false, &rec);
	if (!rc)
		rc = rights_author_only(ctx, rec, "Only the author of an announcement or an admin may show it again.");
	struct db_stmt *s = NULL;
	if (!rc)
		rc = db_prepare(ctx->conn, "DELETE FROM announcement_receipts WHERE announcement_id = ? AND user_id <> ?", &s);
	if (!rc) {
		db_bind_int64(s, 1, id);
		db_bind_int64(s, 2, ctx->user_id);
		rc = db_exec_stmt(s);
	}
	if (!rc)
		rc = record_history_add(ctx, "announcements", id, "reannounce", NULL);
	/* The record is unchanged; its receipt for the caller is decorated now. */
	if (!rc)
		rc = record_decorate(ctx, e, rec);
	if (rc) {
		json_decref(rec);
		return rc;
	}
	*out = rec;
	return ERR_OK;
}

kt_err announcements_receipts(struct rec_ctx *ctx, int64_t id, json_t **out)
{
	*out = NULL;
	json_t *rec = NULL;
	kt_err rc = record_get(ctx, entities_find("announcements"), id, false, &rec);
	if (rc)
		return rc;
	bool may = ctx->role == ROLE_ADMIN || rights_is_author(ctx, rec);
	json_decref(rec);
	if (!may) {
		ctx->message = "Only the author of an announcement and admins see who read it.";
		return ERR_FORBIDDEN;
	}
	struct db_stmt *s;
	rc = db_prepare(ctx->conn,
			"SELECT u.id, u.login, u.name, r.acked_at, r.later_until FROM users u"
			" JOIN announcements a ON a.id = ?"
			" LEFT JOIN announcement_receipts r ON r.announcement_id = a.id AND r.user_id = u.id"
			" WHERE r.acked_at IS NOT NULL OR (u.deleted_at IS NULL AND u.active = 1"
			" AND (a.audience_everyone = 1 OR ((a.roles_key <> '' OR a.departments_key <> '')"
			" AND (a.roles_key = '' OR a.roles_key LIKE '%,' || u.role || ',%')"
			" AND (a.departments_key = '' OR (u.department_id IS NOT NULL"
			" AND a.departments_key LIKE '%,' || CAST(u.department_id AS TEXT) || ',%')))))"
			" ORDER BY CASE WHEN r.acked_at IS NULL THEN 1 ELSE 0 END, r.acked_at, u.name, u.id LIMIT ?",
			&s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, LIM_RECEIPT_USERS);
	json_t *items = json_array();
	json_int_t read = 0;
	while (items && (rc = db_step(s)) == ERR_ROW) {
		read += !db_col_is_null(s, 3);
		json_array_append_new(items, json_pack("{sIsssssoso}", "user_id", (json_int_t)db_col_int64(s, 0),
						       "login", db_col_text(s, 1, NULL), "name", db_col_text(s, 2, NULL),
						       "acked_at", time_or_null(s, 3), "later_until", time_or_null(s, 4)));
	}
	db_reset(s);
	if (!items)
		return ERR_NOMEM;
	if (rc != ERR_DONE) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{sosIsI}", "items", items, "read", read, "total", (json_int_t)json_array_size(items));
	return *out ? ERR_OK : ERR_NOMEM;
}
