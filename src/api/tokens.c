/* tokens.c: API tokens of the caller: create (the secret is shown once),
 * list, revoke.  Only a password session manages tokens: a token cannot
 * make, list or revoke tokens.  Checking a token is in crm/accounts.c. */
#include <string.h>

#include "api/api.h"
#include "core/isotime.h"
#include "core/utf8.h"
#include "core/app.h"
#include "db/db.h"

kt_err api_tokens_create(struct http_req *req)
{
	kt_err rc = api_session_need_password_login(req);
	if (rc)
		return rc;
	json_t *name = req->body ? json_object_get(req->body, "name") : NULL;
	if (!req->body || json_object_size(req->body) != 1 || !json_is_string(name) ||
	    json_string_length(name) == 0 || !utf8_valid(json_string_value(name), json_string_length(name)) ||
	    utf8_count(json_string_value(name), json_string_length(name)) > 100) {
		req->err_fields = json_pack("{ss}", "name", "is required: 1 to 100 characters, and nothing else");
		return ERR_INVALID;
	}
	char secret[ACCOUNTS_SECRET_LEN];
	int64_t id = 0;
	rc = accounts_token_create(req->conn, req->auth.user_id, json_string_value(name),
					  app_now(req->app), secret, &id);
	if (rc)
		return rc;
	return http_reply_json(req, 201, json_pack("{sIsOss}", "id", (json_int_t)id, "name", name, "token", secret));
}

static json_t *time_or_null(struct db_stmt *s, int col)
{
	if (db_col_is_null(s, col))
		return json_null();
	char t[21];
	isotime_format(db_col_int64(s, col), t);
	return json_string(t);
}

kt_err api_tokens_list(struct http_req *req)
{
	kt_err rc = api_session_need_password_login(req);
	if (rc)
		return rc;
	struct db_stmt *s;
	rc = db_prepare(req->conn,
			       "SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens"
			       " WHERE user_id = ? ORDER BY id DESC LIMIT 500", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, req->auth.user_id);
	json_t *items = json_array();
	while ((rc = db_step(s)) == ERR_ROW)
		json_array_append_new(items, json_pack("{sIsssososo}", "id", (json_int_t)db_col_int64(s, 0),
						       "name", db_col_text(s, 1, NULL), "created_at", time_or_null(s, 2),
						       "last_used_at", time_or_null(s, 3), "revoked_at", time_or_null(s, 4)));
	db_reset(s);
	if (rc != ERR_DONE) {
		json_decref(items);
		return rc;
	}
	return http_reply_json(req, 200, json_pack("{sosn}", "items", items, "next_cursor"));
}

kt_err api_tokens_delete(struct http_req *req)
{
	kt_err rc = api_session_need_password_login(req);
	if (rc)
		return rc;
	rc = accounts_token_revoke(req->conn, req->auth.user_id, req->auth.role == ROLE_ADMIN,
					  req->id, app_now(req->app));
	if (rc)
		return rc;
	return http_reply_empty(req, 204);
}
