/* session.c: log-in (POST /api/session), log-out (DELETE /api/session)
 * and the caller (GET/PATCH /api/me).  Log-in is a slow route: it runs
 * on a worker because checking an argon2id hash takes ~60 ms. */
#include <string.h>

#include "api/api.h"
#include "core/utf8.h"
#include "crm/entities.h"

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
	rc = accounts_login(req->app, req->conn, login, password, req->addr, secret, &a);
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
