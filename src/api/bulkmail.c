/* bulkmail.c (api): POST /api/bulk_emails (queue one e-mail to chosen or
 * filtered clients), GET /api/bulk_emails (mine; an admin's: all) and
 * GET /api/bulk_emails/{id} (counts and each recipient's status).  The
 * rules live in src/crm/bulkmail.c. */
#include "api/api.h"
#include "crm/bulkmail.h"

static kt_err create_op(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out)
{
	(void)arg;
	return bulkmail_create(ctx, req->body, out);
}

kt_err api_bulkmail_create(struct http_req *req)
{
	kt_err rc = api_need_body(req, "Send {\"subject\", \"body\", \"contact_ids\" or \"filter\"}.");
	return rc ? rc : api_write(req, create_op, NULL, 201);
}

static kt_err get_op(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out)
{
	(void)arg;
	json_t *q = http_query(req);
	kt_err rc = q ? bulkmail_get(ctx, req->id, q, out) : ERR_NOMEM;
	json_decref(q);
	return rc;
}

kt_err api_bulkmail_get(struct http_req *req)
{
	return api_read(req, get_op, NULL);
}

kt_err api_bulkmail_list(struct http_req *req)
{
	return api_read_query(req, bulkmail_list);
}
