/* unescape.c: see unescape.h. */
#include "http/unescape.h"

int http_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t http_unescape(char *s)
{
	char *w = s;
	for (const char *r = s; *r; r++) {
		int hi, lo;
		if (r[0] == '%' && (hi = http_hexval(r[1])) >= 0 && (lo = http_hexval(r[2])) >= 0) {
			int v = hi * 16 + lo;
			*w++ = v ? (char)v : (char)0xFF;
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}
