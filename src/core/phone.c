/* phone.c: see phone.h.  One pass collects the digits and checks the
 * punctuation; the second step decides which prefix form was used. */
#include "core/phone.h"

#include <string.h>

#define E164_MAX 15 /* digits of an E.164 number */
#define E164_MIN 7  /* fewer is no callable number from abroad */
#define NATIONAL 9  /* digits of a national number (Poland) */
#define CC_MAX	 3  /* digits of a country code */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* cc_len: length of a usable country code (1-3 digits, no leading 0), or 0. */
static size_t cc_len(const char *cc)
{
	size_t n = 0;

	if (!cc || cc[0] == '0')
		return 0;
	while (n <= CC_MAX && is_digit(cc[n]))
		n++;
	if (n > CC_MAX || cc[n] != '\0')
		return 0;
	return n;
}

bool phone_normalize(const char *in, size_t len, const char *cc, char *out, size_t cap)
{
	/* "00" and at most 15 digits; one more proves "too long". */
	char d[2 + E164_MAX + 1];
	size_t nd = 0, ncc = cc_len(cc);
	const char *num;
	size_t nnum, pre = 0, total;
	bool plus = false;
	int depth = 0;

	if (cap > 0)
		out[0] = '\0';
	for (size_t i = 0; i < len; i++) {
		char c = in[i];

		if (is_digit(c)) {
			if (nd == sizeof(d))
				return false;
			d[nd++] = c;
		} else if (c == '+') {
			if (plus || nd > 0)
				return false;
			plus = true;
		} else if (c == '(') {
			if (depth > 0)
				return false;
			depth++;
		} else if (c == ')') {
			if (depth == 0)
				return false;
			depth--;
		} else if (c != ' ' && c != '\t' && c != '-' && c != '.' && c != '/') {
			return false;
		}
	}
	if (depth != 0)
		return false;

	num = d;
	nnum = nd;
	if (plus) {
		/* international, as typed */
	} else if (nd >= 2 && d[0] == '0' && d[1] == '0') {
		num = d + 2; /* international with the "00" prefix */
		nnum = nd - 2;
	} else if (ncc > 0 && nd == NATIONAL && d[0] != '0') {
		pre = ncc; /* national: the default country code */
	} else if (ncc > 0 && nd == ncc + NATIONAL && memcmp(d, cc, ncc) == 0 && d[ncc] != '0') {
		/* the default country code, typed without '+' */
	} else {
		return false;
	}
	total = pre + nnum;
	if (total < E164_MIN || total > E164_MAX)
		return false;
	if (pre == 0 && num[0] == '0')
		return false; /* no country code starts with 0 */
	if (cap < 1 + total + 1)
		return false;
	out[0] = '+';
	if (pre > 0)
		memcpy(out + 1, cc, pre);
	memcpy(out + 1 + pre, num, nnum);
	out[1 + total] = '\0';
	return true;
}

size_t phone_digits(const char *in, size_t len, char *out, size_t cap)
{
	size_t o = 0;

	if (cap == 0)
		return 0;
	for (size_t i = 0; i < len && o < cap - 1; i++)
		if (is_digit(in[i]))
			out[o++] = in[i];
	out[o] = '\0';
	return o;
}
