/* accounts.c: see accounts.h. */
#include "crm/accounts.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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

/* Throttling (docs/security.md "Log-in throttling").  Each attempt is
 * counted before the password is checked, in one statement per key that
 * also refuses it while the key waits, so a burst of parallel attempts
 * gets no more tries than the limit.  Keys: "p:<address> <login>" (the
 * pair) and "a:<address>" (all logins from one address).  After N free
 * failures, failure k makes the key wait base * 2^(k - N), capped.
 * A successful log-in forgets the pair and takes its attempt back from
 * the address.  Times are milliseconds, so Retry-After is exact. */
static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t wait_ms(int64_t failures, int64_t nfree, int64_t base)
{
	if (failures < nfree)
		return 0;
	int64_t w = base;
	for (int64_t k = nfree; k < failures && w < LIM_LOGIN_DELAY_MAX_MS; k++)
		w *= 2;
	return w < LIM_LOGIN_DELAY_MAX_MS ? w : LIM_LOGIN_DELAY_MAX_MS;
}

/* Counts one attempt on key, unless the key waits: then *until gets the
 * end of the wait (ms) and nothing changes. */
static kt_err throttle_take(struct db_conn *c, const char *key, int64_t nfree, int64_t base, int64_t now,
			    int64_t *until)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(c,
			       "INSERT INTO login_throttle (key, failures, last_at, blocked_until) VALUES (?, 1, ?, 0)"
			       " ON CONFLICT (key) DO UPDATE SET"
			       " failures = CASE WHEN login_throttle.last_at < ? THEN 1 ELSE login_throttle.failures + 1 END,"
			       " last_at = excluded.last_at"
			       " WHERE login_throttle.blocked_until <= excluded.last_at"
			       " RETURNING failures", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, key);
	db_bind_int64(s, 2, now);
	db_bind_int64(s, 3, now - (int64_t)LIM_LOGIN_FORGET_S * 1000);
	rc = db_step(s);
	int64_t failures = rc == ERR_ROW ? db_col_int64(s, 0) : 0;
	db_reset(s);
	*until = 0;
	if (rc == ERR_DONE) {
		/* Refused: the key waits.  Its row is locked or ours (write transaction). */
		rc = db_prepare(c, "SELECT blocked_until FROM login_throttle WHERE key = ?", &s);
		if (rc)
			return rc;
		db_bind_str(s, 1, key);
		rc = db_step(s);
		*until = rc == ERR_ROW ? db_col_int64(s, 0) : now + 1;
		db_reset(s);
		return rc == ERR_ROW || rc == ERR_DONE ? ERR_OK : rc;
	}
	if (rc != ERR_ROW)
		return rc;
	/* This attempt counts as failed until it succeeds: the next one waits
	 * as if it had (pessimistic, so parallel attempts see the wait). */
	int64_t w = wait_ms(failures, nfree, base);
	if (!w)
		return ERR_OK;
	rc = db_prepare(c, "UPDATE login_throttle SET blocked_until = ? WHERE key = ?", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, now + w);
	db_bind_str(s, 2, key);
	return db_exec_stmt(s);
}

struct throttle {
	char pair[160], addr[80];
	int64_t base, now;
	int64_t until;          /* out: end of the wait when refused (ms) */
};

static kt_err throttle_take_both(struct db_conn *c, void *arg)
{
	struct throttle *t = arg;
	kt_err rc = throttle_take(c, t->pair, LIM_LOGIN_FAILS, t->base, t->now, &t->until);
	if (!rc && !t->until)
		rc = throttle_take(c, t->addr, LIM_ADDR_FAILS, t->base, t->now, &t->until);
	/* A refused attempt counts nowhere: roll the pair's count back too. */
	return rc ? rc : t->until ? ERR_THROTTLED : ERR_OK;
}

static void throttle_init(struct throttle *t, const struct app *app, const char *login, const char *addr)
{
	memset(t, 0, sizeof *t);
	snprintf(t->pair, sizeof t->pair, "p:%.46s %.64s", addr ? addr : "", login);
	snprintf(t->addr, sizeof t->addr, "a:%.46s", addr ? addr : "");
	t->base = app->login_delay_ms > 0 ? app->login_delay_ms : LIM_LOGIN_DELAY_MS;
	t->now = now_ms();
}

/* Takes an attempt for the pair and the address; ERR_THROTTLED with
 * *retry_after (whole seconds, rounded up) while either waits. */
static kt_err throttle_begin(struct db_conn *c, struct throttle *t, int *retry_after)
{
	kt_err rc = db_tx_run(c, true, throttle_take_both, t);
	if (rc == ERR_THROTTLED && retry_after) {
		int64_t ms = t->until - now_ms();
		*retry_after = ms <= 0 ? 1 : (int)((ms + 999) / 1000);
	}
	return rc;
}

/* After a right password: the pair starts again; the address gets its
 * attempt back (so the office's own log-ins never add up to a wait).
 * Counts forgotten anyway (a day without attempts) go too, so guesses
 * from many addresses do not pile up rows. */
static kt_err throttle_success(struct db_conn *c, const struct throttle *t)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(c, "DELETE FROM login_throttle WHERE key = ? OR last_at < ?", &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, t->pair);
	db_bind_int64(s, 2, t->now - (int64_t)LIM_LOGIN_FORGET_S * 1000);
	rc = db_exec_stmt(s);
	if (rc)
		return rc;
	rc = db_prepare(c,
			"UPDATE login_throttle SET failures = failures - 1,"
			" blocked_until = CASE WHEN failures - 1 < ? THEN 0 ELSE blocked_until END"
			" WHERE key = ? AND failures > 0", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, LIM_ADDR_FAILS);
	db_bind_str(s, 2, t->addr);
	return db_exec_stmt(s);
}

static kt_err throttle_success_tx(struct db_conn *c, void *arg)
{
	return throttle_success(c, arg);
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
	const struct throttle *t;
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
		rc = throttle_success(c, n->t);
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

kt_err accounts_login(const struct app *app, struct db_conn *c, const char *login,
		      const char *password, const char *addr, char secret_out[ACCOUNTS_SECRET_LEN],
		      struct auth *out, int *retry_after)
{
	int64_t now = app_now(app);
	struct throttle t;
	throttle_init(&t, app, login, addr);
	kt_err rc = throttle_begin(c, &t, retry_after);
	if (rc)
		return rc;
	struct login_rec r;
	memset(&r, 0, sizeof r);
	rc = find_login(c, login, &r);
	if (rc)
		return rc;
	/* Verify even when the login does not exist, so timing tells nothing. */
	bool ok = password_verify(r.found ? r.hash : app->dummy_hash, password, strlen(password)) && r.found;
	if (!ok)
		return ERR_UNAUTHORIZED; /* the attempt is already counted */
	char hash[ACCOUNTS_HASH_LEN];
	new_secret("", secret_out);
	sha256_hex(secret_out, hash);
	new_secret("", r.a.csrf);
	struct session_new n = {r.a.user_id, now, hash, r.a.csrf, &t};
	rc = db_tx_run(c, true, open_session, &n);
	if (rc)
		return rc;
	*out = r.a;
	out->via_cookie = true;
	memcpy(out->session_hash, hash, sizeof hash);
	sodium_memzero(r.hash, sizeof r.hash);
	return ERR_OK;
}

kt_err accounts_check_password(const struct app *app, struct db_conn *c, const struct auth *who,
			       const char *password, const char *addr, int *retry_after)
{
	struct throttle t;
	throttle_init(&t, app, who->login, addr);
	kt_err rc = throttle_begin(c, &t, retry_after);
	if (rc)
		return rc;
	struct login_rec r;
	memset(&r, 0, sizeof r);
	rc = find_login(c, who->login, &r);
	if (rc)
		return rc;
	bool ok = password_verify(r.found ? r.hash : app->dummy_hash, password, strlen(password)) && r.found &&
		  r.a.user_id == who->user_id;
	sodium_memzero(r.hash, sizeof r.hash);
	if (!ok)
		return ERR_UNAUTHORIZED;
	return db_tx_run(c, true, throttle_success_tx, &t);
}

kt_err accounts_end_other_sessions(struct db_conn *c, int64_t user_id, const char *keep_session_hash, int64_t now)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(c, "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, user_id);
	db_bind_str(s, 2, keep_session_hash ? keep_session_hash : "");
	rc = db_exec_stmt(s);
	if (rc)
		return rc;
	rc = db_prepare(c, "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, now);
	db_bind_int64(s, 2, user_id);
	return db_exec_stmt(s);
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
