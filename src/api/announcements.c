/* announcements.c: the routes of announcements beyond the generic ones
 * (list, create, read, update, delete, restore, history): the caller's
 * pending ones, ack, later, the read receipts and showing one again.  Rules are
 * src/crm/announcements.c's. */
#include "api/api.h"
#include "crm/announcements.h"

static kt_err pending_op(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out)
{
	(void)req, (void)arg;
	return announcements_pending(ctx, out);
}

kt_err api_announcements_pending(struct http_req *req)
{
	return api_read(req, pending_op, NULL);
}

kt_err api_announcements_ack(struct http_req *req)
{
	return api_write_id(req, announcements_ack, 200);
}

kt_err api_announcements_later(struct http_req *req)
{
	return api_write_id(req, announcements_later, 200);
}

kt_err api_announcements_reannounce(struct http_req *req)
{
	return api_write_id(req, announcements_reannounce, 200);
}

kt_err api_announcements_receipts(struct http_req *req)
{
	return api_read_id(req, announcements_receipts);
}
