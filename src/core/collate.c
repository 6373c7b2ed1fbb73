/* collate.c: see collate.h. */
#include "core/collate.h"

#include <stdint.h>
#include <string.h>

#include "core/fold.h"
#include "core/utf8.h"

/* Polish letters with a place of their own, after their base letter. */
static const struct {
	uint32_t lower, upper;
	char base;
	int rank;
} POLISH[] = {
	{0x105, 0x104, 'a', 1}, {0x107, 0x106, 'c', 1}, {0x119, 0x118, 'e', 1}, {0x142, 0x141, 'l', 1},
	{0x144, 0x143, 'n', 1}, {0xF3, 0xD3, 'o', 1}, {0x15B, 0x15A, 's', 1}, {0x17A, 0x179, 'z', 1},
	{0x17C, 0x17B, 'z', 2},
};

/* The primary weight of one code point: punctuation and spaces first,
 * then digits, then letters in Polish order, then other scripts. */
static uint32_t weight(uint32_t cp, int *upper)
{
	*upper = 0;
	for (size_t i = 0; i < sizeof POLISH / sizeof POLISH[0]; i++)
		if (cp == POLISH[i].lower || cp == POLISH[i].upper) {
			*upper = cp == POLISH[i].upper;
			return 1000 + (uint32_t)(POLISH[i].base - 'a') * 4 + (uint32_t)POLISH[i].rank;
		}
	if (cp >= '0' && cp <= '9')
		return 500 + cp - '0';
	if (cp >= 'A' && cp <= 'Z') {
		*upper = 1;
		return 1000 + (cp - 'A') * 4;
	}
	if (cp >= 'a' && cp <= 'z')
		return 1000 + (cp - 'a') * 4;
	if (cp < 0x80)
		return cp;
	/* Other Latin letters (é, ü, ß...) count as their folded base. */
	char in[4], out[16];
	size_t n = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	if (n == 2) {
		in[0] = (char)(0xC0 | (cp >> 6));
		in[1] = (char)(0x80 | (cp & 0x3F));
	} else if (n == 3) {
		in[0] = (char)(0xE0 | (cp >> 12));
		in[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		in[2] = (char)(0x80 | (cp & 0x3F));
	} else {
		in[0] = (char)(0xF0 | (cp >> 18));
		in[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		in[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		in[3] = (char)(0x80 | (cp & 0x3F));
	}
	size_t k = fold_text(in, n, out, sizeof out);
	if (k >= 1 && out[0] >= 'a' && out[0] <= 'z')
		return 1000 + (uint32_t)(out[0] - 'a') * 4 + 3;
	return 0x100000 + cp;
}

/* next: the weight of the code point at *p, advancing; invalid bytes
 * weigh their byte value past every letter. */
static uint32_t next(const char **p, const char *end, int *upper)
{
	uint32_t cp;
	size_t n = utf8_decode(*p, (size_t)(end - *p), &cp);
	if (n == 0) {
		*upper = 0;
		return 0x200000 + (unsigned char)*(*p)++;
	}
	*p += n;
	return weight(cp, upper);
}

int collate_pl(const char *a, size_t alen, const char *b, size_t blen)
{
	const char *pa = a, *pb = b, *ea = a + alen, *eb = b + blen;
	int case_diff = 0;
	while (pa < ea && pb < eb) {
		int ua, ub;
		uint32_t wa = next(&pa, ea, &ua), wb = next(&pb, eb, &ub);
		if (wa != wb)
			return wa < wb ? -1 : 1;
		if (!case_diff && ua != ub)
			case_diff = ua ? 1 : -1;
	}
	if (pa < ea || pb < eb)
		return pa < ea ? 1 : -1;
	if (case_diff)
		return case_diff;
	int c = memcmp(a, b, alen < blen ? alen : blen);
	return c ? c : alen < blen ? -1 : alen > blen ? 1 : 0;
}
