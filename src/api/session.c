/* session.c: log-in (POST /api/session), log-out (DELETE /api/session),
 * the caller (GET/PATCH /api/me) and changing one's own password (POST
 * /api/me/password).  Log-in and the password change are slow routes:
 * they run on a worker because an argon2id hash takes ~60 ms. */
#include <string.h>

#include "api/api.h"
#include "core/limits.h"
#include "core/utf8.h"
#include "crm/entities.h"
#include "crm/password.h"

/* Reads a required string member of the body into *out. */
static bool body_string(struct http_req *req, const char *key, size_t max, const char **out)
{
	json_t *v = json_object_get(req->body, key);
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max ||
	    !utf8_valid(json_string_value(v), json_string_length(v)))
		return false;
	*out = json_string_value(v);
	return true;
}

static kt_err only_keys(struct http_req *req, const char *const *keys)
{
	const char *k;
	json_t *v;
	json_object_foreach(req->body, k, v) {
		bool ok = false;
		for (int i = 0; keys[i] && !ok; i++)
			ok = strcmp(keys[i], k) == 0;
		if (!ok) {
			if (!req->err_fields)
				req->err_fields = json_object();
			json_object_set_new(req->err_fields, k, json_string("is not accepted here"));
		}
	}
	return req->err_fields ? ERR_INVALID : ERR_OK;
}

kt_err api_session_create(struct http_req *req)
{
	static const char *const keys[] = {"login", "password", NULL};
	if (!req->body) {
		req->err_message = "Send {\"login\": ..., \"password\": ...}.";
		return ERR_BAD_JSON;
	}
	kt_err rc = only_keys(req, keys);
	if (rc)
		return rc;
	const char *login = NULL, *password = NULL;
	if (!body_string(req, "login", 64, &login) || !body_string(req, "password", 256, &password)) {
		req->err_message = "Give a login and a password.";
		return ERR_INVALID;
	}
	if (req->auth.user_id)
		accounts_logout(req->conn, req->auth.session_hash);
	char secret[ACCOUNTS_SECRET_LEN];
	struct auth a;
	rc = accounts_login(req->app, req->conn, login, password, req->addr, secret, &a, &req->retry_after);
	if (rc == ERR_UNAUTHORIZED)
		req->err_message = "Wrong login or password.";
	if (rc)
		return rc;
	req->auth = a;
	http_set_session_cookie(req, secret);
	json_t *user = NULL;
	rc = api_me_json(req, &user);
	if (rc)
		return rc;
	return http_reply_json(req, 200, json_pack("{soss}", "user", user, "csrf_token", a.csrf));
}

kt_err api_session_delete(struct http_req *req)
{
	if (req->auth.via_cookie) {
		kt_err rc = accounts_logout(req->conn, req->auth.session_hash);
		if (rc)
			return rc;
	}
	http_set_session_cookie(req, NULL);
	return http_reply_empty(req, 204);
}

kt_err api_me_get(struct http_req *req)
{
	json_t *user = NULL;
	kt_err rc = api_me_json(req, &user);
	if (rc)
		return rc;
	if (req->auth.via_cookie)
		json_object_set_new(user, "csrf_token", json_string(req->auth.csrf));
	return http_reply_json(req, 200, user);
}

static kt_err me_patch_op(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out)
{
	(void)arg;
	return record_update(ctx, entities_find("users"), ctx->user_id, req->body, 0, out);
}

kt_err api_me_update(struct http_req *req)
{
	static const char *const keys[] = {"name", "email", "time_zone", "locale", "version", NULL};
	kt_err rc = api_need_body(req, "Send the changes as a JSON object.");
	if (!rc)
		rc = only_keys(req, keys);
	return rc ? rc : api_write(req, me_patch_op, NULL, 200);
}

kt_err api_session_need_password_login(struct http_req *req)
{
	if (req->auth.via_cookie)
		return ERR_OK;
	req->err_message = "An API token cannot do this: log in with your password (a session) to manage API tokens"
			   " or change your password.";
	return ERR_FORBIDDEN;
}

static void field_error(struct http_req *req, const char *field, const char *message)
{
	if (!req->err_fields)
		req->err_fields = json_object();
	if (!json_object_get(req->err_fields, field))
		json_object_set_new(req->err_fields, field, json_string(message));
}

static kt_err me_password_op(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out)
{
	const char *pw = arg;
	const struct entity *users = entities_find("users");
	json_t *cur = NULL;
	kt_err rc = record_get(ctx, users, ctx->user_id, false, &cur);
	if (rc)
		return rc;
	json_int_t version = json_integer_value(json_object_get(cur, "version"));
	json_decref(cur);
	json_t *patch = json_pack("{ss}", "password", pw);
	if (!patch)
		return ERR_NOMEM;
	json_t *rec = NULL;
	rc = record_update(ctx, users, ctx->user_id, patch, version, &rec);
	json_decref(patch);
	json_decref(rec);
	if (!rc)
		rc = accounts_end_other_sessions(ctx->conn, ctx->user_id, req->auth.session_hash, ctx->now);
	*out = NULL;
	return rc;
}

kt_err api_me_password(struct http_req *req)
{
	static const char *const keys[] = {"current_password", "new_password", NULL};
	kt_err rc = api_session_need_password_login(req);
	if (!rc)
		rc = api_need_body(req, "Send {\"current_password\": ..., \"new_password\": ...}.");
	if (!rc)
		rc = only_keys(req, keys);
	if (rc)
		return rc;
	const char *cur = NULL;
	if (!body_string(req, "current_password", LIM_PASSWORD_MAX, &cur))
		field_error(req, "current_password", "is required");
	json_t *nv = json_object_get(req->body, "new_password");
	if (!json_is_string(nv) || !utf8_valid(json_string_value(nv), json_string_length(nv))) {
		field_error(req, "new_password", "is required");
	} else {
		const char *why = password_policy(json_string_value(nv), json_string_length(nv), req->auth.login);
		if (why)
			field_error(req, "new_password", why);
	}
	if (req->err_fields)
		return ERR_INVALID;
	/* Counted and throttled like a log-in: a stolen session must not be
	 * a way to guess the password. */
	rc = accounts_check_password(req->app, req->conn, &req->auth, cur, req->addr, &req->retry_after);
	if (rc == ERR_UNAUTHORIZED) {
		field_error(req, "current_password", "is not your current password");
		return ERR_INVALID;
	}
	if (rc)
		return rc;
	rc = api_write(req, me_password_op, (void *)json_string_value(nv), 204);
	if (rc == ERR_INVALID && req->err_fields && json_object_get(req->err_fields, "password")) {
		json_object_set(req->err_fields, "new_password", json_object_get(req->err_fields, "password"));
		json_object_del(req->err_fields, "password");
	}
	return rc;
}
