/* fuzz_record.c: libFuzzer harness for JSON request bodies through the
 * record engine: parsed as the server parses them (json_loadb with
 * JSON_REJECT_DUPLICATES, an object or nothing), then created as a record
 * of an entity of the catalogue (src/crm/entities.c) or applied as a PATCH
 * to its record 1, by one of the seeded users, inside a transaction that
 * is rolled back (the database of fuzz_db.h stays as seeded).
 *   byte 0: bits 0-3 the entity (modulo their number), bits 4-5 the actor
 *   (fuzz_db.h's users; one below the entity's write role is the admin),
 *   bit 6 an update instead of a create; the rest is the body.
 * Checks: the outcome is a record, field errors, a unique-key clash or a
 * domain rule's refusal with its message, never another failure; errors are non-empty strings under the entity's
 * field names (or the body's own keys), valid UTF-8; a record keeps what
 * the body gave, and sending it back unchanged as a PATCH validates and
 * changes nothing (normalisation is idempotent).
 * Not here: HTTP (routing, content type, the body cap), bulk import. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "fuzz_db.h"

static void fail(const char *what, const struct entity *e, kt_err rc, struct rec_ctx *ctx, json_t *body)
{
	char *errs = ctx->errors ? json_dumps(ctx->errors, 0) : NULL;
	char *in = json_dumps(body, 0);
	fprintf(stderr, "fuzz_record: %s of %s: rc=%d errors=%s message=%s db=%s\nbody=%s\n", what, e->name, (int)rc,
		errs ? errs : "-", ctx->message ? ctx->message : "-", db_errmsg(fuzz_conn), in ? in : "-");
	abort();
}

/* Field errors: at least one; each a non-empty message under a field of
 * e ("custom.x" and "next.x" count as custom and next) or a key the body
 * itself used. */
static void check_errors(const struct entity *e, json_t *body, json_t *errors)
{
	const char *k;
	json_t *v;
	CHECK(json_is_object(errors) && json_object_size(errors) > 0);
	json_object_foreach(errors, k, v) {
		CHECK(json_is_string(v) && json_string_length(v) > 0);
		CHECK(utf8_valid(k, strlen(k)) && utf8_valid(json_string_value(v), json_string_length(v)));
		if (json_object_get(body, k))
			continue;
		char head[64];
		size_t n = strcspn(k, ".");
		CHECK(n > 0 && n < sizeof head);
		memcpy(head, k, n);
		head[n] = '\0';
		if (!entity_field(e, head))
			fprintf(stderr, "fuzz_record: error key \"%s\" is no field of %s\n", k, e->name);
		CHECK(entity_field(e, head) != NULL);
	}
	CHECK(fuzz_text_same(errors));
}

/* A stored record: every column the API shows, within its limits, and
 * what the body set is there (custom values as given). */
static void check_record(const struct entity *e, json_t *body, json_t *rec)
{
	CHECK(json_is_object(rec));
	CHECK(json_integer_value(json_object_get(rec, "id")) > 0);
	CHECK(json_integer_value(json_object_get(rec, "version")) > 0);
	for (int i = 0; e->fields[i].name; i++) {
		const struct field *f = &e->fields[i];
		json_t *v = json_object_get(rec, f->name);
		if (f->flags & (F_HIDDEN | F_VIRTUAL)) {
			CHECK(v == NULL);
			continue;
		}
		CHECK(v != NULL);
		if (f->type == FT_TEXT && json_is_string(v))
			CHECK((int64_t)utf8_count(json_string_value(v), json_string_length(v)) <=
			      (f->max ? f->max : 500));
	}
	const char *k;
	json_t *v;
	json_object_foreach(body, k, v) {
		const struct field *f = entity_field(e, k);
		if (!f && strcmp(k, "version") == 0)
			continue;
		CHECK(f != NULL && !(f->flags & (F_READONLY | F_HIDDEN)));
		if (f->type != FT_CUSTOM || json_is_null(v))
			continue;
		json_t *stored = json_object_get(rec, k);
		const char *ck;
		json_t *cv;
		json_object_foreach(v, ck, cv) {
			if (json_is_null(cv))
				CHECK(json_object_get(stored, ck) == NULL);
			else
				CHECK(json_equal(json_object_get(stored, ck), cv));
		}
	}
	CHECK(fuzz_text_same(rec));
}

/* Sends rec back as a PATCH of what a client may change: it must pass
 * and leave the record as it is (same version, same values). */
static void check_idempotent(const struct entity *e, const struct fuzz_actor *a, json_t *rec)
{
	json_t *patch = json_object();
	CHECK(patch != NULL);
	for (int i = 0; e->fields[i].name; i++) {
		const struct field *f = &e->fields[i];
		json_t *v = json_object_get(rec, f->name);
		if (v && !(f->flags & (F_VIRTUAL | F_HIDDEN | F_READONLY | F_CREATE_ONLY)) && f->type != FT_PASSWORD)
			json_object_set(patch, f->name, v);
	}
	struct rec_ctx ctx;
	fuzz_ctx(&ctx, a);
	json_t *again = NULL;
	int64_t id = json_integer_value(json_object_get(rec, "id"));
	int64_t version = json_integer_value(json_object_get(rec, "version"));
	if (record_get(&ctx, e, id, false, &again) == ERR_NOT_FOUND) {
		/* handed out of the actor's sight: for them it is gone */
		json_decref(patch);
		rec_ctx_clear(&ctx);
		return;
	}
	json_decref(again);
	again = NULL;
	kt_err rc = record_update(&ctx, e, id, patch, version, &again);
	if (rc)
		fail("the same record again", e, rc, &ctx, patch);
	if (!json_equal(again, rec)) {
		char *x = json_dumps(rec, 0), *y = json_dumps(again, 0);
		fprintf(stderr, "fuzz_record: %s changed when sent back:\n  %s\n  %s\n", e->name, x, y);
		abort();
	}
	json_decref(again);
	json_decref(patch);
	rec_ctx_clear(&ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const struct entity *e;
	const struct fuzz_actor *a;
	fuzz_pick(data[0], &e, &a);
	if (a->role < e->write_role) /* the router answers 403 */
		a = &FUZZ_ACTORS[0];
	bool update = data[0] & 0x40;

	json_error_t jerr;
	json_t *body = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(body)) {
		json_decref(body);
		return 0;
	}
	struct rec_ctx ctx;
	fuzz_ctx(&ctx, a);
	/* The server hashes a password first and hands the hash down. */
	ctx.pw_plain = json_string_value(json_object_get(body, "password"));
	ctx.pw_hash = FUZZ_PW_HASH;
	CHECK(db_begin(fuzz_conn, true) == ERR_OK);
	json_t *out = NULL, *cur = NULL;
	kt_err rc;
	if (!update) {
		rc = record_create(&ctx, e, body, &out);
	} else if (record_get(&ctx, e, 1, false, &cur) != ERR_OK) {
		rc = ERR_NOT_FOUND; /* not the actor's to see */
	} else {
		rc = record_update(&ctx, e, 1, body, json_integer_value(json_object_get(cur, "version")), &out);
	}
	if (rc == ERR_OK) {
		check_record(e, body, out);
		check_idempotent(e, a, out);
	} else if (rc == ERR_INVALID) {
		check_errors(e, body, ctx.errors);
	} else if (rc == ERR_FORBIDDEN || rc == ERR_IN_USE || rc == ERR_CONFLICT) {
		/* a domain rule's refusal (not the author, the last admin)
		 * always says why */
		if (!ctx.message)
			fail(update ? "update" : "create", e, rc, &ctx, body);
	} else if (rc != ERR_DUPLICATE && !(update && rc == ERR_NOT_FOUND && !cur)) {
		fail(update ? "update" : "create", e, rc, &ctx, body);
	}
	db_rollback(fuzz_conn);
	json_decref(out);
	json_decref(cur);
	json_decref(body);
	rec_ctx_clear(&ctx);
	return 0;
}
