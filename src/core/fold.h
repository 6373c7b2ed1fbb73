/* fold.h: text folding for search and duplicate detection: lower case and
 * no diacritics, so that "lodz" finds "Łódź".  Covers ASCII, Latin-1 and
 * Latin Extended-A, and lower-cases Greek and Cyrillic.  Deliberately not
 * here: Unicode normalisation (combining marks are copied as they are),
 * other scripts, locale rules (Turkish dotless i folds to plain "i"). */
#ifndef KT_FOLD_H
#define KT_FOLD_H

#include <stddef.h>

/* fold_text: lower-cases in[0..len) and strips diacritics: "Łódź" -> "lodz",
 * "Straße" -> "strasse", "Ørsted" -> "orsted", "ЖУК" -> "жук".  Ligatures
 * and letters without a base letter spell out (Æ -> "ae", Þ -> "th",
 * Œ -> "oe", Ĳ -> "ij"); a no-break space becomes a space; Greek final
 * sigma folds to σ.  Other code points are copied unchanged; bytes that are
 * not strict UTF-8 (see utf8.h, NUL included) are dropped.
 * Writes a NUL-terminated result to out (at most cap-1 bytes; when it does
 * not fit it stops before the first input character whose folding does not
 * fit whole) and returns the bytes written, NUL excluded.  The result is
 * never longer than len, so cap = len+1 (let alone 2*len+1) always fits.
 * cap 0 writes nothing and returns 0. */
size_t fold_text(const char *in, size_t len, char *out, size_t cap);

/* fold_key: fold_text, then every run of ASCII characters other than
 * [a-z0-9] (spaces, punctuation, control characters) becomes one space,
 * with none at either end: "  Kowalska-Nowak,  Anna " -> "kowalska nowak
 * anna".  Non-ASCII characters left after folding (Cyrillic, Greek, CJK,
 * symbols such as ×) are kept as they are.  Same out/cap/return contract
 * as fold_text. */
size_t fold_key(const char *in, size_t len, char *out, size_t cap);

#endif
