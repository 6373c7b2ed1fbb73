/* accounts.h: who is calling.  Log-in with throttling, sessions kept in
 * the database (idle and absolute expiry), API tokens, log-out.  Secrets
 * are high-entropy random strings given to the client once; the database
 * keeps only their SHA-256, so a stolen database opens no session.
 * The user records themselves are an entity (users.c). */
#ifndef KT_ACCOUNTS_H
#define KT_ACCOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "model/entity.h"

struct db_conn;
struct app;

#define ACCOUNTS_SECRET_LEN 48          /* buffer for a session or token secret */
#define ACCOUNTS_HASH_LEN 65            /* hex SHA-256 + NUL */

struct auth {
	int64_t user_id;
	enum role role;
	int64_t department_id;          /* 0 = none */
	char login[65];
	char time_zone[65];
	char locale[8];
	bool via_cookie;                /* mutations then need the CSRF token */
	char csrf[ACCOUNTS_SECRET_LEN];
	char session_hash[ACCOUNTS_HASH_LEN];
};

/* accounts_role_parse: "admin" -> ROLE_ADMIN...; ROLE_NONE if unknown. */
enum role accounts_role_parse(const char *s);
const char *accounts_role_name(enum role r);

/* accounts_session_check: the live session whose secret is token. */
kt_err accounts_session_check(struct db_conn *c, const char *token, int64_t now, struct auth *out);
/* accounts_token_check: the live API token "kt_...". */
kt_err accounts_token_check(struct db_conn *c, const char *token, int64_t now, struct auth *out);

/* accounts_login: counts the attempt for (login, addr) and addr, refused
 * while either waits (docs/security.md "Log-in throttling"), then checks
 * the password (slow: call off the polling threads) and opens a session.
 * secret_out gets the cookie value; out the user with the new CSRF token.
 * ERR_UNAUTHORIZED on wrong credentials; ERR_THROTTLED while waiting, with
 * *retry_after the seconds left (rounded up). */
kt_err accounts_login(const struct app *app, struct db_conn *c, const char *login,
		      const char *password, const char *addr, char secret_out[ACCOUNTS_SECRET_LEN],
		      struct auth *out, int *retry_after);
/* accounts_check_password: whether password is who's current one, counted
 * and throttled like a log-in from addr.  ERR_OK, ERR_UNAUTHORIZED or
 * ERR_THROTTLED (with *retry_after). */
kt_err accounts_check_password(const struct app *app, struct db_conn *c, const struct auth *who,
			       const char *password, const char *addr, int *retry_after);
/* accounts_end_other_sessions: ends every session of user_id except the
 * one whose hash is keep_session_hash (NULL: all), and revokes all of the
 * user's API tokens.  Call inside a write transaction. */
kt_err accounts_end_other_sessions(struct db_conn *c, int64_t user_id, const char *keep_session_hash, int64_t now);
kt_err accounts_logout(struct db_conn *c, const char *session_hash);
/* accounts_token_create: a new API token for user_id; secret_out gets it. */
kt_err accounts_token_create(struct db_conn *c, int64_t user_id, const char *name, int64_t now,
			     char secret_out[ACCOUNTS_SECRET_LEN], int64_t *id_out);
/* accounts_token_revoke: ERR_NOT_FOUND unless user_id owns token id (or
 * any_user, for admins). */
kt_err accounts_token_revoke(struct db_conn *c, int64_t user_id, bool any_user, int64_t id, int64_t now);

#endif
