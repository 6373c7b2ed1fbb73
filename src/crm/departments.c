/* departments.c: a department (branch) with live users cannot be deleted. */
#include "crm/rules.h"
#include "db/db.h"

kt_err departments_before_delete(struct rec_ctx *ctx, int64_t id, json_t *cur)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       "SELECT 1 FROM users WHERE department_id = ? AND deleted_at IS NULL LIMIT 1", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	rc = db_step(s);
	db_reset(s);
	if (rc == ERR_ROW) {
		ctx->message = "Move this department's users to another department first.";
		return ERR_IN_USE;
	}
	return rc == ERR_DONE ? ERR_OK : rc;
}
