/* kb.c: see kb.h and the kb_articles_* hooks of rules.h.  An article's
 * search document is its folded title, tags and the distinct folded words
 * of its body (so that a long article fits the index); relevance is
 * computed here, in C, from the same folded text, so it ranks alike on
 * both engines.  Not here: Markdown (core/markdown.c), CRUD (the engine). */
#include "crm/kb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/b64.h"
#include "core/buf.h"
#include "core/fold.h"
#include "core/limits.h"
#include "core/markdown.h"
#include "core/utf8.h"
#include "crm/entities.h"
#include "crm/rules.h"
#include "db/db.h"

/* ---- hooks ------------------------------------------------------------ */

static const char TAGS_MSG[] = "must be a list of at most 20 tags of 1 to 40 characters, without commas";

/* tag_fold: the folded form of one tag (its key), or "" when it is no tag. */
static void tag_fold(json_t *t, char *out, size_t cap)
{
	out[0] = '\0';
	if (!json_is_string(t))
		return;
	const char *s = json_string_value(t);
	size_t n = json_string_length(t);
	if (n == 0 || n > 4 * LIM_KB_TAG || !utf8_valid(s, n) || utf8_count(s, n) > LIM_KB_TAG || memchr(s, ',', n))
		return;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20)
			return;
	fold_key(s, n, out, cap);
}

/* A manager changes, deletes and restores only the articles they wrote;
 * admins any (rights.c, as for announcements). */
kt_err kb_articles_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors)
{
	kt_err rc = cur ? rights_author_only(ctx, cur, "Only the author of an article or an admin may change it.") : ERR_OK;
	if (rc)
		return rc;
	json_t *tags = json_object_get(values, "tags");
	if (!tags)
		return ERR_OK;
	if (!json_is_array(tags) || json_array_size(tags) > LIM_KB_TAGS)
		return rec_error(ctx, "tags", TAGS_MSG);
	json_t *clean = json_array();
	struct buf key;
	buf_init(&key, 4096);
	rc = clean ? ERR_OK : ERR_NOMEM;
	size_t i;
	json_t *t;
	json_array_foreach(tags, i, t) {
		if (rc)
			break;
		char f[8 * LIM_KB_TAG + 1], probe[8 * LIM_KB_TAG + 3];
		tag_fold(t, f, sizeof f);
		if (!f[0]) {
			rc = rec_error(ctx, "tags", TAGS_MSG);
			break;
		}
		snprintf(probe, sizeof probe, ",%s,", f);
		if (strstr(buf_cstr(&key), probe))
			continue;
		rc = buf_printf(&key, "%s%s,", key.len ? "" : ",", f);
		/* kept as written, without the blanks around it */
		const char *s = json_string_value(t);
		size_t n = json_string_length(t);
		while (n && (*s == ' ' || *s == '\t'))
			s++, n--;
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (!rc)
			json_array_append_new(clean, json_stringn(s, n));
	}
	if (!rc) {
		json_object_set(values, "tags", clean);
		json_object_set_new(values, "tags_key", json_string(buf_cstr(&key)));
	}
	json_decref(clean);
	buf_clear(&key);
	return rc;
}

kt_err kb_articles_before_delete(struct rec_ctx *ctx, int64_t id, json_t *cur)
{
	(void)id;
	return rights_author_only(ctx, cur, "Only the author of an article or an admin may delete it.");
}

kt_err kb_articles_before_restore(struct rec_ctx *ctx, int64_t id, json_t *cur)
{
	(void)id;
	return rights_author_only(ctx, cur, "Only the author of an article or an admin may restore it.");
}

struct word {
	const char *s;
	size_t n, pos;
};

static int cmp_word(const void *a, const void *b)
{
	const struct word *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int c = memcmp(x->s, y->s, n);
	if (c)
		return c;
	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int cmp_pos(const void *a, const void *b)
{
	const struct word *x = a, *y = b;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* add_words: the distinct words of folded text f, in the order they first
 * appear, while doc stays under cap. */
static kt_err add_words(char *f, struct buf *doc, size_t cap)
{
	size_t len = strlen(f), nw = 0;
	struct word *w = malloc((len / 2 + 1) * sizeof *w);
	if (!w)
		return ERR_NOMEM;
	for (char *p = f; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		w[nw].s = p;
		w[nw].n = n;
		w[nw].pos = nw;
		nw++;
		p += n;
	}
	qsort(w, nw, sizeof *w, cmp_word);
	size_t k = 0;
	for (size_t i = 0; i < nw; i++)
		if (i == 0 || w[i].n != w[k - 1].n || memcmp(w[i].s, w[k - 1].s, w[i].n) != 0)
			w[k++] = w[i];
	qsort(w, k, sizeof *w, cmp_pos);
	kt_err rc = ERR_OK;
	for (size_t i = 0; i < k && !rc; i++)
		if (doc->len + 1 + w[i].n <= cap)
			rc = buf_printf(doc, "%s%.*s", doc->len ? " " : "", (int)w[i].n, w[i].s);
	free(w);
	return rc;
}

/* The title is in the document already (F_SEARCH); tags and the body's
 * distinct words follow, up to LIM_SEARCH_DOC bytes in all. */
kt_err kb_articles_search_doc(json_t *rec, struct buf *doc)
{
	size_t cap = doc->max < LIM_SEARCH_DOC ? doc->max : LIM_SEARCH_DOC;
	kt_err rc = ERR_OK;
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(rec, "tags"), i, t) {
		char f[8 * LIM_KB_TAG + 1];
		tag_fold(t, f, sizeof f);
		if (f[0] && doc->len + 1 + strlen(f) <= cap && !rc)
			rc = buf_printf(doc, "%s%s", doc->len ? " " : "", f);
	}
	json_t *body = json_object_get(rec, "body");
	size_t n = json_string_length(body);
	if (rc || !json_is_string(body) || n == 0)
		return rc;
	char *f = malloc(n + 1);
	if (!f)
		return ERR_NOMEM;
	fold_key(json_string_value(body), n, f, n + 1);
	rc = add_words(f, doc, cap);
	free(f);
	return rc;
}

json_t *kb_html(const json_t *body)
{
	const char *s = json_is_string(body) ? json_string_value(body) : "";
	size_t n = json_is_string(body) ? json_string_length(body) : 0;
	struct buf b;
	buf_init(&b, markdown_html_cap(n));
	json_t *h = markdown_render(s, n, &b) == ERR_OK ? json_stringn(buf_cstr(&b), b.len) : NULL;
	buf_clear(&b);
	return h;
}

kt_err kb_articles_decorate(struct rec_ctx *ctx, json_t *items)
{
	size_t i;
	json_t *a;
	json_array_foreach(items, i, a) {
		json_t *h = kb_html(json_object_get(a, "body"));
		if (!h)
			return ERR_NOMEM;
		json_object_set_new(a, "body_html", h);
	}
	return ERR_OK;
}

/* ?tag=T: articles with the tag T (compared folded). */
kt_err kb_articles_list_param(struct rec_ctx *ctx, const char *key, const char *value, struct rec_cond *out)
{
	if (strcmp(key, "tag") != 0)
		return ERR_NOT_FOUND;
	out->sql[0] = '\0';
	out->args = NULL;
	char f[8 * LIM_KB_TAG + 1], pat[8 * LIM_KB_TAG + 8];
	json_t *t = json_string(value);
	tag_fold(t, f, sizeof f);
	json_decref(t);
	if (!f[0])
		return rec_error(ctx, "tag", "must be a tag of 1 to 40 characters");
	/* Folded text holds no '%', '_' or ',': nothing to escape. */
	snprintf(pat, sizeof pat, "%%,%s,%%", f);
	snprintf(out->sql, sizeof out->sql, "tags_key LIKE ?");
	out->args = json_pack("[s]", pat);
	return out->args ? ERR_OK : ERR_NOMEM;
}

/* ---- ranking ---------------------------------------------------------- */

/* next_word: the next space-separated word of *p (advanced); false at the end. */
static bool next_word(const char **p, const char **w, size_t *n)
{
	const char *s = *p;
	while (*s == ' ' || *s == ',')
		s++;
	if (!*s)
		return false;
	const char *e = s;
	while (*e && *e != ' ' && *e != ',')
		e++;
	*w = s;
	*n = (size_t)(e - s);
	*p = e;
	return true;
}

/* best: 2 when a word of text equals t, 1 when one starts with it. */
static int best(const char *text, const char *t, size_t tn, int64_t *prefixes, int64_t cap)
{
	int b = 0;
	const char *p = text, *w;
	size_t n;
	while (next_word(&p, &w, &n)) {
		if (n < tn || memcmp(w, t, tn) != 0)
			continue;
		b = n == tn ? 2 : b ? b : 1;
		if (prefixes && *prefixes < cap)
			(*prefixes)++;
	}
	return b;
}

/* kb_score: the relevance of an article (folded title, tags and body) to
 * the folded query terms; 0 when nothing matches. */
static int64_t kb_score(const char *terms, const char *title, const char *tags, const char *body)
{
	int64_t score = 0;
	const char *p = terms, *t;
	size_t tn;
	while (next_word(&p, &t, &tn)) {
		int64_t hits = 0;
		int ti = best(title, t, tn, NULL, 0), ta = best(tags, t, tn, NULL, 0);
		best(body, t, tn, &hits, 20);
		score += (ti == 2 ? 1000 : ti ? 600 : 0) + (ta == 2 ? 300 : ta ? 200 : 0) + 10 * hits;
	}
	return score;
}

struct ranked {
	int64_t id, score;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->id > y->id ? -1 : x->id < y->id;
}

static kt_err bad(struct rec_ctx *ctx, const char *k, const char *msg)
{
	rec_error(ctx, k, msg);
	return ERR_BAD_QUERY;
}

struct rank_q {
	char terms[4 * LIM_Q + 8];
	int64_t limit, offset;
	bool trash;
	struct rec_cond tag;
};

static kt_err parse_ranked(struct rec_ctx *ctx, json_t *params, struct rank_q *rq)
{
	rq->limit = LIM_LIST_DEFAULT;
	const char *k;
	json_t *v;
	kt_err rc = ERR_OK;
	json_object_foreach(params, k, v) {
		const char *s = json_string_value(v);
		if (!s || strcmp(k, "q") == 0)
			continue;
		char *end;
		if (strcmp(k, "limit") == 0) {
			long long n = strtoll(s, &end, 10);
			if (!*s || *end || n < 1 || n > LIM_LIST_MAX)
				rc = bad(ctx, k, "must be an integer from 1 to 500");
			else
				rq->limit = n;
		} else if (strcmp(k, "cursor") == 0) {
			unsigned char raw[40];
			size_t n = 0;
			long long off = -1;
			if (strlen(s) < 48 && b64url_decode(s, strlen(s), raw, sizeof raw - 1, &n)) {
				raw[n] = '\0';
				if (strncmp((const char *)raw, "rank:", 5) == 0) {
					off = strtoll((const char *)raw + 5, &end, 10);
					if (!raw[5] || *end)
						off = -1;
				}
			}
			if (off < 0 || off > LIM_KB_RANK_CANDIDATES)
				rc = bad(ctx, k, "is not a cursor this server gave (or the search changed)");
			else
				rq->offset = off;
		} else if (strcmp(k, "trash") == 0) {
			if (strcmp(s, "1") && strcmp(s, "true") && strcmp(s, "0") && strcmp(s, "false"))
				rc = bad(ctx, k, "must be 1 or 0");
			rq->trash = s[0] == '1' || s[0] == 't';
		} else if (strcmp(k, "tag") == 0) {
			json_decref(rq->tag.args);
			rq->tag.args = NULL;
			if (kb_articles_list_param(ctx, k, s, &rq->tag) != ERR_OK)
				rc = ERR_BAD_QUERY;
		} else {
			rc = bad(ctx, k, "is not a parameter of a ranked search (add sort= to filter by it)");
		}
	}
	return rc;
}

/* candidates: (id, score) of the newest matches, at most the cap. */
static kt_err candidates(struct rec_ctx *ctx, struct rank_q *rq, struct ranked *r, size_t *nr)
{
	*nr = 0;
	struct buf sql;
	buf_init(&sql, 4096);
	kt_err rc = buf_printf(&sql, "SELECT id, title, body, tags_key FROM kb_articles WHERE deleted_at IS %s AND ",
			       rq->trash ? "NOT NULL" : "NULL");
	if (!rc)
		rc = db_search_sql(db_conn_db(ctx->conn), "kb_articles", &sql);
	if (!rc && rq->tag.args)
		rc = buf_printf(&sql, " AND (%s)", rq->tag.sql);
	if (!rc)
		rc = buf_puts(&sql, " ORDER BY id DESC LIMIT ?");
	struct db_stmt *s = NULL;
	if (!rc)
		rc = db_prepare(ctx->conn, buf_cstr(&sql), &s);
	buf_clear(&sql);
	if (rc)
		return rc;
	int idx = 1;
	rc = db_search_bind(s, &idx, rq->terms);
	if (!rc && rq->tag.args)
		rc = record_bind_cond(s, &idx, &rq->tag);
	if (!rc)
		rc = db_bind_int64(s, idx, LIM_KB_RANK_CANDIDATES);
	char title[4 * 300 * 2 + 1];
	char *body = malloc(LIM_KB_RANK_BODY + 1);
	if (!body)
		rc = ERR_NOMEM;
	while (!rc && (rc = db_step(s)) == ERR_ROW) {
		rc = ERR_OK;
		size_t tn = 0, bn = 0;
		const char *t = db_col_text(s, 1, &tn);
		fold_key(t ? t : "", t ? tn : 0, title, sizeof title);
		const char *b = db_col_text(s, 2, &bn);
		bn = bn > LIM_KB_RANK_BODY ? LIM_KB_RANK_BODY : bn;
		fold_key(b ? b : "", b ? bn : 0, body, LIM_KB_RANK_BODY + 1);
		const char *tags = db_col_text(s, 3, NULL);
		r[*nr].id = db_col_int64(s, 0);
		r[*nr].score = kb_score(rq->terms, title, tags ? tags : "", body);
		(*nr)++;
	}
	if (rc == ERR_DONE)
		rc = ERR_OK;
	db_reset(s);
	free(body);
	return rc;
}

static json_t *rank_cursor(int64_t offset)
{
	char raw[32], enc[64];
	int n = snprintf(raw, sizeof raw, "rank:%lld", (long long)offset);
	return b64url_encode((const unsigned char *)raw, (size_t)n, enc, sizeof enc) ? json_string(enc) : json_null();
}

kt_err kb_list(struct rec_ctx *ctx, json_t *params, json_t **out)
{
	*out = NULL;
	const struct entity *e = entities_find("kb_articles");
	const char *q = json_string_value(json_object_get(params, "q"));
	size_t qn = q ? strlen(q) : 0;
	if (!q || json_object_get(params, "sort") || qn > LIM_Q || !utf8_valid(q, qn))
		return record_list(ctx, e, params, out);
	struct rank_q rq;
	memset(&rq, 0, sizeof rq);
	record_search_terms(q, qn, rq.terms, sizeof rq.terms);
	if (!rq.terms[0])
		return record_list(ctx, e, params, out);
	kt_err rc = parse_ranked(ctx, params, &rq);
	struct ranked *r = rc ? NULL : malloc(LIM_KB_RANK_CANDIDATES * sizeof *r);
	size_t nr = 0;
	if (!rc && !r)
		rc = ERR_NOMEM;
	if (!rc)
		rc = candidates(ctx, &rq, r, &nr);
	json_decref(rq.tag.args);
	json_t *items = rc ? NULL : json_array();
	if (!rc && !items)
		rc = ERR_NOMEM;
	if (!rc) {
		qsort(r, nr, sizeof *r, cmp_ranked);
		size_t from = (size_t)rq.offset, to = from + (size_t)rq.limit;
		if (to > nr)
			to = nr;
		for (size_t i = from; i < to && !rc; i++) {
			json_t *rec = NULL;
			rc = record_get(ctx, e, r[i].id, rq.trash, &rec);
			if (rc == ERR_NOT_FOUND) { /* gone since: skip it */
				rc = ERR_OK;
				continue;
			}
			if (!rc)
				json_array_append_new(items, rec);
		}
		if (!rc)
			rc = kb_articles_decorate(ctx, items);
		if (!rc)
			*out = json_pack("{sOso}", "items", items, "next_cursor",
					 to < nr ? rank_cursor((int64_t)to) : json_null());
		if (!rc && !*out)
			rc = ERR_NOMEM;
	}
	json_decref(items);
	free(r);
	return rc;
}
