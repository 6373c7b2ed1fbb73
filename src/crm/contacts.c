/* contacts.c: the rules of a client record: a PESEL fills in or must agree
 * with the birth date; records get their creator as owner by default. */
#include <string.h>

#include "core/ident.h"
#include "crm/rules.h"

kt_err contacts_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors)
{
	json_t *pesel = json_object_get(values, "pesel");
	if (!json_is_string(pesel))
		return ERR_OK;
	char born[11];
	if (!ident_pesel_birth_date(json_string_value(pesel), born))
		return ERR_OK;
	json_t *bd = json_object_get(values, "birth_date");
	if (!bd && cur)
		bd = json_object_get(cur, "birth_date");
	if (!bd || json_is_null(bd))
		json_object_set_new(values, "birth_date", json_string(born));
	else if (strcmp(json_string_value(bd), born) != 0)
		rec_error(ctx, "birth_date", "does not match the birth date in the PESEL");
	return ERR_OK;
}

kt_err owned_before_write(struct rec_ctx *ctx, json_t *values, json_t *cur)
{
	if (!cur && !json_object_get(values, "owner_id") && ctx->user_id)
		json_object_set_new(values, "owner_id", json_integer(ctx->user_id));
	return ERR_OK;
}
