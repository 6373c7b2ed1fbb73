/* dedupe.c (api): GET /api/duplicates?entity=contacts|companies (pages of
 * likely duplicate groups), merging records into one and undoing a merge.
 * The rules live in src/crm/dedupe.c and src/crm/merge.c. */
#include <string.h>

#include "api/api.h"
#include "crm/dedupe.h"
#include "crm/entities.h"
#include "crm/merge.h"
#include "db/db.h"

kt_err api_duplicates_get(struct http_req *req)
{
	struct rec_ctx ctx;
	api_ctx(req, &ctx);
	json_t *params = http_query(req), *out = NULL;
	kt_err rc = params ? ERR_OK : ERR_NOMEM;
	const char *name = json_string_value(json_object_get(params, "entity"));
	const struct entity *e = name ? entities_find(name) : NULL;
	if (!rc && !dedupe_supported(e)) {
		rec_error(&ctx, "entity", "must be contacts or companies");
		rc = ERR_BAD_QUERY;
	}
	/* Rows written before the keys existed (or restored) get them first. */
	if (!rc)
		rc = dedupe_backfill(req->conn, e->name, NULL);
	if (!rc)
		rc = dedupe_scan(&ctx, e, params, &out);
	json_decref(params);
	if (rc)
		return api_fail(req, &ctx, rc);
	rec_ctx_clear(&ctx);
	return http_reply_json(req, 200, out);
}

struct merge_op {
	struct rec_ctx ctx;
	const struct entity *e;
	int64_t id;
	json_t *in, *out;
	bool undo;
};

static kt_err merge_tx(struct db_conn *c, void *arg)
{
	struct merge_op *o = arg;
	rec_ctx_clear(&o->ctx);
	o->ctx.message = NULL;
	json_decref(o->out);
	o->out = NULL;
	return o->undo ? merge_undo(&o->ctx, o->id, &o->out) : merge_records(&o->ctx, o->e, o->id, o->in, &o->out);
}

static kt_err run(struct http_req *req, bool undo)
{
	struct merge_op o = {.id = req->id, .in = req->body, .undo = undo};
	o.e = undo ? NULL : entities_find(req->route->arg);
	if (!undo && !req->body) {
		req->err_message = "Send {\"ids\": [...]} with the records to merge into this one.";
		return ERR_BAD_JSON;
	}
	api_ctx(req, &o.ctx);
	kt_err rc = db_tx_run(req->conn, true, merge_tx, &o);
	if (rc) {
		json_decref(o.out);
		return api_fail(req, &o.ctx, rc);
	}
	rec_ctx_clear(&o.ctx);
	return http_reply_json(req, undo ? 200 : 201, o.out);
}

kt_err api_merge_create(struct http_req *req)
{
	return run(req, false);
}

kt_err api_merge_undo(struct http_req *req)
{
	return run(req, true);
}

kt_err api_merge_get(struct http_req *req)
{
	struct rec_ctx ctx;
	api_ctx(req, &ctx);
	json_t *out = NULL;
	kt_err rc = merge_get(&ctx, req->id, &out);
	if (rc)
		return api_fail(req, &ctx, rc);
	return http_reply_json(req, 200, out);
}
