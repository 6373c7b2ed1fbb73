/* ident.c: see ident.h.  Every check works on a small bounded copy of the
 * digits, so overlong input fails early and nothing is read past len. */
#include "core/ident.h"

#include <string.h>

#include "core/isotime.h"

#define EMAIL_MAX	254
#define EMAIL_LOCAL_MAX 64
#define EMAIL_LABEL_MAX 63

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* compact: s without spaces, tabs and dashes into buf (which holds cap
 * bytes, no NUL); returns the length or cap+1 when it does not fit. */
static size_t compact(const char *s, size_t len, char *buf, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '-')
			continue;
		if (n == cap)
			return cap + 1;
		buf[n++] = s[i];
	}
	return n;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

/* weighted: sum of digit * weight over the first n digits of d. */
static unsigned weighted(const char *d, const unsigned char *w, size_t n)
{
	unsigned sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += (unsigned)(d[i] - '0') * w[i];
	return sum;
}

bool ident_nip_normalize(const char *s, size_t len, char out[11])
{
	static const unsigned char w[9] = {6, 5, 7, 2, 3, 4, 5, 6, 7};
	char buf[12];
	const char *d = buf;
	size_t n = compact(s, len, buf, sizeof(buf));
	unsigned check;

	out[0] = '\0';
	if (n == 12 && (buf[0] == 'P' || buf[0] == 'p') && (buf[1] == 'L' || buf[1] == 'l')) {
		d += 2;
		n -= 2;
	}
	if (n != 10 || !all_digits(d, n))
		return false;
	check = weighted(d, w, 9) % 11;
	if (check == 10 || check != (unsigned)(d[9] - '0'))
		return false;
	memcpy(out, d, 10);
	out[10] = '\0';
	return true;
}

bool ident_regon_normalize(const char *s, size_t len, char out[15])
{
	static const unsigned char w9[8] = {8, 9, 2, 3, 4, 5, 6, 7};
	static const unsigned char w14[13] = {2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8};
	char buf[14];
	size_t n = compact(s, len, buf, sizeof(buf));
	unsigned check;

	out[0] = '\0';
	if ((n != 9 && n != 14) || !all_digits(buf, n))
		return false;
	check = weighted(buf, n == 9 ? w9 : w14, n - 1) % 11 % 10;
	if (check != (unsigned)(buf[n - 1] - '0'))
		return false;
	memcpy(out, buf, n);
	out[n] = '\0';
	return true;
}

/* pesel_date: the birth date encoded in 11 digits, false if none. */
static bool pesel_date(const char *d, int *y, unsigned *m, unsigned *day)
{
	/* Month offsets by century: 80 -> 1800s, 0 -> 1900s, ... 60 -> 2200s. */
	static const int century[5] = {1900, 2000, 2100, 2200, 1800};
	unsigned yy = (unsigned)(d[0] - '0') * 10 + (unsigned)(d[1] - '0');
	unsigned mm = (unsigned)(d[2] - '0') * 10 + (unsigned)(d[3] - '0');
	unsigned dd = (unsigned)(d[4] - '0') * 10 + (unsigned)(d[5] - '0');

	*y = century[mm / 20] + (int)yy;
	*m = mm % 20;
	*day = dd;
	return *m >= 1 && *m <= 12 && dd >= 1 && dd <= isotime_days_in_month(*y, *m);
}

static bool pesel_valid(const char *d)
{
	static const unsigned char w[10] = {1, 3, 7, 9, 1, 3, 7, 9, 1, 3};
	int y;
	unsigned m, day;

	if (!all_digits(d, 11))
		return false;
	if ((10 - weighted(d, w, 10) % 10) % 10 != (unsigned)(d[10] - '0'))
		return false;
	return pesel_date(d, &y, &m, &day);
}

bool ident_pesel_normalize(const char *s, size_t len, char out[12])
{
	char buf[11];
	size_t n = compact(s, len, buf, sizeof(buf));

	out[0] = '\0';
	if (n != 11 || !pesel_valid(buf))
		return false;
	memcpy(out, buf, 11);
	out[11] = '\0';
	return true;
}

bool ident_pesel_birth_date(const char pesel[11], char out[11])
{
	int y;
	unsigned m, d;

	out[0] = '\0';
	if (!pesel_valid(pesel) || !pesel_date(pesel, &y, &m, &d))
		return false;
	isodate_format((int32_t)isotime_days_from_civil(y, m, d), out);
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static bool local_char_ok(char c)
{
	return c > ' ' && c < 0x7F && !strchr("\"(),:;<>[\\]", c);
}

/* domain_ok: labels of [A-Za-z0-9-], 1-63 long, no '-' at either end, at
 * least two of them, the last all letters and 2+ long. */
static bool domain_ok(const char *s, size_t len)
{
	size_t start = 0, labels = 0;

	for (size_t i = 0; i <= len; i++) {
		size_t n;

		if (i < len && s[i] != '.') {
			if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '-')
				return false;
			continue;
		}
		n = i - start;
		if (n == 0 || n > EMAIL_LABEL_MAX || s[start] == '-' || s[i - 1] == '-')
			return false;
		labels++;
		if (i == len) { /* the TLD */
			if (n < 2)
				return false;
			for (size_t k = start; k < i; k++)
				if (!is_alpha(s[k]))
					return false;
		}
		start = i + 1;
	}
	return labels >= 2;
}

bool ident_email_normalize(const char *s, size_t len, char *out, size_t cap)
{
	size_t at = len, nat = 0;

	if (cap > 0)
		out[0] = '\0';
	while (len > 0 && is_space(s[0])) {
		s++;
		len--;
	}
	while (len > 0 && is_space(s[len - 1]))
		len--;
	if (len > EMAIL_MAX || cap < len + 1)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '@') {
			at = i;
			nat++;
		}
	}
	if (nat != 1 || at == 0 || at > EMAIL_LOCAL_MAX)
		return false;
	for (size_t i = 0; i < at; i++)
		if (!local_char_ok(s[i]))
			return false;
	if (!domain_ok(s + at + 1, len - at - 1))
		return false;
	memcpy(out, s, at + 1);
	for (size_t i = at + 1; i < len; i++)
		out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + ('a' - 'A') : s[i]);
	out[len] = '\0';
	return true;
}
