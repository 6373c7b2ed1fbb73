/* merge.c: see merge.h.  The rows that point at a record are declared per
 * entity in LINKS (table, column, and the entity column of tables that
 * point at any record); each moved row is listed in the merge row as
 * [row id, old record id] so undo moves back exactly those.  Every step
 * runs on the caller's transaction: a failure anywhere writes nothing. */
#include "crm/merge.h"

#include <stdlib.h>
#include <string.h>

#include "core/isotime.h"
#include "core/limits.h"
#include "db/db.h"

struct link {
	const char *table;
	const char *column;     /* names the record */
	const char *entity_col; /* and this column its entity (NULL: always e) */
	bool record;            /* a record table: version, updated_at and history */
};

static const struct link CONTACT_LINKS[] = {
	{"activities", "contact_id", NULL, true},
	{"notes", "contact_id", NULL, true},
	{"inquiries", "contact_id", NULL, true},
	{"attachments", "record_id", "entity", true},
	{"bulk_email_recipients", "contact_id", NULL, false},
	{"history", "record_id", "entity", false},
	{NULL, NULL, NULL, false},
};

static const struct link COMPANY_LINKS[] = {
	{"contacts", "company_id", NULL, true},
	{"activities", "company_id", NULL, true},
	{"notes", "company_id", NULL, true},
	{"attachments", "record_id", "entity", true},
	{"history", "record_id", "entity", false},
	{NULL, NULL, NULL, false},
};

static const struct link *links_of(const char *entity)
{
	if (strcmp(entity, "contacts") == 0)
		return CONTACT_LINKS;
	if (strcmp(entity, "companies") == 0)
		return COMPANY_LINKS;
	return NULL;
}

static bool is_empty(json_t *v)
{
	return !v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0);
}

/* mergeable: a field a merge may set (what a client may write). */
static bool mergeable(const struct field *f)
{
	return !(f->flags & (F_READONLY | F_HIDDEN | F_VIRTUAL | F_CREATE_ONLY)) && f->type != FT_PASSWORD;
}

/* ---- the merge -------------------------------------------------------- */

struct plan {
	int64_t kept;
	int64_t ids[LIM_MERGE_IDS];
	int n;
	json_t *recs[LIM_MERGE_IDS];    /* the merged records */
	json_t *kept_rec;
	json_t *prefer;                 /* borrowed */
};

static void plan_clear(struct plan *p)
{
	for (int i = 0; i < p->n; i++)
		json_decref(p->recs[i]);
	json_decref(p->kept_rec);
}

static json_t *rec_by_id(const struct plan *p, int64_t id)
{
	if (id == p->kept)
		return p->kept_rec;
	for (int i = 0; i < p->n; i++)
		if (p->ids[i] == id)
			return p->recs[i];
	return NULL;
}

static kt_err parse(struct rec_ctx *ctx, const struct entity *e, json_t *in, struct plan *p)
{
	const char *k;
	json_t *v;
	json_object_foreach(in, k, v)
		if (strcmp(k, "ids") && strcmp(k, "prefer"))
			rec_error(ctx, k, "is not accepted here (give ids and, optionally, prefer)");
	json_t *ids = json_object_get(in, "ids");
	size_t i;
	if (!json_is_array(ids) || json_array_size(ids) == 0 || json_array_size(ids) > LIM_MERGE_IDS) {
		rec_error(ctx, "ids", "must be a list of 1 to 20 record ids to merge into this one");
	} else {
		json_array_foreach(ids, i, v) {
			int64_t id = json_is_integer(v) ? json_integer_value(v) : 0;
			if (id <= 0) {
				rec_error(ctx, "ids", "must hold record ids (positive integers)");
				break;
			}
			if (id == p->kept) {
				rec_error(ctx, "ids", "must not hold the record merged into: a record can't be merged into itself");
				break;
			}
			bool dup = false;
			for (int j = 0; j < p->n; j++)
				dup |= p->ids[j] == id;
			if (dup) {
				rec_error(ctx, "ids", "must not name a record twice");
				break;
			}
			p->ids[p->n++] = id;
		}
	}
	p->prefer = json_object_get(in, "prefer");
	if (p->prefer && !json_is_object(p->prefer)) {
		rec_error(ctx, "prefer", "must be an object of field -> record id");
		p->prefer = NULL;
	}
	char key[96];
	json_object_foreach(p->prefer, k, v) {
		const struct field *f = entity_field(e, k);
		snprintf(key, sizeof key, "prefer.%.80s", k);
		if (!f || !mergeable(f)) {
			rec_error(ctx, key, "is not a field a merge can choose");
			continue;
		}
		int64_t id = json_is_integer(v) ? json_integer_value(v) : 0;
		bool known = id == p->kept;
		for (int j = 0; j < p->n; j++)
			known |= p->ids[j] == id;
		if (!known)
			rec_error(ctx, key, "must be the id of the kept record or of one in ids");
	}
	return ctx->errors ? ERR_INVALID : ERR_OK;
}

/* load: the kept record and the merged ones, each live and visible. */
static kt_err load(struct rec_ctx *ctx, const struct entity *e, struct plan *p)
{
	kt_err rc = record_get(ctx, e, p->kept, true, &p->kept_rec);
	if (rc)
		return rc;
	if (json_object_get(p->kept_rec, "deleted_at")) {
		ctx->message = "The record to merge into is in the trash; restore it first.";
		return ERR_CONFLICT;
	}
	char msg[160];
	for (int i = 0; i < p->n; i++) {
		rc = record_get(ctx, e, p->ids[i], true, &p->recs[i]);
		if (rc == ERR_NOT_FOUND) {
			snprintf(msg, sizeof msg, "record %lld does not exist or is not visible to you", (long long)p->ids[i]);
			rec_error(ctx, "ids", msg);
			rc = ERR_OK;
		} else if (rc) {
			return rc;
		} else if (json_object_get(p->recs[i], "deleted_at")) {
			snprintf(msg, sizeof msg, "record %lld is in the trash", (long long)p->ids[i]);
			rec_error(ctx, "ids", msg);
		}
	}
	return ctx->errors ? ERR_INVALID : ERR_OK;
}

/* patch_of: the values the kept record takes: preferred ones, and its
 * empty fields filled from the merged records in order; custom values
 * are merged key by key unless one record's object is preferred. */
static json_t *patch_of(const struct entity *e, const struct plan *p)
{
	json_t *patch = json_object();
	for (int i = 0; e->fields[i].name; i++) {
		const struct field *f = &e->fields[i];
		if (!mergeable(f))
			continue;
		json_t *cur = json_object_get(p->kept_rec, f->name), *want = NULL;
		json_t *pref = json_object_get(p->prefer, f->name);
		if (f->type == FT_CUSTOM) {
			json_t *obj;
			if (pref) {
				json_t *src = json_object_get(rec_by_id(p, json_integer_value(pref)), f->name);
				obj = json_is_object(src) ? json_deep_copy(src) : json_object();
				const char *k;
				json_t *v;
				json_object_foreach(cur, k, v)
					if (!json_object_get(obj, k))
						json_object_set_new(obj, k, json_null());
			} else {
				obj = json_is_object(cur) ? json_deep_copy(cur) : json_object();
				for (int j = 0; j < p->n; j++) {
					const char *k;
					json_t *v;
					json_object_foreach(json_object_get(p->recs[j], f->name), k, v)
						if (is_empty(json_object_get(obj, k)) && !is_empty(v))
							json_object_set(obj, k, v);
				}
			}
			if (!json_equal(obj, cur))
				json_object_set_new(patch, f->name, obj);
			else
				json_decref(obj);
			continue;
		}
		if (pref)
			want = json_object_get(rec_by_id(p, json_integer_value(pref)), f->name);
		else if (is_empty(cur))
			for (int j = 0; j < p->n && !want; j++)
				if (!is_empty(json_object_get(p->recs[j], f->name)))
					want = json_object_get(p->recs[j], f->name);
		if (!want && pref)
			want = json_null();
		if (want && !json_equal(want, cur ? cur : json_null()))
			json_object_set(patch, f->name, want);
	}
	return patch;
}

/* move_row: points one linked row at record to (from from); a record row
 * gets a new version and a history entry naming the merge. */
static kt_err move_row(struct rec_ctx *ctx, const struct link *l, int64_t row, int64_t from, int64_t to,
		       int64_t merge_id, const char *action)
{
	char sql[256];
	if (l->record)
		snprintf(sql, sizeof sql,
			 "UPDATE %s SET %s = ?, version = version + 1, updated_at = ?, updated_by = ? WHERE id = ? AND %s = ?",
			 l->table, l->column, l->column);
	else
		snprintf(sql, sizeof sql, "UPDATE %s SET %s = ? WHERE id = ? AND %s = ?", l->table, l->column, l->column);
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn, sql, &s);
	if (rc)
		return rc;
	int idx = 1;
	db_bind_int64(s, idx++, to);
	if (l->record) {
		db_bind_int64(s, idx++, ctx->now);
		ctx->user_id ? db_bind_int64(s, idx++, ctx->user_id) : db_bind_null(s, idx++);
	}
	db_bind_int64(s, idx++, row);
	db_bind_int64(s, idx++, from);
	rc = db_exec_stmt(s);
	if (rc || !l->record || db_changes(ctx->conn) != 1)
		return rc;
	json_t *ch = json_pack("{s:[I,I], s:I}", l->column, (json_int_t)from, (json_int_t)to, "merge_id", (json_int_t)merge_id);
	rc = ch ? record_history_add(ctx, l->table, row, action, ch) : ERR_NOMEM;
	json_decref(ch);
	return rc;
}

/* move_links: moves every row linked to from over to to; moved gets
 * table -> [[row, from], ...]. */
static kt_err move_links(struct rec_ctx *ctx, const struct entity *e, int64_t from, int64_t to, int64_t merge_id,
			 json_t *moved, int64_t *total)
{
	kt_err rc = ERR_OK;
	const struct link *links = links_of(e->name);
	for (const struct link *l = links; l && l->table && !rc; l++) {
		char sql[256];
		snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE %s = ?%s%s%s ORDER BY id", l->table, l->column,
			 l->entity_col ? " AND " : "", l->entity_col ? l->entity_col : "", l->entity_col ? " = ?" : "");
		struct db_stmt *s;
		rc = db_prepare(ctx->conn, sql, &s);
		if (rc)
			break;
		db_bind_int64(s, 1, from);
		if (l->entity_col)
			db_bind_str(s, 2, e->name);
		json_t *rows = json_array();
		while ((rc = db_step(s)) == ERR_ROW) {
			if (++*total > LIM_MERGE_MOVED) {
				rc = ERR_TOO_LARGE;
				break;
			}
			json_array_append_new(rows, json_integer(db_col_int64(s, 0)));
		}
		db_reset(s);
		if (rc == ERR_DONE)
			rc = ERR_OK;
		json_t *list = json_object_get(moved, l->table);
		if (!list) {
			list = json_array();
			json_object_set_new(moved, l->table, list);
		}
		size_t i;
		json_t *v;
		json_array_foreach(rows, i, v) {
			if (rc)
				break;
			rc = move_row(ctx, l, json_integer_value(v), from, to, merge_id, "merge");
			if (!rc)
				json_array_append_new(list, json_pack("[I,I]", (json_int_t)json_integer_value(v), (json_int_t)from));
		}
		json_decref(rows);
	}
	if (rc == ERR_TOO_LARGE)
		ctx->message = "These records have too many linked rows to merge in one go.";
	return rc;
}

static json_t *counts_of(json_t *moved)
{
	json_t *c = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(moved, k, v)
		json_object_set_new(c, k, json_integer((json_int_t)json_array_size(v)));
	return c;
}

kt_err merge_records(struct rec_ctx *ctx, const struct entity *e, int64_t kept_id, json_t *in, json_t **out)
{
	*out = NULL;
	if (!e || !links_of(e->name))
		return ERR_NOT_FOUND;
	if (!json_is_object(in))
		return ERR_BAD_JSON;
	struct plan p;
	memset(&p, 0, sizeof p);
	p.kept = kept_id;
	/* The target comes first: a missing one is a 404 whatever the body. */
	kt_err rc = record_get(ctx, e, kept_id, true, &p.kept_rec);
	json_decref(p.kept_rec);
	p.kept_rec = NULL;
	if (!rc)
		rc = parse(ctx, e, in, &p);
	if (!rc)
		rc = load(ctx, e, &p);
	json_t *patch = NULL, *changes = json_object(), *moved = json_object(), *rec = NULL, *merged = json_array();
	int64_t merge_id = 0, total = 0;
	struct db_stmt *s;
	if (!rc)
		rc = db_prepare(ctx->conn,
				"INSERT INTO merges (entity, kept_id, merged_ids, changes, moved, created_at, created_by)"
				" VALUES (?, ?, '[]', '{}', '{}', ?, ?) RETURNING id", &s);
	if (!rc) {
		db_bind_str(s, 1, e->name);
		db_bind_int64(s, 2, kept_id);
		db_bind_int64(s, 3, ctx->now);
		ctx->user_id ? db_bind_int64(s, 4, ctx->user_id) : db_bind_null(s, 4);
		rc = db_step(s);
		merge_id = rc == ERR_ROW ? db_col_int64(s, 0) : 0;
		rc = rc == ERR_ROW ? ERR_OK : rc == ERR_DONE ? ERR_INTERNAL : rc;
		db_reset(s);
	}
	if (!rc) {
		patch = patch_of(e, &p);
		if (json_object_size(patch)) {
			rc = record_update(ctx, e, kept_id, patch,
					   json_integer_value(json_object_get(p.kept_rec, "version")), &rec);
			const char *k;
			json_t *v;
			json_object_foreach(patch, k, v)
				if (!rc)
					json_object_set_new(changes, k, json_pack("[OO]", json_object_get(p.kept_rec, k) ? json_object_get(p.kept_rec, k) : json_null(),
										  json_object_get(rec, k) ? json_object_get(rec, k) : json_null()));
		}
	}
	for (int i = 0; i < p.n && !rc; i++) {
		rc = move_links(ctx, e, p.ids[i], kept_id, merge_id, moved, &total);
		if (!rc)
			rc = record_delete(ctx, e, p.ids[i], 0);
		json_t *h = json_pack("{s:I, s:I}", "merged_into", (json_int_t)kept_id, "merge_id", (json_int_t)merge_id);
		if (!rc)
			rc = record_history_add(ctx, e->name, p.ids[i], "merged", h);
		json_decref(h);
		if (!rc)
			rc = db_prepare(ctx->conn, "INSERT INTO merge_members (merge_id, entity, record_id) VALUES (?, ?, ?)", &s);
		if (!rc) {
			db_bind_int64(s, 1, merge_id);
			db_bind_str(s, 2, e->name);
			db_bind_int64(s, 3, p.ids[i]);
			rc = db_exec_stmt(s);
		}
		json_array_append_new(merged, json_integer(p.ids[i]));
	}
	if (!rc) {
		json_t *h = json_pack("{s:I, s:O, s:O}", "merge_id", (json_int_t)merge_id, "merged_ids", merged, "fields", changes);
		rc = h ? record_history_add(ctx, e->name, kept_id, "merge", h) : ERR_NOMEM;
		json_decref(h);
	}
	char *t_ids = NULL, *t_changes = NULL, *t_moved = NULL;
	if (!rc) {
		t_ids = json_dumps(merged, JSON_COMPACT);
		t_changes = json_dumps(changes, JSON_COMPACT);
		t_moved = json_dumps(moved, JSON_COMPACT);
		rc = t_ids && t_changes && t_moved ? ERR_OK : ERR_NOMEM;
	}
	if (!rc)
		rc = db_prepare(ctx->conn, "UPDATE merges SET merged_ids = ?, changes = ?, moved = ? WHERE id = ?", &s);
	if (!rc) {
		db_bind_str(s, 1, t_ids);
		db_bind_str(s, 2, t_changes);
		db_bind_str(s, 3, t_moved);
		db_bind_int64(s, 4, merge_id);
		rc = db_exec_stmt(s);
	}
	free(t_ids);
	free(t_changes);
	free(t_moved);
	json_decref(rec);
	rec = NULL;
	if (!rc)
		rc = record_get(ctx, e, kept_id, false, &rec);
	if (!rc) {
		char at[21];
		isotime_format(ctx->now, at);
		*out = json_pack("{s:{s:I, s:s, s:I, s:O, s:o, s:O, s:s, s:o, s:n}, s:o}", "merge", "id", (json_int_t)merge_id,
				 "entity", e->name, "kept_id", (json_int_t)kept_id, "merged_ids", merged, "moved",
				 counts_of(moved), "changes", changes, "created_at", at, "created_by",
				 ctx->user_id ? json_integer(ctx->user_id) : json_null(), "undone_at", "record", rec);
		rec = NULL;
		rc = *out ? ERR_OK : ERR_NOMEM;
	}
	json_decref(rec);
	json_decref(patch);
	json_decref(changes);
	json_decref(moved);
	json_decref(merged);
	plan_clear(&p);
	return rc;
}

/* ---- reading and undoing ---------------------------------------------- */

struct mrow {
	int64_t id, kept, created_at, created_by, undone_at;
	char entity[32];
	json_t *merged, *changes, *moved;
};

static void mrow_clear(struct mrow *m)
{
	json_decref(m->merged);
	json_decref(m->changes);
	json_decref(m->moved);
}

static json_t *col_json(struct db_stmt *s, int col)
{
	size_t len;
	const char *t = db_col_text(s, col, &len);
	json_t *v = t ? json_loadb(t, len, 0, NULL) : NULL;
	return v ? v : json_object();
}

static kt_err load_merge(struct rec_ctx *ctx, int64_t id, struct mrow *m)
{
	memset(m, 0, sizeof *m);
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       "SELECT id, entity, kept_id, merged_ids, changes, moved, created_at, created_by, undone_at"
			       " FROM merges WHERE id = ?", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	rc = db_step(s);
	if (rc == ERR_ROW) {
		m->id = db_col_int64(s, 0);
		snprintf(m->entity, sizeof m->entity, "%s", db_col_text(s, 1, NULL));
		m->kept = db_col_int64(s, 2);
		m->merged = col_json(s, 3);
		m->changes = col_json(s, 4);
		m->moved = col_json(s, 5);
		m->created_at = db_col_int64(s, 6);
		m->created_by = db_col_is_null(s, 7) ? 0 : db_col_int64(s, 7);
		m->undone_at = db_col_is_null(s, 8) ? 0 : db_col_int64(s, 8);
		rc = ERR_OK;
	} else if (rc == ERR_DONE) {
		rc = ERR_NOT_FOUND;
	}
	db_reset(s);
	return rc;
}

static json_t *time_or_null(int64_t t)
{
	char at[21];
	if (!t)
		return json_null();
	isotime_format(t, at);
	return json_string(at);
}

static json_t *merge_json(const struct mrow *m)
{
	return json_pack("{s:I, s:s, s:I, s:O, s:o, s:O, s:o, s:o, s:o}", "id", (json_int_t)m->id, "entity", m->entity,
			 "kept_id", (json_int_t)m->kept, "merged_ids", m->merged, "moved", counts_of(m->moved), "changes",
			 m->changes, "created_at", time_or_null(m->created_at), "created_by",
			 m->created_by ? json_integer(m->created_by) : json_null(), "undone_at", time_or_null(m->undone_at));
}

/* visible: ERR_OK when the caller sees the merge's kept record (live or not). */
static kt_err visible(struct rec_ctx *ctx, const struct mrow *m, const struct entity **e)
{
	*e = ctx->lookup ? ctx->lookup(m->entity) : NULL;
	if (!*e)
		return ERR_NOT_FOUND;
	json_t *rec = NULL;
	kt_err rc = record_get(ctx, *e, m->kept, true, &rec);
	json_decref(rec);
	return rc;
}

kt_err merge_get(struct rec_ctx *ctx, int64_t id, json_t **out)
{
	*out = NULL;
	struct mrow m;
	const struct entity *e;
	kt_err rc = load_merge(ctx, id, &m);
	if (!rc)
		rc = visible(ctx, &m, &e);
	if (!rc) {
		*out = merge_json(&m);
		rc = *out ? ERR_OK : ERR_NOMEM;
	}
	mrow_clear(&m);
	return rc;
}

/* revert: the kept record's values the merge changed go back, each only
 * if it still holds what the merge wrote. */
static kt_err revert(struct rec_ctx *ctx, const struct entity *e, const struct mrow *m)
{
	json_t *cur = NULL, *patch = json_object(), *rec = NULL;
	kt_err rc = record_get(ctx, e, m->kept, false, &cur);
	const char *k;
	json_t *v;
	json_object_foreach(m->changes, k, v) {
		if (rc)
			break;
		json_t *old = json_array_get(v, 0), *now = json_array_get(v, 1);
		json_t *have = json_object_get(cur, k);
		if (!json_equal(have ? have : json_null(), now ? now : json_null()))
			continue;
		if (json_is_object(old) && json_is_object(have)) {
			json_t *obj = json_deep_copy(old);
			const char *ck;
			json_t *cv;
			json_object_foreach(have, ck, cv)
				if (!json_object_get(obj, ck))
					json_object_set_new(obj, ck, json_null());
			json_object_set_new(patch, k, obj);
		} else {
			json_object_set(patch, k, old ? old : json_null());
		}
	}
	/* Putting back an owner the record had is no handover by the caller:
	 * an agent may undo a merge into a record owned in another department. */
	enum role saved = ctx->role;
	if (ctx->role == ROLE_AGENT)
		ctx->role = ROLE_MANAGER;
	if (!rc && json_object_size(patch))
		rc = record_update(ctx, e, m->kept, patch, json_integer_value(json_object_get(cur, "version")), &rec);
	ctx->role = saved;
	json_decref(cur);
	json_decref(patch);
	json_decref(rec);
	return rc;
}

kt_err merge_undo(struct rec_ctx *ctx, int64_t id, json_t **out)
{
	*out = NULL;
	struct mrow m;
	const struct entity *e = NULL;
	json_t *kept = NULL, *restored = json_array();
	kt_err rc = load_merge(ctx, id, &m);
	if (!rc)
		rc = visible(ctx, &m, &e);
	if (!rc && m.undone_at) {
		ctx->message = "This merge was undone already.";
		rc = ERR_CONFLICT;
	}
	if (!rc) {
		rc = record_get(ctx, e, m.kept, false, &kept);
		if (rc == ERR_NOT_FOUND) {
			ctx->message = "The kept record is in the trash or was merged into another one; undo or restore that first.";
			rc = ERR_CONFLICT;
		}
		json_decref(kept);
		kept = NULL;
	}
	/* Each merged record must still be one the caller sees. */
	size_t i;
	json_t *v;
	json_array_foreach(m.merged, i, v) {
		if (rc)
			break;
		json_t *r = NULL;
		rc = record_get(ctx, e, json_integer_value(v), true, &r);
		bool deleted = r && json_object_get(r, "deleted_at");
		json_decref(r);
		if (!rc && deleted) {
			rc = record_restore(ctx, e, json_integer_value(v), &r);
			json_decref(r);
			if (!rc)
				json_array_append(restored, v);
		}
	}
	const char *table;
	json_t *rows;
	json_object_foreach(m.moved, table, rows) {
		const struct link *l = NULL;
		for (const struct link *x = links_of(e ? e->name : ""); x && x->table; x++)
			if (strcmp(x->table, table) == 0)
				l = x;
		if (!l || rc)
			continue;
		json_array_foreach(rows, i, v) {
			if (rc)
				break;
			rc = move_row(ctx, l, json_integer_value(json_array_get(v, 0)), m.kept,
				      json_integer_value(json_array_get(v, 1)), m.id, "unmerge");
		}
	}
	if (!rc)
		rc = revert(ctx, e, &m);
	struct db_stmt *s;
	if (!rc)
		rc = db_prepare(ctx->conn, "UPDATE merges SET undone_at = ?, undone_by = ? WHERE id = ? AND undone_at IS NULL", &s);
	if (!rc) {
		db_bind_int64(s, 1, ctx->now);
		ctx->user_id ? db_bind_int64(s, 2, ctx->user_id) : db_bind_null(s, 2);
		db_bind_int64(s, 3, m.id);
		rc = db_exec_stmt(s);
		if (!rc && db_changes(ctx->conn) != 1)
			rc = ERR_CONFLICT;
	}
	json_t *h = json_pack("{s:I, s:O}", "merge_id", (json_int_t)m.id, "restored_ids", restored);
	if (!rc)
		rc = h ? record_history_add(ctx, e->name, m.kept, "unmerge", h) : ERR_NOMEM;
	json_decref(h);
	if (!rc)
		rc = record_get(ctx, e, m.kept, false, &kept);
	if (!rc) {
		m.undone_at = ctx->now;
		*out = json_pack("{s:o, s:o, s:O}", "merge", merge_json(&m), "record", kept, "restored", restored);
		rc = *out ? ERR_OK : ERR_NOMEM;
	}
	json_decref(restored);
	mrow_clear(&m);
	return rc;
}

kt_err merge_redirect(struct rec_ctx *ctx, const struct entity *e, int64_t id, int64_t *kept_id)
{
	*kept_id = 0;
	if (!links_of(e->name))
		return ERR_NOT_FOUND;
	int64_t at = id;
	for (int hop = 0; hop < 8; hop++) {
		struct db_stmt *s;
		kt_err rc = db_prepare(ctx->conn,
				       "SELECT m.kept_id FROM merge_members mm JOIN merges m ON m.id = mm.merge_id"
				       " WHERE mm.entity = ? AND mm.record_id = ? AND m.undone_at IS NULL"
				       " ORDER BY m.id DESC LIMIT 1", &s);
		if (rc)
			return rc;
		db_bind_str(s, 1, e->name);
		db_bind_int64(s, 2, at);
		rc = db_step(s);
		int64_t next = rc == ERR_ROW ? db_col_int64(s, 0) : 0;
		db_reset(s);
		if (rc != ERR_ROW && rc != ERR_DONE)
			return rc;
		if (!next)
			return ERR_NOT_FOUND;
		json_t *rec = NULL;
		rc = record_get(ctx, e, next, false, &rec);
		json_decref(rec);
		if (rc == ERR_OK) {
			*kept_id = next;
			return ERR_OK;
		}
		if (rc != ERR_NOT_FOUND)
			return rc;
		at = next;
	}
	return ERR_NOT_FOUND;
}
