/* import.c: see import.h.  A row becomes the JSON object a client would
 * POST (cells converted by the field's type: "tak"/"nie", "12,50",
 * "23.11.1980"), goes through record_validate like any create, and is
 * written with record_insert plus one history row.  Duplicates within the
 * file are found by hashing each row's keys; duplicates of existing
 * records by dedupe_candidates (exact keys only, for speed). */
#include "crm/import.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/fieldcode.h"
#include "core/fold.h"
#include "core/isotime.h"
#include "core/limits.h"
#include "crm/dedupe.h"
#include "crm/labels.h"
#include "db/db.h"

/* ---- columns ----------------------------------------------------------- */

/* Header labels besides the field names, folded ("E-mail" -> "e mail"). */
struct label {
	const char *entity;     /* NULL: both */
	const char *field;
	const char *names;      /* '|'-separated */
};

static const struct label LABELS[] = {
	{"contacts", "first_name", "imie|imiona|first name|firstname|given name"},
	{"contacts", "last_name", "nazwisko|last name|lastname|surname|family name"},
	{"companies", "name", "nazwa|nazwa firmy|firma|company|company name|name"},
	{"companies", "nip", "nip|vat id|vat number|tax id"},
	{"companies", "regon", "regon"},
	{NULL, "phone", "telefon|tel|nr tel|nr telefonu|numer telefonu|telefon komorkowy|komorka|phone|phone number|mobile|telephone"},
	{NULL, "email", "email|e mail|adres e mail|adres email|mail|email address|e mail address"},
	{NULL, "city", "miasto|miejscowosc|city|town"},
	{NULL, "address", "adres|ulica|address|street|street address"},
	{"contacts", "birth_date", "data urodzenia|birth date|date of birth|birthday|urodziny"},
	{"contacts", "pesel", "pesel"},
	{"contacts", "kind", "rodzaj|typ|kind|type"},
	{NULL, "visibility", "widocznosc|visibility"},
	{"contacts", "archived", "zarchiwizowany|archiwalny|archived"},
	{NULL, NULL, NULL},
};

struct cdef {
	char name[64], label[128], type[16];
	json_t *options;        /* a select field's options (owned) */
};

struct col {
	const struct field *f;  /* a field, or NULL */
	int custom;             /* else a custom field (index into defs), or -1: ignored */
};

static bool importable(const struct field *f)
{
	return f && !(f->flags & (F_READONLY | F_HIDDEN | F_VIRTUAL)) && f->type != FT_CUSTOM &&
	       f->type != FT_PASSWORD && f->type != FT_JSON;
}

static bool label_is(const char *names, const char *folded)
{
	size_t n = strlen(folded);
	for (const char *p = names; *p;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && memcmp(p, folded, n) == 0)
			return true;
		p += len + (bar ? 1 : 0);
	}
	return false;
}

static void folded(const char *s, size_t len, char *out, size_t cap)
{
	fold_key(s, len < 200 ? len : 200, out, cap);
}

static kt_err load_defs(struct rec_ctx *ctx, const char *entity, struct cdef *defs, int *n)
{
	struct db_stmt *s;
	*n = 0;
	kt_err rc = db_prepare(ctx->conn,
			       "SELECT name, label, type, options FROM custom_fields WHERE entity = ? AND deleted_at IS NULL"
			       " ORDER BY position, id LIMIT 100", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, entity);
	while ((rc = db_step(s)) == ERR_ROW && *n < LIM_CUSTOM_FIELDS) {
		struct cdef *d = &defs[(*n)++];
		snprintf(d->name, sizeof d->name, "%s", db_col_text(s, 0, NULL));
		snprintf(d->label, sizeof d->label, "%s", db_col_text(s, 1, NULL));
		snprintf(d->type, sizeof d->type, "%s", db_col_text(s, 2, NULL));
		d->options = strcmp(d->type, "select") == 0 && !db_col_is_null(s, 3)
			? json_loads(db_col_text(s, 3, NULL), 0, NULL) : NULL;
	}
	db_reset(s);
	return rc == ERR_DONE || rc == ERR_ROW ? ERR_OK : rc;
}

/* target: what a column name (a header, or a value of the given map)
 * means; false when nothing.  by_label allows labels, not only names. */
static bool target(const struct entity *e, const struct cdef *defs, int ndefs, const char *name, bool by_label,
		   struct col *out)
{
	out->f = NULL;
	out->custom = -1;
	if (strncmp(name, "custom.", 7) == 0) {
		for (int i = 0; i < ndefs; i++)
			if (strcmp(defs[i].name, name + 7) == 0) {
				out->custom = i;
				return true;
			}
		return false;
	}
	const struct field *f = entity_field(e, name);
	if (importable(f)) {
		out->f = f;
		return true;
	}
	if (!by_label)
		return false;
	char h[256], l[256];
	folded(name, strlen(name), h, sizeof h);
	if (!h[0])
		return false;
	for (int i = 0; e->fields[i].name; i++) {
		folded(e->fields[i].name, strlen(e->fields[i].name), l, sizeof l);
		if (importable(&e->fields[i]) && strcmp(l, h) == 0) {
			out->f = &e->fields[i];
			return true;
		}
	}
	for (const struct label *lb = LABELS; lb->field; lb++)
		if ((!lb->entity || strcmp(lb->entity, e->name) == 0) && label_is(lb->names, h) &&
		    importable(entity_field(e, lb->field))) {
			out->f = entity_field(e, lb->field);
			return true;
		}
	/* The headers of our own export (and of the list): "Rodzaj klienta",
	 * "Opiekun", "Owner"... in either language. */
	static const char *const LOCALES[] = {"pl", "en"};
	for (int i = 0; e->fields[i].name; i++)
		for (int k = 0; k < 2 && importable(&e->fields[i]); k++) {
			const char *lab = labels_field(e->name, e->fields[i].name, LOCALES[k]);
			if (!lab)
				continue;
			folded(lab, strlen(lab), l, sizeof l);
			if (strcmp(l, h) == 0) {
				out->f = &e->fields[i];
				return true;
			}
		}
	for (int i = 0; i < ndefs; i++) {
		folded(defs[i].name, strlen(defs[i].name), l, sizeof l);
		bool hit = strcmp(l, h) == 0;
		folded(defs[i].label, strlen(defs[i].label), l, sizeof l);
		if (hit || strcmp(l, h) == 0) {
			out->custom = i;
			return true;
		}
	}
	return false;
}

static bool same_target(const struct col *a, const struct col *b)
{
	return (a->f && a->f == b->f) || (a->custom >= 0 && a->custom == b->custom);
}

/* map_columns: cols[i] for each header; columns names header -> field
 * for the report.  Refuses (fields) a mapping naming no column, a
 * field twice, or no column for a required field. */
static kt_err map_columns(struct rec_ctx *ctx, const struct entity *e, const struct cdef *defs, int ndefs,
			  const struct csv *c, json_t *map, struct col *cols, json_t *columns)
{
	char key[160];
	if (map) {
		const char *k;
		json_t *v;
		json_object_foreach(map, k, v) {
			bool found = false;
			for (int i = 0; i < c->nfields && !found; i++)
				found = strcmp(c->fields[i].p, k) == 0;
			snprintf(key, sizeof key, "map.%.100s", k);
			if (!found)
				rec_error(ctx, key, "is not a column of the file's header");
			else if (!json_is_null(v) && !json_is_string(v))
				rec_error(ctx, key, "must be a field name, custom.<name> or null");
			else if (json_is_string(v) && !target(e, defs, ndefs, json_string_value(v), false, &(struct col){0}))
				rec_error(ctx, key, "names no field an import can fill");
		}
		if (ctx->errors)
			return ERR_INVALID;
	}
	for (int i = 0; i < c->nfields; i++) {
		const char *h = c->fields[i].p;
		cols[i].f = NULL;
		cols[i].custom = -1;
		if (map) {
			json_t *v = json_object_get(map, h);
			if (json_is_string(v))
				target(e, defs, ndefs, json_string_value(v), false, &cols[i]);
		} else {
			target(e, defs, ndefs, h, true, &cols[i]);
		}
		for (int j = 0; j < i; j++)
			if (same_target(&cols[i], &cols[j])) {
				snprintf(key, sizeof key, "columns.%.100s", h);
				rec_error(ctx, key, "maps to the same field as an earlier column");
			}
		char name[80];
		if (cols[i].f)
			snprintf(name, sizeof name, "%s", cols[i].f->name);
		else if (cols[i].custom >= 0)
			snprintf(name, sizeof name, "custom.%.64s", defs[cols[i].custom].name);
		json_object_set_new(columns, h, cols[i].f || cols[i].custom >= 0 ? json_string(name) : json_null());
	}
	for (int k = 0; e->fields[k].name; k++) {
		const struct field *f = &e->fields[k];
		if (!(f->flags & F_REQUIRED) || !importable(f))
			continue;
		bool have = false;
		for (int i = 0; i < c->nfields; i++)
			have |= cols[i].f == f;
		if (!have) {
			snprintf(key, sizeof key, "columns.%s", f->name);
			rec_error(ctx, key, "no column of the file maps to this required field");
		}
	}
	return ctx->errors ? ERR_INVALID : ERR_OK;
}

/* ---- cells ------------------------------------------------------------- */

static bool parse_bool(const char *s, bool *out)
{
	char f[32];
	folded(s, strlen(s), f, sizeof f);
	if (label_is("1|true|tak|t|yes|y|prawda", f))
		return *out = true, true;
	if (label_is("0|false|nie|n|no|falsz", f))
		return *out = false, true;
	return false;
}

static bool parse_int(const char *s, int64_t *out)
{
	char *end;
	if (!*s)
		return false;
	long long v = strtoll(s, &end, 10);
	if (*end)
		return false;
	*out = v;
	return true;
}

/* parse_money: "1234", "1 234,50", "-12.5" -> minor units (grosze). */
static bool parse_money(const char *s, int64_t *out)
{
	int64_t v = 0;
	int dec = -1;
	bool neg = false, any = false;
	for (const char *p = s; *p; p++) {
		if (p == s && *p == '-') {
			neg = true;
		} else if (*p >= '0' && *p <= '9') {
			if (dec >= 2 || v > INT64_MAX / 10 - 10)
				return false;
			v = v * 10 + (*p - '0');
			any = true;
			if (dec >= 0)
				dec++;
		} else if ((*p == ',' || *p == '.') && dec < 0) {
			dec = 0;
		} else if (*p != ' ') {
			return false;
		}
	}
	if (!any)
		return false;
	for (int i = dec < 0 ? 0 : dec; i < 2; i++) {
		if (v > INT64_MAX / 10) /* "92233720368547759" has too many grosze */
			return false;
		v *= 10;
	}
	*out = neg ? -v : v;
	return true;
}

/* parse_date: "YYYY-MM-DD" or the Polish "DD.MM.YYYY" (also with / or -)
 * -> "YYYY-MM-DD"; the engine checks that the day exists. */
static bool parse_date(const char *s, char out[11])
{
	size_t n = strlen(s);
	if (n == 10 && s[4] == '-' && s[7] == '-') {
		memcpy(out, s, 11);
		return true;
	}
	unsigned d, m, y;
	char a, b, tail;
	if (sscanf(s, "%2u%c%2u%c%4u%c", &d, &a, &m, &b, &y, &tail) != 5 || a != b || !strchr("./-", a) || y < 1000)
		return false;
	snprintf(out, 11, "%04u-%02u-%02u", y % 10000, m % 100, d % 100);
	return true;
}

/* enum_code: the value of f whose label (labels.c, Polish or English) is
 * s, as our export writes it ("Klient" -> "customer"); else s itself. */
static const char *enum_code(const char *entity, const struct field *f, const char *s)
{
	char h[128], l[128];
	folded(s, strlen(s), h, sizeof h);
	for (int i = 0; f->values && f->values[i]; i++)
		for (int k = 0; k < 2; k++) {
			const char *lab = labels_value(entity, f->name, f->values[i], k ? "en" : "pl");
			if (!lab)
				continue;
			folded(lab, strlen(lab), l, sizeof l);
			if (strcmp(l, h) == 0)
				return f->values[i];
		}
	return s;
}

/* option_value: the value of the select option whose label is s, as our
 * export writes it ("Z polecenia" -> "polecenie"); NULL when none is. */
static const char *option_value(json_t *options, const char *s)
{
	char h[128], l[128];
	size_t i;
	json_t *o;
	folded(s, strlen(s), h, sizeof h);
	json_array_foreach(options, i, o) {
		const char *v = json_string_value(json_object_get(o, "value"));
		if (v && strcmp(v, s) == 0)
			return NULL; /* a value itself */
	}
	json_array_foreach(options, i, o) {
		const char *lab = json_string_value(json_object_get(o, "label"));
		if (!lab)
			continue;
		folded(lab, strlen(lab), l, sizeof l);
		if (strcmp(l, h) == 0)
			return json_string_value(json_object_get(o, "value"));
	}
	return NULL;
}

/* cell: the JSON value of text s for field f of entity (or custom type
 * ctype); NULL with *msg when it can't be one. */
static json_t *cell(const char *entity, const struct field *f, const char *ctype, const char *s, const char **msg)
{
	*msg = NULL;
	int64_t n;
	bool b;
	char d[11];
	enum ftype t = f ? f->type : FT_TEXT;
	if (!f) {
		if (strcmp(ctype, "number") == 0) {
			char buf[64], *end;
			/* A longer one was cut to a different number. */
			if (strlen(s) >= sizeof buf)
				return *msg = "must be a number", NULL;
			snprintf(buf, sizeof buf, "%s", s);
			for (char *p = buf; *p; p++)
				if (*p == ',')
					*p = '.';
			double v = strtod(buf, &end);
			/* strtod takes "nan" and "inf" (and 1e400 is inf), which JSON
			 * has no number for; the range is checked before the cast,
			 * which is undefined for a double out of int64_t's range. */
			if (*end || end == buf || !isfinite(v))
				return *msg = "must be a number", NULL;
			return v > -9e15 && v < 9e15 && v == (double)(int64_t)v ? json_integer((json_int_t)v) : json_real(v);
		}
		t = strcmp(ctype, "currency") == 0 ? FT_MONEY : strcmp(ctype, "date") == 0 ? FT_DATE : FT_TEXT;
	}
	switch (t) {
	case FT_BOOL:
		if (!parse_bool(s, &b))
			return *msg = "must be yes or no (tak/nie, true/false, 1/0)", NULL;
		return json_boolean(b);
	case FT_INT:
	case FT_REF:
		if (!parse_int(s, &n))
			return *msg = "must be an integer", NULL;
		return json_integer(n);
	case FT_MONEY:
		if (!parse_money(s, &n))
			return *msg = "must be an amount such as 1234,50", NULL;
		return json_integer(n);
	case FT_DATE:
		if (!parse_date(s, d))
			return *msg = "must be a date YYYY-MM-DD or DD.MM.YYYY", NULL;
		return json_string(d);
	case FT_ENUM:
		return json_string(enum_code(entity, f, s));
	default:
		return json_string(s);
	}
}

/* ---- duplicates within the file ----------------------------------------- */

struct seen {
	uint64_t *keys;
	int32_t *lines;         /* a line number fits: the body is at most 256 MiB */
	size_t cap, n;
};

static uint64_t hash_key(char kind, const char *s)
{
	uint64_t h = 1469598103934665603ULL ^ (unsigned char)kind;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	h ^= h >> 29;
	return h ? h : 1;
}

static kt_err seen_grow(struct seen *t)
{
	size_t cap = t->cap ? t->cap * 2 : 4096;
	uint64_t *keys = calloc(cap, sizeof *keys);
	int32_t *lines = calloc(cap, sizeof *lines);
	if (!keys || !lines) {
		free(keys);
		free(lines);
		return ERR_NOMEM;
	}
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->keys[i])
			continue;
		size_t j = t->keys[i] & (cap - 1);
		while (keys[j])
			j = (j + 1) & (cap - 1);
		keys[j] = t->keys[i];
		lines[j] = t->lines[i];
	}
	free(t->keys);
	free(t->lines);
	t->keys = keys;
	t->lines = lines;
	t->cap = cap;
	return ERR_OK;
}

/* seen_add: the line that had key h first, or 0 (and h is now line's). */
static kt_err seen_add(struct seen *t, uint64_t h, long line, long *first)
{
	*first = 0;
	if ((t->n + 1) * 2 > t->cap) {
		kt_err rc = seen_grow(t);
		if (rc)
			return rc;
	}
	size_t j = h & (t->cap - 1);
	while (t->keys[j]) {
		if (t->keys[j] == h) {
			*first = t->lines[j];
			return ERR_OK;
		}
		j = (j + 1) & (t->cap - 1);
	}
	t->keys[j] = h;
	t->lines[j] = (int32_t)line;
	t->n++;
	return ERR_OK;
}

/* file_dups: the earlier lines sharing an identifier, phone, e-mail, or
 * name with birth date or address with values (appended to lines). */
static kt_err file_dups(struct seen *t, const struct entity *e, json_t *values, long line, json_t *lines)
{
	bool company = strcmp(e->name, "companies") == 0;
	char buf[1024], k1[DEDUPE_KEY_CAP], k2[DEDUPE_KEY_CAP], addr[604];
	const char *v;
	uint64_t keys[5];
	int nk = 0;
	if ((v = json_string_value(json_object_get(values, company ? "nip" : "pesel"))) && *v)
		keys[nk++] = hash_key('i', v);
	if ((v = json_string_value(json_object_get(values, "phone"))) && *v)
		keys[nk++] = hash_key('p', v);
	if ((v = json_string_value(json_object_get(values, "email"))) && *v) {
		snprintf(buf, sizeof buf, "%s", v);
		for (char *p = buf; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		keys[nk++] = hash_key('e', buf);
	}
	json_t *a = json_object_get(values, company ? "name" : "first_name");
	json_t *b = company ? NULL : json_object_get(values, "last_name");
	if (dedupe_name_keys(json_string_value(a), json_string_length(a), json_string_value(b), json_string_length(b),
			     company, k1, k2)) {
		if (!company && (v = json_string_value(json_object_get(values, "birth_date"))) && *v) {
			snprintf(buf, sizeof buf, "%s|%s", k1, v);
			keys[nk++] = hash_key('b', buf);
		}
		if ((v = json_string_value(json_object_get(values, "address"))) && *v) {
			fold_key(v, strlen(v) < 600 ? strlen(v) : 600, addr, sizeof addr);
			snprintf(buf, sizeof buf, "%s|%s", k1, addr);
			keys[nk++] = hash_key('a', buf);
		}
	}
	for (int i = 0; i < nk; i++) {
		long first;
		kt_err rc = seen_add(t, keys[i], line, &first);
		if (rc)
			return rc;
		bool listed = false;
		size_t j;
		json_t *x;
		json_array_foreach(lines, j, x)
			listed |= json_integer_value(x) == first;
		if (first && !listed)
			json_array_append_new(lines, json_integer(first));
	}
	return ERR_OK;
}

/* ---- the import --------------------------------------------------------- */

/* Search documents wait here and go to the index in batches: an FTS5
 * index flushes what it holds whenever another table's row is written in
 * between, so one document per row would make a million tiny segments. */
#define DOC_BATCH 20000

struct docs {
	int64_t ids[DOC_BATCH];
	size_t off[DOC_BATCH];
	int n;
	struct buf text;        /* the documents, NUL-separated */
};

struct run {
	struct rec_ctx *ctx;
	struct docs docs;
	const struct entity *e;
	struct import_opts *o;
	struct col cols[LIM_CSV_COLUMNS];
	struct cdef defs[LIM_CUSTOM_FIELDS];
	int ndefs, ncols;
	struct seen seen;
	int64_t below;          /* ids from here on are this import's own rows */
	bool empty;             /* the table held no row: no candidates to look for */
	int64_t total, ok, failed, written, skipped, nerr, ndup;
	json_t *errors, *dups;
};

/* user_named: a reference to a user written as our export writes it
 * (the person's name, else the login) -> json id; NULL with *msg when no
 * live user, or more than one, has that name. */
static kt_err user_named(struct rec_ctx *ctx, const char *s, json_t **out, const char **msg)
{
	*out = NULL;
	*msg = NULL;
	struct db_stmt *st;
	kt_err rc = db_prepare(ctx->conn,
			       "SELECT id FROM users WHERE deleted_at IS NULL AND (name = ? OR login = ?) ORDER BY id LIMIT 2",
			       &st);
	if (rc)
		return rc;
	db_bind_str(st, 1, s);
	db_bind_str(st, 2, s);
	int64_t id = 0;
	int n = 0;
	while ((rc = db_step(st)) == ERR_ROW)
		if (n++ == 0)
			id = db_col_int64(st, 0);
	db_reset(st);
	if (rc != ERR_DONE)
		return rc;
	if (n == 1)
		*out = json_integer(id);
	else
		*msg = n ? "names more than one user: give the user's id or login" : "must be a user's id, name or login";
	return ERR_OK;
}

static kt_err row_in(struct run *r, const struct csv *c, json_t **in, json_t **errs)
{
	*in = json_object();
	*errs = NULL;
	json_t *custom = NULL;
	char key[96];
	for (int i = 0; i < r->ncols; i++) {
		const struct col *col = &r->cols[i];
		if (!col->f && col->custom < 0)
			continue;
		const char *s = c->fields[i].p;
		size_t n = c->fields[i].n;
		while (n && isspace((unsigned char)*s))
			s++, n--;
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		/* Our exports (and others') write '+48... to keep spreadsheet
		 * programs from reading a formula: the quote is no data where
		 * our writer would have put one (csv_guarded). */
		if (n > 1 && s[0] == '\'' && csv_guarded(s + 1, n - 1)) {
			s++, n--;
			while (n && isspace((unsigned char)*s))
				s++, n--;
		}
		if (!n)
			continue;
		char *t = strndup(s, n);
		if (!t)
			return ERR_NOMEM;
		const char *msg;
		json_t *v = NULL;
		int64_t id;
		kt_err rc = ERR_OK;
		if (col->f && col->f->type == FT_REF && col->f->ref && strcmp(col->f->ref, "users") == 0 &&
		    !parse_int(t, &id))
			rc = user_named(r->ctx, t, &v, &msg);
		else
			v = cell(r->e->name, col->f, col->custom >= 0 ? r->defs[col->custom].type : NULL, t, &msg);
		const char *opt = col->custom >= 0 ? option_value(r->defs[col->custom].options, t) : NULL;
		if (v && opt) {
			json_decref(v);
			v = json_string(opt);
		}
		free(t);
		if (rc)
			return rc;
		if (!v) {
			if (!*errs)
				*errs = json_object();
			if (col->f) {
				json_object_set_new(*errs, col->f->name, json_string(msg));
			} else {
				snprintf(key, sizeof key, "custom.%.64s", r->defs[col->custom].name);
				json_object_set_new(*errs, key, json_string(msg));
			}
			continue;
		}
		if (col->f) {
			json_object_set_new(*in, col->f->name, v);
		} else {
			if (!custom)
				custom = json_object();
			json_object_set_new(custom, r->defs[col->custom].name, v);
		}
	}
	if (custom)
		json_object_set_new(*in, "custom", custom);
	return ERR_OK;
}

static kt_err docs_flush(struct run *r)
{
	kt_err rc = ERR_OK;
	for (int i = 0; i < r->docs.n && !rc; i++)
		rc = db_search_put(r->ctx->conn, r->e->name, r->docs.ids[i], r->docs.text.data + r->docs.off[i]);
	r->docs.n = 0;
	buf_reset(&r->docs.text);
	return rc;
}

static kt_err docs_add(struct run *r, int64_t id, json_t *values)
{
	if (!r->e->searchable)
		return ERR_OK;
	if (r->docs.n == DOC_BATCH) {
		kt_err rc = docs_flush(r);
		if (rc)
			return rc;
	}
	size_t off = r->docs.text.len;
	kt_err rc = record_search_doc(r->e, values, &r->docs.text);
	if (!rc)
		rc = buf_append(&r->docs.text, "", 1);
	if (rc)
		return rc;
	/* record_search_doc separates words from what is before: strip a
	 * leading space it put after the previous document's NUL. */
	if (r->docs.text.data[off] == ' ')
		off++;
	r->docs.ids[r->docs.n] = id;
	r->docs.off[r->docs.n++] = off;
	return ERR_OK;
}

static kt_err one_row(struct run *r, const struct csv *c, long line)
{
	struct rec_ctx *ctx = r->ctx;
	json_t *in = NULL, *errs = NULL, *values = NULL, *cands = NULL, *lines = NULL;
	r->total++;
	kt_err rc = row_in(r, c, &in, &errs);
	if (!rc) {
		rec_ctx_clear(ctx);
		rc = record_validate(ctx, r->e, in, &values);
		if (rc == ERR_INVALID) {
			if (!errs)
				errs = json_object();
			json_object_update_missing(errs, ctx->errors);
			rc = ERR_OK;
		}
		rec_ctx_clear(ctx);
	}
	if (!rc && errs) {
		r->failed++;
		if (r->nerr++ < LIM_IMPORT_REPORT) {
			json_t *item = json_pack("{s:i, s:O}", "line", (int)line, "fields", errs);
			if (item)
				fieldcode_add(item, errs); /* translated like a form's errors */
			json_array_append_new(r->errors, item);
		}
	} else if (!rc) {
		r->ok++;
		lines = json_array();
		rc = file_dups(&r->seen, r->e, values, line, lines);
		/* Records this import wrote are the file's rows, not candidates. */
		if (!rc && !r->empty)
			rc = dedupe_candidates(ctx, r->e, values, 0, r->below, true, &cands);
		bool dup = !rc && (json_array_size(cands) || json_array_size(lines));
		if (dup && r->ndup++ < LIM_IMPORT_REPORT)
			json_array_append_new(r->dups, json_pack("{s:i, s:o, s:O}", "line", (int)line, "candidates",
								 cands ? json_incref(cands) : json_array(), "lines", lines));
		if (!rc && dup && r->o->skip_duplicates) {
			r->skipped++;
		} else if (!rc && !r->o->dry_run) {
			int64_t id = 0;
			rc = record_insert(ctx, r->e, values, &id);
			if (!rc)
				rc = docs_add(r, id, values);
			json_t *h = json_pack("{s:s, s:i}", "source", "import", "line", (int)line);
			if (!rc)
				rc = record_history_add(ctx, r->e->name, id, "create", h);
			json_decref(h);
			r->written += rc == ERR_OK;
		}
	}
	json_decref(in);
	json_decref(errs);
	json_decref(values);
	json_decref(cands);
	json_decref(lines);
	return rc;
}

/* The table's indexes are dropped for a large file into an empty table
 * and built once at the end (when the file is read, so all in the one
 * transaction); a big import's index upkeep otherwise costs more than the
 * rest of its work. */
#define BULK_BYTES (4 * 1024 * 1024)

/* first_id: where this import's ids will begin, whether the table is
 * empty, and (real runs of big files into an empty table) its indexes off. */
static kt_err first_id(struct run *r, size_t len, char **indexes)
{
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT COALESCE(MAX(id), 0) FROM %s", r->e->name);
	struct db_stmt *s;
	kt_err rc = db_prepare(r->ctx->conn, sql, &s);
	if (rc)
		return rc;
	rc = db_step(s);
	int64_t max = rc == ERR_ROW ? db_col_int64(s, 0) : 0;
	db_reset(s);
	if (rc != ERR_ROW)
		return rc == ERR_DONE ? ERR_INTERNAL : rc;
	r->below = max + 1;
	r->empty = max == 0;
	if (r->empty && !r->o->dry_run && len > BULK_BYTES)
		return db_indexes_off(r->ctx->conn, r->e->name, indexes);
	return ERR_OK;
}

kt_err import_csv(struct rec_ctx *ctx, const struct entity *e, const char *data, size_t len,
		  struct import_opts *o, json_t **report)
{
	*report = NULL;
	o->err[0] = '\0';
	if (!e || (strcmp(e->name, "contacts") && strcmp(e->name, "companies")))
		return ERR_NOT_FOUND;
	struct run *r = calloc(1, sizeof *r);
	struct csv *c = calloc(1, sizeof *c);
	json_t *columns = json_object();
	if (!r || !c || !columns) {
		free(r);
		free(c);
		json_decref(columns);
		return ERR_NOMEM;
	}
	r->ctx = ctx;
	r->e = e;
	r->o = o;
	r->errors = json_array();
	r->dups = json_array();
	buf_init(&r->docs.text, (size_t)DOC_BATCH * 64 * 1024);
	kt_err rc = csv_open(c, data, len);
	bool eof = false;
	bool bulk = !rc && !o->dry_run && len > 1024 * 1024;
	char *indexes = NULL;
	if (bulk)
		rc = db_conn_bulk(ctx->conn, true);
	if (!rc)
		rc = first_id(r, len, &indexes);
	if (!rc)
		rc = csv_next(c, &eof);
	if (!rc && eof) {
		snprintf(c->err, sizeof c->err, "the file is empty: the first line must name the columns");
		rc = ERR_BAD_CSV;
	}
	if (!rc)
		rc = load_defs(ctx, e->name, r->defs, &r->ndefs);
	if (!rc) {
		r->ncols = c->nfields;
		rc = map_columns(ctx, e, r->defs, r->ndefs, c, o->map, r->cols, columns);
	}
	while (!rc) {
		rc = csv_next(c, &eof);
		if (rc || eof)
			break;
		if (c->nfields != r->ncols) {
			snprintf(c->err, sizeof c->err, "line %ld: %d field%s where the header has %d", c->record_line,
				 c->nfields, c->nfields == 1 ? "" : "s", r->ncols);
			rc = ERR_BAD_CSV;
			break;
		}
		rc = one_row(r, c, c->record_line);
	}
	if (!rc)
		rc = docs_flush(r);
	if (!rc && indexes)
		rc = db_indexes_on(ctx->conn, indexes);
	else
		free(indexes);
	if (bulk && db_conn_bulk(ctx->conn, false) && !rc)
		rc = ERR_DB;
	if (rc == ERR_BAD_CSV)
		snprintf(o->err, sizeof o->err, "%s", c->err);
	if (!rc) {
		char sep[2] = {c->sep, '\0'};
		*report = json_pack("{s:b, s:s, s:s, s:O, s:I, s:I, s:I, s:I, s:I, s:O, s:I, s:O, s:I}", "dry_run",
				    o->dry_run, "encoding", c->cp1250 ? "windows-1250" : "utf-8", "separator", sep,
				    "columns", columns, "rows_total", (json_int_t)r->total, "rows_ok",
				    (json_int_t)r->ok, "rows_failed", (json_int_t)r->failed, "rows_written",
				    (json_int_t)r->written, "rows_skipped", (json_int_t)r->skipped, "errors", r->errors,
				    "errors_total", (json_int_t)r->nerr, "duplicates", r->dups, "duplicates_total",
				    (json_int_t)r->ndup);
		rc = *report ? ERR_OK : ERR_NOMEM;
	}
	json_decref(columns);
	for (int i = 0; i < r->ndefs; i++)
		json_decref(r->defs[i].options);
	json_decref(r->errors);
	json_decref(r->dups);
	buf_clear(&r->docs.text);
	free(r->seen.keys);
	free(r->seen.lines);
	csv_clear(c);
	free(c);
	free(r);
	return rc;
}
