/* dedupe.c (api): GET /api/duplicates?entity=contacts|companies (pages of
 * likely duplicate groups), merging records into one and undoing a merge.
 * The rules live in src/crm/dedupe.c and src/crm/merge.c. */
#include <string.h>

#include "api/api.h"
#include "crm/dedupe.h"
#include "crm/entities.h"
#include "crm/merge.h"

static kt_err scan_op(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out)
{
	(void)arg;
	json_t *params = http_query(req);
	const char *name = json_string_value(json_object_get(params, "entity"));
	const struct entity *e = name ? entities_find(name) : NULL;
	kt_err rc = params ? ERR_OK : ERR_NOMEM;
	if (!rc && !dedupe_supported(e))
		rc = api_param_error(req, "entity", "must be contacts or companies");
	/* Rows written before the keys existed (or restored) get them first. */
	if (!rc)
		rc = dedupe_backfill(req->conn, e->name, NULL);
	if (!rc)
		rc = dedupe_scan(ctx, e, params, out);
	json_decref(params);
	return rc;
}

kt_err api_duplicates_get(struct http_req *req)
{
	return api_read(req, scan_op, NULL);
}

static kt_err merge_op(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out)
{
	return merge_records(ctx, arg, req->id, req->body, out);
}

kt_err api_merge_create(struct http_req *req)
{
	kt_err rc = api_need_body(req, "Send {\"ids\": [...]} with the records to merge into this one.");
	return rc ? rc : api_write(req, merge_op, (void *)entities_find(req->route->arg), 201);
}

kt_err api_merge_undo(struct http_req *req)
{
	return api_write_id(req, merge_undo, 200);
}

kt_err api_merge_get(struct http_req *req)
{
	return api_read_id(req, merge_get);
}
