/* kb.c: the knowledge base's list route, ranked when it searches (q=);
 * the other routes of kb_articles are the generic ones.  Rules are
 * src/crm/kb.c's. */
#include "api/api.h"
#include "crm/kb.h"

kt_err api_kb_list(struct http_req *req)
{
	return api_read_query(req, kb_list);
}
