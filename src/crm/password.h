/* password.h: argon2id password hashes (libsodium, interactive limits).
 * One hash costs ~60 ms and 64 MiB: call these off the HTTP polling
 * threads.  Nothing here touches the database. */
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

#endif
