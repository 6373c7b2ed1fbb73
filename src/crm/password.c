/* password.c: see password.h. */
#include "crm/password.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"
#include "core/utf8.h"
#include "crm/common_passwords.h"

kt_err password_hash(const char *pw, size_t len, char out[PASSWORD_HASH_MAX])
{
	_Static_assert(crypto_pwhash_STRBYTES <= PASSWORD_HASH_MAX, "hash buffer");
	if (crypto_pwhash_str_alg(out, pw, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return ERR_NOMEM;
	return ERR_OK;
}

bool password_verify(const char *hash, const char *pw, size_t len)
{
	return crypto_pwhash_str_verify(hash, pw, len) == 0;
}

static int cmp_entry(const void *key, const void *entry)
{
	return strcmp(key, *(const char *const *)entry);
}

bool password_is_common(const char *pw, size_t len)
{
	/* The list is ASCII and folded to lower case: fold the same way.  A
	 * password longer than any entry, or with a NUL, is not on it. */
	char low[LIM_PASSWORD_MAX + 1];
	if (len >= sizeof low || memchr(pw, '\0', len))
		return false;
	for (size_t i = 0; i < len; i++)
		low[i] = (char)(pw[i] >= 'A' && pw[i] <= 'Z' ? pw[i] - 'A' + 'a' : pw[i]);
	low[len] = '\0';
	return bsearch(low, common_passwords, common_passwords_n, sizeof common_passwords[0], cmp_entry) != NULL;
}

const char *password_policy(const char *pw, size_t len, const char *login)
{
	_Static_assert(LIM_PASSWORD_MIN == 10 && LIM_PASSWORD_MAX == 256, "the messages below");
	if (utf8_count(pw, len) < LIM_PASSWORD_MIN)
		return "is too short: it needs at least 10 characters";
	if (len > LIM_PASSWORD_MAX)
		return "is too long: at most 256 bytes";
	if (login && strlen(login) == len && strncasecmp(pw, login, len) == 0)
		return "must not be the same as the login";
	if (password_is_common(pw, len))
		return "is too common: it is one of the 10,000 most used passwords";
	return NULL;
}
