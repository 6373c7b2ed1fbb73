/* b64.c: see b64.h.  Table-driven both ways; the decoder checks the last
 * partial group's unused bits so that decoding is one-to-one. */
#include "core/b64.h"

#include <stdint.h>

static const char alphabet[64] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* value: the 6 bits of a base64url character, -1 for anything else. */
static int value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

size_t b64url_encoded_len(size_t len)
{
	size_t r = len % 3;

	if (len / 3 > (SIZE_MAX - 4) / 4)
		return 0;
	return len / 3 * 4 + (r ? r + 1 : 0);
}

size_t b64url_encode(const unsigned char *in, size_t len, char *out, size_t cap)
{
	size_t n = b64url_encoded_len(len), o = 0, i = 0;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	if ((n == 0 && len > 0) || cap - 1 < n)
		return 0;
	for (; len - i >= 3; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
		out[o++] = alphabet[v & 63];
	}
	if (len - i == 1) {
		out[o++] = alphabet[in[i] >> 2];
		out[o++] = alphabet[(in[i] & 3) << 4];
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)in[i] << 8 | in[i + 1];

		out[o++] = alphabet[v >> 10];
		out[o++] = alphabet[v >> 4 & 63];
		out[o++] = alphabet[(v & 15) << 2];
	}
	out[o] = '\0';
	return o;
}

bool b64url_decode(const char *in, size_t len, unsigned char *out, size_t cap, size_t *outlen)
{
	size_t r = len % 4, need = len / 4 * 3 + (r ? r - 1 : 0), o = 0;
	uint32_t acc = 0;
	size_t bits = 0;

	if (r == 1 || need > cap)
		return false;
	for (size_t i = 0; i < len; i++) {
		int v = value((unsigned char)in[i]);

		if (v < 0)
			return false;
		acc = (acc << 6 | (uint32_t)v) & 0xFFFFFF;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0) /* leftover bits of the last character */
		return false;
	if (outlen)
		*outlen = o;
	return true;
}
