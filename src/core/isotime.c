/* isotime.c: see isotime.h.  The calendar arithmetic is Howard Hinnant's
 * days_from_civil / civil_from_days (400-year eras), done in int64_t so
 * no argument can overflow it. */
#include "core/isotime.h"

#define SECS_PER_DAY 86400
#define YEAR_MIN     1000
#define YEAR_MAX     9999
#define DAYS_PER_ERA 146097
#define ERAS_MAX     25000 /* civil_from_days clamp: ~10 million years */

int64_t isotime_days_from_civil(int y, unsigned m, unsigned d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400; /* [0, 399] */
	int64_t mp = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9;
	int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;   /* [0, 365] */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* [0, 146096] */

	return era * DAYS_PER_ERA + doe - 719468;
}

void isotime_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	const int64_t lim = (int64_t)DAYS_PER_ERA * ERAS_MAX;

	if (z < -lim)
		z = -lim;
	if (z > lim)
		z = lim;
	z += 719468;
	int64_t era = (z >= 0 ? z : z - (DAYS_PER_ERA - 1)) / DAYS_PER_ERA;
	int64_t doe = z - era * DAYS_PER_ERA; /* [0, 146096] */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* [0, 365] */
	int64_t mp = (5 * doy + 2) / 153;		       /* [0, 11] */

	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

static bool is_leap(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

unsigned isotime_days_in_month(int y, unsigned m)
{
	static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m < 1 || m > 12)
		return 0;
	return days[m - 1] + (m == 2 && is_leap(y));
}

/* num: n (1-4) decimal digits at s into *v; false on anything else. */
static bool num(const char *s, size_t n, int *v)
{
	int x = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return true;
}

/* date: "YYYY-MM-DD" at s (10 bytes available) into days since the epoch. */
static bool date(const char *s, int64_t *days)
{
	int y, m, d;

	if (!num(s, 4, &y) || s[4] != '-' || !num(s + 5, 2, &m) || s[7] != '-' ||
	    !num(s + 8, 2, &d))
		return false;
	if (y < YEAR_MIN || y > YEAR_MAX || d < 1 ||
	    (unsigned)d > isotime_days_in_month(y, (unsigned)m))
		return false;
	*days = isotime_days_from_civil(y, (unsigned)m, (unsigned)d);
	return true;
}

bool isotime_parse(const char *s, size_t len, int64_t *out)
{
	int64_t days;
	int hh, mi, ss = 0, oh, om;
	size_t i;
	int sign;

	if (len < 17 || !date(s, &days) || s[10] != 'T' || !num(s + 11, 2, &hh) || s[13] != ':' ||
	    !num(s + 14, 2, &mi))
		return false;
	if (hh > 23 || mi > 59)
		return false;
	i = 16;
	if (s[i] == ':') {
		if (len - i < 3 || !num(s + i + 1, 2, &ss) || ss > 59)
			return false;
		i += 3;
		if (i < len && s[i] == '.') {
			size_t k = ++i;

			while (i < len && s[i] >= '0' && s[i] <= '9')
				i++;
			if (i == k || i - k > 9)
				return false;
		}
	}
	if (i == len)
		return false; /* no zone */
	if (s[i] == 'Z') {
		if (i + 1 != len)
			return false;
		oh = om = 0;
		sign = 0;
	} else if (s[i] == '+' || s[i] == '-') {
		if (len - i != 6 || !num(s + i + 1, 2, &oh) || s[i + 3] != ':' ||
		    !num(s + i + 4, 2, &om) || oh > 23 || om > 59)
			return false;
		sign = s[i] == '+' ? 1 : -1;
	} else {
		return false;
	}
	*out = days * SECS_PER_DAY + hh * 3600 + mi * 60 + ss - sign * (oh * 3600 + om * 60);
	return true;
}

/* put: v as exactly n decimal digits (v >= 0 and small enough). */
static void put(char *s, unsigned v, int n)
{
	while (n-- > 0) {
		s[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

static void format_date(int64_t days, char *out)
{
	int y;
	unsigned m, d;

	isotime_civil_from_days(days, &y, &m, &d);
	put(out, (unsigned)y, 4);
	out[4] = '-';
	put(out + 5, m, 2);
	out[7] = '-';
	put(out + 8, d, 2);
}

/* Days of 0000-01-01 and 9999-12-31: the range four year digits hold. */
#define DAYS_FIRST (-719528)
#define DAYS_LAST  2932896

void isotime_format(int64_t t, char out[21])
{
	const int64_t first = (int64_t)DAYS_FIRST * SECS_PER_DAY;
	const int64_t last = ((int64_t)DAYS_LAST + 1) * SECS_PER_DAY - 1;
	int64_t days, secs;

	if (t < first)
		t = first;
	if (t > last)
		t = last;
	days = t / SECS_PER_DAY;
	secs = t % SECS_PER_DAY;
	if (secs < 0) { /* floor, not truncation */
		secs += SECS_PER_DAY;
		days--;
	}
	format_date(days, out);
	out[10] = 'T';
	put(out + 11, (unsigned)(secs / 3600), 2);
	out[13] = ':';
	put(out + 14, (unsigned)(secs / 60 % 60), 2);
	out[16] = ':';
	put(out + 17, (unsigned)(secs % 60), 2);
	out[19] = 'Z';
	out[20] = '\0';
}

bool isodate_parse(const char *s, size_t len, int32_t *days)
{
	int64_t d;

	if (len != 10 || !date(s, &d))
		return false;
	*days = (int32_t)d;
	return true;
}

void isodate_format(int32_t days, char out[11])
{
	int64_t d = days;

	if (d < DAYS_FIRST)
		d = DAYS_FIRST;
	if (d > DAYS_LAST)
		d = DAYS_LAST;
	format_date(d, out);
	out[10] = '\0';
}
