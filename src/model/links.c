/* links.c: visibility through links.  A record's scope is its own rule
 * (the entity's scope hook) and the rules of the records it hangs on
 * (F_PARENT fields), composed here once for every entity; and what a reply
 * carries of a record it links to (a client's name on a task) is read here,
 * under the caller's scope of that record.  Not here: the rules themselves
 * (src/crm/scope.c). */
#include <stdio.h>
#include <string.h>

#include "model/record_int.h"

#define MAX_DEPTH 3     /* a parent's parent's parent: deeper is a declaration error */

static const struct entity *target_of(struct rec_ctx *ctx, const struct field *f)
{
	return ctx->lookup ? ctx->lookup(f->ref) : NULL;
}

static kt_err scope_at(struct rec_ctx *ctx, const struct entity *e, const char *prefix, int depth,
		       struct rec_cond *out);

/* parent_conds: appends to sql (and args) one condition per F_PARENT field
 * of e: the field is empty, or names a record the caller may see. */
static kt_err parent_conds(struct rec_ctx *ctx, const struct entity *e, const char *q, int depth, struct buf *sql,
			   json_t *args)
{
	kt_err rc = ERR_OK;
	for (int i = 0; e->fields[i].name && !rc; i++) {
		const struct field *f = &e->fields[i];
		if (!(f->flags & F_PARENT))
			continue;
		const struct entity *t = target_of(ctx, f);
		if (!t) {
			/* A record hanging on a kind of record this server does not
			 * have: only its admins see it. */
			rc = buf_printf(sql, "%s%s%s IS NULL", sql->len ? " AND " : "", q, f->name);
			continue;
		}
		char alias[32];
		snprintf(alias, sizeof alias, "k%d%d.", depth, i);
		struct rec_cond tc;
		rc = scope_at(ctx, t, alias, depth + 1, &tc);
		if (rc || !tc.sql[0]) {
			json_decref(tc.args);
			continue;
		}
		rc = buf_printf(sql, "%s(%s%s IS NULL OR EXISTS (SELECT 1 FROM %s %.*s WHERE %sid = %s%s AND (%s)))",
				sql->len ? " AND " : "", q, f->name, t->name, (int)strlen(alias) - 1, alias, alias, q,
				f->name, tc.sql);
		if (!rc && tc.args && json_array_extend(args, tc.args))
			rc = ERR_NOMEM;
		json_decref(tc.args);
	}
	return rc;
}

static kt_err scope_at(struct rec_ctx *ctx, const struct entity *e, const char *prefix, int depth,
		       struct rec_cond *out)
{
	out->sql[0] = '\0';
	out->args = NULL;
	if (!e)
		return ERR_OK;
	if (depth > MAX_DEPTH)
		return ERR_INTERNAL;
	kt_err rc = e->hooks.scope ? e->hooks.scope(ctx, prefix, out) : ERR_OK;
	if (rc || ctx->role == ROLE_ADMIN || ctx->user_id == 0)
		return rc;
	/* Columns are qualified even without a prefix: inside the EXISTS of
	 * a parent an unqualified name could mean the parent's column. */
	char q[80];
	snprintf(q, sizeof q, "%s%s", prefix[0] ? prefix : e->name, prefix[0] ? "" : ".");
	struct buf sql;
	buf_init(&sql, LIM_COND_SQL);
	json_t *args = out->args ? out->args : json_array();
	out->args = NULL;
	if (!args)
		rc = ERR_NOMEM;
	if (!rc && out->sql[0])
		rc = buf_printf(&sql, "(%s)", out->sql);
	size_t own_len = sql.len;
	struct buf parents;
	buf_init(&parents, LIM_COND_SQL);
	if (!rc)
		rc = parent_conds(ctx, e, q, depth, &parents, args);
	if (!rc && parents.len)
		rc = buf_printf(&sql, "%s%s", own_len ? " AND " : "", buf_cstr(&parents));
	buf_clear(&parents);
	/* The keeper and the creator keep what a parent hides; the record's
	 * own rule already lets them see it. */
	if (!rc && e->keeper && sql.len > own_len) {
		char tail[200];
		snprintf(tail, sizeof tail, " OR %s%s = ? OR %screated_by = ?", q, e->keeper, q);
		rc = buf_printf(&sql, "%s", tail);
		if (!rc && (json_array_append_new(args, json_integer(ctx->user_id)) ||
			    json_array_append_new(args, json_integer(ctx->user_id))))
			rc = ERR_NOMEM;
	}
	if (!rc && sql.len >= sizeof out->sql)
		rc = ERR_INTERNAL; /* LIM_COND_SQL too small for the declarations */
	if (!rc) {
		if (e->keeper && sql.len > own_len)
			snprintf(out->sql, sizeof out->sql, "(%s)", buf_cstr(&sql));
		else
			snprintf(out->sql, sizeof out->sql, "%s", buf_cstr(&sql));
	}
	buf_clear(&sql);
	if (rc) {
		json_decref(args);
		out->sql[0] = '\0';
		return rc;
	}
	out->args = args;
	return ERR_OK;
}

kt_err record_scope(struct rec_ctx *ctx, const struct entity *e, const char *prefix, struct rec_cond *out)
{
	return scope_at(ctx, e, prefix, 0, out);
}

/* ---- what a reply shows of a linked record ------------------------------ */

static kt_err link_select(const struct entity *t, const char *const *extra, const struct rec_cond *cond,
			  struct buf *sql)
{
	kt_err rc = buf_puts(sql, "SELECT id");
	for (int i = 0; t->title && t->title[i] && !rc; i++)
		rc = buf_printf(sql, ", %s", t->title[i]);
	for (int i = 0; extra && extra[i] && !rc; i++)
		rc = buf_printf(sql, ", %s", extra[i]);
	if (!rc)
		rc = buf_printf(sql, " FROM %s WHERE id IN (?", t->name);
	for (int i = 1; i < LIM_LINK_BATCH && !rc; i++)
		rc = buf_puts(sql, ", ?");
	if (!rc)
		rc = buf_printf(sql, ")%s%s%s", cond->sql[0] ? " AND (" : "", cond->sql, cond->sql[0] ? ")" : "");
	return rc;
}

/* link_view: the row of s as {"id", "name", extra...}. */
static json_t *link_view(const struct entity *t, const char *const *extra, struct db_stmt *s)
{
	json_t *o = json_pack("{s:I}", "id", (json_int_t)db_col_int64(s, 0));
	struct buf name;
	buf_init(&name, 2048);
	int c = 1;
	for (int i = 0; t->title && t->title[i]; i++, c++) {
		const char *v = db_col_is_null(s, c) ? "" : db_col_text(s, c, NULL);
		if (*v)
			buf_printf(&name, "%s%s", name.len ? " " : "", v);
	}
	if (o && t->title)
		json_object_set_new(o, "name", json_string(buf_cstr(&name)));
	buf_clear(&name);
	for (int i = 0; o && extra && extra[i]; i++, c++)
		json_object_set_new(o, extra[i], db_col_is_null(s, c) ? json_null() : json_string(db_col_text(s, c, NULL)));
	return o;
}

/* load_views: seen[id] = the view of every id of ids the caller may see. */
static kt_err load_views(struct rec_ctx *ctx, const struct entity *t, const char *const *extra, json_t *ids,
			 json_t *seen)
{
	struct rec_cond cond;
	kt_err rc = record_scope(ctx, t, "", &cond);
	if (rc)
		return rc;
	struct buf sql;
	buf_init(&sql, 2 * LIM_COND_SQL);
	rc = link_select(t, extra, &cond, &sql);
	struct db_stmt *s = NULL;
	if (!rc)
		rc = db_prepare(ctx->conn, buf_cstr(&sql), &s);
	buf_clear(&sql);
	size_t n = json_array_size(ids);
	for (size_t at = 0; at < n && !rc; at += LIM_LINK_BATCH) {
		/* A short last batch repeats its first id: one statement text. */
		for (size_t k = 0; k < LIM_LINK_BATCH; k++)
			db_bind_int64(s, (int)k + 1, json_integer_value(json_array_get(ids, at + k < n ? at + k : at)));
		int idx = LIM_LINK_BATCH + 1;
		rc = record_bind_cond(s, &idx, &cond);
		while (!rc && (rc = db_step(s)) == ERR_ROW) {
			char key[24];
			snprintf(key, sizeof key, "%lld", (long long)db_col_int64(s, 0));
			json_t *v = link_view(t, extra, s);
			rc = v && !json_object_set_new(seen, key, v) ? ERR_OK : ERR_NOMEM;
		}
		db_reset(s);
		if (rc == ERR_DONE)
			rc = ERR_OK;
	}
	json_decref(cond.args);
	return rc;
}

kt_err record_links_fill(struct rec_ctx *ctx, const struct entity *target, const char *link, const char *key,
			 const char *const *extra, json_t *items)
{
	size_t i;
	json_t *it;
	json_t *ids = json_array(), *seen = json_object();
	kt_err rc = ids && seen ? ERR_OK : ERR_NOMEM;
	json_array_foreach(items, i, it) {
		json_t *id = json_object_get(it, link);
		if (!rc && json_is_integer(id) && json_array_append(ids, id))
			rc = ERR_NOMEM;
	}
	if (!rc && json_array_size(ids))
		rc = load_views(ctx, target, extra, ids, seen);
	json_array_foreach(items, i, it) {
		json_t *id = json_object_get(it, link);
		if (rc || !json_is_integer(id))
			continue;
		char k[24];
		snprintf(k, sizeof k, "%lld", (long long)json_integer_value(id));
		json_t *v = json_object_get(seen, k);
		v = v ? json_incref(v) : json_pack("{s:O, s:b}", "id", id, "hidden", 1);
		if (!v || json_object_set_new(it, key, v))
			rc = ERR_NOMEM;
	}
	json_decref(ids);
	json_decref(seen);
	return rc;
}
