/* common.c: helpers every API handler uses: the engine context of a
 * request, running the handler's work in or out of a write transaction,
 * and turning engine errors into the reply. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/app.h"
#include "crm/entities.h"
#include "db/db.h"

void api_ctx(struct http_req *req, struct rec_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->conn = req->conn;
	ctx->user_id = req->auth.user_id;
	ctx->role = req->auth.role;
	ctx->department_id = req->auth.department_id;
	ctx->now = app_now(req->app);
	ctx->default_cc = "48";
	ctx->lookup = entities_find;
}

kt_err api_fail(struct http_req *req, struct rec_ctx *ctx, kt_err rc)
{
	if (ctx->errors && json_object_size(ctx->errors)) {
		json_decref(req->err_fields);
		req->err_fields = json_incref(ctx->errors);
	}
	if (ctx->message) {
		/* message_buf dies with ctx: the reply keeps a copy */
		const char *m = arena_strdup(&req->arena, ctx->message);
		if (m)
			req->err_message = m;
	}
	rec_ctx_clear(ctx);
	return rc;
}

kt_err api_me_json(struct http_req *req, json_t **out)
{
	struct rec_ctx ctx;
	api_ctx(req, &ctx);
	kt_err rc = record_get(&ctx, entities_find("users"), req->auth.user_id, false, out);
	rec_ctx_clear(&ctx);
	return rc;
}

/* One run of a handler's op: what api_read and api_write share. */
struct api_run {
	struct http_req *req;
	struct rec_ctx ctx;
	api_op op;
	void *arg;
	json_t *out;
};

static kt_err run_once(struct api_run *r)
{
	rec_ctx_clear(&r->ctx);
	r->ctx.message = NULL;
	json_decref(r->out);
	r->out = NULL;
	return r->op(&r->ctx, r->req, r->arg, &r->out);
}

static kt_err run_in_tx(struct db_conn *c, void *arg)
{
	(void)c; /* the same connection as the context's */
	return run_once(arg);
}

static kt_err reply(struct api_run *r, kt_err rc, int status)
{
	if (rc) {
		json_decref(r->out);
		return api_fail(r->req, &r->ctx, rc);
	}
	rec_ctx_clear(&r->ctx);
	return r->out ? http_reply_json(r->req, status, r->out) : http_reply_empty(r->req, 204);
}

kt_err api_read(struct http_req *req, api_op op, void *arg)
{
	struct api_run r = {.req = req, .op = op, .arg = arg};
	api_ctx(req, &r.ctx);
	return reply(&r, run_once(&r), 200);
}

kt_err api_write(struct http_req *req, api_op op, void *arg, int status)
{
	struct api_run r = {.req = req, .op = op, .arg = arg};
	api_ctx(req, &r.ctx);
	return reply(&r, db_tx_run(req->conn, true, run_in_tx, &r), status);
}

/* The adapters of the common shapes: arg holds the crm function. */
struct fn_box {
	api_id_fn id;
	api_query_fn query;
	api_body_fn body;
};

static kt_err id_op(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out)
{
	return ((struct fn_box *)arg)->id(ctx, req->id, out);
}

static kt_err query_op(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out)
{
	json_t *params = http_query(req);
	kt_err rc = params ? ((struct fn_box *)arg)->query(ctx, params, out) : ERR_NOMEM;
	json_decref(params);
	return rc;
}

static kt_err body_op(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out)
{
	return ((struct fn_box *)arg)->body(ctx, req->id, req->body, out);
}

kt_err api_read_id(struct http_req *req, api_id_fn fn)
{
	return api_read(req, id_op, &(struct fn_box){.id = fn});
}

kt_err api_write_id(struct http_req *req, api_id_fn fn, int status)
{
	return api_write(req, id_op, &(struct fn_box){.id = fn}, status);
}

kt_err api_read_query(struct http_req *req, api_query_fn fn)
{
	return api_read(req, query_op, &(struct fn_box){.query = fn});
}

kt_err api_write_body(struct http_req *req, api_body_fn fn, const char *message, int status)
{
	kt_err rc = api_need_body(req, message);
	return rc ? rc : api_write(req, body_op, &(struct fn_box){.body = fn}, status);
}

kt_err api_param_error(struct http_req *req, const char *field, const char *message)
{
	if (!req->err_fields)
		req->err_fields = json_object();
	if (req->err_fields && !json_object_get(req->err_fields, field))
		json_object_set_new(req->err_fields, field, json_string(message));
	return ERR_BAD_QUERY;
}

int64_t api_if_match(struct http_req *req)
{
	const char *h = http_header(req, "If-Match");
	if (!h)
		return 0;
	h += strncmp(h, "W/", 2) == 0 ? 2 : 0;
	h += *h == '"';
	char *end;
	long long v = strtoll(h, &end, 10);
	if (v > 0 && (!*end || strcmp(end, "\"") == 0))
		return v;
	req->err_message = "If-Match must hold the record's version, e.g. \"3\".";
	return -1;
}

kt_err api_need_body(struct http_req *req, const char *message)
{
	if (req->body)
		return ERR_OK;
	req->err_message = message;
	return ERR_BAD_JSON;
}
