/* bulkmail.c (api): POST /api/bulk_emails (queue one e-mail to chosen or
 * filtered clients), GET /api/bulk_emails (mine; an admin's: all) and
 * GET /api/bulk_emails/{id} (counts and each recipient's status).  The
 * rules live in src/crm/bulkmail.c. */
#include "api/api.h"
#include "crm/bulkmail.h"
#include "db/db.h"

struct op {
	struct rec_ctx ctx;
	json_t *in, *out;
};

static kt_err create_tx(struct db_conn *c, void *arg)
{
	struct op *o = arg;
	rec_ctx_clear(&o->ctx);
	o->ctx.message = NULL;
	json_decref(o->out);
	o->out = NULL;
	return bulkmail_create(&o->ctx, o->in, &o->out);
}

kt_err api_bulkmail_create(struct http_req *req)
{
	if (!req->body) {
		req->err_message = "Send {\"subject\", \"body\", \"contact_ids\" or \"filter\"}.";
		return ERR_BAD_JSON;
	}
	struct op o = {.in = req->body};
	api_ctx(req, &o.ctx);
	kt_err rc = db_tx_run(req->conn, true, create_tx, &o);
	if (rc) {
		json_decref(o.out);
		return api_fail(req, &o.ctx, rc);
	}
	rec_ctx_clear(&o.ctx);
	return http_reply_json(req, 201, o.out);
}

static kt_err read_bulk(struct http_req *req, bool one)
{
	struct rec_ctx ctx;
	api_ctx(req, &ctx);
	json_t *q = http_query(req), *out = NULL;
	kt_err rc = !q ? ERR_NOMEM : one ? bulkmail_get(&ctx, req->id, q, &out) : bulkmail_list(&ctx, q, &out);
	json_decref(q);
	if (rc)
		return api_fail(req, &ctx, rc);
	return http_reply_json(req, 200, out);
}

kt_err api_bulkmail_get(struct http_req *req)
{
	return read_bulk(req, true);
}

kt_err api_bulkmail_list(struct http_req *req)
{
	return read_bulk(req, false);
}
