/* record_int.h: pieces the record engine's files share (record.c,
 * validate.c, list.c, history.c, custom.c).  Not for other modules. */
#ifndef KT_RECORD_INT_H
#define KT_RECORD_INT_H

#include "core/buf.h"
#include "db/db.h"
#include "model/record.h"

/* The columns every record has, in SELECT order, before the fields. */
#define REC_STD_COLS "id, version, created_at, updated_at, deleted_at, created_by, updated_by"
#define REC_NSTD 7

/* rec_select_cols: appends "std cols, field cols" of e to sql. */
kt_err rec_select_cols(const struct entity *e, struct buf *sql);
/* rec_row_json: the current row of s (selected with rec_select_cols) as a
 * new JSON object. */
json_t *rec_row_json(const struct entity *e, struct db_stmt *s);
json_t *rec_row_json_proj(const struct entity *e, struct db_stmt *s, const struct rec_proj *p);
/* rec_proj_has: whether column c is in p (every column when p is NULL or empty). */
static inline bool rec_proj_has(const struct rec_proj *p, int c)
{
	return !p || !p->some || c >= 128 || (p->on[c / 64] >> (c % 64) & 1);
}
/* rec_own: whether rec is ctx's own record (e's own hook), whose every
 * field they see. */
bool rec_own(struct rec_ctx *ctx, const struct entity *e, json_t *rec);
/* rec_withhold: removes from rec the keys of the fields kept from ctx
 * (a read_role above the caller's, unless rec is their own). */
void rec_withhold(struct rec_ctx *ctx, const struct entity *e, json_t *rec);
/* rec_bind_value: binds a normalised value of field f. */
kt_err rec_bind_value(struct db_stmt *s, int idx, const struct field *f, json_t *v);

/* rec_validate: checks in against e's fields (create or, with cur, an
 * update) and returns the normalised column values in *values (new ref),
 * or ERR_INVALID with ctx->errors filled. */
kt_err rec_validate(struct rec_ctx *ctx, const struct entity *e, json_t *in, json_t *cur,
		    json_t **values);
/* custom_validate: checks a record's "custom" object against the entity's
 * custom field definitions; merges into cur_custom on update; *out new ref. */
kt_err custom_validate(struct rec_ctx *ctx, const struct entity *e, json_t *in, json_t *cur_custom,
		       bool create, json_t **out);
/* rec_text_junk: NULL when the valid UTF-8 text s[0..len) may be stored,
 * else a message (in msg[0..cap)) naming what was found: a control
 * character (TAB and LF pass in multiline text), a line break in a
 * one-line text, a bidirectional override or isolate (U+202A-U+202E,
 * U+2066-U+2069) in a one-line text. */
const char *rec_text_junk(const char *s, size_t len, bool multiline, char *msg, size_t cap);
/* rec_search_index: (re)writes the search document of rec. */
kt_err rec_search_index(struct rec_ctx *ctx, const struct entity *e, json_t *rec);

#endif
