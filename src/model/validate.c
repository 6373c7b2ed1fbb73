/* validate.c: turns a client's JSON object into the normalised column
 * values of a record, field by field from the entity table, collecting
 * every field error at once.  Cross-field rules are the entity's hook. */
#include <ctype.h>
#include <string.h>

#include "core/ident.h"
#include "core/isotime.h"
#include "core/limits.h"
#include "core/phone.h"
#include "core/utf8.h"
#include "model/record_int.h"

static const char *STD_NAMES[] = {"id", "version", "created_at", "updated_at", "deleted_at",
				  "created_by", "updated_by", NULL};

static bool is_std(const char *k)
{
	for (int i = 0; STD_NAMES[i]; i++)
		if (strcmp(k, STD_NAMES[i]) == 0)
			return true;
	return false;
}

/* Trims ASCII white space at both ends of a string value. */
static json_t *trimmed(const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	return json_stringn(s, len);
}

const char *rec_text_junk(const char *s, size_t len, bool multiline, char *msg, size_t cap)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		if (!k)
			return "must be valid UTF-8 text";
		i += k;
		if (cp == '\n' || cp == '\r') {
			if (!multiline)
				return "must be a single line (found a line break)";
			if (cp == '\n')
				continue;
		} else if (cp == '\t' && multiline) {
			continue;
		}
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
			snprintf(msg, cap, "must not contain control characters (found U+%04X%s)", (unsigned)cp,
				 cp == '\t' ? ", a tab" : cp == '\r' ? ", a carriage return" : "");
			return msg;
		}
		if (!multiline && ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))) {
			snprintf(msg, cap,
				 "must not contain bidirectional control characters, which reorder how text "
				 "is shown (found U+%04X)", (unsigned)cp);
			return msg;
		}
	}
	return NULL;
}

static kt_err check_text(struct rec_ctx *ctx, const struct field *f, json_t *v, json_t **out)
{
	if (!json_is_string(v))
		return rec_error(ctx, f->name, "must be a string");
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (!utf8_valid(s, len))
		return rec_error(ctx, f->name, "must be valid UTF-8 text");
	json_t *t = trimmed(s, len);
	if (!t)
		return ERR_NOMEM;
	char jmsg[160];
	const char *junk = rec_text_junk(json_string_value(t), json_string_length(t), f->flags & F_MULTILINE, jmsg,
					 sizeof jmsg);
	if (junk) {
		json_decref(t);
		return rec_error(ctx, f->name, junk);
	}
	int64_t max = f->max ? f->max : LIM_TEXT_DEFAULT;
	size_t n = utf8_count(json_string_value(t), json_string_length(t));
	if ((int64_t)n > max) {
		json_decref(t);
		char msg[64];
		snprintf(msg, sizeof msg, "must be at most %lld characters", (long long)max);
		return rec_error(ctx, f->name, msg);
	}
	if ((f->flags & (F_NONEMPTY | F_REQUIRED)) && n == 0) {
		json_decref(t);
		return rec_error(ctx, f->name, "must not be empty");
	}
	*out = t;
	return ERR_OK;
}

typedef bool (*norm_fn)(const char *s, size_t len, char *out, size_t cap);

static bool nip(const char *s, size_t len, char *out, size_t cap)
{
	return cap >= 11 && ident_nip_normalize(s, len, out);
}

static bool regon(const char *s, size_t len, char *out, size_t cap)
{
	return cap >= 15 && ident_regon_normalize(s, len, out);
}

static bool pesel(const char *s, size_t len, char *out, size_t cap)
{
	return cap >= 12 && ident_pesel_normalize(s, len, out);
}

static bool email(const char *s, size_t len, char *out, size_t cap)
{
	return ident_email_normalize(s, len, out, cap);
}

static bool color(const char *s, size_t len, char *out, size_t cap)
{
	if (len != 7 || s[0] != '#' || cap < 8)
		return false;
	for (size_t i = 1; i < 7; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return false;
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	out[0] = '#';
	out[7] = '\0';
	return true;
}

static kt_err check_norm(struct rec_ctx *ctx, const struct field *f, json_t *v, norm_fn fn,
			 const char *what, json_t **out)
{
	if (!json_is_string(v))
		return rec_error(ctx, f->name, "must be a string");
	char buf[256];
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (len >= sizeof buf || !fn(s, len, buf, sizeof buf))
		return rec_error(ctx, f->name, what);
	*out = json_string(buf);
	return *out ? ERR_OK : ERR_NOMEM;
}

static kt_err check_phone(struct rec_ctx *ctx, const struct field *f, json_t *v, json_t **out)
{
	if (!json_is_string(v))
		return rec_error(ctx, f->name, "must be a string");
	char buf[32];
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (len > 64 || !phone_normalize(s, len, ctx->default_cc ? ctx->default_cc : "48", buf, sizeof buf))
		return rec_error(ctx, f->name, "is not a valid phone number (e.g. +48 601 234 567)");
	*out = json_string(buf);
	return *out ? ERR_OK : ERR_NOMEM;
}

static kt_err check_enum(struct rec_ctx *ctx, const struct field *f, json_t *v, json_t **out)
{
	if (json_is_string(v))
		for (int i = 0; f->values[i]; i++)
			if (strcmp(json_string_value(v), f->values[i]) == 0) {
				*out = json_incref(v);
				return ERR_OK;
			}
	char msg[256];
	size_t n = (size_t)snprintf(msg, sizeof msg, "must be one of:");
	for (int i = 0; f->values[i] && n < sizeof msg; i++)
		n += (size_t)snprintf(msg + n, sizeof msg - n, "%s %s", i ? "," : "", f->values[i]);
	return rec_error(ctx, f->name, msg);
}

static kt_err check_int(struct rec_ctx *ctx, const struct field *f, json_t *v, json_t **out)
{
	if (!json_is_integer(v))
		return rec_error(ctx, f->name, "must be an integer");
	json_int_t n = json_integer_value(v);
	if ((f->min || f->max) && (n < f->min || n > f->max)) {
		char msg[96];
		snprintf(msg, sizeof msg, "must be between %lld and %lld", (long long)f->min,
			 (long long)f->max);
		return rec_error(ctx, f->name, msg);
	}
	*out = json_incref(v);
	return ERR_OK;
}

static kt_err check_ref(struct rec_ctx *ctx, const struct field *f, json_t *v, json_t **out)
{
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return rec_error(ctx, f->name, "must be the id of a record");
	kt_err rc = record_exists(ctx, f->ref, json_integer_value(v));
	if (rc == ERR_NOT_FOUND)
		return rec_error(ctx, f->name, "refers to a record that does not exist");
	if (rc)
		return rc;
	*out = json_incref(v);
	return ERR_OK;
}

static kt_err check_time(struct rec_ctx *ctx, const struct field *f, json_t *v, json_t **out)
{
	int64_t t;
	if (!json_is_string(v) || !isotime_parse(json_string_value(v), json_string_length(v), &t))
		return rec_error(ctx, f->name, "must be an ISO 8601 time such as 2026-11-23T09:00:00Z");
	*out = json_integer(t);
	return *out ? ERR_OK : ERR_NOMEM;
}

static kt_err check_date(struct rec_ctx *ctx, const struct field *f, json_t *v, json_t **out)
{
	int32_t d;
	if (!json_is_string(v) || !isodate_parse(json_string_value(v), json_string_length(v), &d))
		return rec_error(ctx, f->name, "must be a date YYYY-MM-DD");
	*out = json_incref(v);
	return ERR_OK;
}

static kt_err check_password(struct rec_ctx *ctx, const struct field *f, json_t *v, json_t **out)
{
	if (!json_is_string(v))
		return rec_error(ctx, f->name, "must be a string");
	size_t n = utf8_count(json_string_value(v), json_string_length(v));
	/* The other rules (not the login, not a common one) are the users hook's. */
	_Static_assert(LIM_PASSWORD_MIN == 10 && LIM_PASSWORD_MAX == 256, "the messages below");
	if (n < LIM_PASSWORD_MIN)
		return rec_error(ctx, f->name, "is too short: it needs at least 10 characters");
	if (json_string_length(v) > LIM_PASSWORD_MAX)
		return rec_error(ctx, f->name, "is too long: at most 256 bytes");
	*out = json_incref(v);
	return ERR_OK;
}

/* check_value: one field; *out is the normalised value (new ref) or an
 * error is recorded.  JSON null clears an optional field. */
static kt_err check_value(struct rec_ctx *ctx, const struct entity *e, const struct field *f,
			  json_t *v, json_t *cur, json_t **out)
{
	*out = NULL;
	if (json_is_null(v)) {
		if (f->flags & F_REQUIRED)
			return rec_error(ctx, f->name, "is required");
		if ((f->type == FT_BOOL || f->type == FT_ENUM || f->type == FT_CUSTOM) && !(f->flags & F_NULLABLE))
			return rec_error(ctx, f->name, "must not be null");
		*out = f->def ? json_loads(f->def, JSON_DECODE_ANY, NULL) : json_null();
		return *out ? ERR_OK : ERR_NOMEM;
	}
	switch (f->type) {
	case FT_TEXT:
		return check_text(ctx, f, v, out);
	case FT_INT:
	case FT_MONEY:
		return check_int(ctx, f, v, out);
	case FT_BOOL:
		if (!json_is_boolean(v))
			return rec_error(ctx, f->name, "must be true or false");
		*out = json_incref(v);
		return ERR_OK;
	case FT_DATE:
		return check_date(ctx, f, v, out);
	case FT_TIME:
		return check_time(ctx, f, v, out);
	case FT_ENUM:
		return check_enum(ctx, f, v, out);
	case FT_REF:
		return check_ref(ctx, f, v, out);
	case FT_EMAIL:
		return check_norm(ctx, f, v, email, "is not a valid e-mail address", out);
	case FT_PHONE:
		return check_phone(ctx, f, v, out);
	case FT_NIP:
		return check_norm(ctx, f, v, nip, "is not a valid NIP (10 digits with a correct check digit)", out);
	case FT_REGON:
		return check_norm(ctx, f, v, regon, "is not a valid REGON (9 or 14 digits with a correct check digit)", out);
	case FT_PESEL:
		return check_norm(ctx, f, v, pesel, "is not a valid PESEL (11 digits, a real birth date and a correct check digit)", out);
	case FT_COLOR:
		return check_norm(ctx, f, v, color, "must be a colour like #1a2b3c", out);
	case FT_CUSTOM:
		return custom_validate(ctx, e, v, cur ? json_object_get(cur, "custom") : NULL, !cur, out);
	case FT_PASSWORD:
		return check_password(ctx, f, v, out);
	case FT_JSON:
		*out = json_incref(v);
		return ERR_OK;
	}
	return ERR_INTERNAL;
}

kt_err rec_validate(struct rec_ctx *ctx, const struct entity *e, json_t *in, json_t *cur,
		    json_t **values)
{
	*values = NULL;
	if (!json_is_object(in))
		return ERR_BAD_JSON;
	json_t *vals = json_object();
	if (!vals)
		return ERR_NOMEM;
	kt_err rc = ERR_OK;
	const char *k;
	json_t *v;
	json_object_foreach(in, k, v) {
		const struct field *f = entity_field(e, k);
		if (!f) {
			if (cur && strcmp(k, "version") == 0)
				continue;
			rc = rec_error(ctx, k, is_std(k) ? "is set by the server" : "is not a field of this record");
		} else if (f->flags & (F_READONLY | F_HIDDEN)) {
			rc = rec_error(ctx, k, "is set by the server");
		} else if (cur && (f->flags & F_CREATE_ONLY)) {
			rc = rec_error(ctx, k, "cannot be changed after creation");
		} else {
			json_t *nv = NULL;
			kt_err r = check_value(ctx, e, f, v, cur, &nv);
			if (r == ERR_OK)
				json_object_set_new(vals, k, nv);
			else if (r != ERR_INVALID) {
				json_decref(vals);
				return r;
			}
		}
		if (rc && rc != ERR_INVALID) {
			json_decref(vals);
			return rc;
		}
	}
	if (!cur) {
		for (int i = 0; e->fields[i].name; i++) {
			const struct field *f = &e->fields[i];
			if (json_object_get(vals, f->name) || json_object_get(in, f->name))
				continue;
			if (f->flags & F_REQUIRED) {
				rec_error(ctx, f->name, "is required");
			} else if (f->type == FT_CUSTOM) {
				json_t *nv = NULL;
				json_t *empty = json_object();
				kt_err r = custom_validate(ctx, e, empty, NULL, true, &nv);
				json_decref(empty);
				if (r == ERR_OK)
					json_object_set_new(vals, f->name, nv);
				else if (r != ERR_INVALID) {
					json_decref(vals);
					return r;
				}
			} else if (f->def) {
				json_object_set_new(vals, f->name, json_loads(f->def, JSON_DECODE_ANY, NULL));
			}
		}
	}
	if (e->hooks.validate) {
		rc = e->hooks.validate(ctx, vals, cur, ctx->errors);
		if (rc && rc != ERR_INVALID) {
			json_decref(vals);
			return rc;
		}
	}
	if (ctx->errors && json_object_size(ctx->errors)) {
		json_decref(vals);
		return ERR_INVALID;
	}
	*values = vals;
	return ERR_OK;
}
