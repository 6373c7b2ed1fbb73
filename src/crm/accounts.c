/* accounts.c: see accounts.h. */
#include "crm/accounts.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/b64.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/app.h"
#include "crm/password.h"
#include "db/db.h"

enum role accounts_role_parse(const char *s)
{
	if (!s)
		return ROLE_NONE;
	if (strcmp(s, "admin") == 0)
		return ROLE_ADMIN;
	if (strcmp(s, "manager") == 0)
		return ROLE_MANAGER;
	if (strcmp(s, "agent") == 0)
		return ROLE_AGENT;
	return ROLE_NONE;
}

const char *accounts_role_name(enum role r)
{
	switch (r) {
	case ROLE_ADMIN:
		return "admin";
	case ROLE_MANAGER:
		return "manager";
	case ROLE_AGENT:
		return "agent";
	default:
		return "none";
	}
}

static void sha256_hex(const char *s, char out[ACCOUNTS_HASH_LEN])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(out, ACCOUNTS_HASH_LEN, h, sizeof h);
}

static void new_secret(const char *prefix, char out[ACCOUNTS_SECRET_LEN])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	size_t p = strlen(prefix);
	memcpy(out, prefix, p);
	b64url_encode(raw, sizeof raw, out + p, ACCOUNTS_SECRET_LEN - p);
}

static void copy_text(struct db_stmt *s, int col, char *out, size_t cap)
{
	const char *t = db_col_text(s, col, NULL);
	snprintf(out, cap, "%s", t ? t : "");
}

/* Columns u.id, u.role, u.department_id, u.login, u.time_zone, u.locale. */
#define USER_COLS "u.id, u.role, u.department_id, u.login, u.time_zone, u.locale"

static void read_user(struct db_stmt *s, struct auth *a)
{
	a->user_id = db_col_int64(s, 0);
	a->role = accounts_role_parse(db_col_text(s, 1, NULL));
	a->department_id = db_col_is_null(s, 2) ? 0 : db_col_int64(s, 2);
	copy_text(s, 3, a->login, sizeof a->login);
	copy_text(s, 4, a->time_zone, sizeof a->time_zone);
	copy_text(s, 5, a->locale, sizeof a->locale);
}

kt_err accounts_session_check(struct db_conn *c, const char *token, int64_t now, struct auth *out)
{
	memset(out, 0, sizeof *out);
	if (!token || strlen(token) > 64)
		return ERR_UNAUTHORIZED;
	char hash[ACCOUNTS_HASH_LEN];
	sha256_hex(token, hash);
	struct db_stmt *s;
	kt_err rc = db_prepare(c,
			       "SELECT " USER_COLS ", s.csrf, s.created_at, s.last_seen_at FROM sessions s"
			       " JOIN users u ON u.id = s.user_id"
			       " WHERE s.id_hash = ? AND u.active = 1 AND u.deleted_at IS NULL", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, hash);
	rc = db_step(s);
	int64_t created = 0, seen = 0;
	if (rc == ERR_ROW) {
		read_user(s, out);
		copy_text(s, 6, out->csrf, sizeof out->csrf);
		created = db_col_int64(s, 7);
		seen = db_col_int64(s, 8);
	}
	db_reset(s);
	if (rc == ERR_DONE)
		return ERR_UNAUTHORIZED;
	if (rc != ERR_ROW)
		return rc;
	if (now - created > LIM_SESSION_ABS_S || now - seen > LIM_SESSION_IDLE_S) {
		accounts_logout(c, hash);
		return ERR_UNAUTHORIZED;
	}
	out->via_cookie = true;
	memcpy(out->session_hash, hash, sizeof hash);
	if (now - seen >= LIM_SESSION_TOUCH_S) {
		rc = db_prepare(c, "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", &s);
		if (!rc) {
			db_bind_int64(s, 1, now);
			db_bind_str(s, 2, hash);
			if (db_exec_stmt(s))
				log_info("event=session_touch_failed");
		}
	}
	return ERR_OK;
}

kt_err accounts_token_check(struct db_conn *c, const char *token, int64_t now, struct auth *out)
{
	memset(out, 0, sizeof *out);
	if (!token || strncmp(token, "kt_", 3) != 0 || strlen(token) > 64)
		return ERR_UNAUTHORIZED;
	char hash[ACCOUNTS_HASH_LEN];
	sha256_hex(token, hash);
	struct db_stmt *s;
	kt_err rc = db_prepare(c,
			       "SELECT " USER_COLS ", t.id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id"
			       " WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.active = 1"
			       " AND u.deleted_at IS NULL", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, hash);
	rc = db_step(s);
	int64_t tid = 0, used = 0;
	if (rc == ERR_ROW) {
		read_user(s, out);
		tid = db_col_int64(s, 6);
		used = db_col_is_null(s, 7) ? 0 : db_col_int64(s, 7);
	}
	db_reset(s);
	if (rc == ERR_DONE)
		return ERR_UNAUTHORIZED;
	if (rc != ERR_ROW)
		return rc;
	/* Written at most once a minute, so a busy token costs no writes. */
	if (now - used >= LIM_SESSION_TOUCH_S && db_prepare(c, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", &s) == ERR_OK) {
		db_bind_int64(s, 1, now);
		db_bind_int64(s, 2, tid);
		if (db_exec_stmt(s))
			log_info("event=token_touch_failed");
	}
	return ERR_OK;
}

/* Throttling: failures counted per key ("l:<login>", "a:<address>") in a
 * fixed window, in the database so every server sees the same counts. */
static kt_err fail_count(struct db_conn *c, const char *key, int64_t now, int64_t *n)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(c, "SELECT count FROM login_failures WHERE key = ? AND window_start >= ?", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, key);
	db_bind_int64(s, 2, now - LIM_FAIL_WINDOW_S);
	rc = db_step(s);
	*n = rc == ERR_ROW ? db_col_int64(s, 0) : 0;
	db_reset(s);
	return rc == ERR_ROW || rc == ERR_DONE ? ERR_OK : rc;
}

static kt_err fail_add(struct db_conn *c, const char *key, int64_t now)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(c,
			       "INSERT INTO login_failures (key, window_start, count) VALUES (?, ?, 1)"
			       " ON CONFLICT (key) DO UPDATE SET"
			       " count = CASE WHEN login_failures.window_start < ? THEN 1 ELSE login_failures.count + 1 END,"
			       " window_start = CASE WHEN login_failures.window_start < ? THEN ? ELSE login_failures.window_start END",
			       &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, key);
	db_bind_int64(s, 2, now);
	db_bind_int64(s, 3, now - LIM_FAIL_WINDOW_S);
	db_bind_int64(s, 4, now - LIM_FAIL_WINDOW_S);
	db_bind_int64(s, 5, now);
	return db_exec_stmt(s);
}

static kt_err fail_clear(struct db_conn *c, const char *key)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(c, "DELETE FROM login_failures WHERE key = ?", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, key);
	return db_exec_stmt(s);
}

struct login_rec {
	struct auth a;
	char hash[PASSWORD_HASH_MAX];
	bool found;
};

static kt_err find_login(struct db_conn *c, const char *login, struct login_rec *r)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(c,
			       "SELECT " USER_COLS ", u.password_hash FROM users u"
			       " WHERE u.login = ? AND u.active = 1 AND u.deleted_at IS NULL", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, login);
	rc = db_step(s);
	if (rc == ERR_ROW) {
		read_user(s, &r->a);
		copy_text(s, 6, r->hash, sizeof r->hash);
		r->found = true;
	}
	db_reset(s);
	return rc == ERR_ROW || rc == ERR_DONE ? ERR_OK : rc;
}

struct session_new {
	int64_t user_id;
	int64_t now;
	const char *hash;
	const char *csrf;
	const char *login_key;
};

static kt_err open_session(struct db_conn *c, void *arg)
{
	struct session_new *n = arg;
	struct db_stmt *s;
	kt_err rc = db_prepare(c,
			       "INSERT INTO sessions (id_hash, user_id, csrf, created_at, last_seen_at)"
			       " VALUES (?, ?, ?, ?, ?)", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, n->hash);
	db_bind_int64(s, 2, n->user_id);
	db_bind_str(s, 3, n->csrf);
	db_bind_int64(s, 4, n->now);
	db_bind_int64(s, 5, n->now);
	rc = db_exec_stmt(s);
	if (!rc)
		rc = fail_clear(c, n->login_key);
	if (!rc) {
		/* Expired sessions of this user go now, so the table stays small. */
		rc = db_prepare(c, "DELETE FROM sessions WHERE user_id = ? AND (last_seen_at < ? OR created_at < ?)", &s);
		if (!rc) {
			db_bind_int64(s, 1, n->user_id);
			db_bind_int64(s, 2, n->now - LIM_SESSION_IDLE_S);
			db_bind_int64(s, 3, n->now - LIM_SESSION_ABS_S);
			rc = db_exec_stmt(s);
		}
	}
	return rc;
}

struct fail_new {
	const char *k1, *k2;
	int64_t now;
};

static kt_err record_failure(struct db_conn *c, void *arg)
{
	struct fail_new *f = arg;
	kt_err rc = fail_add(c, f->k1, f->now);
	if (!rc)
		rc = fail_add(c, f->k2, f->now);
	return rc;
}

kt_err accounts_login(const struct app *app, struct db_conn *c, const char *login,
		      const char *password, const char *addr, char secret_out[ACCOUNTS_SECRET_LEN],
		      struct auth *out)
{
	int64_t now = app_now(app);
	char lkey[80], akey[80];
	snprintf(lkey, sizeof lkey, "l:%.64s", login);
	snprintf(akey, sizeof akey, "a:%.64s", addr ? addr : "");
	int64_t nl = 0, na = 0;
	kt_err rc = fail_count(c, lkey, now, &nl);
	if (!rc)
		rc = fail_count(c, akey, now, &na);
	if (rc)
		return rc;
	if (nl >= LIM_LOGIN_FAILS || na >= LIM_ADDR_FAILS)
		return ERR_THROTTLED;
	struct login_rec r;
	memset(&r, 0, sizeof r);
	rc = find_login(c, login, &r);
	if (rc)
		return rc;
	/* Verify even when the login does not exist, so timing tells nothing. */
	bool ok = password_verify(r.found ? r.hash : app->dummy_hash, password, strlen(password)) && r.found;
	if (!ok) {
		struct fail_new f = {lkey, akey, now};
		rc = db_tx_run(c, true, record_failure, &f);
		return rc ? rc : ERR_UNAUTHORIZED;
	}
	char hash[ACCOUNTS_HASH_LEN];
	new_secret("", secret_out);
	sha256_hex(secret_out, hash);
	new_secret("", r.a.csrf);
	struct session_new n = {r.a.user_id, now, hash, r.a.csrf, lkey};
	rc = db_tx_run(c, true, open_session, &n);
	if (rc)
		return rc;
	*out = r.a;
	out->via_cookie = true;
	memcpy(out->session_hash, hash, sizeof hash);
	sodium_memzero(r.hash, sizeof r.hash);
	return ERR_OK;
}

kt_err accounts_logout(struct db_conn *c, const char *session_hash)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(c, "DELETE FROM sessions WHERE id_hash = ?", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, session_hash);
	return db_exec_stmt(s);
}

kt_err accounts_token_create(struct db_conn *c, int64_t user_id, const char *name, int64_t now,
			     char secret_out[ACCOUNTS_SECRET_LEN], int64_t *id_out)
{
	char hash[ACCOUNTS_HASH_LEN];
	new_secret("kt_", secret_out);
	sha256_hex(secret_out, hash);
	struct db_stmt *s;
	kt_err rc = db_prepare(c,
			       "INSERT INTO api_tokens (user_id, name, token_hash, created_at)"
			       " VALUES (?, ?, ?, ?) RETURNING id", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, user_id);
	db_bind_str(s, 2, name);
	db_bind_str(s, 3, hash);
	db_bind_int64(s, 4, now);
	rc = db_step(s);
	if (rc == ERR_ROW)
		*id_out = db_col_int64(s, 0);
	db_reset(s);
	return rc == ERR_ROW ? ERR_OK : rc;
}

kt_err accounts_token_revoke(struct db_conn *c, int64_t user_id, bool any_user, int64_t id, int64_t now)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(c,
			       any_user ? "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"
					: "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL AND user_id = ?",
			       &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, now);
	db_bind_int64(s, 2, id);
	if (!any_user)
		db_bind_int64(s, 3, user_id);
	rc = db_exec_stmt(s);
	if (!rc && db_changes(c) == 0)
		rc = ERR_NOT_FOUND;
	return rc;
}
