/* utf8.h: strict UTF-8 validation and decoding of (ptr, len) views.
 * Strict means: shortest form only, no surrogates, nothing above U+10FFFF,
 * and no NUL byte (text we store is always a C string too).  Not in here:
 * encoding, normalisation (NFC/NFD) or any knowledge of scripts. */
#ifndef KT_UTF8_H
#define KT_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* utf8_valid: true when s[0..len) is strict UTF-8 without NUL bytes.
 * An empty view is valid. */
bool utf8_valid(const char *s, size_t len);

/* utf8_count: the number of code points in s[0..len), which is assumed to
 * be valid.  On invalid input it still reads nothing past len and returns
 * the number of bytes that are not continuation bytes. */
size_t utf8_count(const char *s, size_t len);

/* utf8_decode: decodes the one code point at the start of s[0..len).
 * Returns the bytes it takes (1-4) and sets *cp, or returns 0 (and leaves
 * *cp alone) when len is 0 or the bytes are not strict UTF-8; a NUL byte
 * counts as invalid, as in utf8_valid. */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

#endif
