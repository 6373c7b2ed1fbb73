/* test_record.c: the record engine on a real SQLite database: create with
 * normalisation, every field error at once, optimistic versions, search,
 * keyset pages, trash and history. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/limits.h"
#include "crm/entities.h"
#include "db/db.h"
#include "model/record.h"
#include "tmpdb.h"

struct fx {
	struct tmpdb t;
	struct db_conn *c;
	struct rec_ctx ctx;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f || tmpdb_open(&f->t, "rec", 1))
		return -1;
	db_conn_acquire(f->t.db, &f->c);
	f->ctx.conn = f->c;
	f->ctx.now = 1800000000;
	f->ctx.default_cc = "48";
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	rec_ctx_clear(&f->ctx);
	db_conn_release(f->c);
	tmpdb_close(&f->t);
	free(f);
	return 0;
}

static kt_err create(struct fx *f, const char *entity, const char *json, json_t **out)
{
	json_t *in = json_loads(json, 0, NULL);
	assert_non_null(in);
	rec_ctx_clear(&f->ctx);
	assert_int_equal(db_begin(f->c, true), ERR_OK);
	kt_err rc = record_create(&f->ctx, entities_find(entity), in, out);
	if (rc)
		db_rollback(f->c);
	else
		assert_int_equal(db_commit(f->c), ERR_OK);
	json_decref(in);
	return rc;
}

static void create_normalises(void **state)
{
	struct fx *f = *state;
	json_t *r = NULL;
	assert_int_equal(create(f, "contacts", "{\"first_name\": \" Sławek \", \"last_name\": \"Żółć\","
				" \"phone\": \"0048 601-234-567\", \"email\": \"A@Example.COM\"}", &r), ERR_OK);
	assert_string_equal(json_string_value(json_object_get(r, "first_name")), "Sławek");
	assert_string_equal(json_string_value(json_object_get(r, "phone")), "+48601234567");
	assert_string_equal(json_string_value(json_object_get(r, "email")), "A@example.com");
	assert_int_equal(json_integer_value(json_object_get(r, "version")), 1);
	assert_string_equal(json_string_value(json_object_get(r, "kind")), "lead");
	json_decref(r);
}

static void all_errors_at_once(void **state)
{
	struct fx *f = *state;
	json_t *r = NULL;
	assert_int_equal(create(f, "contacts", "{\"last_name\": 5, \"email\": \"x\", \"archived\": \"yes\","
				" \"nope\": 1, \"id\": 3}", &r), ERR_INVALID);
	assert_null(r);
	json_t *e = f->ctx.errors;
	assert_non_null(json_object_get(e, "last_name"));
	assert_non_null(json_object_get(e, "email"));
	assert_non_null(json_object_get(e, "archived"));
	assert_non_null(json_object_get(e, "nope"));
	assert_non_null(json_object_get(e, "id"));
}

static void versions_conflict(void **state)
{
	struct fx *f = *state;
	json_t *r = NULL, *u = NULL;
	assert_int_equal(create(f, "companies", "{\"name\": \"Biuro Podróży Słońce\", \"nip\": \"526-025-02-74\"}", &r), ERR_OK);
	assert_string_equal(json_string_value(json_object_get(r, "nip")), "5260250274");
	int64_t id = json_integer_value(json_object_get(r, "id"));
	const struct entity *e = entities_find("companies");
	json_t *p = json_pack("{s:s, s:i}", "city", "Łódź", "version", 1);
	db_begin(f->c, true);
	assert_int_equal(record_update(&f->ctx, e, id, p, 0, &u), ERR_OK);
	db_commit(f->c);
	assert_int_equal(json_integer_value(json_object_get(u, "version")), 2);
	json_decref(u);
	u = NULL;
	db_begin(f->c, true);
	assert_int_equal(record_update(&f->ctx, e, id, p, 0, &u), ERR_CONFLICT);
	db_rollback(f->c);
	json_decref(p);
	p = json_pack("{s:s}", "city", "Kraków");
	db_begin(f->c, true);
	assert_int_equal(record_update(&f->ctx, e, id, p, 0, &u), ERR_PRECONDITION);
	db_rollback(f->c);
	json_decref(p);
	json_decref(r);
}

static void search_and_pages(void **state)
{
	struct fx *f = *state;
	const char *names[] = {"Kowalski", "Kowalska", "Nowak", "Wiśniewska", "Łukaszewicz", "Kowal"};
	char js[200];
	for (int i = 0; i < 6; i++) {
		json_t *r = NULL;
		snprintf(js, sizeof js, "{\"last_name\": \"%s\", \"city\": \"Łódź\", \"phone\": \"60123456%d\"}", names[i], i);
		assert_int_equal(create(f, "contacts", js, &r), ERR_OK);
		json_decref(r);
	}
	const struct entity *e = entities_find("contacts");
	json_t *q = json_pack("{s:s}", "q", "KOWAL"), *out = NULL;
	assert_int_equal(record_list(&f->ctx, e, q, &out), ERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 3);
	json_decref(out);
	json_decref(q);
	q = json_pack("{s:s}", "q", "+48 601-234-564");
	assert_int_equal(record_list(&f->ctx, e, q, &out), ERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	json_decref(out);
	json_decref(q);
	q = json_pack("{s:s}", "q", "lukasz");
	assert_int_equal(record_list(&f->ctx, e, q, &out), ERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	json_decref(out);
	json_decref(q);
	/* Pages of two by last name cover all six exactly once, in order. */
	char seen[512] = "";
	const char *cursor = NULL;
	json_t *prev = NULL;
	for (int page = 0; page < 4; page++) {
		q = json_pack("{s:s, s:s}", "sort", "last_name", "limit", "2");
		if (cursor)
			json_object_set_new(q, "cursor", json_string(cursor));
		assert_int_equal(record_list(&f->ctx, e, q, &out), ERR_OK);
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(out, "items"), i, it) {
			strcat(seen, json_string_value(json_object_get(it, "last_name")));
			strcat(seen, ",");
		}
		json_decref(q);
		json_decref(prev);
		prev = out;
		cursor = json_string_value(json_object_get(out, "next_cursor"));
		if (!cursor)
			break;
	}
	json_decref(prev);
	assert_string_equal(seen, "Kowal,Kowalska,Kowalski,Łukaszewicz,Nowak,Wiśniewska,");
	q = json_pack("{s:s}", "cursor", "garbage!");
	assert_int_equal(record_list(&f->ctx, e, q, &out), ERR_BAD_QUERY);
	json_decref(q);
	q = json_pack("{s:s}", "colour", "red");
	assert_int_equal(record_list(&f->ctx, e, q, &out), ERR_BAD_QUERY);
	json_decref(q);
}

static void trash_and_history(void **state)
{
	struct fx *f = *state;
	json_t *r = NULL, *out = NULL;
	assert_int_equal(create(f, "contacts", "{\"last_name\": \"Dąbrowska\"}", &r), ERR_OK);
	int64_t id = json_integer_value(json_object_get(r, "id"));
	const struct entity *e = entities_find("contacts");
	db_begin(f->c, true);
	assert_int_equal(record_delete(&f->ctx, e, id, 0), ERR_OK);
	db_commit(f->c);
	assert_int_equal(record_get(&f->ctx, e, id, false, &out), ERR_NOT_FOUND);
	db_begin(f->c, true);
	assert_int_equal(record_restore(&f->ctx, e, id, &out), ERR_OK);
	db_commit(f->c);
	json_decref(out);
	json_t *p = json_object();
	assert_int_equal(record_history(&f->ctx, e, id, p, &out), ERR_OK);
	json_t *items = json_object_get(out, "items");
	assert_int_equal(json_array_size(items), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "action")), "restore");
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 2), "action")), "create");
	json_decref(out);
	json_decref(p);
	json_decref(r);
}

static kt_err update(struct fx *f, const char *entity, int64_t id, const char *json, json_t **out)
{
	json_t *in = json_loads(json, 0, NULL);
	assert_non_null(in);
	rec_ctx_clear(&f->ctx);
	assert_int_equal(db_begin(f->c, true), ERR_OK);
	kt_err rc = record_update(&f->ctx, entities_find(entity), id, in, 0, out);
	if (rc)
		db_rollback(f->c);
	else
		assert_int_equal(db_commit(f->c), ERR_OK);
	json_decref(in);
	return rc;
}

static size_t history_len(struct fx *f, const char *entity, int64_t id)
{
	json_t *p = json_object(), *out = NULL;
	assert_int_equal(record_history(&f->ctx, entities_find(entity), id, p, &out), ERR_OK);
	size_t n = json_array_size(json_object_get(out, "items"));
	json_decref(out);
	json_decref(p);
	return n;
}

/* Found by fuzz_record: a PATCH that repeats what is stored wrote a new
 * version and an empty history row when the entity keeps hidden keys
 * (a client's name keys, an article's tag key), so the next editor got
 * a needless 409. */
static void unchanged_patch_keeps_version(void **state)
{
	struct fx *f = *state;
	json_t *r = NULL, *u = NULL;
	assert_int_equal(create(f, "contacts", "{\"first_name\": \"Jan\", \"last_name\": \"Kowalski\"}", &r), ERR_OK);
	int64_t id = json_integer_value(json_object_get(r, "id"));
	assert_int_equal(update(f, "contacts", id, "{\"last_name\": \" Kowalski \", \"version\": 1}", &u), ERR_OK);
	assert_int_equal(json_integer_value(json_object_get(u, "version")), 1);
	assert_true(json_equal(r, u));
	assert_int_equal(history_len(f, "contacts", id), 1);
	json_decref(u);
	json_decref(r);
	assert_int_equal(create(f, "kb_articles", "{\"title\": \"Faktury\", \"tags\": [\"Księgowość\"]}", &r), ERR_OK);
	id = json_integer_value(json_object_get(r, "id"));
	assert_int_equal(update(f, "kb_articles", id, "{\"tags\": [\"Księgowość\"], \"version\": 1}", &u), ERR_OK);
	assert_int_equal(json_integer_value(json_object_get(u, "version")), 1);
	assert_int_equal(history_len(f, "kb_articles", id), 1);
	json_decref(u);
	/* a real change still counts */
	assert_int_equal(update(f, "kb_articles", id, "{\"tags\": [\"faktury\"], \"version\": 1}", &u), ERR_OK);
	assert_int_equal(json_integer_value(json_object_get(u, "version")), 2);
	assert_int_equal(history_len(f, "kb_articles", id), 2);
	json_decref(u);
	json_decref(r);
}

/* Found by fuzz_record: a status's outcome is null until it closes, but
 * null was refused for every enum, so a status could not be sent back as
 * read, nor its outcome cleared. */
static void optional_enum_takes_null(void **state)
{
	struct fx *f = *state;
	json_t *r = NULL, *u = NULL;
	assert_int_equal(create(f, "statuses", "{\"entity\": \"inquiries\", \"name\": \"Oferta\", \"outcome\": null}", &r),
			 ERR_OK);
	assert_true(json_is_null(json_object_get(r, "outcome")));
	int64_t id = json_integer_value(json_object_get(r, "id"));
	json_decref(r);
	assert_int_equal(update(f, "statuses", id, "{\"outcome\": \"won\", \"closed\": true, \"version\": 1}", &u), ERR_OK);
	assert_string_equal(json_string_value(json_object_get(u, "outcome")), "won");
	json_decref(u);
	assert_int_equal(update(f, "statuses", id, "{\"outcome\": null, \"closed\": false, \"version\": 2}", &u), ERR_OK);
	assert_true(json_is_null(json_object_get(u, "outcome")));
	json_decref(u);
	/* an enum with a NOT NULL column still refuses it */
	assert_int_equal(create(f, "contacts", "{\"last_name\": \"Nowak\", \"kind\": null}", &r), ERR_INVALID);
	assert_non_null(json_object_get(f->ctx.errors, "kind"));
}

/* Found by fuzz_record: an unknown custom field whose name, cut to fit
 * the error key, ended inside a character lost its error (jansson refuses
 * such a key), and the record was saved without it. */
static void cut_error_key_keeps_error(void **state)
{
	struct fx *f = *state;
	char js[400] = "{\"last_name\": \"Nowak\", \"custom\": {\"a";
	for (int i = 0; i < 60; i++)
		strcat(js, "ą");
	strcat(js, "\": 1}}");
	json_t *r = NULL;
	assert_int_equal(create(f, "contacts", js, &r), ERR_INVALID);
	assert_null(r);
	assert_int_equal(json_object_size(f->ctx.errors), 1);
	const char *k = json_object_iter_key(json_object_iter(f->ctx.errors));
	assert_int_equal(strncmp(k, "custom.aą", strlen("custom.aą")), 0);
	assert_int_equal(strlen(k), strlen("custom.a") + 2 * 49);
}

/* ids of every page of query (limit per page) on entity, in order. */
static void page_ids(struct fx *f, const char *entity, const char *sort, int limit, char *out, size_t cap)
{
	const struct entity *e = entities_find(entity);
	char lim[8];
	snprintf(lim, sizeof lim, "%d", limit);
	json_t *q = json_pack("{s:s, s:s}", "sort", sort, "limit", lim), *page = NULL;
	out[0] = '\0';
	for (int n = 0; n < 100; n++) {
		assert_int_equal(record_list(&f->ctx, e, q, &page), ERR_OK);
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(page, "items"), i, it)
			snprintf(out + strlen(out), cap - strlen(out), "%lld,", (long long)json_integer_value(json_object_get(it, "id")));
		json_t *next = json_object_get(page, "next_cursor");
		if (!json_is_string(next)) {
			json_decref(page);
			break;
		}
		json_object_set(q, "cursor", next);
		json_decref(page);
	}
	json_decref(q);
}

/* Found by fuzz_query: activities sorted by starts_at, which may be NULL,
 * lost the undated ones: a page ending on one got a cursor the next
 * request refused, and a page walk from the dated ones never reached them. */
static void pages_through_nulls(void **state)
{
	struct fx *f = *state;
	static const char *const starts[] = {NULL, "2030-01-02T10:00:00Z", NULL, "2030-01-01T10:00:00Z",
					     "2030-01-02T10:00:00Z", NULL};
	json_t *u = NULL;
	f->ctx.pw_plain = "haslo-1234"; /* the hash is made before the transaction */
	f->ctx.pw_hash = "$argon2id$test";
	assert_int_equal(create(f, "users", "{\"login\": \"ola\", \"role\": \"admin\", \"password\": \"haslo-1234\"}", &u),
			 ERR_OK);
	f->ctx.user_id = json_integer_value(json_object_get(u, "id")); /* the assignee */
	f->ctx.role = ROLE_ADMIN;
	json_decref(u);
	for (int i = 0; i < 6; i++) {
		char js[160];
		json_t *r = NULL;
		snprintf(js, sizeof js, "{\"kind\": \"task\", \"subject\": \"Zadanie %d\"%s%s%s}", i,
			 starts[i] ? ", \"starts_at\": \"" : "", starts[i] ? starts[i] : "", starts[i] ? "\"" : "");
		assert_int_equal(create(f, "activities", js, &r), ERR_OK);
		json_decref(r);
	}
	for (int desc = 0; desc < 2; desc++) {
		const char *sort = desc ? "-starts_at" : "starts_at";
		char one[256], paged[256];
		page_ids(f, "activities", sort, 500, one, sizeof one);
		/* SQLite sorts NULL first: 1, 3, 6 undated; 4 first, then 2, 5 */
		assert_string_equal(one, desc ? "5,2,4,6,3,1," : "1,3,6,4,2,5,");
		for (int limit = 1; limit <= 4; limit++) {
			page_ids(f, "activities", sort, limit, paged, sizeof paged);
			assert_string_equal(paged, one);
		}
	}
}

/* Every sortable text keeps to LIM_SORT_TEXT characters, so a cursor
 * holding one (up to 6 bytes a character in JSON, with its sort and id)
 * stays under LIM_CURSOR once encoded, and the next page can be asked. */
/* A phone's search words: its digits, the national number (+48) and every
 * suffix of it down to three digits, so a prefix query finds any run. */
static void phone_words_hold_every_suffix(void **state)
{
	(void)state;
	struct buf doc;
	buf_init(&doc, 4096);
	json_t *rec = json_pack("{ss ss}", "last_name", "Nowak", "phone", "+48504755227");
	assert_int_equal(record_search_doc(entities_find("contacts"), rec, &doc), ERR_OK);
	assert_non_null(strstr(buf_cstr(&doc), " 48504755227 504755227 04755227 4755227 755227 55227 5227 227"));
	assert_null(strstr(buf_cstr(&doc), " 27"));
	assert_null(strstr(buf_cstr(&doc), " 8504755227"));
	buf_reset(&doc);
	json_object_set_new(rec, "phone", json_string("+49891234567"));
	assert_int_equal(record_search_doc(entities_find("contacts"), rec, &doc), ERR_OK);
	assert_non_null(strstr(buf_cstr(&doc), " 49891234567 9891234567 891234567 "));
	json_decref(rec);
	buf_clear(&doc);
}

static void sortable_texts_fit_a_cursor(void **state)
{
	(void)state;
	assert_true(((size_t)LIM_SORT_TEXT * 6 + 120) / 3 * 4 + 4 < LIM_CURSOR);
	for (const struct entity *const *e = entities_all(); *e; e++)
		for (const struct field *fl = (*e)->fields; fl->name; fl++)
			if ((fl->flags & F_SORT) && fl->type == FT_TEXT && (fl->max <= 0 || fl->max > LIM_SORT_TEXT))
				fail_msg("%s.%s: a sortable text of up to %lld characters", (*e)->name, fl->name,
					 (long long)fl->max);
}

/* A field kept from lower roles (read_role) is no search word: a search
 * would tell whether a record holds it. */
static void withheld_fields_are_not_searched(void **state)
{
	(void)state;
	for (const struct entity *const *e = entities_all(); *e; e++)
		for (const struct field *fl = (*e)->fields; fl->name; fl++)
			if (fl->read_role > (*e)->read_role && (fl->flags & F_SEARCH))
				fail_msg("%s.%s: a field with a read role is searched", (*e)->name, fl->name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(create_normalises, setup, teardown),
		cmocka_unit_test_setup_teardown(all_errors_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(versions_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(search_and_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(trash_and_history, setup, teardown),
		cmocka_unit_test_setup_teardown(unchanged_patch_keeps_version, setup, teardown),
		cmocka_unit_test_setup_teardown(optional_enum_takes_null, setup, teardown),
		cmocka_unit_test_setup_teardown(cut_error_key_keeps_error, setup, teardown),
		cmocka_unit_test_setup_teardown(pages_through_nulls, setup, teardown),
		cmocka_unit_test(sortable_texts_fit_a_cursor),
		cmocka_unit_test(withheld_fields_are_not_searched),
		cmocka_unit_test(phone_words_hold_every_suffix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
