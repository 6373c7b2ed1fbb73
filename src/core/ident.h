/* ident.h: Polish identifiers (NIP, REGON, PESEL) and e-mail addresses,
 * checked and brought to one stored form.  Deliberately not here: asking
 * registries whether a number exists, foreign VAT numbers, full RFC 5322
 * addresses (quoted local parts, comments, IP-literal domains, IDN). */
#ifndef KT_IDENT_H
#define KT_IDENT_H

#include <stdbool.h>
#include <stddef.h>

/* The *_normalize functions skip spaces, tabs and dashes anywhere in
 * s[0..len), check the length and the checksum and on success write the
 * bare digits NUL-terminated to out and return true.  On failure they
 * return false and out holds an empty string. */

/* ident_nip_normalize: tax id, 10 digits, optionally after "PL" (any case);
 * weights 6 5 7 2 3 4 5 6 7, sum mod 11 is the last digit (10: invalid). */
bool ident_nip_normalize(const char *s, size_t len, char out[11]);

/* ident_regon_normalize: business register number, 9 digits (weights
 * 8 9 2 3 4 5 6 7) or 14 digits (weights 2 4 8 5 0 9 7 3 6 1 2 4 8); sum
 * mod 11 is the last digit, a remainder of 10 meaning 0. */
bool ident_regon_normalize(const char *s, size_t len, char out[15]);

/* ident_pesel_normalize: personal number, 11 digits; weights 1 3 7 9 1 3 7
 * 9 1 3, check (10 - sum % 10) % 10; and YYMMDD must be a real date, the
 * month carrying the century (+80 1800s, +0 1900s, +20 2000s, +40 2100s,
 * +60 2200s). */
bool ident_pesel_normalize(const char *s, size_t len, char out[12]);

/* ident_pesel_birth_date: "YYYY-MM-DD" (NUL-terminated) from the 11 digits
 * of a PESEL (not necessarily NUL-terminated).  Returns false, out empty,
 * when pesel is not a valid PESEL. */
bool ident_pesel_birth_date(const char pesel[11], char out[11]);

/* ident_email_normalize: a pragmatic check of an address: surrounding
 * ASCII white space trimmed; exactly one '@'; a local part of 1-64
 * printable ASCII characters other than space and "(),:;<>[\]; a domain of
 * dot-separated labels of 1-63 letters, digits and hyphens, no label
 * starting or ending with '-', at least two labels, the last one (TLD) 2+
 * letters; at most 254 characters in all.  The domain is lower-cased, the
 * local part kept as typed.  Writes the result NUL-terminated to out
 * (cap >= 255 always suffices); on failure returns false, out empty when
 * cap > 0. */
bool ident_email_normalize(const char *s, size_t len, char *out, size_t cap);

#endif
