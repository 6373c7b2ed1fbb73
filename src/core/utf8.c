/* utf8.c: see utf8.h.  A table-free decoder after the Unicode standard's
 * table 3-7 (well-formed byte sequences): the second byte's range depends
 * on the first byte, which is what rules out overlongs and surrogates. */
#include "core/utf8.h"

size_t utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n;
	uint32_t c;

	if (len == 0)
		return 0;
	if (p[0] < 0x80) {
		if (p[0] == 0)
			return 0;
		*cp = p[0];
		return 1;
	}
	if (p[0] < 0xC2) { /* continuation byte or overlong C0/C1 */
		return 0;
	} else if (p[0] < 0xE0) {
		n = 2;
		c = p[0] & 0x1F;
	} else if (p[0] < 0xF0) {
		n = 3;
		c = p[0] & 0x0F;
		if (p[0] == 0xE0)
			lo = 0xA0; /* overlong below U+0800 */
		else if (p[0] == 0xED)
			hi = 0x9F; /* surrogates U+D800..U+DFFF */
	} else if (p[0] < 0xF5) {
		n = 4;
		c = p[0] & 0x07;
		if (p[0] == 0xF0)
			lo = 0x90; /* overlong below U+10000 */
		else if (p[0] == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	c = (c << 6) | (p[1] & 0x3F);
	for (size_t i = 2; i < n; i++) {
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	*cp = c;
	return n;
}

bool utf8_valid(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n;

		/* ASCII runs are the common case: skip the decoder for them. */
		if ((unsigned char)s[i] < 0x80) {
			if (s[i] == '\0')
				return false;
			i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

size_t utf8_count(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}
