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
	struct rec_ctx ctx;
	const struct entity *e;
	int64_t id;
	int64_t version;
	json_t *in;
	json_t *out;
	enum { OP_CREATE, OP_UPDATE, OP_DELETE, OP_RESTORE } kind;
	bool check_dups;        /* ?check_duplicates=1 on a create */
	json_t *candidates;
};

static kt_err op_run(struct db_conn *c, void *arg)
{
	struct op *op = arg;
	rec_ctx_clear(&op->ctx);
	op->ctx.message = NULL;
	json_decref(op->out);
	op->out = NULL;
	switch (op->kind) {
	case OP_CREATE: {
		/* With check_duplicates the record is written, then compared
		 * with the others; likely duplicates roll the write back (409). */
		kt_err rc = record_create(&op->ctx, op->e, op->in, &op->out);
		json_decref(op->candidates);
		op->candidates = NULL;
		if (!rc && op->check_dups)
			rc = dedupe_candidates(&op->ctx, op->e, op->out, json_integer_value(json_object_get(op->out, "id")),
					       0, false, &op->candidates);
		if (!rc && json_array_size(op->candidates))
			rc = ERR_POSSIBLE_DUPLICATE;
		return rc;
	}
	case OP_UPDATE:
		return record_update(&op->ctx, op->e, op->id, op->in, op->version, &op->out);
	case OP_DELETE:
		return record_delete(&op->ctx, op->e, op->id, op->version);
	case OP_RESTORE:
		return record_restore(&op->ctx, op->e, op->id, &op->out);
	}
	return ERR_INTERNAL;
}

/* If-Match: "3" or W/"3" or 3 -> 3; 0 when absent; -1 when malformed. */
static int64_t if_match(struct http_req *req)
{
	const char *h = http_header(req, "If-Match");
	if (!h)
		return 0;
	if (strncmp(h, "W/", 2) == 0)
		h += 2;
	if (*h == '"')
		h++;
	char *end;
	long long v = strtoll(h, &end, 10);
	if (v <= 0 || (*end && strcmp(end, "\"") != 0))
		return -1;
	return v;
}

static kt_err run(struct http_req *req, int kind, int ok_status)
{
	struct op op = {.e = req->route->arg, .id = req->id, .in = req->body, .kind = kind};
	api_ctx(req, &op.ctx);
	op.version = if_match(req);
	if (op.version < 0) {
		req->err_message = "If-Match must hold the record's version, e.g. \"3\".";
		return ERR_BAD_QUERY;
	}
	if ((kind == OP_CREATE || kind == OP_UPDATE) && !req->body) {
		req->err_message = "Send the record as a JSON object.";
		return ERR_BAD_JSON;
	}
	if (kind == OP_CREATE) {
		json_t *q = http_query(req);
		const char *check = json_string_value(json_object_get(q, "check_duplicates"));
		if (check && (strcmp(check, "1") == 0 || strcmp(check, "true") == 0))
			op.check_dups = true;
		else if (check && strcmp(check, "0") && strcmp(check, "false"))
			req->err_message = "check_duplicates must be 1 or 0.";
		json_decref(q);
		if (req->err_message)
			return ERR_BAD_QUERY;
		if (op.check_dups && !dedupe_supported(op.e)) {
			req->err_message = "check_duplicates works for contacts and companies only.";
			return ERR_BAD_QUERY;
		}
	}
	kt_err rc = db_tx_run(req->conn, true, op_run, &op);
	if (rc == ERR_POSSIBLE_DUPLICATE)
		req->err_extra = json_pack("{s:O}", "candidates", op.candidates);
	json_decref(op.candidates);
	if (rc) {
		json_decref(op.out);
		return api_fail(req, &op.ctx, rc);
	}
	rec_ctx_clear(&op.ctx);
	if (!op.out)
		return http_reply_empty(req, 204);
	return http_reply_json(req, ok_status, op.out);
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
	if (rc)
		return api_fail(req, &ctx, rc);
	return http_reply_json(req, 200, out);
}

static kt_err read_list(struct http_req *req, bool history)
{
	struct rec_ctx ctx;
	api_ctx(req, &ctx);
	json_t *params = http_query(req);
	json_t *out = NULL;
	kt_err rc = params ? ERR_OK : ERR_NOMEM;
	if (!rc)
		rc = history ? record_history(&ctx, req->route->arg, req->id, params, &out)
			     : record_list(&ctx, req->route->arg, params, &out);
	json_decref(params);
	if (rc)
		return api_fail(req, &ctx, rc);
	return http_reply_json(req, 200, out);
}

kt_err api_records_list(struct http_req *req)
{
	return read_list(req, false);
}

kt_err api_records_history(struct http_req *req)
{
	return read_list(req, true);
}
