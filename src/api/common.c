/* common.c: helpers every API handler uses: the engine context of a
 * request and turning engine errors into the reply. */
#include <string.h>

#include "api/api.h"
#include "core/app.h"
#include "crm/entities.h"

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
	if (ctx->message)
		req->err_message = ctx->message;
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
