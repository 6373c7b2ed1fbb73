/* custom.c: validation of a record's "custom" object against the custom
 * field definitions of its entity (table custom_fields): text, number,
 * currency (integer minor units), date and select.  The definitions
 * themselves are an ordinary entity (entities.c). */
#include <string.h>

#include "core/isotime.h"
#include "core/limits.h"
#include "core/utf8.h"
#include "model/record_int.h"

struct cdef {
	char name[64];
	char type[16];
	json_t *options;        /* array of {value, ...} or NULL */
	bool required;
};

static kt_err load_defs(struct rec_ctx *ctx, const char *entity, struct cdef *defs, int *n)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       "SELECT name, type, options, required FROM custom_fields"
			       " WHERE entity = ? AND deleted_at IS NULL ORDER BY position, id LIMIT 100", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, entity);
	*n = 0;
	while ((rc = db_step(s)) == ERR_ROW && *n < LIM_CUSTOM_FIELDS) {
		struct cdef *d = &defs[(*n)++];
		snprintf(d->name, sizeof d->name, "%s", db_col_text(s, 0, NULL));
		snprintf(d->type, sizeof d->type, "%s", db_col_text(s, 1, NULL));
		size_t len;
		const char *o = db_col_text(s, 2, &len);
		d->options = o ? json_loadb(o, len, 0, NULL) : NULL;
		d->required = db_col_int64(s, 3) != 0;
	}
	db_reset(s);
	return rc == ERR_DONE || rc == ERR_ROW ? ERR_OK : rc;
}

static bool option_ok(json_t *options, const char *v)
{
	size_t i;
	json_t *o;
	json_array_foreach(options, i, o) {
		const char *ov = json_string_value(json_object_get(o, "value"));
		if (ov && strcmp(ov, v) == 0)
			return true;
	}
	return false;
}

/* check_one: a message (static or in msg[0..cap)) when v does not fit
 * d, else NULL.  A custom text is one line. */
static const char *check_one(const struct cdef *d, json_t *v, char *msg, size_t cap)
{
	if (strcmp(d->type, "text") == 0) {
		if (!json_is_string(v))
			return "must be a string";
		const char *junk = rec_text_junk(json_string_value(v), json_string_length(v), false, msg, cap);
		if (junk)
			return junk;
		if (utf8_count(json_string_value(v), json_string_length(v)) > LIM_TEXT_DEFAULT)
			return "must be at most 500 characters";
	} else if (strcmp(d->type, "number") == 0) {
		if (!json_is_number(v))
			return "must be a number";
	} else if (strcmp(d->type, "currency") == 0) {
		if (!json_is_integer(v))
			return "must be an amount in minor units (grosze), an integer";
	} else if (strcmp(d->type, "date") == 0) {
		int32_t days;
		if (!json_is_string(v) || !isodate_parse(json_string_value(v), json_string_length(v), &days))
			return "must be a date YYYY-MM-DD";
	} else if (strcmp(d->type, "select") == 0) {
		if (!json_is_string(v) || !option_ok(d->options, json_string_value(v)))
			return "must be one of the field's options";
	}
	return NULL;
}

kt_err custom_validate(struct rec_ctx *ctx, const struct entity *e, json_t *in, json_t *cur_custom,
		       bool create, json_t **out)
{
	*out = NULL;
	if (!json_is_object(in))
		return rec_error(ctx, "custom", "must be an object");
	struct cdef defs[LIM_CUSTOM_FIELDS];
	int n = 0;
	kt_err rc = load_defs(ctx, e->name, defs, &n);
	if (rc)
		return rc;
	json_t *res = json_is_object(cur_custom) ? json_deep_copy(cur_custom) : json_object();
	const char *k;
	json_t *v;
	char key[128];
	json_object_foreach(in, k, v) {
		const struct cdef *d = NULL;
		for (int i = 0; i < n && !d; i++)
			if (strcmp(defs[i].name, k) == 0)
				d = &defs[i];
		snprintf(key, sizeof key, "custom.%.100s", k);
		if (!d) {
			rc = rec_error(ctx, key, "is not a custom field of this record");
			continue;
		}
		if (json_is_null(v)) {
			json_object_del(res, k);
			continue;
		}
		char jmsg[160];
		const char *msg = check_one(d, v, jmsg, sizeof jmsg);
		if (msg)
			rc = rec_error(ctx, key, msg);
		else
			json_object_set(res, k, v);
	}
	for (int i = 0; i < n; i++) {
		if (defs[i].required && !json_object_get(res, defs[i].name) && (create || json_object_get(in, defs[i].name))) {
			snprintf(key, sizeof key, "custom.%.60s", defs[i].name);
			rc = rec_error(ctx, key, "is required");
		}
		json_decref(defs[i].options);
	}
	if (rc) {
		json_decref(res);
		return rc;
	}
	*out = res;
	return ERR_OK;
}
