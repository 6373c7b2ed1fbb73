/* list.c: lists of any entity: filters on declared fields, a search query
 * over the entity's search index, sorting on declared (indexed) columns
 * and keyset pagination with opaque cursors.  Never a COUNT, never an
 * OFFSET: every page costs the same.  A sort column that may be NULL
 * (F_NULLABLE) pages in the engine's order: the rows with a value and the
 * NULL block are read in turn, each by its index. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/b64.h"
#include "core/fold.h"
#include "core/ident.h"
#include "core/isotime.h"
#include "core/limits.h"
#include "core/phone.h"
#include "core/utf8.h"
#include "model/record_int.h"

#define MAX_FILTERS 16

struct filter {
	const struct field *f;
	json_t *value;          /* normalised (NULL = IS NULL) */
	const char *op;         /* "=", ">=" or "<" */
};

struct list_query {
	char terms[4 * LIM_Q + 8];
	struct filter filters[MAX_FILTERS];
	int nfilters;
	struct rec_cond conds[4];
	int nconds;
	/* ?q= through the entity's search_link: the linked records' search
	 * (their table) under the caller's scope of them (cond). */
	const struct entity *link;
	struct rec_cond link_cond;
	const char *sort;       /* column */
	bool sort_text;
	bool desc;
	int64_t limit;
	bool trash;
	bool has_cursor;
	json_t *cursor_value;   /* the sort value of the last row (JSON null: in the NULL block) */
	int64_t cursor_id;
	struct rec_proj proj;   /* ?fields= (with the sort column, for the cursor) */
	bool sort_nullable;     /* the sort column may be NULL */
	bool next_block;        /* this query reads the block after the cursor's */
	int64_t want;           /* rows this query asks for */
	bool count;             /* ?count=1: the reply has a capped count */
	bool counting;          /* this query counts (no cursor, no order) */
};

static bool looks_like_phone(const char *q, size_t len)
{
	size_t digits = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)q[i];
		if (isdigit(c))
			digits++;
		else if (!strchr(" +-()./", c))
			return false;
	}
	return digits >= 3;
}

void record_search_terms(const char *q, size_t len, char *out, size_t cap)
{
	if (cap == 0)
		return;
	out[0] = '\0';
	if (looks_like_phone(q, len)) {
		char d[64];
		size_t n = phone_digits(q, len < 60 ? len : 60, d, sizeof d);
		const char *p = d;
		if (n > 2 && d[0] == '0' && d[1] == '0')
			p += 2;
		snprintf(out, cap, "%s", p);
		return;
	}
	fold_key(q, len, out, cap);
}

/* A search through a link reads every linked record its words match (the
 * cost grows with them): a word of one or two letters, which matches a
 * large share of all clients and names none, searches the record's own
 * words only. */
#define LINK_TERM_MIN 3

/* shortest_term: characters of the shortest space-separated word of terms
 * (0 when there is none). */
static size_t shortest_term(const char *terms)
{
	size_t best = 0;
	for (const char *p = terms; *p;) {
		while (*p == ' ')
			p++;
		size_t n = 0;
		for (; *p && *p != ' '; p++)
			n += ((unsigned char)*p & 0xC0) != 0x80;
		if (n && (!best || n < best))
			best = n;
	}
	return best;
}

static kt_err query_error(struct rec_ctx *ctx, const char *k, const char *msg)
{
	rec_error(ctx, k, msg);
	return ERR_BAD_QUERY;
}

/* Parses a filter value of f from query text; an error is reported under
 * the parameter k (the field's name, or a range's <field>_from / _to). */
static kt_err filter_value(struct rec_ctx *ctx, const struct field *f, const char *k, const char *s, json_t **out)
{
	*out = NULL;
	size_t len = strlen(s);
	char buf[256];
	char *end;
	switch (f->type) {
	case FT_INT:
	case FT_REF:
	case FT_MONEY: {
		if (strcmp(s, "null") == 0)
			return ERR_OK;
		long long v = strtoll(s, &end, 10);
		if (!*s || *end)
			return query_error(ctx, k, "must be an integer (or null)");
		*out = json_integer(v);
		return ERR_OK;
	}
	case FT_BOOL:
		if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
			*out = json_true();
		else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
			*out = json_false();
		else
			return query_error(ctx, k, "must be true or false");
		return ERR_OK;
	case FT_ENUM:
		for (int i = 0; f->values[i]; i++)
			if (strcmp(s, f->values[i]) == 0) {
				*out = json_string(s);
				return ERR_OK;
			}
		return query_error(ctx, k, "is not one of the field's values");
	case FT_PHONE:
		if (!phone_normalize(s, len, ctx->default_cc ? ctx->default_cc : "48", buf, sizeof buf))
			return query_error(ctx, k, "is not a phone number");
		*out = json_string(buf);
		return ERR_OK;
	case FT_EMAIL:
		if (!ident_email_normalize(s, len, buf, sizeof buf))
			return query_error(ctx, k, "is not an e-mail address");
		*out = json_string(buf);
		return ERR_OK;
	case FT_DATE: {
		int32_t d;
		if (!isodate_parse(s, len, &d))
			return query_error(ctx, k, "must be a date YYYY-MM-DD");
		*out = json_string(s);
		return ERR_OK;
	}
	case FT_TIME: {
		int64_t t;
		if (!isotime_parse(s, len, &t))
			return query_error(ctx, k, "must be an ISO 8601 time");
		*out = json_integer(t);
		return ERR_OK;
	}
	default:
		if (!utf8_valid(s, len) || len > LIM_TEXT_DEFAULT * 4)
			return query_error(ctx, k, "must be UTF-8 text");
		*out = json_string(s);
		return ERR_OK;
	}
}

static bool sortable(const struct entity *e, const char *name, bool *text)
{
	if (strcmp(name, "id") == 0 || strcmp(name, "updated_at") == 0 || strcmp(name, "created_at") == 0) {
		*text = false;
		return true;
	}
	const struct field *f = entity_field(e, name);
	if (!f || !(f->flags & F_SORT))
		return false;
	*text = f->type != FT_INT && f->type != FT_MONEY && f->type != FT_TIME && f->type != FT_REF;
	return true;
}

static kt_err parse_sort(struct rec_ctx *ctx, const struct entity *e, const char *s, struct list_query *lq)
{
	lq->desc = s[0] == '-';
	if (s[0] == '-' || s[0] == '+')
		s++;
	/* Only deleted rows have a deleted_at; every entity's trash index
	 * is (deleted_at, id), so the trash sorts by it. */
	if (strcmp(s, "deleted_at") == 0) {
		if (!lq->trash)
			return query_error(ctx, "sort", "deleted_at sorts the trash only (with trash=1)");
		lq->sort = "deleted_at";
		lq->sort_text = false;
		lq->sort_nullable = false;
		return ERR_OK;
	}
	const struct field *sf = entity_field(e, s);
	if (!sortable(e, s, &lq->sort_text) || (sf && !record_field_shown(ctx, sf)))
		return query_error(ctx, "sort", "cannot sort by this field");
	lq->sort = s;
	if (strcmp(s, "id") == 0)
		lq->sort = "id";
	else if (strcmp(s, "updated_at") == 0)
		lq->sort = "updated_at";
	else if (strcmp(s, "created_at") == 0)
		lq->sort = "created_at";
	else
		lq->sort = entity_field(e, s)->name;
	const struct field *f = entity_field(e, lq->sort);
	lq->sort_nullable = f && (f->flags & F_NULLABLE);
	return ERR_OK;
}

/* A cursor is base64url(JSON [sort, sort value, id]) of the last row
 * shown, sort as asked ("-id"): a cursor is a position in one order only,
 * and one of another order is refused, never read as a position in this
 * one (both might be integers). */
static void sort_spec(const struct list_query *lq, char *out, size_t cap)
{
	snprintf(out, cap, "%s%s", lq->desc ? "-" : "", lq->sort);
}

static kt_err parse_cursor(struct rec_ctx *ctx, const char *c, struct list_query *lq)
{
	unsigned char raw[LIM_CURSOR];
	size_t n;
	if (strlen(c) >= LIM_CURSOR || !b64url_decode(c, strlen(c), raw, sizeof raw, &n))
		return query_error(ctx, "cursor", "is not a cursor this server gave");
	json_t *a = json_loadb((const char *)raw, n, 0, NULL);
	json_t *v = json_array_get(a, 1);
	bool ok = json_is_array(a) && json_array_size(a) == 3 && json_is_string(json_array_get(a, 0)) &&
		  json_is_integer(json_array_get(a, 2)) &&
		  (json_is_null(v) ? lq->sort_nullable : lq->sort_text ? json_is_string(v) : json_is_integer(v));
	if (!ok) {
		json_decref(a);
		return query_error(ctx, "cursor", "is not a cursor this server gave");
	}
	char spec[80];
	sort_spec(lq, spec, sizeof spec);
	if (strcmp(json_string_value(json_array_get(a, 0)), spec) != 0) {
		json_decref(a);
		return query_error(ctx, "cursor", "belongs to another sort: ask again with the sort it came with");
	}
	lq->has_cursor = true;
	lq->cursor_value = json_incref(v);
	lq->cursor_id = json_integer_value(json_array_get(a, 2));
	json_decref(a);
	return ERR_OK;
}

/* <field>_from=V and <field>_to=V on filterable time, date and number
 * fields: V <= field and field < V.  True when key was such a range. */
static bool range_filter(struct rec_ctx *ctx, const struct entity *e, const char *k, const char *s,
			 struct list_query *lq, kt_err *rc)
{
	size_t n = strlen(k);
	bool from = n > 5 && strcmp(k + n - 5, "_from") == 0;
	bool to = n > 3 && strcmp(k + n - 3, "_to") == 0;
	if (!from && !to)
		return false;
	char base[64];
	size_t bl = n - (from ? 5 : 3);
	if (bl >= sizeof base)
		return false;
	memcpy(base, k, bl);
	base[bl] = '\0';
	const struct field *f = entity_field(e, base);
	if (!f || !(f->flags & F_FILTER) || !record_field_shown(ctx, f) ||
	    (f->type != FT_TIME && f->type != FT_DATE && f->type != FT_INT && f->type != FT_MONEY))
		return false;
	if (lq->nfilters >= MAX_FILTERS) {
		*rc = query_error(ctx, k, "too many filters");
		return true;
	}
	json_t *fv = NULL;
	if (filter_value(ctx, f, k, s, &fv) != ERR_OK) {
		*rc = ERR_BAD_QUERY;
		return true;
	}
	if (!fv) {
		*rc = query_error(ctx, k, "must be a value (null has no range)");
		return true;
	}
	lq->filters[lq->nfilters].f = f;
	lq->filters[lq->nfilters].op = from ? ">=" : "<";
	lq->filters[lq->nfilters++].value = fv;
	return true;
}

static kt_err parse_params(struct rec_ctx *ctx, const struct entity *e, json_t *params, struct list_query *lq)
{
	lq->limit = LIM_LIST_DEFAULT;
	const char *sort = NULL;
	const char *cursor = NULL;
	const char *k;
	json_t *v;
	kt_err rc = ERR_OK;
	json_object_foreach(params, k, v) {
		const char *s = json_string_value(v);
		if (!s)
			continue;
		if (strcmp(k, "q") == 0) {
			if (strlen(s) > LIM_Q || !utf8_valid(s, strlen(s)))
				rc = query_error(ctx, "q", "must be UTF-8 text of at most 200 bytes");
			else if (!e->searchable)
				rc = query_error(ctx, "q", "this list cannot be searched");
			else
				record_search_terms(s, strlen(s), lq->terms, sizeof lq->terms);
			if (!rc && e->search_link && !lq->link && shortest_term(lq->terms) >= LINK_TERM_MIN) {
				const struct field *lf = entity_field(e, e->search_link);
				lq->link = lf && lf->type == FT_REF && ctx->lookup ? ctx->lookup(lf->ref) : NULL;
				if (lq->link && !lq->link->searchable)
					lq->link = NULL;
				if (lq->link)
					rc = record_scope(ctx, lq->link, "", &lq->link_cond);
			}
		} else if (strcmp(k, "sort") == 0) {
			sort = s;
		} else if (strcmp(k, "limit") == 0) {
			char *end;
			long long n = strtoll(s, &end, 10);
			if (!*s || *end || n < 1 || n > LIM_LIST_MAX)
				rc = query_error(ctx, "limit", "must be an integer from 1 to 500");
			else
				lq->limit = n;
		} else if (strcmp(k, "cursor") == 0) {
			cursor = s;
		} else if (strcmp(k, "fields") == 0) {
			rc = record_proj_parse(ctx, e, k, s, &lq->proj);
		} else if (strcmp(k, "count") == 0) {
			if (strcmp(s, "1") && strcmp(s, "true") && strcmp(s, "0") && strcmp(s, "false"))
				rc = query_error(ctx, "count", "must be 1 or 0");
			lq->count = s[0] == '1' || s[0] == 't';
		} else if (strcmp(k, "trash") == 0) {
			if (strcmp(s, "1") && strcmp(s, "true") && strcmp(s, "0") && strcmp(s, "false"))
				rc = query_error(ctx, "trash", "must be 1 or 0");
			lq->trash = s[0] == '1' || s[0] == 't';
		} else if (range_filter(ctx, e, k, s, lq, &rc)) {
			continue;
		} else if (e->hooks.list_param && lq->nconds < 3 &&
			   (rc = e->hooks.list_param(ctx, k, s, &lq->conds[lq->nconds])) != ERR_NOT_FOUND) {
			if (rc == ERR_OK)
				lq->nconds++;
			else if (rc == ERR_INVALID)
				rc = ERR_BAD_QUERY;
		} else {
			rc = ERR_OK;
			const struct field *f = entity_field(e, k);
			if (!f || !(f->flags & F_FILTER) || !record_field_shown(ctx, f)) {
				rc = query_error(ctx, k, "is not a filter of this list");
			} else if (lq->nfilters >= MAX_FILTERS) {
				rc = query_error(ctx, k, "too many filters");
			} else {
				json_t *fv = NULL;
				if (filter_value(ctx, f, k, s, &fv) == ERR_OK) {
					lq->filters[lq->nfilters].f = f;
					lq->filters[lq->nfilters].op = "=";
					lq->filters[lq->nfilters++].value = fv;
				} else {
					rc = ERR_BAD_QUERY;
				}
			}
		}
	}
	if (ctx->errors && json_object_size(ctx->errors))
		rc = ERR_BAD_QUERY;
	if (!rc && lq->nconds < 4) {
		rc = record_scope(ctx, e, "", &lq->conds[lq->nconds]);
		if (!rc && lq->conds[lq->nconds].sql[0])
			lq->nconds++;
		else if (!rc) {
			json_decref(lq->conds[lq->nconds].args);
			lq->conds[lq->nconds].args = NULL;
		}
	}
	/* The trash shows what was deleted last first (a search: its best
	 * order, by id, as for live records). */
	if (!sort)
		sort = lq->terms[0] ? "-id" : lq->trash ? "-deleted_at" : e->default_sort ? e->default_sort : "-updated_at";
	if (!rc)
		rc = parse_sort(ctx, e, sort, lq);
	if (!rc)
		record_proj_add(e, lq->sort, &lq->proj);
	if (!rc && cursor)
		rc = parse_cursor(ctx, cursor, lq);
	return rc;
}

static void lq_clear(struct list_query *lq)
{
	for (int i = 0; i < lq->nfilters; i++)
		json_decref(lq->filters[i].value);
	for (int i = 0; i < 4; i++)
		json_decref(lq->conds[i].args);
	json_decref(lq->link_cond.args);
	json_decref(lq->cursor_value);
}

/* link_search_sql: " OR <link> IN (the caller's live linked records the
 * search finds)": the linked table's own index, then its scope. */
static kt_err link_search_sql(struct rec_ctx *ctx, const struct entity *e, const struct list_query *lq,
			      struct buf *sql)
{
	const struct entity *t = lq->link;
	kt_err rc = buf_printf(sql, " OR %s.%s IN (SELECT id FROM %s WHERE deleted_at IS NULL AND ", e->name,
			       e->search_link, t->name);
	if (!rc)
		rc = db_search_sql(db_conn_db(ctx->conn), t->name, sql);
	if (!rc && lq->link_cond.sql[0])
		rc = buf_printf(sql, " AND (%s)", lq->link_cond.sql);
	if (!rc)
		rc = buf_putc(sql, ')');
	return rc;
}

static kt_err build_sql(struct rec_ctx *ctx, const struct entity *e, const struct list_query *lq, struct buf *sql)
{
	/* A search sorted by id (the default for searches) joins the index;
	 * one that also follows a link asks both indexes instead. */
	bool join = lq->terms[0] && !lq->link && strcmp(lq->sort, "id") == 0;
	struct buf from, match, order;
	buf_init(&from, 512);
	buf_init(&match, 512);
	buf_init(&order, 128);
	kt_err rc = join ? db_search_join(db_conn_db(ctx->conn), e->name, &from, &match, &order) : ERR_OK;
	if (!rc)
		rc = buf_puts(sql, lq->counting ? "SELECT COUNT(*) FROM (SELECT 1" : "SELECT ");
	if (!rc && !lq->counting)
		rc = rec_select_cols(e, sql);
	if (!rc)
		rc = buf_printf(sql, " FROM %s WHERE %s%s%s.deleted_at IS %s", join ? buf_cstr(&from) : e->name,
				join ? buf_cstr(&match) : "", join ? " AND " : "", e->name, lq->trash ? "NOT NULL" : "NULL");
	for (int i = 0; i < lq->nfilters && !rc; i++)
		rc = lq->filters[i].value ? buf_printf(sql, " AND %s %s ?", lq->filters[i].f->name, lq->filters[i].op)
					  : buf_printf(sql, " AND %s IS NULL", lq->filters[i].f->name);
	for (int i = 0; i < lq->nconds && !rc; i++)
		rc = buf_printf(sql, " AND (%s)", lq->conds[i].sql);
	if (!rc && lq->terms[0] && !join) {
		rc = buf_puts(sql, lq->link ? " AND (" : " AND ");
		if (!rc)
			rc = db_search_sql(db_conn_db(ctx->conn), e->name, sql);
		if (!rc && lq->link)
			rc = link_search_sql(ctx, e, lq, sql);
		if (!rc && lq->link)
			rc = buf_putc(sql, ')');
	}
	const char *op = lq->desc ? "<" : ">";
	const char *dir = lq->desc ? "DESC" : "ASC";
	/* Text is sorted in Polish alphabetical order (collation kt_pl). */
	const char *coll = lq->sort_text ? " COLLATE kt_pl" : "";
	if (!rc && lq->counting)
		rc = buf_puts(sql, " LIMIT ?) c");
	else if (!rc && lq->has_cursor && strcmp(lq->sort, "id") == 0)
		rc = buf_printf(sql, " AND %s.id %s ?", e->name, op);
	else if (!rc && lq->has_cursor && lq->next_block)
		rc = buf_printf(sql, " AND %s IS %sNULL", lq->sort, json_is_null(lq->cursor_value) ? "NOT " : "");
	else if (!rc && lq->has_cursor && json_is_null(lq->cursor_value))
		rc = buf_printf(sql, " AND %s IS NULL AND id %s ?", lq->sort, op);
	else if (!rc && lq->has_cursor)
		rc = buf_printf(sql, " AND (%s%s, id) %s (?, ?)", lq->sort, coll, op);
	if (!rc && !lq->counting) {
		if (join)
			rc = buf_printf(sql, " ORDER BY %s %s LIMIT ?", buf_cstr(&order), dir);
		else if (strcmp(lq->sort, "id") == 0)
			rc = buf_printf(sql, " ORDER BY id %s LIMIT ?", dir);
		else
			rc = buf_printf(sql, " ORDER BY %s%s %s, id %s LIMIT ?", lq->sort, coll, dir, dir);
	}
	buf_clear(&from);
	buf_clear(&match);
	buf_clear(&order);
	return rc;
}

static kt_err bind_sql(struct rec_ctx *ctx, const struct list_query *lq, struct db_stmt *s)
{
	int idx = 1;
	bool join = lq->terms[0] && !lq->link && strcmp(lq->sort, "id") == 0;
	kt_err rc = join ? db_search_bind(s, &idx, lq->terms) : ERR_OK;
	for (int i = 0; i < lq->nfilters && !rc; i++)
		if (lq->filters[i].value)
			rc = rec_bind_value(s, idx++, lq->filters[i].f, lq->filters[i].value);
	for (int i = 0; i < lq->nconds && !rc; i++)
		rc = record_bind_cond(s, &idx, &lq->conds[i]);
	if (!rc && lq->terms[0] && !join)
		rc = db_search_bind(s, &idx, lq->terms);
	if (!rc && lq->terms[0] && !join && lq->link)
		rc = db_search_bind(s, &idx, lq->terms);
	if (!rc && lq->terms[0] && !join && lq->link)
		rc = record_bind_cond(s, &idx, &lq->link_cond);
	if (!rc && lq->counting) {
		/* a count reads no cursor */
	} else if (!rc && lq->has_cursor && (strcmp(lq->sort, "id") == 0 || (json_is_null(lq->cursor_value) && !lq->next_block))) {
		rc = db_bind_int64(s, idx++, lq->cursor_id);
	} else if (!rc && lq->has_cursor && !lq->next_block) {
		if (lq->sort_text)
			rc = db_bind_str(s, idx++, json_string_value(lq->cursor_value));
		else
			rc = db_bind_int64(s, idx++, json_integer_value(lq->cursor_value));
		if (!rc)
			rc = db_bind_int64(s, idx++, lq->cursor_id);
	}
	if (!rc)
		rc = db_bind_int64(s, idx, lq->want);
	return rc;
}

static json_t *make_cursor(const struct list_query *lq, json_t *last)
{
	json_t *sv = json_object_get(last, lq->sort);
	json_t *val;
	if (!lq->sort_text && json_is_string(sv)) {
		int64_t t = 0;
		isotime_parse(json_string_value(sv), json_string_length(sv), &t);
		val = json_integer(t);
	} else {
		val = sv ? json_incref(sv) : json_string(""); /* JSON null: the NULL block */
	}
	char spec[80];
	sort_spec(lq, spec, sizeof spec);
	json_t *a = json_pack("[soO]", spec, val, json_object_get(last, "id"));
	char *text = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	if (!text)
		return json_null();
	/* Under LIM_CURSOR whenever sortable texts keep to LIM_SORT_TEXT
	 * (test_record checks the field tables), so parse_cursor takes it. */
	char enc[LIM_CURSOR];
	size_t n = b64url_encode((const unsigned char *)text, strlen(text), enc, sizeof enc);
	free(text);
	return n ? json_string(enc) : json_null();
}

/* has_next_block: whether the rows after the cursor's block (the NULLs
 * after the values, or the values after the NULLs) come next in this
 * direction of a sort on a column that may be NULL. */
static bool has_next_block(struct rec_ctx *ctx, const struct list_query *lq)
{
	if (!lq->has_cursor || !lq->sort_nullable || strcmp(lq->sort, "id") == 0)
		return false;
	bool nulls_after_values = lq->desc == db_nulls_first(db_conn_db(ctx->conn));
	return json_is_null(lq->cursor_value) ? !nulls_after_values : nulls_after_values;
}

/* count_rows: how many rows the list's filters, search and scope match,
 * at most LIM_LIST_COUNT: the same WHERE as its pages (build_sql), read
 * under a LIMIT so that a count never costs more than that many rows. */
static kt_err count_rows(struct rec_ctx *ctx, const struct entity *e, struct list_query *lq, struct buf *sql,
			 int64_t *count)
{
	struct db_stmt *s = NULL;
	lq->counting = true;
	lq->next_block = false;
	lq->want = LIM_LIST_COUNT;
	buf_reset(sql);
	kt_err rc = build_sql(ctx, e, lq, sql);
	if (!rc)
		rc = db_prepare(ctx->conn, buf_cstr(sql), &s);
	if (!rc)
		rc = bind_sql(ctx, lq, s);
	if (!rc) {
		rc = db_step(s);
		if (rc == ERR_ROW) {
			*count = db_col_int64(s, 0);
			rc = ERR_OK;
		} else if (rc == ERR_DONE) {
			*count = 0;
			rc = ERR_OK;
		}
	}
	if (s)
		db_reset(s);
	lq->counting = false;
	return rc;
}

kt_err record_list(struct rec_ctx *ctx, const struct entity *e, json_t *params, json_t **out)
{
	*out = NULL;
	struct list_query lq;
	memset(&lq, 0, sizeof lq);
	struct buf sql;
	buf_init(&sql, 16384);
	struct db_stmt *s = NULL;
	json_t *items = NULL;
	bool more = false;
	kt_err rc = parse_params(ctx, e, params, &lq);
	if (!rc)
		rc = (items = json_array()) ? ERR_OK : ERR_NOMEM;
	/* The rows after the cursor in its block, then (a column that may be
	 * NULL) those of the next block, until limit + 1 rows are read. */
	for (int block = 0; !rc && !more && block < 2; block++) {
		if (block == 1 && !has_next_block(ctx, &lq))
			break;
		lq.next_block = block == 1;
		lq.want = lq.limit + 1 - (int64_t)json_array_size(items);
		buf_reset(&sql);
		rc = build_sql(ctx, e, &lq, &sql);
		if (!rc)
			rc = db_prepare(ctx->conn, buf_cstr(&sql), &s);
		if (!rc)
			rc = bind_sql(ctx, &lq, s);
		if (rc) {
			if (s)
				db_reset(s);
			break;
		}
		while ((rc = db_step(s)) == ERR_ROW) {
			if ((int64_t)json_array_size(items) == lq.limit) {
				more = true;
				break;
			}
			json_t *rec = rec_row_json_proj(e, s, &lq.proj);
			rec_withhold(ctx, e, rec);
			json_array_append_new(items, rec);
		}
		db_reset(s);
		if (rc == ERR_ROW || rc == ERR_DONE)
			rc = ERR_OK;
	}
	int64_t count = -1;
	if (!rc && lq.count)
		rc = count_rows(ctx, e, &lq, &sql, &count);
	if (!rc) {
		json_t *next = more ? make_cursor(&lq, json_array_get(items, json_array_size(items) - 1)) : json_null();
		if (e->hooks.decorate)
			rc = e->hooks.decorate(ctx, items);
		if (!rc)
			*out = json_pack("{sOso}", "items", items, "next_cursor", next);
		if (!rc && count >= 0)
			json_object_set_new(*out, "count", json_integer(count));
		if (rc)
			json_decref(next);
	}
	json_decref(items);
	buf_clear(&sql);
	lq_clear(&lq);
	return rc;
}

/* A phone's words: its digits with the country code, the national number
 * (+48), and every shorter suffix of the number down to PHONE_PART_MIN
 * digits, so that a prefix query on a suffix finds any run of digits in
 * the middle ("755227" in +48 504 755 227).  A Polish number's suffixes
 * start inside the national number: "850" must not find every +48 50x.
 * Other numbers' start after their first digit (the country code's length
 * is not known here).  A 9-digit number gives 6 more words. */
#define PHONE_PART_MIN 3

static kt_err add_phone_words(json_t *v, struct buf *doc)
{
	const char *p = json_string_value(v);
	if (!p || p[0] != '+' || !p[1])
		return ERR_OK;
	kt_err rc = buf_printf(doc, "%s%s", doc->len ? " " : "", p + 1);
	const char *from = p + 1;
	if (!rc && strncmp(p, "+48", 3) == 0 && p[3]) {
		from = p + 3;
		rc = buf_printf(doc, " %s", from);
	}
	for (const char *q = from + 1; !rc && strlen(q) >= PHONE_PART_MIN; q++)
		rc = buf_printf(doc, " %s", q);
	return rc;
}

kt_err record_search_doc(const struct entity *e, json_t *rec, struct buf *doc)
{
	kt_err rc = ERR_OK;
	char folded[2 * 1024 + 1];
	for (int i = 0; e->fields[i].name && !rc; i++) {
		const struct field *f = &e->fields[i];
		json_t *v = json_object_get(rec, f->name);
		if (!(f->flags & F_SEARCH) || !json_is_string(v))
			continue;
		if (f->type == FT_PHONE) {
			rc = add_phone_words(v, doc);
			continue;
		}
		size_t len = json_string_length(v);
		fold_key(json_string_value(v), len < 1024 ? len : 1024, folded, sizeof folded);
		if (folded[0])
			rc = buf_printf(doc, "%s%s", doc->len ? " " : "", folded);
	}
	if (!rc && e->hooks.search_doc)
		rc = e->hooks.search_doc(rec, doc);
	return rc;
}

kt_err rec_search_index(struct rec_ctx *ctx, const struct entity *e, json_t *rec)
{
	struct buf doc;
	buf_init(&doc, 64 * 1024);
	kt_err rc = record_search_doc(e, rec, &doc);
	if (!rc)
		rc = db_search_put(ctx->conn, e->name, json_integer_value(json_object_get(rec, "id")),
				   buf_cstr(&doc));
	buf_clear(&doc);
	return rc;
}
