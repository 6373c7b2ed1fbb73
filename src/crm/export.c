/* export.c: see export.h.  Pages come from record_list (LIM_EXPORT_PAGE
 * rows, following next_cursor), so an export sees exactly what the list
 * with the same parameters shows; each column knows its type, so XLSX
 * gets dates as dates, money as numbers, and CSV RFC 4180 text with the
 * formula guard on text cells only (csv_put_cell), so numbers stay numbers. */
#include "crm/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/buf.h"
#include "core/isotime.h"
#include "core/limits.h"
#include "core/table.h"
#include "core/tz.h"
#include "core/utf8.h"
#include "db/db.h"

enum ctype { C_TEXT, C_INT, C_NUMBER, C_MONEY, C_DATE, C_TIME, C_BOOL, C_JSON };

struct column {
	char name[80];          /* as in the header: a field or custom.<name> */
	bool custom;
	enum ctype type;
};

struct export {
	struct rec_ctx ctx;
	const struct entity *e;
	json_t *params;         /* the list's parameters for the next page */
	json_t *page;           /* items not written yet (the first page) */
	struct column cols[LIM_EXPORT_COLUMNS];
	int ncols;
	bool xlsx, own_conn, started, done;
	char sep;               /* CSV separator: ';' for Polish users, ',' for English, or ?sep= */
	char tz[65];
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
	default:
		return C_TEXT;
	}
}

static bool exportable(const struct field *f)
{
	return !(f->flags & (F_HIDDEN | F_VIRTUAL)) && f->type != FT_PASSWORD && f->type != FT_CUSTOM;
}

static const char *const STD[] = {"id", "version", "created_at", "updated_at", "created_by", "updated_by", NULL};

/* custom_type: the type of custom field name of e, or false. */
static kt_err custom_type(struct rec_ctx *ctx, const struct entity *e, const char *name, enum ctype *t, bool *found)
{
	*found = false;
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       "SELECT type FROM custom_fields WHERE entity = ? AND name = ? AND deleted_at IS NULL", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, e->name);
	db_bind_str(s, 2, name);
	rc = db_step(s);
	if (rc == ERR_ROW) {
		const char *ty = db_col_text(s, 0, NULL);
		*found = true;
		*t = strcmp(ty, "number") == 0 ? C_NUMBER : strcmp(ty, "currency") == 0 ? C_MONEY
		   : strcmp(ty, "date") == 0 ? C_DATE : C_TEXT;
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
	snprintf(c->name, sizeof c->name, "%s", n);
	c->custom = false;
	for (int i = 0; STD[i]; i++)
		if (strcmp(STD[i], n) == 0) {
			c->type = strcmp(n, "created_at") == 0 || strcmp(n, "updated_at") == 0 ? C_TIME : C_INT;
			x->ncols++;
			return ERR_OK;
		}
	const struct field *f = entity_field(x->e, n);
	if (f && exportable(f)) {
		c->type = type_of(f);
		x->ncols++;
		return ERR_OK;
	}
	if (x->e->custom && strncmp(n, "custom.", 7) == 0) {
		bool found;
		kt_err rc = custom_type(ctx, x->e, n + 7, &c->type, &found);
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
		if (exportable(&x->e->fields[i]))
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

/* next_page: the next page of items into x->page (empty at the end). */
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
	return ERR_OK;
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
	/* What a spreadsheet in the user's language splits on: Polish Excel's
	 * list separator is ';' (',' is its decimal comma). */
	x->sep = locale && strcmp(locale, "en") == 0 ? ',' : ';';
	buf_init(&x->out, (size_t)64 * 1024 * 1024);
	x->params = json_object();
	kt_err rc = x->params ? ERR_OK : ERR_NOMEM;
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
	rec_ctx_clear(&x->ctx);
	buf_clear(&x->out);
	if (x->own_conn)
		db_conn_release(x->ctx.conn);
	free(x);
}

static json_t *value_of(const struct column *c, json_t *item)
{
	if (c->custom)
		return json_object_get(json_object_get(item, "custom"), c->name + 7);
	return json_object_get(item, c->name);
}

/* ---- CSV ----------------------------------------------------------------- */

/* csv_value: the cell as CSV writes it (new ref): money in units with a
 * decimal point, JSON as its text, the rest as the API shows it. */
static json_t *csv_value(const struct column *c, json_t *v)
{
	if (!v || json_is_null(v))
		return json_null();
	if (c->type == C_MONEY && json_is_integer(v))
		return json_real((double)json_integer_value(v) / 100.0);
	if (c->type == C_JSON || json_is_object(v) || json_is_array(v)) {
		char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		json_t *s = t ? json_string(t) : json_null();
		free(t);
		return s;
	}
	return json_incref(v);
}

static kt_err csv_rows(struct export *x)
{
	kt_err rc = ERR_OK;
	json_t *row = json_array();
	if (!row)
		return ERR_NOMEM;
	if (!x->started) {
		x->started = true;
		for (int i = 0; i < x->ncols; i++)
			json_array_append_new(row, json_string(x->cols[i].name));
		rc = buf_puts(&x->out, "\xEF\xBB\xBF");
		if (!rc)
			rc = table_csv_row(&x->out, row, x->sep);
	}
	size_t i;
	json_t *item;
	json_array_foreach(x->page, i, item) {
		if (rc)
			break;
		json_array_clear(row);
		for (int c = 0; c < x->ncols; c++)
			json_array_append_new(row, csv_value(&x->cols[c], value_of(&x->cols[c], item)));
		rc = table_csv_row(&x->out, row, x->sep);
		x->rows++;
	}
	json_decref(row);
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
	struct tz *tz;
};

static lxw_datetime civil(int64_t days, int64_t secs)
{
	int y;
	unsigned m, d;
	isotime_civil_from_days(days, &y, &m, &d);
	return (lxw_datetime){y, (int)m, (int)d, (int)(secs / 3600), (int)(secs / 60 % 60), (double)(secs % 60)};
}

static void xlsx_cell(struct book *b, lxw_row_t r, lxw_col_t col, const struct column *c, json_t *v)
{
	if (!v || json_is_null(v))
		return;
	switch (c->type) {
	case C_DATE: {
		int32_t days;
		if (json_is_string(v) && isodate_parse(json_string_value(v), json_string_length(v), &days)) {
			lxw_datetime dt = civil(days, 0);
			worksheet_write_datetime(b->ws, r, col, &dt, b->date);
			return;
		}
		break;
	}
	case C_TIME: {
		int64_t t;
		if (json_is_string(v) && isotime_parse(json_string_value(v), json_string_length(v), &t)) {
			int64_t local = t + tz_offset(b->tz, t);
			int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
			lxw_datetime dt = civil(days, local - days * 86400);
			worksheet_write_datetime(b->ws, r, col, &dt, b->time);
			return;
		}
		break;
	}
	case C_MONEY:
		if (json_is_integer(v)) {
			worksheet_write_number(b->ws, r, col, (double)json_integer_value(v) / 100.0, b->money);
			return;
		}
		break;
	default:
		break;
	}
	if (json_is_integer(v))
		worksheet_write_number(b->ws, r, col, (double)json_integer_value(v), NULL);
	else if (json_is_real(v))
		worksheet_write_number(b->ws, r, col, json_real_value(v), NULL);
	else if (json_is_boolean(v))
		worksheet_write_boolean(b->ws, r, col, json_is_true(v), NULL);
	else if (json_is_string(v))
		worksheet_write_string(b->ws, r, col, json_string_value(v), NULL);
	else {
		char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		if (t)
			worksheet_write_string(b->ws, r, col, t, NULL);
		free(t);
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
	if (tz_load(x->tz, &b.tz) != ERR_OK && tz_load("UTC", &b.tz) != ERR_OK)
		return ERR_INTERNAL;
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
		format_set_num_format(b.money, "#,##0.00");
		worksheet_freeze_panes(b.ws, 1, 0);
		for (int c = 0; c < x->ncols; c++) {
			double w = x->cols[c].type == C_TIME ? 17 : x->cols[c].type == C_DATE ? 11 : 14;
			worksheet_set_column(b.ws, (lxw_col_t)c, (lxw_col_t)c, w, NULL);
			worksheet_write_string(b.ws, 0, (lxw_col_t)c, x->cols[c].name, b.bold);
		}
	}
	lxw_row_t r = 1;
	while (!rc && x->page && json_array_size(x->page)) {
		size_t i;
		json_t *item;
		json_array_foreach(x->page, i, item) {
			if (r >= XLSX_MAX_ROWS)
				break;
			for (int c = 0; c < x->ncols; c++)
				xlsx_cell(&b, r, (lxw_col_t)c, &x->cols[c], value_of(&x->cols[c], item));
			r++;
			x->rows++;
		}
		if (r >= XLSX_MAX_ROWS)
			break;
		rc = next_page(x);
	}
	if (b.wb && workbook_close(b.wb) != LXW_NO_ERROR && !rc)
		rc = ERR_IO;
	tz_free(b.tz);
	if (rc)
		unlink(path);
	return rc;
}
