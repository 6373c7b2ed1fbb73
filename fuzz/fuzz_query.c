/* fuzz_query.c: libFuzzer harness for list query strings and cursors.  The
 * input is a URL query ("q=kow&sort=-last_name&limit=2") split the way
 * libmicrohttpd splits it ('&', '=', '+'), unescaped by the server's own
 * http_unescape (%00 is 0xFF, never a NUL), made into http_query's object
 * of strings, and read by the engine against the seeded database of
 * fuzz_db.h:
 *   byte 0: bits 0-3 the entity (modulo their number), bits 4-5 the actor
 *   (fuzz_db.h's users), bits 6-7 what is read: 0 the list (record_list),
 *   1 the list with a cursor made of the input's first line (raw JSON,
 *   base64url-encoded here, so the decoder sees any JSON), 2 a CSV export
 *   (export_open, export_read), 3 the history of record 1.
 * Checks: the answer is a page or a bad-query error naming a parameter,
 * never another failure (an SQL error would mean a parameter reached the
 * SQL text); pages hold at most limit records, encode as JSON, and their
 * cursors lead through every record exactly once, in the order of one
 * large page.  Not here: routing, the other endpoints' own parameters. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/b64.h"
#include "core/limits.h"
#include "core/utf8.h"
#include "crm/export.h"
#include "http/unescape.h"
#include "fuzz_db.h"

#define MAX_PAGES 64

/* unescape: http_unescape, checked: a C string no longer than before. */
static void unescape(char *s)
{
	size_t before = strlen(s), n = http_unescape(s);
	CHECK(n <= before && strlen(s) == n);
}

/* add: one argument as reply.c's add_param stores it: the value as a C
 * string of unchecked UTF-8; a key jansson refuses (not UTF-8) is dropped. */
static void add(json_t *o, char *key, char *value)
{
	unescape(key);
	if (value)
		unescape(value);
	json_object_set_new(o, key, json_string_nocheck(value ? value : ""));
}

static void plus_to_space(char *s)
{
	for (; *s; s++)
		if (*s == '+')
			*s = ' ';
}

/* query: the arguments of s as libmicrohttpd splits them
 * (MHD_parse_arguments_): '&' separates, the first '=' ends the key, '+'
 * is a space before unescaping. */
static json_t *query(char *s)
{
	json_t *o = json_object();
	CHECK(o != NULL);
	while (s && *s) {
		char *amp = strchr(s, '&');
		if (amp)
			*amp++ = '\0';
		char *eq = strchr(s, '=');
		if (eq)
			*eq++ = '\0';
		plus_to_space(s);
		if (eq)
			plus_to_space(eq);
		add(o, s, eq);
		s = amp;
	}
	return o;
}

static void fail(const char *what, const struct entity *e, kt_err rc, struct rec_ctx *ctx, json_t *params)
{
	char *errs = ctx->errors ? json_dumps(ctx->errors, 0) : NULL;
	char *p = json_dumps(params, JSON_ENCODE_ANY);
	fprintf(stderr, "fuzz_query: %s of %s: rc=%d errors=%s db=%s\nparams=%s\n", what, e->name, (int)rc,
		errs ? errs : "-", db_errmsg(fuzz_conn), p ? p : "(not UTF-8)");
	abort();
}

/* A refused query names what it refuses: a parameter it was given (or
 * "format", which an export needs), with a non-empty message. */
static void check_refusal(const struct entity *e, kt_err rc, struct rec_ctx *ctx, json_t *params)
{
	if (rc != ERR_BAD_QUERY || !json_is_object(ctx->errors) || json_object_size(ctx->errors) == 0)
		fail("refusal", e, rc, ctx, params);
	const char *k;
	json_t *v;
	json_object_foreach(ctx->errors, k, v) {
		CHECK(json_is_string(v) && json_string_length(v) > 0);
		if (!json_object_get(params, k) && strcmp(k, "format") != 0)
			fail("refusal naming no parameter", e, rc, ctx, params);
	}
	char *t = json_dumps(ctx->errors, 0);
	CHECK(t != NULL);
	free(t);
}

/* A page: {"items": [...] (at most limit), "next_cursor": text or null}. */
static json_t *check_page(json_t *out, int64_t limit)
{
	CHECK(json_is_object(out));
	json_t *items = json_object_get(out, "items");
	json_t *next = json_object_get(out, "next_cursor");
	CHECK(json_is_array(items) && (int64_t)json_array_size(items) <= limit);
	CHECK(json_is_null(next) || (json_is_string(next) && json_string_length(next) > 0 &&
				     json_string_length(next) < LIM_CURSOR));
	CHECK(!json_is_string(next) || (int64_t)json_array_size(items) == limit);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
		CHECK(json_integer_value(json_object_get(it, "id")) > 0);
	CHECK(fuzz_text_same(out));
	return next;
}

static int64_t limit_of(json_t *params)
{
	const char *l = json_string_value(json_object_get(params, "limit"));
	return l ? strtoll(l, NULL, 10) : LIM_LIST_DEFAULT;
}

/* Walks the pages from out on and compares them with one page of
 * LIM_LIST_MAX (every seeded record fits): the same records, in order. */
static void check_pages(const struct entity *e, const struct fuzz_actor *a, json_t *params, json_t *first)
{
	json_t *all = json_array(), *p = json_deep_copy(params), *out = json_incref(first);
	CHECK(all && p);
	int64_t limit = limit_of(params);
	for (int page = 0;; page++) {
		json_t *next = check_page(out, limit);
		json_array_extend(all, json_object_get(out, "items"));
		if (!json_is_string(next) || page == MAX_PAGES)
			break;
		json_object_set(p, "cursor", next);
		json_decref(out);
		out = NULL;
		struct rec_ctx ctx;
		fuzz_ctx(&ctx, a);
		kt_err rc = record_list(&ctx, e, p, &out);
		if (rc)
			fail("next page", e, rc, &ctx, p);
		rec_ctx_clear(&ctx);
	}
	json_decref(out);
	if (json_array_size(all) > (size_t)limit && !json_object_get(params, "cursor")) {
		char big[16];
		snprintf(big, sizeof big, "%d", LIM_LIST_MAX);
		json_object_set_new(p, "limit", json_string(big));
		json_object_del(p, "cursor");
		struct rec_ctx ctx;
		fuzz_ctx(&ctx, a);
		json_t *one = NULL;
		kt_err rc = record_list(&ctx, e, p, &one);
		if (rc)
			fail("one page", e, rc, &ctx, p);
		json_t *items = json_object_get(one, "items");
		bool same = json_array_size(items) == json_array_size(all);
		for (size_t i = 0; same && i < json_array_size(all); i++)
			same = json_equal(json_object_get(json_array_get(items, i), "id"),
					  json_object_get(json_array_get(all, i), "id"));
		if (!same) {
			char *x = json_dumps(p, 0);
			fprintf(stderr, "fuzz_query: pages of %s (limit %lld) hold other records than one page: %s\n",
				e->name, (long long)limit, x);
			for (size_t i = 0; i < json_array_size(all) || i < json_array_size(items); i++)
				fprintf(stderr, "  %lld %lld\n",
					(long long)json_integer_value(json_object_get(json_array_get(all, i), "id")),
					(long long)json_integer_value(json_object_get(json_array_get(items, i), "id")));
			abort();
		}
		json_decref(one);
		rec_ctx_clear(&ctx);
	}
	json_decref(all);
	json_decref(p);
}

static void run_export(const struct entity *e, const struct fuzz_actor *a, json_t *params)
{
	struct rec_ctx ctx;
	fuzz_ctx(&ctx, a);
	struct export *x = NULL;
	kt_err rc = export_open(&ctx, e, params, "Europe/Warsaw", "pl", &x);
	if (rc) {
		check_refusal(e, rc, &ctx, params);
		rec_ctx_clear(&ctx);
		return;
	}
	if (!export_is_xlsx(x)) {
		/* The seeded office makes a few KB of CSV: all of it is
		 * read in chunks as a client would, then checked whole. */
		size_t cap = 1 << 20, total = 0;
		char *csv = malloc(cap);
		long n;
		CHECK(csv != NULL);
		while ((n = export_read(x, csv + total, cap - total < 1000 ? cap - total : 1000)) > 0) {
			total += (size_t)n;
			CHECK(total < cap);
		}
		CHECK(n == 0 && total > 0);
		CHECK(utf8_valid(csv, total) || memchr(csv, '\0', total));
		free(csv);
	}
	export_free(x);
	rec_ctx_clear(&ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const struct entity *e;
	const struct fuzz_actor *a;
	fuzz_pick(data[0], &e, &a);
	int mode = data[0] >> 6;
	/* A request line holds no NUL: the query ends at the first one. */
	size_t len = strnlen((const char *)data + 1, size - 1);
	char *s = malloc(len + 1);
	CHECK(s != NULL);
	memcpy(s, data + 1, len);
	s[len] = '\0';
	char *q = s;
	char cursor[2 * LIM_CURSOR + 8];
	bool raw_cursor = false;
	if (mode == 1) {
		char *nl = strchr(s, '\n');
		size_t cn = nl ? (size_t)(nl - s) : len;
		if (b64url_encoded_len(cn) < sizeof cursor) {
			b64url_encode((const unsigned char *)s, cn, cursor, sizeof cursor);
			raw_cursor = true;
		}
		q = nl ? nl + 1 : s + len;
	}
	json_t *params = query(q);
	if (raw_cursor)
		json_object_set_new(params, "cursor", json_string(cursor));

	struct rec_ctx ctx;
	fuzz_ctx(&ctx, a);
	json_t *out = NULL;
	kt_err rc;
	if (mode == 2) {
		run_export(e, a, params);
	} else if (mode == 3) {
		rc = record_history(&ctx, e, 1, params, &out);
		if (rc == ERR_OK)
			check_page(out, limit_of(params));
		else if (rc != ERR_NOT_FOUND) /* not the actor's to see */
			check_refusal(e, rc, &ctx, params);
	} else {
		rc = record_list(&ctx, e, params, &out);
		if (rc == ERR_OK)
			check_pages(e, a, params, out);
		else
			check_refusal(e, rc, &ctx, params);
	}
	json_decref(out);
	json_decref(params);
	rec_ctx_clear(&ctx);
	free(s);
	return 0;
}
