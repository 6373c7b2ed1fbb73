/* common_passwords.h: the 10,000 most common passwords, folded to lower
 * case and sorted by bytes (strcmp order).  The array is generated at build
 * time by scripts/embed-passwords from common_passwords.txt; its licence
 * and provenance are in common_passwords.LICENSE.  Lookup is password.c. */
#ifndef KT_COMMON_PASSWORDS_H
#define KT_COMMON_PASSWORDS_H

#include <stddef.h>

extern const char *const common_passwords[];
extern const size_t common_passwords_n;

#endif
