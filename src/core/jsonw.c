/* jsonw.c: see jsonw.h.  Strings are copied in runs between the bytes that
 * need escaping ('"', '\\' and the control characters, as jansson escapes
 * them: \b \f \n \r \t or \u00XX in capitals); integers are written
 * digit by digit.  Reals, which replies seldom hold, and strings that are
 * not plain UTF-8 go through jansson itself, so the text is jansson's. */
#include "core/jsonw.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

static kt_err put_int(struct buf *b, json_int_t v)
{
	char tmp[24];
	char *p = tmp + sizeof tmp;
	/* In unsigned arithmetic, so the most negative value has a magnitude. */
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	return buf_append(b, p, (size_t)(tmp + sizeof tmp - p));
}

static kt_err put_real(struct buf *b, const json_t *v)
{
	char *t = json_dumps(v, JSON_ENCODE_ANY);
	if (!t)
		return ERR_NOMEM;
	kt_err rc = buf_puts(b, t);
	free(t);
	return rc;
}

/* put_odd_string: what utf8_valid refuses (a NUL inside, bad bytes),
 * written as jansson writes it, or refused as jansson refuses it. */
static kt_err put_odd_string(struct buf *b, const char *s, size_t n)
{
	json_t *v = json_stringn_nocheck(s, n);
	char *t = v ? json_dumps(v, JSON_ENCODE_ANY) : NULL;
	json_decref(v);
	kt_err rc = t ? buf_puts(b, t) : ERR_INTERNAL;
	free(t);
	return rc;
}

static kt_err put_string(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!utf8_valid(s, n))
		return put_odd_string(b, s, n);
	kt_err rc = buf_putc(b, '"');
	size_t run = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		rc = buf_append(b, s + run, i - run);
		run = i + 1;
		char esc[6] = {'\\', 0};
		size_t len = 2;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			len = 6;
		}
		if (!rc)
			rc = buf_append(b, esc, len);
	}
	if (!rc)
		rc = buf_append(b, s + run, n - run);
	return rc ? rc : buf_putc(b, '"');
}

kt_err jsonw_append(struct buf *b, const json_t *v)
{
	kt_err rc = ERR_OK;
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *k;
		size_t klen;
		json_t *x;
		bool first = true;
		rc = buf_putc(b, '{');
		json_object_keylen_foreach((json_t *)v, k, klen, x) {
			if (!rc && !first)
				rc = buf_putc(b, ',');
			first = false;
			if (!rc)
				rc = put_string(b, k, klen);
			if (!rc)
				rc = buf_putc(b, ':');
			if (!rc)
				rc = jsonw_append(b, x);
			if (rc)
				break;
		}
		return rc ? rc : buf_putc(b, '}');
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *x;
		rc = buf_putc(b, '[');
		json_array_foreach(v, i, x) {
			if (!rc && i)
				rc = buf_putc(b, ',');
			if (!rc)
				rc = jsonw_append(b, x);
			if (rc)
				break;
		}
		return rc ? rc : buf_putc(b, ']');
	}
	case JSON_STRING:
		return put_string(b, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return put_int(b, json_integer_value(v));
	case JSON_REAL:
		return put_real(b, v);
	case JSON_TRUE:
		return buf_puts(b, "true");
	case JSON_FALSE:
		return buf_puts(b, "false");
	case JSON_NULL:
		return buf_puts(b, "null");
	}
	return ERR_INTERNAL;
}

char *jsonw_dumps(const json_t *v, size_t *len)
{
	struct buf b;
	buf_init(&b, SIZE_MAX / 2);
	if (!v || jsonw_append(&b, v) != ERR_OK) {
		buf_clear(&b);
		return NULL;
	}
	*len = b.len;
	char *t = buf_take(&b);
	/* An empty buffer hands out NULL: no value is empty text, but be sure. */
	return t ? t : strdup("");
}
