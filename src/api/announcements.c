/* announcements.c: the routes of announcements beyond the generic list,
 * delete and history: create, read, update and restore (whose replies
 * carry body_html, like lists), the caller's pending ones, ack, later and
 * the read receipts.  Rules are src/crm/announcements.c's. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "crm/announcements.h"
#include "crm/entities.h"
#include "crm/rules.h"
#include "db/db.h"

enum { OP_CREATE, OP_UPDATE, OP_RESTORE, OP_ACK, OP_LATER };

struct op {
	struct rec_ctx ctx;
	int64_t id, version;
	json_t *in, *out;
	int kind;
};

/* If-Match: "3", W/"3" or 3 -> 3; 0 when absent; -1 when malformed. */
static int64_t if_match(struct http_req *req)
{
	const char *h = http_header(req, "If-Match");
	if (!h)
		return 0;
	h += strncmp(h, "W/", 2) == 0 ? 2 : 0;
	h += *h == '"';
	char *end;
	long long v = strtoll(h, &end, 10);
	return v <= 0 || (*end && strcmp(end, "\"") != 0) ? -1 : v;
}

static kt_err op_tx(struct db_conn *c, void *arg)
{
	struct op *o = arg;
	const struct entity *e = entities_find("announcements");
	rec_ctx_clear(&o->ctx);
	o->ctx.message = NULL;
	json_decref(o->out);
	o->out = NULL;
	kt_err rc;
	switch (o->kind) {
	case OP_CREATE:
		rc = record_create(&o->ctx, e, o->in, &o->out);
		break;
	case OP_UPDATE:
		rc = record_update(&o->ctx, e, o->id, o->in, o->version, &o->out);
		break;
	case OP_RESTORE:
		rc = record_restore(&o->ctx, e, o->id, &o->out);
		break;
	case OP_ACK:
		return announcements_ack(&o->ctx, o->id, &o->out);
	default:
		return announcements_later(&o->ctx, o->id, &o->out);
	}
	json_t *one = rc ? NULL : json_pack("[O]", o->out);
	if (!rc)
		rc = one ? announcements_decorate(&o->ctx, one) : ERR_NOMEM;
	json_decref(one);
	return rc;
}

static kt_err run(struct http_req *req, int kind, int status)
{
	if ((kind == OP_CREATE || kind == OP_UPDATE) && !req->body) {
		req->err_message = "Send the announcement as a JSON object.";
		return ERR_BAD_JSON;
	}
	struct op o = {.id = req->id, .in = req->body, .kind = kind, .version = if_match(req)};
	if (o.version < 0) {
		req->err_message = "If-Match must hold the record's version, e.g. \"3\".";
		return ERR_BAD_QUERY;
	}
	api_ctx(req, &o.ctx);
	kt_err rc = db_tx_run(req->conn, true, op_tx, &o);
	if (rc) {
		json_decref(o.out);
		return api_fail(req, &o.ctx, rc);
	}
	rec_ctx_clear(&o.ctx);
	return http_reply_json(req, status, o.out);
}

kt_err api_announcements_create(struct http_req *req)
{
	return run(req, OP_CREATE, 201);
}

kt_err api_announcements_update(struct http_req *req)
{
	return run(req, OP_UPDATE, 200);
}

kt_err api_announcements_restore(struct http_req *req)
{
	return run(req, OP_RESTORE, 200);
}

kt_err api_announcements_ack(struct http_req *req)
{
	return run(req, OP_ACK, 200);
}

kt_err api_announcements_later(struct http_req *req)
{
	return run(req, OP_LATER, 200);
}

kt_err api_announcements_get(struct http_req *req)
{
	struct rec_ctx ctx;
	api_ctx(req, &ctx);
	json_t *out = NULL, *one = NULL;
	kt_err rc = record_get(&ctx, entities_find("announcements"), req->id, false, &out);
	if (!rc)
		rc = (one = json_pack("[O]", out)) ? announcements_decorate(&ctx, one) : ERR_NOMEM;
	json_decref(one);
	if (rc) {
		json_decref(out);
		return api_fail(req, &ctx, rc);
	}
	rec_ctx_clear(&ctx);
	return http_reply_json(req, 200, out);
}

kt_err api_announcements_pending(struct http_req *req)
{
	struct rec_ctx ctx;
	api_ctx(req, &ctx);
	json_t *out = NULL;
	kt_err rc = announcements_pending(&ctx, &out);
	if (rc)
		return api_fail(req, &ctx, rc);
	rec_ctx_clear(&ctx);
	return http_reply_json(req, 200, out);
}

kt_err api_announcements_receipts(struct http_req *req)
{
	struct rec_ctx ctx;
	api_ctx(req, &ctx);
	json_t *out = NULL;
	kt_err rc = announcements_receipts(&ctx, req->id, &out);
	if (rc)
		return api_fail(req, &ctx, rc);
	rec_ctx_clear(&ctx);
	return http_reply_json(req, 200, out);
}
