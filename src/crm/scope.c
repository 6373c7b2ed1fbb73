/* scope.c: who may see what.  Admins see everything; managers see what is
 * company-wide, everything of their department, and what they handle or
 * created; agents see what is company-wide, what is department-wide in
 * their department, and what they handle or created.  A record's
 * department is its responsible person's (owner, assignee, handler).
 * These conditions are spliced into the SQL of every read, so pages and
 * counts are right and a hidden record simply does not exist (404).  What
 * a record hangs on (a note's client) adds its own rule: the engine
 * composes them (src/model/links.c, F_PARENT). */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/limits.h"
#include "crm/accounts.h"
#include "crm/entities.h"
#include "crm/rules.h"
#include "db/db.h"

static kt_err rule(struct rec_ctx *ctx, const char *p, const char *person, struct rec_cond *out)
{
	out->sql[0] = '\0';
	out->args = NULL;
	if (ctx->role == ROLE_ADMIN || ctx->user_id == 0)
		return ERR_OK;
	int64_t dep = ctx->department_id ? ctx->department_id : -1;
	if (ctx->role == ROLE_MANAGER)
		snprintf(out->sql, sizeof out->sql,
			 "%svisibility = 'company' OR %sdepartment_id = ? OR %s%s = ? OR %screated_by = ?",
			 p, p, p, person, p);
	else
		snprintf(out->sql, sizeof out->sql,
			 "%svisibility = 'company' OR (%svisibility = 'department' AND %sdepartment_id = ?)"
			 " OR %s%s = ? OR %screated_by = ?", p, p, p, p, person, p);
	out->args = json_pack("[I, I, I]", (json_int_t)dep, (json_int_t)ctx->user_id, (json_int_t)ctx->user_id);
	return out->args ? ERR_OK : ERR_NOMEM;
}

kt_err scope_owner(struct rec_ctx *ctx, const char *prefix, struct rec_cond *out)
{
	return rule(ctx, prefix, "owner_id", out);
}

/* grant: an open task of the caller about the row (link "contact_id" or
 * "company_id").  Correlated, so a search starts from its matches and
 * probes the link's index for each, on both engines (an IN over all of the
 * caller's tasks made PostgreSQL walk the whole table instead). */
#define GRANT "EXISTS (SELECT 1 FROM activities g WHERE g.%s = %s%sid AND g.assignee_id = ?" \
	      " AND g.status = 'planned' AND g.deleted_at IS NULL)"

/* The person a task is assigned to may open the client (or company) it is
 * about while the task is open: read it, add notes and activities.  Nobody
 * else gains anything, and what else hangs on the client keeps its own
 * rule. */
static kt_err owner_or_task(struct rec_ctx *ctx, const char *prefix, const char *table, const char *link,
			    struct rec_cond *out)
{
	kt_err rc = rule(ctx, prefix, "owner_id", out);
	if (rc || !out->sql[0])
		return rc;
	char own[sizeof out->sql];
	snprintf(own, sizeof own, "%s", out->sql);
	char grant[300];
	snprintf(grant, sizeof grant, GRANT, link, prefix[0] ? prefix : table, prefix[0] ? "" : ".");
	int n = snprintf(out->sql, sizeof out->sql, "%s OR %s", own, grant);
	if (n < 0 || (size_t)n >= sizeof out->sql)
		return ERR_INTERNAL;
	return json_array_append_new(out->args, json_integer(ctx->user_id)) ? ERR_NOMEM : ERR_OK;
}

kt_err scope_contacts(struct rec_ctx *ctx, const char *prefix, struct rec_cond *out)
{
	return owner_or_task(ctx, prefix, "contacts", "contact_id", out);
}

kt_err scope_companies(struct rec_ctx *ctx, const char *prefix, struct rec_cond *out)
{
	return owner_or_task(ctx, prefix, "companies", "company_id", out);
}

/* mark_granted: "access": "task" on each of items (of table) the caller
 * sees only through an open task of theirs, so the card can say why. */
static kt_err mark_granted(struct rec_ctx *ctx, const char *table, json_t *items)
{
	if (ctx->role == ROLE_ADMIN || ctx->user_id == 0 || !json_array_size(items))
		return ERR_OK;
	struct rec_cond own;
	kt_err rc = rule(ctx, "", "owner_id", &own);
	if (rc)
		return rc;
	struct buf sql;
	buf_init(&sql, 2 * LIM_COND_SQL);
	rc = buf_printf(&sql, "SELECT id FROM %s WHERE id IN (?", table);
	for (int i = 1; i < LIM_LINK_BATCH && !rc; i++)
		rc = buf_puts(&sql, ", ?");
	if (!rc)
		rc = buf_printf(&sql, ") AND NOT (%s)", own.sql);
	struct db_stmt *s = NULL;
	if (!rc)
		rc = db_prepare(ctx->conn, buf_cstr(&sql), &s);
	buf_clear(&sql);
	size_t n = json_array_size(items);
	for (size_t at = 0; at < n && !rc; at += LIM_LINK_BATCH) {
		for (size_t k = 0; k < LIM_LINK_BATCH; k++) {
			json_t *it = json_array_get(items, at + k < n ? at + k : at);
			db_bind_int64(s, (int)k + 1, json_integer_value(json_object_get(it, "id")));
		}
		int idx = LIM_LINK_BATCH + 1;
		rc = record_bind_cond(s, &idx, &own);
		while (!rc && (rc = db_step(s)) == ERR_ROW) {
			int64_t id = db_col_int64(s, 0);
			for (size_t k = at; k < n && k < at + LIM_LINK_BATCH; k++) {
				json_t *it = json_array_get(items, k);
				if (json_integer_value(json_object_get(it, "id")) == id)
					json_object_set_new(it, "access", json_string("task"));
			}
			rc = ERR_OK;
		}
		db_reset(s);
		if (rc == ERR_DONE)
			rc = ERR_OK;
	}
	json_decref(own.args);
	return rc;
}

kt_err scope_contacts_decorate(struct rec_ctx *ctx, json_t *items)
{
	return mark_granted(ctx, "contacts", items);
}

kt_err scope_companies_decorate(struct rec_ctx *ctx, json_t *items)
{
	return mark_granted(ctx, "companies", items);
}

kt_err scope_assignee(struct rec_ctx *ctx, const char *prefix, struct rec_cond *out)
{
	return rule(ctx, prefix, "assignee_id", out);
}

kt_err scope_handler(struct rec_ctx *ctx, const char *prefix, struct rec_cond *out)
{
	return rule(ctx, prefix, "handler_id", out);
}

/* scope_department: the department of a record is its responsible
 * person's, set when it is created or handed to someone else. */
kt_err scope_department(struct rec_ctx *ctx, json_t *values, json_t *cur, const char *person)
{
	json_t *who = json_object_get(values, person);
	if (cur && !who)
		return ERR_OK;
	int64_t uid = json_is_integer(who) ? json_integer_value(who) : ctx->user_id;
	if (!uid)
		return ERR_OK;
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn, "SELECT department_id FROM users WHERE id = ?", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, uid);
	rc = db_step(s);
	json_t *dep = rc == ERR_ROW && !db_col_is_null(s, 0) ? json_integer(db_col_int64(s, 0)) : NULL;
	db_reset(s);
	if (rc != ERR_ROW && rc != ERR_DONE)
		return rc;
	if (!dep && ctx->department_id)
		dep = json_integer(ctx->department_id);
	json_object_set_new(values, "department_id", dep ? dep : json_null());
	return ERR_OK;
}

kt_err scope_user_ctx(struct db_conn *c, int64_t user_id, int64_t now, struct rec_ctx *out)
{
	memset(out, 0, sizeof *out);
	out->conn = c;
	out->now = now;
	out->default_cc = "48";
	out->lookup = entities_find;
	/* Read as the system (user 0), then act as the user. */
	json_t *u = NULL;
	kt_err rc = record_get(out, entities_find("users"), user_id, true, &u);
	if (rc)
		return rc;
	json_t *d = json_object_get(u, "department_id");
	out->user_id = user_id;
	out->role = accounts_role_parse(json_string_value(json_object_get(u, "role")));
	out->department_id = json_is_integer(d) ? json_integer_value(d) : 0;
	/* A role this server does not know sees what an agent sees. */
	if (out->role == ROLE_NONE)
		out->role = ROLE_AGENT;
	json_decref(u);
	return ERR_OK;
}

kt_err scope_prepare_join(struct rec_ctx *ctx, const char *head, const char *entity, const char *alias, const char *on,
			  const char *tail, struct db_stmt **s, int *idx)
{
	*s = NULL;
	*idx = 1;
	struct rec_cond cond;
	kt_err rc = record_scope(ctx, entities_find(entity), alias, &cond);
	if (rc)
		return rc;
	struct buf sql;
	buf_init(&sql, 4 * LIM_COND_SQL);
	rc = buf_printf(&sql, "%s LEFT JOIN %s %.*s ON %s%s%s%s %s", head, entity, (int)strlen(alias) - 1, alias, on,
			cond.sql[0] ? " AND (" : "", cond.sql, cond.sql[0] ? ")" : "", tail);
	if (!rc)
		rc = db_prepare(ctx->conn, buf_cstr(&sql), s);
	buf_clear(&sql);
	if (!rc)
		rc = record_bind_cond(*s, idx, &cond);
	json_decref(cond.args);
	return rc;
}
