/* users.c: the rules of user accounts on top of the record engine: login
 * format, time zone, the password turned into a hash, that the office
 * always keeps one active admin, and that one's own account is one's own
 * (its e-mail shown to an agent).  Sessions and tokens are accounts.c. */
#include <ctype.h>
#include <string.h>

#include "core/tz.h"
#include "crm/password.h"
#include "crm/rules.h"
#include "db/db.h"

static bool login_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 64)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._@-", *s))
			return false;
	return true;
}

/* A zone is valid when tzdata has a sound zone file for it. */
static bool zone_ok(const char *z)
{
	struct tz *tz = NULL;
	bool ok = z && tz_load(z, &tz) == ERR_OK;
	tz_free(tz);
	return ok;
}

static kt_err other_active_admins(struct rec_ctx *ctx, int64_t id, int64_t *n)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn,
			       "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1"
			       " AND deleted_at IS NULL AND id <> ?", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	rc = db_step(s);
	*n = rc == ERR_ROW ? db_col_int64(s, 0) : 0;
	db_reset(s);
	return rc == ERR_ROW ? ERR_OK : rc;
}

kt_err users_validate(struct rec_ctx *ctx, json_t *values, json_t *cur, json_t *errors)
{
	json_t *login = json_object_get(values, "login");
	if (json_is_string(login) && !login_ok(json_string_value(login)))
		rec_error(ctx, "login", "must be 2 to 64 letters, digits or . _ @ -");
	/* A new password: the rules of password.h, against the login it will
	 * go with (the new one when both change). */
	json_t *pw = json_object_get(values, "password");
	if (json_is_string(pw)) {
		json_t *l = json_is_string(login) ? login : cur ? json_object_get(cur, "login") : NULL;
		const char *why = password_policy(json_string_value(pw), json_string_length(pw),
						  json_is_string(l) ? json_string_value(l) : NULL);
		if (why)
			rec_error(ctx, "password", why);
	}
	json_t *tz = json_object_get(values, "time_zone");
	if (tz && !json_is_null(tz) && !zone_ok(json_string_value(tz)))
		rec_error(ctx, "time_zone", "is not a known time zone (e.g. Europe/Warsaw)");
	if (tz && json_is_null(tz))
		rec_error(ctx, "time_zone", "must not be null");
	if (!cur || strcmp(json_string_value(json_object_get(cur, "role")), "admin") != 0)
		return ERR_OK;
	json_t *role = json_object_get(values, "role");
	json_t *active = json_object_get(values, "active");
	bool demoted = role && strcmp(json_string_value(role), "admin") != 0;
	if (demoted || json_is_false(active)) {
		int64_t n = 0;
		kt_err rc = other_active_admins(ctx, json_integer_value(json_object_get(cur, "id")), &n);
		if (rc)
			return rc;
		if (n == 0)
			rec_error(ctx, demoted ? "role" : "active",
				  "the office must keep at least one active admin");
	}
	return ERR_OK;
}

kt_err users_before_write(struct rec_ctx *ctx, json_t *values, json_t *cur)
{
	json_t *pw = json_object_get(values, "password");
	if (!pw)
		return ERR_OK;
	char hash[PASSWORD_HASH_MAX];
	const char *h = NULL;
	if (ctx->pw_plain && ctx->pw_hash && strcmp(ctx->pw_plain, json_string_value(pw)) == 0) {
		h = ctx->pw_hash;
	} else {
		kt_err rc = password_hash(json_string_value(pw), json_string_length(pw), hash);
		if (rc)
			return rc;
		h = hash;
	}
	json_object_set_new(values, "password_hash", json_string(h));
	json_object_del(values, "password");
	if (cur) {
		json_object_set_new(values, "password", json_string("(changed)"));
		/* after_write ends the user's sessions: a reset locks out whoever knew the old one. */
		json_decref(ctx->stash);
		ctx->stash = json_true();
	}
	return ERR_OK;
}

static kt_err drop_sessions(struct rec_ctx *ctx, int64_t id)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn, "DELETE FROM sessions WHERE user_id = ?", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, id);
	rc = db_exec_stmt(s);
	if (rc)
		return rc;
	rc = db_prepare(ctx->conn, "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, ctx->now);
	db_bind_int64(s, 2, id);
	return db_exec_stmt(s);
}

kt_err users_after_write(struct rec_ctx *ctx, int64_t id, json_t *rec, json_t *cur)
{
	bool reset = json_is_true(ctx->stash) && id != ctx->user_id;
	json_decref(ctx->stash);
	ctx->stash = NULL;
	if (cur && ((json_is_true(json_object_get(cur, "active")) && json_is_false(json_object_get(rec, "active"))) || reset))
		return drop_sessions(ctx, id);
	return ERR_OK;
}

kt_err users_before_delete(struct rec_ctx *ctx, int64_t id, json_t *cur)
{
	if (id == ctx->user_id) {
		ctx->message = "You cannot delete your own account.";
		return ERR_FORBIDDEN;
	}
	if (strcmp(json_string_value(json_object_get(cur, "role")), "admin") == 0) {
		int64_t n = 0;
		kt_err rc = other_active_admins(ctx, id, &n);
		if (rc)
			return rc;
		if (n == 0) {
			ctx->message = "The office must keep at least one active admin.";
			return ERR_IN_USE;
		}
	}
	return drop_sessions(ctx, id);
}

bool users_own(struct rec_ctx *ctx, json_t *rec)
{
	json_t *id = json_object_get(rec, "id");
	return ctx->user_id && json_is_integer(id) && json_integer_value(id) == ctx->user_id;
}
