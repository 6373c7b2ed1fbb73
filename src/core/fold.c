/* fold.c: see fold.h.  One table for U+00C0..U+017F (Latin-1 letters and
 * Latin Extended-A) and a few ranges for Greek and Cyrillic; everything is
 * a pure function of one code point, so no state crosses characters. */
#include "core/fold.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/utf8.h"

#define LATIN_FIRST 0x00C0u
#define LATIN_LAST  0x017Fu

/* Folding of U+00C0..U+017F; "" means "copy unchanged" (× and ÷).
 * Letters without a decomposition follow common transliteration:
 * Ð/Đ -> d, Ø -> o, Ł -> l, Ħ -> h, Ŧ -> t, ı -> i, ĸ -> k, Ŋ -> n. */
/* clang-format off */
static const char latin[LATIN_LAST - LATIN_FIRST + 1][3] = {
	"a", "a", "a", "a", "a", "a", "ae", "c",	/* 00C0 À Á Â Ã Ä Å Æ Ç */
	"e", "e", "e", "e", "i", "i", "i", "i",		/* 00C8 È É Ê Ë Ì Í Î Ï */
	"d", "n", "o", "o", "o", "o", "o", "",		/* 00D0 Ð Ñ Ò Ó Ô Õ Ö × */
	"o", "u", "u", "u", "u", "y", "th", "ss",	/* 00D8 Ø Ù Ú Û Ü Ý Þ ß */
	"a", "a", "a", "a", "a", "a", "ae", "c",	/* 00E0 à á â ã ä å æ ç */
	"e", "e", "e", "e", "i", "i", "i", "i",		/* 00E8 è é ê ë ì í î ï */
	"d", "n", "o", "o", "o", "o", "o", "",		/* 00F0 ð ñ ò ó ô õ ö ÷ */
	"o", "u", "u", "u", "u", "y", "th", "y",	/* 00F8 ø ù ú û ü ý þ ÿ */
	"a", "a", "a", "a", "a", "a", "c", "c",		/* 0100 Ā ā Ă ă Ą ą Ć ć */
	"c", "c", "c", "c", "c", "c", "d", "d",		/* 0108 Ĉ ĉ Ċ ċ Č č Ď ď */
	"d", "d", "e", "e", "e", "e", "e", "e",		/* 0110 Đ đ Ē ē Ĕ ĕ Ė ė */
	"e", "e", "e", "e", "g", "g", "g", "g",		/* 0118 Ę ę Ě ě Ĝ ĝ Ğ ğ */
	"g", "g", "g", "g", "h", "h", "h", "h",		/* 0120 Ġ ġ Ģ ģ Ĥ ĥ Ħ ħ */
	"i", "i", "i", "i", "i", "i", "i", "i",		/* 0128 Ĩ ĩ Ī ī Ĭ ĭ Į į */
	"i", "i", "ij", "ij", "j", "j", "k", "k",	/* 0130 İ ı Ĳ ĳ Ĵ ĵ Ķ ķ */
	"k", "l", "l", "l", "l", "l", "l", "l",		/* 0138 ĸ Ĺ ĺ Ļ ļ Ľ ľ Ŀ */
	"l", "l", "l", "n", "n", "n", "n", "n",		/* 0140 ŀ Ł ł Ń ń Ņ ņ Ň */
	"n", "n", "n", "n", "o", "o", "o", "o",		/* 0148 ň ŉ Ŋ ŋ Ō ō Ŏ ŏ */
	"o", "o", "oe", "oe", "r", "r", "r", "r",	/* 0150 Ő ő Œ œ Ŕ ŕ Ŗ ŗ */
	"r", "r", "s", "s", "s", "s", "s", "s",		/* 0158 Ř ř Ś ś Ŝ ŝ Ş ş */
	"s", "s", "t", "t", "t", "t", "t", "t",		/* 0160 Š š Ţ ţ Ť ť Ŧ ŧ */
	"u", "u", "u", "u", "u", "u", "u", "u",		/* 0168 Ũ ũ Ū ū Ŭ ŭ Ů ů */
	"u", "u", "u", "u", "w", "w", "y", "y",		/* 0170 Ű ű Ų ų Ŵ ŵ Ŷ ŷ */
	"y", "z", "z", "z", "z", "z", "z", "s",		/* 0178 Ÿ Ź ź Ż ż Ž ž ſ */
};
/* clang-format on */

/* lower_greek_cyrillic: the lower-case partner of an upper-case Greek or
 * Cyrillic letter, c itself for anything else.  Both stay 2-byte UTF-8. */
static uint32_t lower_greek_cyrillic(uint32_t c)
{
	if (c == 0x0386) /* Ά */
		return 0x03AC;
	if (c >= 0x0388 && c <= 0x038A) /* Έ Ή Ί */
		return c + 0x25;
	if (c == 0x038C) /* Ό */
		return 0x03CC;
	if (c == 0x038E || c == 0x038F) /* Ύ Ώ */
		return c + 0x3F;
	if (c >= 0x0391 && c <= 0x03AB && c != 0x03A2) /* Α..Ω Ϊ Ϋ */
		return c + 0x20;
	if (c == 0x03C2) /* final ς folds to σ */
		return 0x03C3;
	if (c >= 0x0400 && c <= 0x040F) /* Ѐ Ё Ђ .. Џ */
		return c + 0x50;
	if (c >= 0x0410 && c <= 0x042F) /* А..Я */
		return c + 0x20;
	if (c == 0x04C0) /* Ӏ palochka */
		return 0x04CF;
	/* Historic and extended letters come in upper/lower pairs. */
	if (((c >= 0x0460 && c <= 0x0481) || (c >= 0x048A && c <= 0x04BF) ||
	     (c >= 0x04D0 && c <= 0x052F)) &&
	    c % 2 == 0)
		return c + 1;
	if (c >= 0x04C1 && c <= 0x04CE && c % 2 == 1)
		return c + 1;
	return c;
}

/* fold_cp: the folding of the code point c, which took n bytes (src) in
 * the input; writes at most 4 bytes to unit and returns how many. */
static size_t fold_cp(uint32_t c, const char *src, size_t n, char unit[4])
{
	if (c < 0x80) {
		unit[0] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
		return 1;
	}
	if (c == 0x00A0) { /* no-break space */
		unit[0] = ' ';
		return 1;
	}
	if (c >= LATIN_FIRST && c <= LATIN_LAST && latin[c - LATIN_FIRST][0]) {
		const char *f = latin[c - LATIN_FIRST];
		size_t k = f[1] ? 2 : 1;

		memcpy(unit, f, k);
		return k;
	}
	if (c >= 0x0370 && c < 0x0530) {
		c = lower_greek_cyrillic(c); /* U+0080..U+07FF: 2 bytes */
		unit[0] = (char)(0xC0 | (c >> 6));
		unit[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	memcpy(unit, src, n);
	return n;
}

static bool is_key_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

static size_t fold_run(const char *in, size_t len, char *out, size_t cap, bool key)
{
	size_t i = 0, o = 0;
	bool sep = false; /* key: a separator is pending */

	if (cap == 0)
		return 0;
	while (i < len) {
		char unit[4];
		uint32_t c;
		size_t n = utf8_decode(in + i, len - i, &c);
		size_t k;

		if (n == 0) { /* not UTF-8: drop the byte */
			i++;
			continue;
		}
		k = fold_cp(c, in + i, n, unit);
		i += n;
		if (key && k == 1 && !is_key_char(unit[0])) {
			sep = true;
			continue;
		}
		if (key && sep && o > 0) {
			if (cap - 1 - o < k + 1)
				break;
			out[o++] = ' ';
		}
		sep = false;
		if (cap - 1 - o < k)
			break;
		memcpy(out + o, unit, k);
		o += k;
	}
	out[o] = '\0';
	return o;
}

size_t fold_text(const char *in, size_t len, char *out, size_t cap)
{
	return fold_run(in, len, out, cap, false);
}

size_t fold_key(const char *in, size_t len, char *out, size_t cap)
{
	return fold_run(in, len, out, cap, true);
}
