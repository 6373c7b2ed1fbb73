/* departments.c: a department (branch) with live users cannot be deleted;
 * the refusal says how many users it has and names up to three of them,
 * so the admin knows whom to move. */
#include <stdio.h>

#include "core/buf.h"
#include "crm/rules.h"
#include "db/db.h"

#define NAMED_USERS 3 /* users named in the refusal */

static kt_err count_users(struct rec_ctx *ctx, int64_t id, int64_t *n)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       "SELECT COUNT(*) FROM users WHERE department_id = ? AND deleted_at IS NULL", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	rc = db_step(s);
	if (rc == ERR_ROW) {
		*n = db_col_int64(s, 0);
		rc = ERR_OK;
	}
	db_reset(s);
	return rc;
}

/* name_users: "Anna Nowak, Jan Kowalski, ..." (a user without a name by
 * login), oldest account first, at most NAMED_USERS of them. */
static kt_err name_users(struct rec_ctx *ctx, int64_t id, struct buf *out)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       "SELECT CASE WHEN name = '' THEN login ELSE name END FROM users"
			       " WHERE department_id = ? AND deleted_at IS NULL ORDER BY id LIMIT ?",
			       &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, NAMED_USERS);
	int i = 0;
	while ((rc = db_step(s)) == ERR_ROW) {
		const char *name = db_col_text(s, 0, NULL);
		rc = buf_printf(out, "%s%s", i++ ? ", " : "", name ? name : "");
		if (rc)
			break;
	}
	db_reset(s);
	return rc == ERR_DONE ? ERR_OK : rc;
}

kt_err departments_before_delete(struct rec_ctx *ctx, int64_t id, json_t *cur)
{
	(void)cur;
	int64_t n = 0;
	kt_err rc = count_users(ctx, id, &n);
	if (rc || n == 0)
		return rc;
	struct buf names;
	buf_init(&names, sizeof ctx->message_buf - 160); /* room for the words around */
	rc = name_users(ctx, id, &names);
	if (rc == ERR_TOO_LARGE)
		rc = ERR_OK; /* (cannot happen: names are capped) the names that fit */
	if (!rc) {
		char more[48] = "";
		if (n > NAMED_USERS)
			snprintf(more, sizeof more, " and %lld more", (long long)(n - NAMED_USERS));
		snprintf(ctx->message_buf, sizeof ctx->message_buf,
			 "The department has %lld user%s: %s%s. Move them to another department first.",
			 (long long)n, n == 1 ? "" : "s", buf_cstr(&names), more);
		ctx->message = ctx->message_buf;
		rc = ERR_IN_USE;
	}
	buf_clear(&names);
	return rc;
}
