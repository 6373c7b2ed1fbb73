/* health.c: GET /healthz, public, answers without touching the database
 * so a load balancer's probe costs nothing. */
#include "api/api.h"

kt_err api_health_get(struct http_req *req)
{
	return http_reply_json(req, 200, json_pack("{ss}", "status", "ok"));
}
