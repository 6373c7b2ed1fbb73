/* rights.c: what a caller may do to one record beyond its entity's write
 * role.  Whom they may make responsible for it: an agent hands a record
 * (activity, inquiry, client, company) only to someone of their own
 * department or to themselves; managers and admins to anyone.  And the
 * records only their author and admins may change, delete or restore
 * (announcements, knowledge-base articles).  Who sees what is scope.c. */
#include <string.h>

#include "crm/rules.h"

/* user_department: the department of user (0: none, or no such user),
 * read through the engine like any record. */
static kt_err user_department(struct rec_ctx *ctx, int64_t user, int64_t *dep)
{
	json_t *u = NULL;
	kt_err rc = record_get(ctx, ctx->lookup("users"), user, true, &u);
	json_t *d = json_object_get(u, "department_id");
	*dep = json_is_integer(d) ? json_integer_value(d) : 0;
	json_decref(u);
	return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

kt_err rights_person(struct rec_ctx *ctx, json_t *values, json_t *cur, const char *person, const char *refusal)
{
	json_t *who = json_object_get(values, person);
	if (!json_is_integer(who) || ctx->role != ROLE_AGENT || json_integer_value(who) == ctx->user_id)
		return ERR_OK;
	/* Only a new person is checked: an agent may edit a record of another
	 * department's person and send that person back as read. */
	json_t *was = cur ? json_object_get(cur, person) : NULL;
	if (was && json_equal(who, was))
		return ERR_OK;
	int64_t dep = 0;
	kt_err rc = user_department(ctx, json_integer_value(who), &dep);
	if (rc)
		return rc;
	if (!ctx->department_id || dep != ctx->department_id)
		rec_error(ctx, person, refusal);
	return ERR_OK;
}

kt_err rights_owner(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors)
{
	(void)errors;
	return rights_person(ctx, values, cur, "owner_id", "agents can choose an owner only from their own department");
}

bool rights_is_author(struct rec_ctx *ctx, json_t *rec)
{
	json_t *by = json_object_get(rec, "created_by");
	return ctx->user_id && json_is_integer(by) && json_integer_value(by) == ctx->user_id;
}

kt_err rights_author_only(struct rec_ctx *ctx, json_t *cur, const char *refusal)
{
	if (ctx->user_id && ctx->role != ROLE_ADMIN && !rights_is_author(ctx, cur)) {
		ctx->message = refusal;
		return ERR_FORBIDDEN;
	}
	return ERR_OK;
}
