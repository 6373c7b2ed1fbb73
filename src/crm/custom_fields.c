/* custom_fields.c: the rules of custom field definitions: a name usable as
 * a JSON key, and options (value, label, short name, colours) exactly for
 * select fields.  Values inside records are checked by model/custom.c. */
#include <ctype.h>
#include <string.h>

#include "core/limits.h"
#include "crm/rules.h"
#include "db/db.h"

static bool name_ok(const char *s)
{
	if (!s || !islower((unsigned char)s[0]))
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static bool color_ok(json_t *c)
{
	if (!c || json_is_null(c))
		return true;
	const char *s = json_string_value(c);
	if (!s || strlen(s) != 7 || s[0] != '#')
		return false;
	for (int i = 1; i < 7; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool text_ok(json_t *t, bool required, size_t max)
{
	if (!t || json_is_null(t))
		return !required;
	return json_is_string(t) && json_string_length(t) <= max && (!required || json_string_length(t) > 0);
}

static const char *options_error(json_t *opts)
{
	if (!json_is_array(opts) || json_array_size(opts) == 0)
		return "a select field needs a list of options";
	if (json_array_size(opts) > LIM_SELECT_OPTIONS)
		return "at most 100 options";
	size_t i, j;
	json_t *o, *p;
	json_array_foreach(opts, i, o) {
		if (!json_is_object(o))
			return "each option must be an object {value, label, short_name, color, background}";
		const char *k;
		json_t *v;
		json_object_foreach(o, k, v)
			if (strcmp(k, "value") && strcmp(k, "label") && strcmp(k, "short_name") &&
			    strcmp(k, "color") && strcmp(k, "background"))
				return "options may only have value, label, short_name, color, background";
		if (!text_ok(json_object_get(o, "value"), true, 100) || !text_ok(json_object_get(o, "label"), false, 100) ||
		    !text_ok(json_object_get(o, "short_name"), false, 20))
			return "each option needs a value (at most 100 characters); labels at most 100, short names 20";
		if (!color_ok(json_object_get(o, "color")) || !color_ok(json_object_get(o, "background")))
			return "option colours must look like #1a2b3c";
		json_array_foreach(opts, j, p)
			if (j < i && json_equal(json_object_get(o, "value"), json_object_get(p, "value")))
				return "option values must be unique";
	}
	return NULL;
}

kt_err custom_fields_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors)
{
	json_t *entity = json_object_get(values, "entity");
	if (!cur && json_is_string(entity)) {
		struct db_stmt *s;
		kt_err rc = db_prepare(ctx->conn, "SELECT COUNT(*) FROM custom_fields WHERE entity = ? AND deleted_at IS NULL", &s);
		if (rc)
			return rc;
		db_bind_str(s, 1, json_string_value(entity));
		rc = db_step(s);
		int64_t n = rc == ERR_ROW ? db_col_int64(s, 0) : 0;
		db_reset(s);
		if (rc != ERR_ROW)
			return rc;
		if (n >= LIM_CUSTOM_FIELDS)
			rec_error(ctx, "entity", "already has 100 custom fields, the most a record can have");
	}
	json_t *name = json_object_get(values, "name");
	if (name && !name_ok(json_string_value(name)))
		rec_error(ctx, "name", "must start with a lower-case letter and hold only a-z, 0-9 and _");
	const char *type = json_string_value(json_object_get(values, "type"));
	if (!type && cur)
		type = json_string_value(json_object_get(cur, "type"));
	json_t *opts = json_object_get(values, "options");
	if (!type)
		return ERR_OK;
	if (strcmp(type, "select") == 0) {
		if (opts || !cur) {
			const char *msg = options_error(opts);
			if (msg)
				rec_error(ctx, "options", msg);
		}
	} else if (opts && !json_is_null(opts)) {
		rec_error(ctx, "options", "only select fields have options");
	}
	return ERR_OK;
}
