/* fuzz_import.c: libFuzzer harness for CSV imports (src/crm/import.c) on
 * the seeded database of fuzz_db.h: the mapping of headers to fields (names,
 * Polish and English labels, custom fields), the cells ("tak"/"nie",
 * "1 234,50", "23.11.1980", custom numbers), every row through the record
 * engine's validation, duplicates within the file and against the stored
 * records, and the writing.  Each input runs in a transaction rolled back.
 *   byte 0: bit 0 companies instead of contacts, bit 1 a dry run, bit 2
 *   skip duplicates, bit 3 the first line is the column map (JSON); the
 *   rest is the file.
 * Checks: the outcome is a report, a file refused with a reason or a map
 * refused with field errors; the report's counts add up and its row
 * errors are well formed; every record written validates again unchanged
 * when sent back as a PATCH.  Not here: the HTTP side (api/transfer.c). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "crm/import.h"
#include "fuzz_db.h"

static int64_t max_id(const struct entity *e)
{
	struct rec_ctx ctx;
	fuzz_ctx(&ctx, NULL);
	json_t *q = json_pack("{s:s, s:s, s:s}", "sort", "-id", "limit", "1", "trash", "0"), *out = NULL;
	CHECK(record_list(&ctx, e, q, &out) == ERR_OK);
	int64_t id = json_integer_value(json_object_get(json_array_get(json_object_get(out, "items"), 0), "id"));
	json_decref(out);
	json_decref(q);
	return id;
}

static void check_fields(json_t *fields)
{
	const char *k;
	json_t *v;
	CHECK(json_is_object(fields) && json_object_size(fields) > 0);
	json_object_foreach(fields, k, v)
		CHECK(json_is_string(v) && json_string_length(v) > 0);
}

static void check_report(json_t *r, bool dry_run)
{
	CHECK(json_is_object(r));
	json_int_t total = json_integer_value(json_object_get(r, "rows_total"));
	json_int_t ok = json_integer_value(json_object_get(r, "rows_ok"));
	json_int_t failed = json_integer_value(json_object_get(r, "rows_failed"));
	json_int_t written = json_integer_value(json_object_get(r, "rows_written"));
	json_int_t skipped = json_integer_value(json_object_get(r, "rows_skipped"));
	json_int_t nerr = json_integer_value(json_object_get(r, "errors_total"));
	json_int_t ndup = json_integer_value(json_object_get(r, "duplicates_total"));
	CHECK(total >= 0 && ok >= 0 && failed >= 0 && ok + failed == total);
	CHECK(nerr == failed && ndup <= ok && skipped <= ndup);
	CHECK(dry_run ? written == 0 : written + skipped == ok);
	json_t *errors = json_object_get(r, "errors");
	CHECK(json_is_array(errors) && (json_int_t)json_array_size(errors) == (nerr < LIM_IMPORT_REPORT ? nerr : LIM_IMPORT_REPORT));
	size_t i;
	json_t *e;
	json_int_t last = 1;
	json_array_foreach(errors, i, e) {
		json_int_t line = json_integer_value(json_object_get(e, "line"));
		CHECK(line > last);
		last = line;
		check_fields(json_object_get(e, "fields"));
	}
	CHECK(json_is_array(json_object_get(r, "duplicates")));
	char *t = json_dumps(r, 0);
	CHECK(t != NULL);
	free(t);
}

/* Every record the import wrote, sent back as a PATCH of what a client
 * may change, validates and changes nothing. */
static void check_written(const struct entity *e, int64_t after)
{
	struct rec_ctx ctx;
	fuzz_ctx(&ctx, NULL);
	json_t *q = json_pack("{s:s, s:s}", "sort", "-id", "limit", "500"), *out = NULL;
	CHECK(record_list(&ctx, e, q, &out) == ERR_OK);
	size_t i;
	json_t *rec;
	json_array_foreach(json_object_get(out, "items"), i, rec) {
		int64_t id = json_integer_value(json_object_get(rec, "id"));
		if (id <= after)
			continue;
		json_t *patch = json_object(), *again = NULL;
		for (int k = 0; e->fields[k].name; k++) {
			const struct field *f = &e->fields[k];
			json_t *v = json_object_get(rec, f->name);
			if (v && !(f->flags & (F_VIRTUAL | F_HIDDEN | F_READONLY | F_CREATE_ONLY)))
				json_object_set(patch, f->name, v);
		}
		kt_err rc = record_update(&ctx, e, id, patch, json_integer_value(json_object_get(rec, "version")), &again);
		if (rc || !json_equal(rec, again)) {
			char *a = json_dumps(rec, 0), *b = ctx.errors ? json_dumps(ctx.errors, 0) : NULL;
			fprintf(stderr, "fuzz_import: imported %s does not validate unchanged: rc=%d %s\n  %s\n", e->name,
				(int)rc, b ? b : "", a);
			abort();
		}
		json_decref(again);
		json_decref(patch);
		rec_ctx_clear(&ctx);
	}
	json_decref(out);
	json_decref(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const struct entity *e = entities_find(data[0] & 1 ? "companies" : "contacts");
	struct import_opts o = {.dry_run = data[0] & 2, .skip_duplicates = data[0] & 4};
	const char *file = (const char *)data + 1;
	size_t len = size - 1;
	if (data[0] & 8) {
		const char *nl = memchr(file, '\n', len);
		size_t mn = nl ? (size_t)(nl - file) : len;
		o.map = json_loadb(file, mn, JSON_REJECT_DUPLICATES, NULL);
		if (!json_is_object(o.map)) { /* the API answers 400 */
			json_decref(o.map);
			return 0;
		}
		file += nl ? mn + 1 : mn;
		len -= nl ? mn + 1 : mn;
	}
	/* The body gets its own allocation, so reads past it are caught. */
	char *body = malloc(len ? len : 1);
	CHECK(body != NULL);
	memcpy(body, file, len);

	struct rec_ctx ctx;
	fuzz_ctx(&ctx, &FUZZ_ACTORS[1]);
	CHECK(db_begin(fuzz_conn, true) == ERR_OK);
	int64_t before = max_id(e);
	json_t *report = NULL;
	kt_err rc = import_csv(&ctx, e, body, len, &o, &report);
	if (rc == ERR_OK) {
		check_report(report, o.dry_run);
		if (!o.dry_run)
			check_written(e, before);
		else
			CHECK(max_id(e) == before);
	} else if (rc == ERR_BAD_CSV) {
		CHECK(o.err[0] != '\0');
	} else if (rc == ERR_INVALID) {
		check_fields(ctx.errors);
	} else {
		char *errs = ctx.errors ? json_dumps(ctx.errors, 0) : NULL;
		fprintf(stderr, "fuzz_import: rc=%d errors=%s db=%s\n", (int)rc, errs ? errs : "-", db_errmsg(fuzz_conn));
		abort();
	}
	db_rollback(fuzz_conn);
	json_decref(report);
	json_decref(o.map);
	rec_ctx_clear(&ctx);
	free(body);
	return 0;
}
