/* transfer.c: GET /api/<entity>/export?format=csv|xlsx (the list as a
 * file as it shows it, in the caller's language and time zone, or ?raw=1;
 * streamed; CSV separated as the caller's locale expects, or ?sep=) and
 * POST /api/contacts/import, /api/companies/import (a
 * text/csv body, ?dry_run=1, ?map={...}, ?skip_duplicates=1).  Both run on
 * a worker (ROUTE_SLOW); a CSV export then streams from the server's
 * thread on this request's connection, which the export keeps until done. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "api/api.h"
#include "core/isotime.h"
#include "crm/entities.h"
#include "crm/export.h"
#include "crm/import.h"
#include "db/db.h"

kt_err api_transfer_export(struct http_req *req)
{
	const struct entity *e = req->route->arg;
	struct rec_ctx ctx;
	api_ctx(req, &ctx);
	json_t *params = http_query(req);
	struct export *x = NULL;
	kt_err rc = params ? export_open(&ctx, e, params, req->auth.time_zone, req->auth.locale, &x) : ERR_NOMEM;
	json_decref(params);
	if (rc)
		return api_fail(req, &ctx, rc);
	char day[21];
	isotime_format(ctx.now, day);
	day[10] = '\0';
	bool xlsx = export_is_xlsx(x);
	req->disposition = arena_printf(&req->arena, "attachment; filename=\"%s-%s.%s\"", e->name, day,
					xlsx ? "xlsx" : "csv");
	if (!xlsx) {
		/* The stream reads on after this handler: it takes the connection. */
		export_own_conn(x);
		req->conn = NULL;
		return http_reply_stream(req, 200, "text/csv; charset=utf-8", export_read, x, export_free);
	}
	const char *dir = getenv("TMPDIR");
	char path[4096];
	rc = export_xlsx(x, dir && *dir ? dir : "/tmp", path, sizeof path);
	export_free(x);
	if (rc)
		return api_fail(req, &ctx, rc);
	/* The reply holds the file open; its name can go at once. */
	rc = http_reply_file(req, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			     req->disposition);
	unlink(path);
	return rc;
}

struct import_op {
	struct rec_ctx ctx;
	const struct entity *e;
	const char *data;
	size_t len;
	struct import_opts o;
	json_t *report;
};

static kt_err import_tx(struct db_conn *c, void *arg)
{
	struct import_op *op = arg;
	rec_ctx_clear(&op->ctx);
	op->ctx.message = NULL;
	json_decref(op->report);
	op->report = NULL;
	return import_csv(&op->ctx, op->e, op->data, op->len, &op->o, &op->report);
}

static bool flag(json_t *q, const char *k, bool *out)
{
	const char *v = json_string_value(json_object_get(q, k));
	*out = false;
	if (!v)
		return true;
	if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
		return *out = true, true;
	return strcmp(v, "0") == 0 || strcmp(v, "false") == 0;
}

kt_err api_transfer_import(struct http_req *req)
{
	struct import_op op = {.e = entities_find(req->route->arg), .data = req->raw, .len = req->raw_len};
	api_ctx(req, &op.ctx);
	const char *ct = http_header(req, "Content-Type");
	if (!ct || (strncasecmp(ct, "text/csv", 8) && strncasecmp(ct, "text/plain", 10) &&
		    strncasecmp(ct, "application/csv", 15))) {
		req->err_message = "Send the file as text/csv.";
		return ERR_MEDIA_TYPE;
	}
	if (!req->raw_len) {
		req->err_message = "The body is empty: send the CSV file, its first line naming the columns.";
		return ERR_BAD_CSV;
	}
	json_t *q = http_query(req);
	kt_err rc = q ? ERR_OK : ERR_NOMEM;
	const char *k;
	json_t *v;
	json_object_foreach(q, k, v)
		if (strcmp(k, "dry_run") && strcmp(k, "map") && strcmp(k, "skip_duplicates"))
			rec_error(&op.ctx, k, "is not a parameter of an import (dry_run, map, skip_duplicates)");
	if (!flag(q, "dry_run", &op.o.dry_run))
		rec_error(&op.ctx, "dry_run", "must be 1 or 0");
	if (!flag(q, "skip_duplicates", &op.o.skip_duplicates))
		rec_error(&op.ctx, "skip_duplicates", "must be 1 or 0");
	const char *map = json_string_value(json_object_get(q, "map"));
	json_t *m = NULL;
	if (map) {
		m = json_loads(map, JSON_REJECT_DUPLICATES, NULL);
		if (!json_is_object(m))
			rec_error(&op.ctx, "map", "must be a JSON object of column header -> field name (or null)");
		op.o.map = m;
	}
	json_decref(q);
	if (!rc && op.ctx.errors)
		rc = ERR_BAD_QUERY;
	if (!rc)
		rc = db_tx_run(req->conn, !op.o.dry_run, import_tx, &op);
	json_decref(m);
	if (rc == ERR_BAD_CSV && op.o.err[0])
		req->err_message = arena_printf(&req->arena, "The CSV file can't be read: %s.", op.o.err);
	if (rc) {
		json_decref(op.report);
		return api_fail(req, &op.ctx, rc);
	}
	rec_ctx_clear(&op.ctx);
	return http_reply_json(req, 200, op.report);
}
