/* records.c: the generic routes of every entity (list, create, get,
 * update, delete, restore, history), one set of handlers for all; the
 * route's arg is the entity.  Writes run in a write transaction, retried
 * when the database is busy. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "crm/dedupe.h"
#include "crm/merge.h"
#include "db/db.h"

struct op {
	const struct entity *e;
	int64_t version;
	enum { OP_CREATE, OP_UPDATE, OP_DELETE, OP_RESTORE } kind;
	bool check_dups;        /* ?check_duplicates=1 on a create */
};

/* With check_duplicates the record is written, then compared with the
 * others; likely duplicates roll the write back (409 with candidates). */
static kt_err create_checked(struct rec_ctx *ctx, struct http_req *req, const struct entity *e, json_t **out)
{
	json_t *cand = NULL;
	kt_err rc = record_create(ctx, e, req->body, out);
	if (!rc)
		rc = dedupe_candidates(ctx, e, *out, json_integer_value(json_object_get(*out, "id")), 0, false, &cand);
	if (!rc && json_array_size(cand)) {
		json_decref(req->err_extra);
		req->err_extra = json_pack("{s:O}", "candidates", cand);
		rc = ERR_POSSIBLE_DUPLICATE;
	}
	json_decref(cand);
	return rc;
}

static kt_err op_run(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out)
{
	struct op *op = arg;
	kt_err rc = ERR_INTERNAL;
	switch (op->kind) {
	case OP_CREATE:
		rc = op->check_dups ? create_checked(ctx, req, op->e, out) : record_create(ctx, op->e, req->body, out);
		break;
	case OP_UPDATE:
		rc = record_update(ctx, op->e, req->id, req->body, op->version, out);
		break;
	case OP_DELETE:
		return record_delete(ctx, op->e, req->id, op->version);
	case OP_RESTORE:
		rc = record_restore(ctx, op->e, req->id, out);
		break;
	}
	return rc ? rc : record_decorate(ctx, op->e, *out);
}

/* ?check_duplicates=1|0 of a create. */
static kt_err check_param(struct http_req *req, struct op *op)
{
	json_t *q = http_query(req);
	const char *check = json_string_value(json_object_get(q, "check_duplicates"));
	if (check && (strcmp(check, "1") == 0 || strcmp(check, "true") == 0))
		op->check_dups = true;
	else if (check && strcmp(check, "0") && strcmp(check, "false"))
		req->err_message = "check_duplicates must be 1 or 0.";
	json_decref(q);
	if (req->err_message)
		return ERR_BAD_QUERY;
	if (op->check_dups && !dedupe_supported(op->e)) {
		req->err_message = "check_duplicates works for contacts and companies only.";
		return ERR_BAD_QUERY;
	}
	return ERR_OK;
}

static kt_err run(struct http_req *req, int kind, int ok_status)
{
	struct op op = {.e = req->route->arg, .kind = kind, .version = api_if_match(req)};
	if (op.version < 0)
		return ERR_BAD_QUERY;
	kt_err rc = kind == OP_CREATE || kind == OP_UPDATE ? api_need_body(req, "Send the record as a JSON object.") : ERR_OK;
	if (!rc && kind == OP_CREATE)
		rc = check_param(req, &op);
	return rc ? rc : api_write(req, op_run, &op, ok_status);
}

kt_err api_records_create(struct http_req *req)
{
	return run(req, OP_CREATE, 201);
}

kt_err api_records_update(struct http_req *req)
{
	return run(req, OP_UPDATE, 200);
}

kt_err api_records_delete(struct http_req *req)
{
	return run(req, OP_DELETE, 204);
}

kt_err api_records_restore(struct http_req *req)
{
	return run(req, OP_RESTORE, 200);
}

kt_err api_records_get(struct http_req *req)
{
	struct rec_ctx ctx;
	api_ctx(req, &ctx);
	json_t *out = NULL;
	const struct entity *e = req->route->arg;
	kt_err rc = record_get(&ctx, e, req->id, false, &out);
	/* A record merged into another answers with where it lives now. */
	int64_t kept = 0;
	if (rc == ERR_NOT_FOUND && dedupe_supported(e) && merge_redirect(&ctx, e, req->id, &kept) == ERR_OK) {
		req->location = arena_printf(&req->arena, "/api/%s/%lld", e->name, (long long)kept);
		rec_ctx_clear(&ctx);
		return http_reply_json(req, 308, json_pack("{s:I}", "merged_into", (json_int_t)kept));
	}
	if (!rc)
		rc = record_decorate(&ctx, e, out);
	if (rc) {
		json_decref(out);
		return api_fail(req, &ctx, rc);
	}
	rec_ctx_clear(&ctx);
	return http_reply_json(req, 200, out);
}

static kt_err list_op(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out)
{
	(void)arg;
	json_t *params = http_query(req);
	kt_err rc = params ? record_list(ctx, req->route->arg, params, out) : ERR_NOMEM;
	json_decref(params);
	return rc;
}

static kt_err history_op(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out)
{
	(void)arg;
	json_t *params = http_query(req);
	kt_err rc = params ? record_history(ctx, req->route->arg, req->id, params, out) : ERR_NOMEM;
	json_decref(params);
	return rc;
}

kt_err api_records_list(struct http_req *req)
{
	return api_read(req, list_op, NULL);
}

kt_err api_records_history(struct http_req *req)
{
	return api_read(req, history_op, NULL);
}
