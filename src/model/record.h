/* record.h: the generic record engine.  Create, read, update (PATCH with
 * optimistic versions), soft delete and restore, list with filters, sort,
 * search and keyset pagination, and history, for any entity of entity.h.
 *
 * Every call runs on the caller's connection; writes expect the caller to
 * hold a write transaction (db_tx_run) so hooks can add work atomically.
 * Results are new jansson references the caller owns (json_decref). */
#ifndef KT_RECORD_H
#define KT_RECORD_H

#include "model/entity.h"

struct arena;
struct buf;
struct db_stmt;

/* The actor and the moment of one request. */
struct rec_ctx {
	struct db_conn *conn;
	int64_t user_id;                /* 0 = the system */
	enum role role;
	int64_t department_id;
	int64_t now;                    /* Unix seconds */
	json_t *errors;                 /* field -> message; created on demand */
	const char *message;            /* overrides the default error message (static,
					 * or message_buf; the reply copies it) */
	char message_buf[LIM_ERR_MESSAGE]; /* a message a hook composes (names in it) */
	const char *pw_plain;           /* a password hashed before the transaction */
	const char *pw_hash;            /*   and its hash (see users' hook) */
	const char *default_cc;         /* phone country code, "48" */
	json_t *stash;                  /* hooks pass data from before_write to after_write */
	/* lookup: the entity of a table, so references can be checked against
	 * what the caller may see; NULL checks only that the row exists. */
	const struct entity *(*lookup)(const char *name);
};

/* record_scope: the visibility condition of e for ctx with prefix (links.c):
 * e's own rule (its scope hook) and, for each F_PARENT field, that the
 * record it names is empty or visible; out->sql is "" when the caller sees
 * everything.  Caller frees out->args. */
kt_err record_scope(struct rec_ctx *ctx, const struct entity *e, const char *prefix, struct rec_cond *out);
/* record_bind_cond: binds cond's arguments from *idx on (advanced). */
kt_err record_bind_cond(struct db_stmt *s, int *idx, const struct rec_cond *cond);

void rec_ctx_clear(struct rec_ctx *ctx);
/* rec_error: records a field error (message is copied); returns ERR_INVALID. */
kt_err rec_error(struct rec_ctx *ctx, const char *field, const char *message);

kt_err record_create(struct rec_ctx *ctx, const struct entity *e, json_t *in, json_t **out);
/* For bulk writers (import) that validate like record_create and write
 * many rows at once: record_validate checks in as a new record of e (every
 * field error into ctx->errors) and runs its before_write hook; *values
 * are the column values to write (new ref).  record_insert writes them as
 * a new row, without history, search document and after_write hooks: the
 * caller records its work and writes the documents (record_search_doc,
 * db_search_put) in batches, which a search index takes far faster than
 * one between each row; *id gets the new id. */
kt_err record_validate(struct rec_ctx *ctx, const struct entity *e, json_t *in, json_t **values);
kt_err record_insert(struct rec_ctx *ctx, const struct entity *e, json_t *values, int64_t *id);
/* record_get: a live record (or a deleted one when with_deleted). */
kt_err record_get(struct rec_ctx *ctx, const struct entity *e, int64_t id, bool with_deleted,
		  json_t **out);
/* record_update: applies patch when the stored version equals version
 * (taken from patch["version"] when version is 0); ERR_CONFLICT otherwise. */
kt_err record_update(struct rec_ctx *ctx, const struct entity *e, int64_t id, json_t *patch,
		     int64_t version, json_t **out);
/* record_delete: moves to the trash; version 0 skips the version check. */
kt_err record_delete(struct rec_ctx *ctx, const struct entity *e, int64_t id, int64_t version);
kt_err record_restore(struct rec_ctx *ctx, const struct entity *e, int64_t id, json_t **out);
/* record_decorate: the read-only conveniences of e's decorate hook (as
 * lists carry them) added to one record in place. */
kt_err record_decorate(struct rec_ctx *ctx, const struct entity *e, json_t *rec);

/* record_list: params holds the query string as an object of strings
 * (q, sort, limit, cursor, trash, filters on F_FILTER fields and, for
 * time, date and number fields, <field>_from / <field>_to ranges);
 * *out is {"items": [...], "next_cursor": "..." | null}. */
kt_err record_list(struct rec_ctx *ctx, const struct entity *e, json_t *params, json_t **out);
/* record_history: the changes of one record, newest first, paginated like
 * a list (params: limit, cursor). */
kt_err record_history(struct rec_ctx *ctx, const struct entity *e, int64_t id, json_t *params,
		      json_t **out);
/* record_history_add: writes one history row (changes is borrowed). */
kt_err record_history_add(struct rec_ctx *ctx, const char *entity, int64_t id, const char *action,
			  json_t *changes);
/* record_field_shown: whether ctx sees f in every record (f's read_role;
 * a record of their own may show more, see the entity's own hook). */
bool record_field_shown(const struct rec_ctx *ctx, const struct field *f);
/* record_links_fill: for each object of items whose field link holds an
 * id, sets item[key] to what the caller may see of that record of target:
 * {"id", "name" (target's title fields), extra columns...}, or
 * {"id", "hidden": true} when target's scope hides it (or it is gone).
 * One statement per LIM_LINK_BATCH distinct ids. */
kt_err record_links_fill(struct rec_ctx *ctx, const struct entity *target, const char *link, const char *key,
			 const char *const *extra, json_t *items);
/* record_exists: ERR_OK when table has a live row id, else ERR_NOT_FOUND. */
kt_err record_exists(struct rec_ctx *ctx, const char *table, int64_t id);

/* For domain reads that join other tables: record_select_cols appends
 * the entity's columns (each with prefix, e.g. "a.") in the order that
 * record_row_json reads them from a row; record_ncols counts them, so
 * joined columns start at that index. */
struct db_stmt;
kt_err record_select_cols(const struct entity *e, const char *prefix, struct buf *sql);
json_t *record_row_json(const struct entity *e, struct db_stmt *s);
int record_ncols(const struct entity *e);

/* A projection: which of an entity's columns a reply carries, for
 * ?fields=a,b,c (id and version always).  Columns are numbered as
 * record_select_cols selects them; an empty projection carries all. */
struct rec_proj {
	uint64_t on[2];
	bool some;
};
/* record_proj_parse: fields "a,b,c" of e into *p; an unknown or hidden name
 * is an error of the query parameter param (ERR_BAD_QUERY). */
kt_err record_proj_parse(struct rec_ctx *ctx, const struct entity *e, const char *param, const char *fields,
			 struct rec_proj *p);
/* record_proj_add: adds the column of field name (no-op if none). */
void record_proj_add(const struct entity *e, const char *name, struct rec_proj *p);
/* record_row_json_proj: as record_row_json, only p's columns (p may be NULL). */
json_t *record_row_json_proj(const struct entity *e, struct db_stmt *s, const struct rec_proj *p);

/* record_search_doc: appends the search document of rec (the folded words
 * of its F_SEARCH fields, phones as digits) to doc; what the engine indexes. */
kt_err record_search_doc(const struct entity *e, json_t *rec, struct buf *doc);
/* record_search_rebuild: rewrites the search documents of every table a
 * migration queued in search_rebuild (after record_search_doc changed),
 * deleted records too, in batches; lookup names the entities; *rows (may
 * be NULL) gets the number of documents written.  Run after db_migrate,
 * before serving. */
struct db;
kt_err record_search_rebuild(struct db *db, const struct entity *(*lookup)(const char *name), int64_t *rows);
/* record_search_terms: turns a user's query into space-separated folded
 * search tokens (a phone in any spelling becomes its digits). */
void record_search_terms(const char *q, size_t len, char *out, size_t cap);

#endif
