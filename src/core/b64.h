/* b64.h: base64url without padding (RFC 4648 section 5), for tokens and
 * cursors in URLs.  Decoding is canonical: one string per byte sequence.
 * Deliberately not here: standard base64 ('+', '/'), padding, line breaks,
 * white space, constant-time decoding of secrets. */
#ifndef KT_B64_H
#define KT_B64_H

#include <stdbool.h>
#include <stddef.h>

/* b64url_encoded_len: characters (no NUL) b64url_encode writes for len
 * bytes, or 0 when that would not fit a size_t. */
size_t b64url_encoded_len(size_t len);

/* b64url_encode: in[0..len) as base64url into out, NUL-terminated; returns
 * its length.  Returns 0 (out empty when cap > 0) when cap is too small:
 * cap must be at least b64url_encoded_len(len) + 1, which 4*ceil(len/3)+1
 * always is. */
size_t b64url_encode(const unsigned char *in, size_t len, char *out, size_t cap);

/* b64url_decode: in[0..len) into out (at most cap bytes, no NUL added),
 * the byte count into *outlen (may be NULL).  Refuses characters outside
 * [A-Za-z0-9_-] ('=' included), len % 4 == 1, non-zero unused low bits in
 * the last character, and output that does not fit cap: false, *outlen
 * untouched, out possibly partly written. */
bool b64url_decode(const char *in, size_t len, unsigned char *out, size_t cap, size_t *outlen);

#endif
