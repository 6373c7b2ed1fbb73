/* password.h: argon2id password hashes (libsodium, interactive limits)
 * and the rules a new password must meet.  One hash costs ~60 ms and
 * 64 MiB: call those off the HTTP polling threads.  Nothing here touches
 * the database. */
#ifndef KT_PASSWORD_H
#define KT_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define PASSWORD_HASH_MAX 160

/* password_hash: writes the encoded hash (NUL-terminated) to out. */
kt_err password_hash(const char *pw, size_t len, char out[PASSWORD_HASH_MAX]);
/* password_verify: true when pw matches the encoded hash. */
bool password_verify(const char *hash, const char *pw, size_t len);

/* password_is_common: true when pw (len bytes), in any letter case, is
 * one of the 10,000 most common passwords (common_passwords.h). */
bool password_is_common(const char *pw, size_t len);
/* password_policy: NULL when pw (valid UTF-8, len bytes) may be set as
 * the password of login (NULL: not known yet); else the reason, as a
 * field message (static): too short (LIM_PASSWORD_MIN characters), too
 * long, the same as the login (any case), or too common. */
const char *password_policy(const char *pw, size_t len, const char *login);

#endif
