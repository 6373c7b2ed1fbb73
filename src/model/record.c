/* record.c: create, read, update, delete and restore of any entity, with
 * a history row for every change and the search document kept current.
 * Lists are in list.c, field validation in validate.c. */
#include <stdlib.h>
#include <string.h>

#include "core/isotime.h"
#include "core/log.h"
#include "core/utf8.h"
#include "model/record_int.h"

void rec_ctx_clear(struct rec_ctx *ctx)
{
	json_decref(ctx->errors);
	ctx->errors = NULL;
	json_decref(ctx->stash);
	ctx->stash = NULL;
}

kt_err rec_error(struct rec_ctx *ctx, const char *field, const char *message)
{
	/* A name cut to fit a buffer ("custom.%.100s") may end inside a
	 * character, and jansson refuses such a key: the error would be lost
	 * and the record saved without the field.  Keep the whole characters. */
	size_t len = strlen(field), n = 0, k;
	uint32_t cp;
	while (n < len && (k = utf8_decode(field + n, len - n, &cp)) > 0)
		n += k;
	if (!ctx->errors)
		ctx->errors = json_object();
	/* Nor is an error lost to a message that quotes bytes of a query
	 * (which nobody checked for UTF-8). */
	json_t *m = json_string(message);
	if (!m)
		m = json_string("is not valid");
	if (ctx->errors && !json_object_getn(ctx->errors, field, n))
		json_object_setn_new(ctx->errors, field, n, m);
	else
		json_decref(m);
	return ERR_INVALID;
}

static bool is_column(const struct field *f)
{
	return !(f->flags & F_VIRTUAL);
}

kt_err record_select_cols(const struct entity *e, const char *prefix, struct buf *sql)
{
	static const char *const std[] = {"id", "version", "created_at", "updated_at", "deleted_at",
					  "created_by", "updated_by"};
	kt_err rc = ERR_OK;
	for (int i = 0; i < REC_NSTD && !rc; i++)
		rc = buf_printf(sql, "%s%s%s", i ? ", " : "", prefix, std[i]);
	for (int i = 0; e->fields[i].name && !rc; i++)
		if (is_column(&e->fields[i]) && !(e->fields[i].flags & F_HIDDEN))
			rc = buf_printf(sql, ", %s%s", prefix, e->fields[i].name);
	return rc;
}

kt_err rec_select_cols(const struct entity *e, struct buf *sql)
{
	return record_select_cols(e, "", sql);
}

json_t *record_row_json(const struct entity *e, struct db_stmt *s)
{
	return rec_row_json(e, s);
}

json_t *record_row_json_proj(const struct entity *e, struct db_stmt *s, const struct rec_proj *p)
{
	return rec_row_json_proj(e, s, p);
}

/* proj_column: the column number of field name in e's SELECT, or -1. */
static int proj_column(const struct entity *e, const char *name, size_t len)
{
	static const char *const std[] = {"id", "version", "created_at", "updated_at", "deleted_at",
					  "created_by", "updated_by"};
	for (int c = 0; c < REC_NSTD; c++)
		if (strlen(std[c]) == len && memcmp(std[c], name, len) == 0)
			return c;
	int c = REC_NSTD;
	for (int i = 0; e->fields[i].name; i++) {
		const struct field *f = &e->fields[i];
		if (!is_column(f) || (f->flags & F_HIDDEN))
			continue;
		if (strlen(f->name) == len && memcmp(f->name, name, len) == 0)
			return c;
		c++;
	}
	return -1;
}

static void proj_set(struct rec_proj *p, int c)
{
	if (c >= 0 && c < 128)
		p->on[c / 64] |= (uint64_t)1 << (c % 64);
	p->some = true;
}

void record_proj_add(const struct entity *e, const char *name, struct rec_proj *p)
{
	int c = proj_column(e, name, strlen(name));
	if (c >= 0 && p->some)
		proj_set(p, c);
}

kt_err record_proj_parse(struct rec_ctx *ctx, const struct entity *e, const char *param, const char *fields,
			 struct rec_proj *p)
{
	memset(p, 0, sizeof *p);
	proj_set(p, 0); /* id */
	proj_set(p, 1); /* version */
	for (const char *a = fields ? fields : "";;) {
		size_t n = strcspn(a, ",");
		int c = n ? proj_column(e, a, n) : -1;
		for (int i = 0; c >= 0 && e->fields[i].name; i++)
			if (strlen(e->fields[i].name) == n && memcmp(e->fields[i].name, a, n) == 0 &&
			    !record_field_shown(ctx, &e->fields[i]))
				c = -1;
		if (c < 0) {
			memset(p, 0, sizeof *p);
			rec_error(ctx, param, "must be field names of this list, separated by commas");
			return ERR_BAD_QUERY;
		}
		proj_set(p, c);
		if (!a[n])
			return ERR_OK;
		a += n + 1;
	}
}

int record_ncols(const struct entity *e)
{
	int n = REC_NSTD;
	for (int i = 0; e->fields[i].name; i++)
		if (is_column(&e->fields[i]) && !(e->fields[i].flags & F_HIDDEN))
			n++;
	return n;
}

static json_t *time_json(int64_t t)
{
	char s[21];
	isotime_format(t, s);
	return json_string(s);
}

json_t *rec_row_json(const struct entity *e, struct db_stmt *s)
{
	return rec_row_json_proj(e, s, NULL);
}

json_t *rec_row_json_proj(const struct entity *e, struct db_stmt *s, const struct rec_proj *p)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	static const char *std[] = {"id", "version", "created_at", "updated_at", "deleted_at",
				    "created_by", "updated_by"};
	for (int c = 0; c < REC_NSTD; c++) {
		json_t *v;
		if (!rec_proj_has(p, c))
			continue;
		if (db_col_is_null(s, c))
			v = json_null();
		else if (c >= 2 && c <= 4)
			v = time_json(db_col_int64(s, c));
		else
			v = json_integer(db_col_int64(s, c));
		if (c == 4 && json_is_null(v))
			continue;
		json_object_set_new(o, std[c], v);
	}
	int c = REC_NSTD;
	for (int i = 0; e->fields[i].name; i++) {
		const struct field *f = &e->fields[i];
		if (!is_column(f) || (f->flags & F_HIDDEN))
			continue;
		if (!rec_proj_has(p, c)) {
			c++;
			continue;
		}
		json_t *v = NULL;
		size_t len;
		if (db_col_is_null(s, c)) {
			v = json_null();
		} else {
			switch (f->type) {
			case FT_INT:
			case FT_REF:
			case FT_MONEY:
				v = json_integer(db_col_int64(s, c));
				break;
			case FT_BOOL:
				v = json_boolean(db_col_int64(s, c) != 0);
				break;
			case FT_TIME:
				v = time_json(db_col_int64(s, c));
				break;
			case FT_CUSTOM:
			case FT_JSON: {
				const char *t = db_col_text(s, c, &len);
				v = json_loadb(t, len, JSON_DECODE_ANY, NULL);
				if (!v)
					v = f->type == FT_CUSTOM ? json_object() : json_null();
				break;
			}
			default: {
				const char *t = db_col_text(s, c, &len);
				v = json_stringn(t, len);
			}
			}
		}
		json_object_set_new(o, f->name, v ? v : json_null());
		c++;
	}
	return o;
}

bool record_field_shown(const struct rec_ctx *ctx, const struct field *f)
{
	return f->read_role == ROLE_NONE || ctx->role >= f->read_role || ctx->user_id == 0;
}

bool rec_own(struct rec_ctx *ctx, const struct entity *e, json_t *rec)
{
	return e->hooks.own && rec && e->hooks.own(ctx, rec);
}

void rec_withhold(struct rec_ctx *ctx, const struct entity *e, json_t *rec)
{
	for (int i = 0; e->fields[i].name && rec; i++)
		if (!record_field_shown(ctx, &e->fields[i])) {
			if (rec_own(ctx, e, rec))
				return;
			json_object_del(rec, e->fields[i].name);
		}
}

kt_err rec_bind_value(struct db_stmt *s, int idx, const struct field *f, json_t *v)
{
	if (!v || json_is_null(v))
		return db_bind_null(s, idx);
	switch (f->type) {
	case FT_BOOL:
		return db_bind_int64(s, idx, json_is_true(v));
	case FT_INT:
	case FT_REF:
	case FT_MONEY:
	case FT_TIME:
		return db_bind_int64(s, idx, json_integer_value(v));
	case FT_CUSTOM:
	case FT_JSON: {
		char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		if (!t)
			return ERR_NOMEM;
		kt_err rc = db_bind_str(s, idx, t);
		free(t);
		return rc;
	}
	default:
		return db_bind_text(s, idx, json_string_value(v), json_string_length(v));
	}
}

kt_err record_bind_cond(struct db_stmt *s, int *idx, const struct rec_cond *cond)
{
	size_t j;
	json_t *a;
	kt_err rc = ERR_OK;
	json_array_foreach(cond->args, j, a) {
		rc = json_is_integer(a) ? db_bind_int64(s, (*idx)++, json_integer_value(a))
					: db_bind_str(s, (*idx)++, json_string_value(a));
		if (rc)
			break;
	}
	return rc;
}

kt_err record_exists(struct rec_ctx *ctx, const char *table, int64_t id)
{
	const struct entity *e = ctx->lookup ? ctx->lookup(table) : NULL;
	if (ctx->lookup && !e)
		return ERR_NOT_FOUND; /* a kind of record this server does not have */
	struct rec_cond cond;
	kt_err rc = record_scope(ctx, e, "", &cond);
	if (rc)
		return rc;
	struct buf sql;
	buf_init(&sql, 2 * LIM_COND_SQL);
	rc = buf_printf(&sql, "SELECT 1 FROM %s WHERE id = ? AND deleted_at IS NULL%s%s%s", table,
			cond.sql[0] ? " AND (" : "", cond.sql, cond.sql[0] ? ")" : "");
	struct db_stmt *s;
	if (!rc)
		rc = db_prepare(ctx->conn, buf_cstr(&sql), &s);
	buf_clear(&sql);
	if (!rc) {
		int idx = 2;
		db_bind_int64(s, 1, id);
		rc = record_bind_cond(s, &idx, &cond);
		if (!rc)
			rc = db_step(s);
		db_reset(s);
	}
	json_decref(cond.args);
	return rc == ERR_ROW ? ERR_OK : rc == ERR_DONE ? ERR_NOT_FOUND : rc;
}

/* get_row: record_get, within the caller's scope or (scoped false) not. */
static kt_err get_row(struct rec_ctx *ctx, const struct entity *e, int64_t id, bool with_deleted, bool scoped,
		      json_t **out)
{
	*out = NULL;
	struct rec_cond cond = {.sql = "", .args = NULL};
	kt_err rc = scoped ? record_scope(ctx, e, "", &cond) : ERR_OK;
	if (rc)
		return rc;
	struct buf sql;
	buf_init(&sql, 8192);
	rc = buf_puts(&sql, "SELECT ");
	if (!rc)
		rc = rec_select_cols(e, &sql);
	if (!rc)
		rc = buf_printf(&sql, " FROM %s WHERE id = ?%s%s%s%s", e->name,
				with_deleted ? "" : " AND deleted_at IS NULL", cond.sql[0] ? " AND (" : "", cond.sql,
				cond.sql[0] ? ")" : "");
	struct db_stmt *s = NULL;
	if (!rc)
		rc = db_prepare(ctx->conn, buf_cstr(&sql), &s);
	buf_clear(&sql);
	if (rc) {
		json_decref(cond.args);
		return rc;
	}
	int idx = 2;
	db_bind_int64(s, 1, id);
	rc = record_bind_cond(s, &idx, &cond);
	json_decref(cond.args);
	if (!rc)
		rc = db_step(s);
	if (rc == ERR_ROW) {
		*out = rec_row_json(e, s);
		rc = *out ? ERR_OK : ERR_NOMEM;
	} else if (rc == ERR_DONE) {
		rc = ERR_NOT_FOUND;
	}
	db_reset(s);
	return rc;
}

kt_err record_get(struct rec_ctx *ctx, const struct entity *e, int64_t id, bool with_deleted,
		  json_t **out)
{
	kt_err rc = get_row(ctx, e, id, with_deleted, true, out);
	if (!rc)
		rec_withhold(ctx, e, *out);
	return rc;
}

/* History keeps values as the API shows them; a password never. */
static json_t *history_values(const struct entity *e, json_t *values)
{
	json_t *h = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(values, k, v) {
		const struct field *f = entity_field(e, k);
		if (!f || f->type == FT_PASSWORD || (f->flags & F_HIDDEN))
			continue;
		json_object_set_new(h, k, f->type == FT_TIME && json_is_integer(v)
						  ? time_json(json_integer_value(v)) : json_incref(v));
	}
	return h;
}

static kt_err insert_row(struct rec_ctx *ctx, const struct entity *e, json_t *values, int64_t *id)
{
	struct buf sql;
	buf_init(&sql, 8192);
	kt_err rc = buf_printf(&sql, "INSERT INTO %s (version, created_at, updated_at, created_by, updated_by", e->name);
	int n = 0;
	for (int i = 0; e->fields[i].name && !rc; i++) {
		const struct field *f = &e->fields[i];
		if (is_column(f) && json_object_get(values, f->name)) {
			rc = buf_printf(&sql, ", %s", f->name);
			n++;
		}
	}
	if (!rc)
		rc = buf_puts(&sql, ") VALUES (1, ?, ?, ?, ?");
	for (int i = 0; i < n && !rc; i++)
		rc = buf_puts(&sql, ", ?");
	if (!rc)
		rc = buf_puts(&sql, ") RETURNING id");
	struct db_stmt *s = NULL;
	if (!rc)
		rc = db_prepare(ctx->conn, buf_cstr(&sql), &s);
	buf_clear(&sql);
	if (rc)
		return rc;
	int idx = 1;
	db_bind_int64(s, idx++, ctx->now);
	db_bind_int64(s, idx++, ctx->now);
	for (int k = 0; k < 2; k++)
		ctx->user_id ? db_bind_int64(s, idx++, ctx->user_id) : db_bind_null(s, idx++);
	for (int i = 0; e->fields[i].name && !rc; i++) {
		const struct field *f = &e->fields[i];
		json_t *v = json_object_get(values, f->name);
		if (is_column(f) && v)
			rc = rec_bind_value(s, idx++, f, v);
	}
	if (!rc) {
		rc = db_step(s);
		if (rc == ERR_ROW) {
			*id = db_col_int64(s, 0);
			rc = ERR_OK;
		} else if (rc == ERR_DONE) {
			rc = ERR_INTERNAL;
		}
	}
	db_reset(s);
	return rc;
}

kt_err record_validate(struct rec_ctx *ctx, const struct entity *e, json_t *in, json_t **values)
{
	kt_err rc = rec_validate(ctx, e, in, NULL, values);
	if (!rc && e->hooks.before_write)
		rc = e->hooks.before_write(ctx, *values, NULL);
	if (rc) {
		json_decref(*values);
		*values = NULL;
	}
	return rc;
}

kt_err record_insert(struct rec_ctx *ctx, const struct entity *e, json_t *values, int64_t *id)
{
	return insert_row(ctx, e, values, id);
}

kt_err record_create(struct rec_ctx *ctx, const struct entity *e, json_t *in, json_t **out)
{
	*out = NULL;
	json_t *values = NULL, *rec = NULL;
	int64_t id = 0;
	kt_err rc = rec_validate(ctx, e, in, NULL, &values);
	if (!rc && e->hooks.before_write)
		rc = e->hooks.before_write(ctx, values, NULL);
	if (!rc)
		rc = insert_row(ctx, e, values, &id);
	if (!rc) {
		json_t *h = history_values(e, values);
		rc = record_history_add(ctx, e->name, id, "create", h);
		json_decref(h);
	}
	/* Hooks and the search document get the whole record; the caller
	 * what they may see of it. */
	if (!rc)
		rc = get_row(ctx, e, id, false, true, &rec);
	if (!rc && e->searchable)
		rc = rec_search_index(ctx, e, rec);
	if (!rc && e->hooks.after_write)
		rc = e->hooks.after_write(ctx, id, rec, NULL);
	json_decref(values);
	if (rc) {
		json_decref(rec);
		return rc;
	}
	rec_withhold(ctx, e, rec);
	*out = rec;
	return ERR_OK;
}

/* changed_values: keeps in values only what differs from cur; fills
 * changes with field -> [old, new] (as the API shows them). */
static void diff_values(const struct entity *e, json_t *values, json_t *cur, json_t *changes)
{
	const char *k;
	json_t *v, *tmp;
	json_object_foreach_safe(values, tmp, k, v) {
		const struct field *f = entity_field(e, k);
		json_t *shown = f && f->type == FT_TIME && json_is_integer(v)
					? time_json(json_integer_value(v)) : json_incref(v);
		json_t *old = json_object_get(cur, k);
		if (f && f->type != FT_PASSWORD && old && json_equal(old, shown)) {
			json_decref(shown);
			json_object_del(values, k);
			continue;
		}
		if (f && (f->flags & F_HIDDEN)) {
			json_decref(shown);
			continue;
		}
		if (f && f->type == FT_PASSWORD)
			json_object_set_new(changes, k, json_string("(changed)"));
		else
			json_object_set_new(changes, k, json_pack("[OO]", old ? old : json_null(), shown));
		json_decref(shown);
	}
}

static kt_err update_row(struct rec_ctx *ctx, const struct entity *e, int64_t id, int64_t version,
			 json_t *values)
{
	struct buf sql;
	buf_init(&sql, 8192);
	kt_err rc = buf_printf(&sql, "UPDATE %s SET version = version + 1, updated_at = ?, updated_by = ?", e->name);
	for (int i = 0; e->fields[i].name && !rc; i++) {
		const struct field *f = &e->fields[i];
		if (is_column(f) && json_object_get(values, f->name))
			rc = buf_printf(&sql, ", %s = ?", f->name);
	}
	if (!rc)
		rc = buf_puts(&sql, " WHERE id = ? AND version = ? AND deleted_at IS NULL");
	struct db_stmt *s = NULL;
	if (!rc)
		rc = db_prepare(ctx->conn, buf_cstr(&sql), &s);
	buf_clear(&sql);
	if (rc)
		return rc;
	int idx = 1;
	db_bind_int64(s, idx++, ctx->now);
	ctx->user_id ? db_bind_int64(s, idx++, ctx->user_id) : db_bind_null(s, idx++);
	for (int i = 0; e->fields[i].name && !rc; i++) {
		const struct field *f = &e->fields[i];
		json_t *v = json_object_get(values, f->name);
		if (is_column(f) && v)
			rc = rec_bind_value(s, idx++, f, v);
	}
	db_bind_int64(s, idx++, id);
	db_bind_int64(s, idx++, version);
	if (!rc)
		rc = db_exec_stmt(s);
	if (!rc && db_changes(ctx->conn) != 1)
		rc = ERR_CONFLICT;
	return rc;
}

kt_err record_update(struct rec_ctx *ctx, const struct entity *e, int64_t id, json_t *patch,
		     int64_t version, json_t **out)
{
	*out = NULL;
	if (!json_is_object(patch))
		return ERR_BAD_JSON;
	json_t *jv = json_object_get(patch, "version");
	if (jv && !json_is_integer(jv))
		return rec_error(ctx, "version", "must be an integer");
	if (jv && version && json_integer_value(jv) != version)
		return rec_error(ctx, "version", "differs from If-Match");
	if (!version && jv)
		version = json_integer_value(jv);
	json_t *cur = NULL, *values = NULL, *rec = NULL, *changes = NULL;
	kt_err rc = get_row(ctx, e, id, false, true, &cur);
	if (rc)
		return rc;
	if (!version)
		rc = ERR_PRECONDITION;
	else if (json_integer_value(json_object_get(cur, "version")) != version)
		rc = ERR_CONFLICT;
	if (!rc)
		rc = rec_validate(ctx, e, patch, cur, &values);
	if (!rc && e->hooks.before_write)
		rc = e->hooks.before_write(ctx, values, cur);
	if (!rc) {
		changes = json_object();
		if (!changes) {
			json_decref(cur);
			json_decref(values);
			return ERR_NOMEM;
		}
		diff_values(e, values, cur, changes);
		/* Hidden columns derive from shown ones (name and tag keys; a
		 * new password shows as "(changed)"), so with no shown change
		 * there is nothing to write: no new version, no history row. */
		if (json_object_size(changes) == 0) {
			rec_withhold(ctx, e, cur);
			*out = cur;
			json_decref(values);
			json_decref(changes);
			return ERR_OK;
		}
		rc = update_row(ctx, e, id, version, values);
	}
	if (!rc)
		rc = record_history_add(ctx, e->name, id, "update", changes);
	/* Read back outside the caller's scope: handing a record to someone
	 * of another department may take it out of the caller's sight, and
	 * that is no reason to undo the handover. */
	if (!rc)
		rc = get_row(ctx, e, id, false, false, &rec);
	if (!rc && e->searchable)
		rc = rec_search_index(ctx, e, rec);
	if (!rc && e->hooks.after_write)
		rc = e->hooks.after_write(ctx, id, rec, cur);
	json_decref(cur);
	json_decref(values);
	json_decref(changes);
	if (rc) {
		json_decref(rec);
		return rc;
	}
	rec_withhold(ctx, e, rec);
	*out = rec;
	return ERR_OK;
}

static kt_err set_deleted(struct rec_ctx *ctx, const struct entity *e, int64_t id, bool deleted)
{
	char sql[256];
	snprintf(sql, sizeof sql,
		 deleted ? "UPDATE %s SET deleted_at = ?, version = version + 1, updated_by = ? WHERE id = ? AND deleted_at IS NULL"
			 : "UPDATE %s SET deleted_at = NULL, updated_at = ?, version = version + 1, updated_by = ? WHERE id = ? AND deleted_at IS NOT NULL",
		 e->name);
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn, sql, &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, ctx->now);
	ctx->user_id ? db_bind_int64(s, 2, ctx->user_id) : db_bind_null(s, 2);
	db_bind_int64(s, 3, id);
	rc = db_exec_stmt(s);
	if (!rc && db_changes(ctx->conn) != 1)
		rc = ERR_NOT_FOUND;
	return rc;
}

kt_err record_delete(struct rec_ctx *ctx, const struct entity *e, int64_t id, int64_t version)
{
	json_t *cur = NULL;
	kt_err rc = get_row(ctx, e, id, false, true, &cur);
	if (rc)
		return rc;
	if (version && json_integer_value(json_object_get(cur, "version")) != version)
		rc = ERR_CONFLICT;
	if (!rc && e->hooks.before_delete)
		rc = e->hooks.before_delete(ctx, id, cur);
	if (!rc)
		rc = set_deleted(ctx, e, id, true);
	/* The search document stays, so the trash can be searched too. */
	if (!rc)
		rc = record_history_add(ctx, e->name, id, "delete", NULL);
	json_decref(cur);
	return rc;
}

kt_err record_restore(struct rec_ctx *ctx, const struct entity *e, int64_t id, json_t **out)
{
	*out = NULL;
	json_t *rec = NULL;
	/* The deleted record, as the caller may see it: a live one, or one out
	 * of their sight, is not in their trash (404). */
	json_t *cur = NULL;
	kt_err rc = get_row(ctx, e, id, true, true, &cur);
	if (!rc && !json_is_string(json_object_get(cur, "deleted_at")))
		rc = ERR_NOT_FOUND;
	if (!rc && e->hooks.before_restore)
		rc = e->hooks.before_restore(ctx, id, cur);
	json_decref(cur);
	if (!rc)
		rc = set_deleted(ctx, e, id, false);
	if (!rc)
		rc = record_history_add(ctx, e->name, id, "restore", NULL);
	if (!rc)
		rc = get_row(ctx, e, id, false, true, &rec);
	if (!rc && e->searchable)
		rc = rec_search_index(ctx, e, rec);
	if (rc) {
		json_decref(rec);
		return rc;
	}
	rec_withhold(ctx, e, rec);
	*out = rec;
	return ERR_OK;
}

kt_err record_decorate(struct rec_ctx *ctx, const struct entity *e, json_t *rec)
{
	if (!e->hooks.decorate || !rec)
		return ERR_OK;
	json_t *one = json_pack("[O]", rec);
	kt_err rc = one ? e->hooks.decorate(ctx, one) : ERR_NOMEM;
	json_decref(one);
	return rc;
}
