/* phone.h: phone numbers normalised to E.164 ("+48601234567"), so that one
 * number typed in any spelling is stored and compared once.  Deliberately
 * not here: per-country numbering plans (only the length rules of E.164
 * and a 9-digit national number, as in Poland), extensions, vanity letters. */
#ifndef KT_PHONE_H
#define KT_PHONE_H

#include <stdbool.h>
#include <stddef.h>

/* PHONE_E164_CAP: bytes of out that phone_normalize always has room in. */
#define PHONE_E164_CAP 17

/* phone_normalize: in[0..len) may hold digits, spaces, tabs, '-', '.', '/',
 * one level of balanced parentheses and one '+' before the first digit.
 * "+..." and "00..." are international; with neither, the number must be a
 * 9-digit national number not starting with 0, which gets the default
 * country code cc (digits, e.g. "48"; NULL for none), or cc followed by
 * such a number ("48601234567").  The result must have 7 to 15 digits and
 * not start with 0.  On success writes "+<digits>" NUL-terminated to out
 * (cap >= PHONE_E164_CAP always suffices) and returns true; otherwise
 * returns false and leaves out as an empty string when cap > 0. */
bool phone_normalize(const char *in, size_t len, const char *cc, char *out, size_t cap);

/* phone_digits: copies only the digits of in[0..len) to out (at most cap-1
 * of them, NUL-terminated) and returns how many it wrote; cap 0 writes
 * nothing.  For finding a partial number typed in any spelling. */
size_t phone_digits(const char *in, size_t len, char *out, size_t cap);

#endif
