/* export.c: see export.h.  Pages come from record_list (LIM_EXPORT_PAGE
 * rows, following next_cursor), so an export sees exactly what the list
 * with the same parameters shows.  Each value becomes a typed cell once
 * (render), which the CSV and the XLSX writers both read: what the list
 * shows (labels, people's names, linked records' names under the caller's
 * visibility, local times) or, with raw=1, what the API holds (codes, ids,
 * UTC ISO times) for programs. */
#include "crm/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/isotime.h"
#include "core/limits.h"
#include "core/tz.h"
#include "core/utf8.h"
#include "crm/labels.h"
#include "db/db.h"

enum ctype { C_TEXT, C_INT, C_NUMBER, C_MONEY, C_DATE, C_TIME, C_BOOL, C_JSON, C_ENUM, C_PHONE, C_SELECT };

/* What a column's id names, shown by name unless raw. */
enum cref {
	R_NONE,
	R_NAMED,        /* a row of a small table every user may read (users, statuses...) */
	R_LINK,         /* a record read under the caller's visibility (record_links_fill) */
};

struct column {
	char name[80];          /* a field or custom.<name> */
	char header[128];       /* what the header shows */
	bool custom;
	enum ctype type;
	enum cref ref;
	const char *table;      /* R_NAMED: the table */
	const struct entity *target; /* R_LINK */
	char link_key[96];      /* R_LINK: where next_page puts the linked record's view */
	json_t *options;        /* C_SELECT: the custom field's options */
};

struct export {
	struct rec_ctx ctx;
	const struct entity *e;
	json_t *params;         /* the list's parameters for the next page */
	json_t *page;           /* items not written yet (the first page) */
	struct column cols[LIM_EXPORT_COLUMNS];
	int ncols;
	bool xlsx, own_conn, started, done;
	bool raw;               /* ?raw=1: codes, ids and UTC ISO times */
	char sep;               /* CSV separator: ';' for Polish users, ',' for English, or ?sep= */
	char locale[8];
	char tz[65];
	struct tz *zone;        /* tz loaded (UTC when it can't be) */
	json_t *names;          /* table -> {id: name} for R_NAMED columns */
	struct buf out;         /* CSV bytes not handed out yet */
	size_t sent;
	int64_t rows;
};

static kt_err bad(struct rec_ctx *ctx, const char *k, const char *msg)
{
	rec_error(ctx, k, msg);
	return ERR_BAD_QUERY;
}

static enum ctype type_of(const struct field *f)
{
	switch (f->type) {
	case FT_INT:
	case FT_REF:
		return C_INT;
	case FT_MONEY:
		return C_MONEY;
	case FT_DATE:
		return C_DATE;
	case FT_TIME:
		return C_TIME;
	case FT_BOOL:
		return C_BOOL;
	case FT_JSON:
		return C_JSON;
	case FT_ENUM:
		return C_ENUM;
	case FT_PHONE:
		return C_PHONE;
	default:
		return C_TEXT;
	}
}

/* exportable: a field of the API the caller sees in every record (a
 * colleague's e-mail is kept from agents: no column, not an empty one). */
static bool exportable(const struct export *x, const struct field *f)
{
	return !(f->flags & (F_HIDDEN | F_VIRTUAL)) && f->type != FT_PASSWORD && f->type != FT_CUSTOM &&
	       record_field_shown(&x->ctx, f);
}

static const char *const STD[] = {"id", "version", "created_at", "updated_at", "created_by", "updated_by", NULL};

/* Tables of names anyone may read, by the column that refers to them
 * (department_id and close_reason_id are plain integers on some entities). */
static const struct {
	const char *column, *table;
} NAMED[] = {
	{"created_by", "users"},
	{"updated_by", "users"},
	{"department_id", "departments"},
	{"close_reason_id", "close_reasons"},
	{"status_id", "statuses"},
	{"action_type_id", "action_types"},
	{NULL, NULL},
};

/* set_ref: how column c (a field f, NULL for the standard columns) is
 * shown by name. */
static void set_ref(struct export *x, struct column *c, const struct field *f)
{
	c->ref = R_NONE;
	if (f && f->type == FT_REF && f->ref && strcmp(f->ref, "users") == 0) {
		c->ref = R_NAMED;
		c->table = "users";
		return;
	}
	for (int i = 0; NAMED[i].column; i++)
		if (strcmp(NAMED[i].column, c->name) == 0 && (!f || f->type == FT_REF || f->type == FT_INT)) {
			c->ref = R_NAMED;
			c->table = NAMED[i].table;
			return;
		}
	if (f && f->type == FT_REF && x->ctx.lookup) {
		const struct entity *t = x->ctx.lookup(f->ref);
		if (t && t->title) {
			c->ref = R_LINK;
			c->target = t;
			/* A key no API field has (the name fits: 8 + 79 < 96). */
			memcpy(c->link_key, "\001export:", 8);
			memcpy(c->link_key + 8, c->name, strlen(c->name) + 1);
		}
	}
}

/* custom_def: the type, label and options of custom field name of e. */
static kt_err custom_def(struct rec_ctx *ctx, const struct entity *e, const char *name, struct column *c,
			 bool *found)
{
	*found = false;
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       "SELECT type, label, options FROM custom_fields WHERE entity = ? AND name = ? AND deleted_at IS NULL",
			       &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, e->name);
	db_bind_str(s, 2, name);
	rc = db_step(s);
	if (rc == ERR_ROW) {
		const char *ty = db_col_text(s, 0, NULL);
		*found = true;
		c->type = strcmp(ty, "number") == 0 ? C_NUMBER : strcmp(ty, "currency") == 0 ? C_MONEY
			: strcmp(ty, "date") == 0 ? C_DATE : strcmp(ty, "select") == 0 ? C_SELECT : C_TEXT;
		const char *label = db_col_is_null(s, 1) ? "" : db_col_text(s, 1, NULL);
		snprintf(c->header, sizeof c->header, "%s", *label ? label : name);
		const char *opts = db_col_is_null(s, 2) ? NULL : db_col_text(s, 2, NULL);
		c->options = opts ? json_loads(opts, 0, NULL) : NULL;
	}
	db_reset(s);
	return rc == ERR_ROW || rc == ERR_DONE ? ERR_OK : rc;
}

static kt_err add_column(struct export *x, const char *name, size_t len)
{
	struct rec_ctx *ctx = &x->ctx;
	char n[80];
	if (len == 0 || len >= sizeof n)
		return bad(ctx, "columns", "holds an empty or overlong column name");
	memcpy(n, name, len);
	n[len] = '\0';
	if (x->ncols >= LIM_EXPORT_COLUMNS)
		return bad(ctx, "columns", "names more than 100 columns");
	for (int i = 0; i < x->ncols; i++)
		if (strcmp(x->cols[i].name, n) == 0)
			return bad(ctx, "columns", "names a column twice");
	struct column *c = &x->cols[x->ncols];
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "%s", n);
	const char *label = labels_field(x->e->name, n, x->locale);
	snprintf(c->header, sizeof c->header, "%s", label ? label : n);
	for (int i = 0; STD[i]; i++)
		if (strcmp(STD[i], n) == 0) {
			c->type = strcmp(n, "created_at") == 0 || strcmp(n, "updated_at") == 0 ? C_TIME : C_INT;
			set_ref(x, c, NULL);
			x->ncols++;
			return ERR_OK;
		}
	const struct field *f = entity_field(x->e, n);
	if (f && exportable(x, f)) {
		c->type = type_of(f);
		set_ref(x, c, f);
		x->ncols++;
		return ERR_OK;
	}
	if (x->e->custom && strncmp(n, "custom.", 7) == 0) {
		bool found;
		kt_err rc = custom_def(ctx, x->e, n + 7, c, &found);
		if (rc)
			return rc;
		if (found) {
			c->custom = true;
			x->ncols++;
			return ERR_OK;
		}
	}
	char msg[160];
	if (utf8_valid(n, len))
		snprintf(msg, sizeof msg, "names an unknown column \"%.80s\"", n);
	else /* the query is not checked for UTF-8: never echo such bytes */
		snprintf(msg, sizeof msg, "names an unknown column that is not UTF-8 text");
	return bad(ctx, "columns", msg);
}

/* default_columns: id, every field shown in the API, the custom fields,
 * then created_at and updated_at. */
static kt_err default_columns(struct export *x)
{
	kt_err rc = add_column(x, "id", 2);
	for (int i = 0; x->e->fields[i].name && !rc; i++)
		if (exportable(x, &x->e->fields[i]))
			rc = add_column(x, x->e->fields[i].name, strlen(x->e->fields[i].name));
	if (!rc && x->e->custom) {
		struct db_stmt *s;
		rc = db_prepare(x->ctx.conn,
				"SELECT name FROM custom_fields WHERE entity = ? AND deleted_at IS NULL ORDER BY position, id LIMIT 100",
				&s);
		char names[LIM_CUSTOM_FIELDS][72];
		int n = 0;
		if (!rc) {
			db_bind_str(s, 1, x->e->name);
			while ((rc = db_step(s)) == ERR_ROW && n < LIM_CUSTOM_FIELDS)
				snprintf(names[n++], sizeof names[0], "custom.%.64s", db_col_text(s, 0, NULL));
			db_reset(s);
			rc = rc == ERR_DONE || rc == ERR_ROW ? ERR_OK : rc;
		}
		for (int i = 0; i < n && !rc; i++)
			rc = add_column(x, names[i], strlen(names[i]));
	}
	if (!rc)
		rc = add_column(x, "created_at", 10);
	if (!rc)
		rc = add_column(x, "updated_at", 10);
	return rc;
}

/* load_names: x->names[table] = {id: name} for each table a column shows
 * names of.  These tables are small and every user may read them (a list
 * shows them by name to everyone); a user is shown by name, else login,
 * and a status, close reason or action type by its English name for an
 * English user when it has one. */
static kt_err load_names(struct export *x)
{
	kt_err rc = ERR_OK;
	bool en = strcmp(x->locale, "en") == 0;
	for (int i = 0; i < x->ncols && !rc; i++) {
		const char *t = x->cols[i].ref == R_NAMED ? x->cols[i].table : NULL;
		if (!t || json_object_get(x->names, t))
			continue;
		const char *sql = strcmp(t, "users") == 0 ? "SELECT id, name, login FROM users"
			: strcmp(t, "departments") == 0 ? "SELECT id, name, name FROM departments"
			: strcmp(t, "statuses") == 0 ? "SELECT id, name, name_en FROM statuses"
			: strcmp(t, "close_reasons") == 0 ? "SELECT id, name, name_en FROM close_reasons"
			: "SELECT id, name, name_en FROM action_types";
		bool users = strcmp(t, "users") == 0;
		json_t *m = json_object();
		if (!m || json_object_set_new(x->names, t, m))
			return ERR_NOMEM;
		struct db_stmt *s;
		rc = db_prepare(x->ctx.conn, sql, &s);
		if (rc)
			return rc;
		while ((rc = db_step(s)) == ERR_ROW) {
			const char *name = db_col_is_null(s, 1) ? "" : db_col_text(s, 1, NULL);
			const char *alt = db_col_is_null(s, 2) ? "" : db_col_text(s, 2, NULL);
			const char *v = users ? (*name ? name : alt) : (en && *alt ? alt : name);
			char key[24];
			snprintf(key, sizeof key, "%lld", (long long)db_col_int64(s, 0));
			if (json_object_set_new(m, key, json_string(v))) {
				rc = ERR_NOMEM;
				break;
			}
		}
		db_reset(s);
		if (rc == ERR_DONE)
			rc = ERR_OK;
	}
	return rc;
}

/* next_page: the next page of items into x->page (empty at the end), with
 * what the caller may see of the records its R_LINK columns name. */
static kt_err next_page(struct export *x)
{
	json_decref(x->page);
	x->page = NULL;
	if (x->done)
		return ERR_OK;
	json_t *out = NULL;
	rec_ctx_clear(&x->ctx);
	kt_err rc = record_list(&x->ctx, x->e, x->params, &out);
	if (rc)
		return rc;
	x->page = json_incref(json_object_get(out, "items"));
	json_t *next = json_object_get(out, "next_cursor");
	if (json_is_string(next))
		json_object_set(x->params, "cursor", next);
	else
		x->done = true;
	json_decref(out);
	for (int i = 0; i < x->ncols && !rc && !x->raw; i++)
		if (x->cols[i].ref == R_LINK)
			rc = record_links_fill(&x->ctx, x->cols[i].target, x->cols[i].name, x->cols[i].link_key, NULL,
					       x->page);
	return rc;
}

/* sep_of: the separator ?sep= names (";", "," or "tab"), or 0. */
static char sep_of(const char *v)
{
	if (!v)
		return 0;
	if (strcmp(v, ";") == 0 || strcmp(v, ",") == 0)
		return v[0];
	return strcmp(v, "tab") == 0 ? '\t' : 0;
}

kt_err export_open(struct rec_ctx *ctx, const struct entity *e, json_t *params, const char *time_zone,
		   const char *locale, struct export **out)
{
	*out = NULL;
	struct export *x = calloc(1, sizeof *x);
	if (!x)
		return ERR_NOMEM;
	x->ctx = *ctx;
	x->ctx.errors = NULL;
	x->ctx.stash = NULL;
	x->e = e;
	snprintf(x->tz, sizeof x->tz, "%s", time_zone && *time_zone ? time_zone : "UTC");
	if (tz_load(x->tz, &x->zone) != ERR_OK)
		tz_load("UTC", &x->zone);
	snprintf(x->locale, sizeof x->locale, "%s", locale && strcmp(locale, "en") == 0 ? "en" : "pl");
	/* What a spreadsheet in the user's language splits on: Polish Excel's
	 * list separator is ';' (',' is its decimal comma). */
	x->sep = strcmp(x->locale, "en") == 0 ? ',' : ';';
	buf_init(&x->out, (size_t)64 * 1024 * 1024);
	x->params = json_object();
	x->names = json_object();
	kt_err rc = x->params && x->names && x->zone ? ERR_OK : ERR_NOMEM;
	const char *columns = NULL, *format = NULL;
	const char *k;
	json_t *v;
	json_object_foreach(params, k, v) {
		if (rc)
			break;
		if (strcmp(k, "format") == 0)
			format = json_string_value(v);
		else if (strcmp(k, "columns") == 0)
			columns = json_string_value(v);
		else if (strcmp(k, "sep") == 0) {
			x->sep = sep_of(json_string_value(v));
			if (!x->sep)
				rc = bad(&x->ctx, k, "must be ; (semicolon), , (comma) or tab: the CSV separator");
		} else if (strcmp(k, "raw") == 0) {
			const char *r = json_string_value(v);
			if (r && (strcmp(r, "1") == 0 || strcmp(r, "true") == 0))
				x->raw = true;
			else if (!r || (strcmp(r, "0") && strcmp(r, "false")))
				rc = bad(&x->ctx, k, "must be 1 or 0: 1 exports codes, ids and UTC times for programs");
		} else if (strcmp(k, "limit") == 0 || strcmp(k, "cursor") == 0)
			rc = bad(&x->ctx, k, "is not a parameter of an export (it has every row)");
		else
			json_object_set(x->params, k, v);
	}
	if (!rc && (!format || (strcmp(format, "csv") && strcmp(format, "xlsx"))))
		rc = bad(&x->ctx, "format", "must be csv or xlsx");
	if (!rc)
		x->xlsx = strcmp(format, "xlsx") == 0;
	if (!rc && columns) {
		for (const char *p = columns; !rc;) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);
			rc = add_column(x, p, len);
			if (!comma)
				break;
			p = comma + 1;
		}
	} else if (!rc) {
		rc = default_columns(x);
	}
	char lim[16];
	snprintf(lim, sizeof lim, "%d", LIM_EXPORT_PAGE);
	if (!rc)
		rc = json_object_set_new(x->params, "limit", json_string(lim)) ? ERR_NOMEM : ERR_OK;
	if (!rc && !x->raw)
		rc = load_names(x);
	if (!rc)
		rc = next_page(x);
	if (rc) {
		/* The caller reports ctx's errors. */
		ctx->errors = x->ctx.errors;
		x->ctx.errors = NULL;
		export_free(x);
		return rc;
	}
	*out = x;
	return ERR_OK;
}

bool export_is_xlsx(const struct export *x)
{
	return x->xlsx;
}

void export_own_conn(struct export *x)
{
	x->own_conn = true;
}

void export_free(void *p)
{
	struct export *x = p;
	if (!x)
		return;
	json_decref(x->params);
	json_decref(x->page);
	json_decref(x->names);
	for (int i = 0; i < x->ncols; i++)
		json_decref(x->cols[i].options);
	tz_free(x->zone);
	rec_ctx_clear(&x->ctx);
	buf_clear(&x->out);
	if (x->own_conn)
		db_conn_release(x->ctx.conn);
	free(x);
}

/* ---- cells --------------------------------------------------------------- */

enum ckind { K_EMPTY, K_TEXT, K_INT, K_NUM, K_MONEY, K_DATE, K_TIME, K_BOOL };

/* A value as both writers take it. */
struct cell {
	enum ckind k;
	const char *s;          /* K_TEXT (borrowed from the item, a table or tmp); K_DATE, K_TIME: as the API has it */
	size_t n;
	bool guard;             /* K_TEXT: gets the formula guard in CSV */
	int64_t i;              /* K_INT; K_MONEY grosze; K_DATE days; K_TIME Unix seconds */
	double d;               /* K_NUM */
	bool b;                 /* K_BOOL */
	char tmp[64];           /* text made here (a phone, a JSON value's text) */
	char *owned;            /* a longer one (free) */
};

static void cell_text(struct cell *c, const char *s, bool guard)
{
	c->k = K_TEXT;
	c->s = s;
	c->n = strlen(s);
	c->guard = guard;
}

/* phone_like: "+" and digits, spaces between: no spreadsheet runs that
 * (no function, reference or operator but the sign), so a phone number
 * keeps its '+' without the guard's stray quote. */
static bool phone_like(const char *s)
{
	if (s[0] != '+' || s[1] < '0' || s[1] > '9')
		return false;
	for (const char *p = s + 1; *p; p++)
		if ((*p < '0' || *p > '9') && *p != ' ')
			return false;
	return true;
}

/* phone_show: a stored Polish number (+48 and nine digits) grouped as the
 * UI writes it (web/src/fmt.ts fmtPhone): mobile and non-geographic
 * numbers "+48 601 200 307", landlines "+48 22 555 12 34"; else as stored. */
static const char *phone_show(const char *p, char out[64])
{
	static const char *const NON_GEO[] = {"45", "50", "51", "53", "57", "60", "66", "69", "72", "73",
					      "78", "79", "88", "70", "80", "39", "64", NULL};
	size_t n = strlen(p);
	if (n != 12 || strncmp(p, "+48", 3) != 0 || !phone_like(p) || strchr(p, ' '))
		return p;
	const char *d = p + 3;
	for (int i = 0; NON_GEO[i]; i++)
		if (strncmp(d, NON_GEO[i], 2) == 0) {
			snprintf(out, 64, "+48 %.3s %.3s %.3s", d, d + 3, d + 6);
			return out;
		}
	snprintf(out, 64, "+48 %.2s %.3s %.2s %.2s", d, d + 2, d + 5, d + 7);
	return out;
}

static json_t *value_of(const struct column *c, json_t *item)
{
	if (c->custom)
		return json_object_get(json_object_get(item, "custom"), c->name + 7);
	return json_object_get(item, c->name);
}

/* render_ref: column c's id v by name: a hidden or unknown record by its
 * id only (never anything of it). */
static void render_ref(struct export *x, const struct column *c, json_t *item, json_t *v, struct cell *out)
{
	out->k = K_INT;
	out->i = json_integer_value(v);
	if (c->ref == R_NAMED) {
		char key[24];
		snprintf(key, sizeof key, "%lld", (long long)out->i);
		const char *name = json_string_value(json_object_get(json_object_get(x->names, c->table), key));
		if (name && *name)
			cell_text(out, name, true);
		return;
	}
	json_t *view = json_object_get(item, c->link_key);
	const char *name = json_string_value(json_object_get(view, "name"));
	if (view && !json_is_true(json_object_get(view, "hidden")) && name && *name)
		cell_text(out, name, true);
}

/* render: the cell of column c in item. */
static void render(struct export *x, const struct column *c, json_t *item, struct cell *out)
{
	memset(out, 0, sizeof *out);
	json_t *v = value_of(c, item);
	if (!v || json_is_null(v))
		return;
	if (!x->raw && c->ref != R_NONE && json_is_integer(v)) {
		render_ref(x, c, item, v, out);
		return;
	}
	int32_t days;
	switch (c->type) {
	case C_MONEY:
		if (json_is_integer(v)) {
			out->k = K_MONEY;
			out->i = json_integer_value(v);
			return;
		}
		break;
	case C_DATE:
		if (json_is_string(v) && isodate_parse(json_string_value(v), json_string_length(v), &days)) {
			out->k = K_DATE;
			out->i = days;
			out->s = json_string_value(v);
			out->n = json_string_length(v);
			return;
		}
		break;
	case C_TIME:
		if (json_is_string(v) && isotime_parse(json_string_value(v), json_string_length(v), &out->i)) {
			out->k = K_TIME;
			out->s = json_string_value(v);
			out->n = json_string_length(v);
			return;
		}
		break;
	case C_ENUM:
		if (!x->raw && json_is_string(v)) {
			const char *l = labels_value(x->e->name, c->name, json_string_value(v), x->locale);
			if (l) {
				cell_text(out, l, true);
				return;
			}
		}
		break;
	case C_SELECT:
		if (!x->raw && json_is_string(v)) {
			size_t i;
			json_t *o;
			json_array_foreach(c->options, i, o) {
				const char *l = json_string_value(json_object_get(o, "label"));
				if (json_equal(json_object_get(o, "value"), v) && l && *l) {
					cell_text(out, l, true);
					return;
				}
			}
		}
		break;
	case C_PHONE:
		if (json_is_string(v)) {
			const char *p = x->raw ? json_string_value(v) : phone_show(json_string_value(v), out->tmp);
			cell_text(out, p, !phone_like(p));
			return;
		}
		break;
	default:
		break;
	}
	if (json_is_integer(v)) {
		out->k = K_INT;
		out->i = json_integer_value(v);
	} else if (json_is_real(v)) {
		out->k = K_NUM;
		out->d = json_real_value(v);
	} else if (json_is_boolean(v)) {
		out->k = K_BOOL;
		out->b = json_is_true(v);
	} else if (json_is_string(v)) {
		cell_text(out, json_string_value(v), true);
		out->n = json_string_length(v);
	} else {
		out->owned = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		cell_text(out, out->owned ? out->owned : "", true);
	}
}

static void cell_clear(struct cell *c)
{
	free(c->owned);
	c->owned = NULL;
}

/* ---- CSV ----------------------------------------------------------------- */

/* csv_cell: appends c as x's CSV writes it.  raw: as the API has it
 * (money in units with a decimal point, true/false, UTC ISO times); else
 * money with two decimals and the locale's decimal mark, Tak/Nie, dates
 * YYYY-MM-DD and times "YYYY-MM-DD HH:MM" in the user's zone. */
static kt_err csv_cell(struct export *x, const struct cell *c)
{
	char t[64];
	bool en = strcmp(x->locale, "en") == 0;
	const char *s = t;
	bool text = false;
	t[0] = '\0';
	switch (c->k) {
	case K_EMPTY:
		break;
	case K_TEXT:
		return csv_put_cell(&x->out, c->s, c->n, c->guard, x->sep);
	case K_INT:
		snprintf(t, sizeof t, "%lld", (long long)c->i);
		break;
	case K_NUM:
		snprintf(t, sizeof t, "%.15g", c->d);
		if (!x->raw && !en)
			for (char *p = t; *p; p++)
				if (*p == '.')
					*p = ',';
		break;
	case K_MONEY:
		if (x->raw) {
			snprintf(t, sizeof t, "%.15g", (double)c->i / 100.0);
		} else {
			/* From the integer: no rounding of a double on the way. */
			unsigned long long a = c->i < 0 ? 0ULL - (unsigned long long)c->i : (unsigned long long)c->i;
			snprintf(t, sizeof t, "%s%llu%c%02llu", c->i < 0 ? "-" : "", a / 100, en ? '.' : ',', a % 100);
		}
		break;
	case K_DATE:
		isodate_format((int32_t)c->i, t);
		break;
	case K_TIME:
		if (x->raw) {
			s = c->s;
			text = true;
		} else {
			int64_t local = c->i + tz_offset(x->zone, c->i);
			int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
			int64_t sec = local - days * 86400;
			int y;
			unsigned m, d;
			isotime_civil_from_days(days, &y, &m, &d);
			snprintf(t, sizeof t, "%04d-%02u-%02u %02d:%02d", y, m, d, (int)(sec / 3600), (int)(sec / 60 % 60));
		}
		break;
	case K_BOOL:
		s = x->raw ? (c->b ? "true" : "false") : labels_bool(c->b, x->locale);
		break;
	}
	return csv_put_cell(&x->out, s, strlen(s), text, x->sep);
}

static kt_err csv_rows(struct export *x)
{
	kt_err rc = ERR_OK;
	if (!x->started) {
		x->started = true;
		rc = buf_puts(&x->out, "\xEF\xBB\xBF");
		for (int i = 0; i < x->ncols && !rc; i++) {
			const char *h = x->raw ? x->cols[i].name : x->cols[i].header;
			if (i)
				rc = buf_putc(&x->out, x->sep);
			if (!rc)
				rc = csv_put_cell(&x->out, h, strlen(h), true, x->sep);
		}
		if (!rc)
			rc = buf_puts(&x->out, "\r\n");
	}
	size_t i;
	json_t *item;
	json_array_foreach(x->page, i, item) {
		for (int k = 0; k < x->ncols && !rc; k++) {
			struct cell c;
			render(x, &x->cols[k], item, &c);
			if (k)
				rc = buf_putc(&x->out, x->sep);
			if (!rc)
				rc = csv_cell(x, &c);
			cell_clear(&c);
		}
		if (!rc)
			rc = buf_puts(&x->out, "\r\n");
		if (rc)
			break;
		x->rows++;
	}
	return rc;
}

long export_read(void *p, char *out, size_t max)
{
	struct export *x = p;
	while (x->sent >= x->out.len) {
		buf_reset(&x->out);
		x->sent = 0;
		if (x->started && !x->page && x->done)
			return 0;
		if (x->started && !x->page) {
			kt_err rc = next_page(x);
			if (rc) {
				rec_ctx_clear(&x->ctx);
				return -1;
			}
			if (!json_array_size(x->page) && x->done) {
				json_decref(x->page);
				x->page = NULL;
				return 0;
			}
		}
		kt_err rc = csv_rows(x);
		json_decref(x->page);
		x->page = NULL;
		if (rc)
			return -1;
	}
	size_t n = x->out.len - x->sent;
	if (n > max)
		n = max;
	memcpy(out, x->out.data + x->sent, n);
	x->sent += n;
	return (long)n;
}

/* ---- XLSX ---------------------------------------------------------------- */

#define XLSX_MAX_ROWS 1048576   /* a worksheet's rows, the header included */

struct book {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *date, *time, *money;
};

static lxw_datetime civil(int64_t days, int64_t secs)
{
	int y;
	unsigned m, d;
	isotime_civil_from_days(days, &y, &m, &d);
	return (lxw_datetime){y, (int)m, (int)d, (int)(secs / 3600), (int)(secs / 60 % 60), (double)(secs % 60)};
}

/* xlsx_cell: c as a typed cell: dates and times as Excel dates (times in
 * the user's zone, raw or not), money and numbers as numbers, booleans as
 * booleans (raw) or Tak/Nie, text as text (never a formula). */
static void xlsx_cell(struct export *x, struct book *b, lxw_row_t r, lxw_col_t col, const struct cell *c)
{
	switch (c->k) {
	case K_EMPTY:
		break;
	case K_TEXT:
		worksheet_write_string(b->ws, r, col, c->s, NULL);
		break;
	case K_INT:
		worksheet_write_number(b->ws, r, col, (double)c->i, NULL);
		break;
	case K_NUM:
		worksheet_write_number(b->ws, r, col, c->d, NULL);
		break;
	case K_MONEY:
		worksheet_write_number(b->ws, r, col, (double)c->i / 100.0, b->money);
		break;
	case K_DATE: {
		lxw_datetime dt = civil(c->i, 0);
		worksheet_write_datetime(b->ws, r, col, &dt, b->date);
		break;
	}
	case K_TIME: {
		int64_t local = c->i + tz_offset(x->zone, c->i);
		int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
		lxw_datetime dt = civil(days, local - days * 86400);
		worksheet_write_datetime(b->ws, r, col, &dt, b->time);
		break;
	}
	case K_BOOL:
		if (x->raw)
			worksheet_write_boolean(b->ws, r, col, c->b, NULL);
		else
			worksheet_write_string(b->ws, r, col, labels_bool(c->b, x->locale), NULL);
		break;
	}
}

kt_err export_xlsx(struct export *x, const char *dir, char *path, size_t cap)
{
	snprintf(path, cap, "%s/kontakt-export-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0)
		return ERR_IO;
	close(fd);
	struct book b = {0};
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = (char *)(dir && *dir ? dir : "/tmp")};
	b.wb = workbook_new_opt(path, &opt);
	b.ws = b.wb ? workbook_add_worksheet(b.wb, x->e->name) : NULL;
	kt_err rc = b.ws ? ERR_OK : ERR_IO;
	if (!rc) {
		b.bold = workbook_add_format(b.wb);
		format_set_bold(b.bold);
		b.date = workbook_add_format(b.wb);
		format_set_num_format(b.date, "yyyy-mm-dd");
		b.time = workbook_add_format(b.wb);
		format_set_num_format(b.time, "yyyy-mm-dd hh:mm");
		b.money = workbook_add_format(b.wb);
		/* Excel shows the separators of the reader's locale: "1 234,50 zł"
		 * in a Polish one. */
		format_set_num_format(b.money, x->raw ? "#,##0.00" : "#,##0.00\\ \"zł\"");
		worksheet_freeze_panes(b.ws, 1, 0);
		for (int c = 0; c < x->ncols; c++) {
			double w = x->cols[c].type == C_TIME ? 17 : x->cols[c].type == C_DATE ? 11 : 14;
			worksheet_set_column(b.ws, (lxw_col_t)c, (lxw_col_t)c, w, NULL);
			worksheet_write_string(b.ws, 0, (lxw_col_t)c, x->raw ? x->cols[c].name : x->cols[c].header, b.bold);
		}
	}
	lxw_row_t r = 1;
	while (!rc && x->page && json_array_size(x->page)) {
		size_t i;
		json_t *item;
		json_array_foreach(x->page, i, item) {
			if (r >= XLSX_MAX_ROWS)
				break;
			for (int c = 0; c < x->ncols; c++) {
				struct cell cl;
				render(x, &x->cols[c], item, &cl);
				xlsx_cell(x, &b, r, (lxw_col_t)c, &cl);
				cell_clear(&cl);
			}
			r++;
			x->rows++;
		}
		if (r >= XLSX_MAX_ROWS)
			break;
		rc = next_page(x);
	}
	if (b.wb && workbook_close(b.wb) != LXW_NO_ERROR && !rc)
		rc = ERR_IO;
	if (rc)
		unlink(path);
	return rc;
}
