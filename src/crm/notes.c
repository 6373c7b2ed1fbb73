/* notes.c: a note belongs to at most one client, company, inquiry or deal
 * (or to none: an internal note); its author is created_by. */
#include "crm/rules.h"

kt_err notes_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors)
{
	static const char *const links[] = {"contact_id", "company_id", "inquiry_id", "deal_id", NULL};
	int n = 0;
	for (int i = 0; links[i]; i++) {
		json_t *v = json_object_get(values, links[i]);
		if (!v && cur)
			v = json_object_get(cur, links[i]);
		if (v && !json_is_null(v))
			n++;
	}
	if (n > 1)
		return rec_error(ctx, "contact_id", "a note belongs to one client, company, inquiry or deal");
	return ERR_OK;
}
