/* test_isotime.c: ISO 8601 instants and dates of the API: accepted forms,
 * offsets, calendar edge cases, refusals, and the civil-day arithmetic
 * (expected values computed with Python's datetime). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/isotime.h"

static void t_ok(const char *s, int64_t want)
{
	int64_t t = 0x5A5A;

	if (!isotime_parse(s, strlen(s), &t))
		fail_msg("refused \"%s\"", s);
	assert_int_equal(t, want);
}

static void t_bad(const char *s)
{
	int64_t t = 0x5A5A;

	if (isotime_parse(s, strlen(s), &t))
		fail_msg("accepted \"%s\"", s);
	assert_int_equal(t, 0x5A5A);
}

static void d_ok(const char *s, int32_t want)
{
	int32_t d = 0x5A5A;

	if (!isodate_parse(s, strlen(s), &d))
		fail_msg("refused \"%s\"", s);
	assert_int_equal(d, want);
}

static void d_bad(const char *s)
{
	int32_t d = 0x5A5A;

	if (isodate_parse(s, strlen(s), &d))
		fail_msg("accepted \"%s\"", s);
	assert_int_equal(d, 0x5A5A);
}

static void parse_forms(void **state)
{
	(void)state;
	t_ok("2026-11-22T10:00:00Z", 1795341600);
	t_ok("2026-11-22T10:00Z", 1795341600);
	t_ok("2026-11-22T10:00:00.123Z", 1795341600);
	t_ok("2026-11-22T10:00:00.999999999Z", 1795341600);
	t_ok("2026-11-22T10:00:00.0Z", 1795341600);
	t_ok("2026-11-22T11:00:00+01:00", 1795341600);
	t_ok("2026-11-22T11:00+01:00", 1795341600);
	t_ok("2026-11-22T04:30:00-05:30", 1795341600);
	t_ok("2026-11-22T10:00:00+00:00", 1795341600);
	t_ok("2026-11-22T10:00:00-00:00", 1795341600);
	t_ok("2026-11-22T10:00:00.5+01:00", 1795338000);
	t_ok("1970-01-01T00:00:00Z", 0);
	t_ok("1969-12-31T23:59:59Z", -1);
	t_ok("1970-01-01T00:00:00+14:00", -50400);
	t_ok("1970-01-01T00:00:00-12:00", 43200);
	t_ok("2024-02-29T12:00:00Z", 1709208000);
	t_ok("1000-01-01T00:00:00Z", -30610224000);
	t_ok("9999-12-31T23:59:59Z", 253402300799);
	t_ok("2026-12-31T23:30:00-01:00", 1798763400); /* into next year */
}

static void parse_refused(void **state)
{
	(void)state;
	t_bad("");
	t_bad("2026-11-22");
	t_bad("2026-11-22T10:00:00"); /* no zone */
	t_bad("2026-11-22T10:00");
	t_bad("2026-11-22T10Z");
	t_bad("2026-11-22 10:00:00Z");
	t_bad("2026-11-22t10:00:00Z");
	t_bad("2026-11-22T10:00:00z");
	t_bad("2026-11-22T10:00:00ZZ"); /* trailing junk */
	t_bad("2026-11-22T10:00:00Z ");
	t_bad(" 2026-11-22T10:00:00Z");
	t_bad("2026-11-22T10:00:00+01:00x");
	t_bad("2026-02-30T10:00:00Z"); /* bad day */
	t_bad("2023-02-29T10:00:00Z");
	t_bad("2026-04-31T10:00:00Z");
	t_bad("2026-13-01T10:00:00Z");
	t_bad("2026-00-01T10:00:00Z");
	t_bad("2026-01-00T10:00:00Z");
	t_bad("2026-11-22T24:00:00Z"); /* hour 24 */
	t_bad("2026-11-22T10:60:00Z");
	t_bad("2026-11-22T10:00:60Z");	/* no leap seconds */
	t_bad("2026-11-22T10:00:00.Z"); /* empty fraction */
	t_bad("2026-11-22T10:00:00.1234567890Z");
	t_bad("2026-11-22T10:00.5Z"); /* fraction needs seconds */
	t_bad("2026-11-22T10:00:00+01");
	t_bad("2026-11-22T10:00:00+0100");
	t_bad("2026-11-22T10:00:00+1:00");
	t_bad("2026-11-22T10:00:00+24:00");
	t_bad("2026-11-22T10:00:00+01:60");
	t_bad("2026-11-22T10:00:00+01:00:00");
	t_bad("2026-11-22T10:00:00UTC");
	t_bad("0999-12-31T23:59:59Z"); /* years 1000..9999 */
	t_bad("+2026-11-22T10:00:00Z");
	t_bad("20261-11-22T10:00:00Z");
	t_bad("2026-1-22T10:00:00Z");
	t_bad("2026-11-2T10:00:00Z");
	t_bad("2026-11-22T1:00:00Z");
	t_bad("2026/11/22T10:00:00Z");
	t_bad("2026-11-22T10:00:0Z");
	t_bad("2026-11-22T10:00:+0Z");
	t_bad("2026-11-22T-1:00:00Z");
	t_bad("２026-11-22T10:00:00Z");
	/* Only len bytes count, NUL or not. */
	int64_t t;
	assert_false(isotime_parse("2026-11-22T10:00:00Z", 19, &t));
	assert_true(isotime_parse("2026-11-22T10:00:00Zjunk", 20, &t));
	assert_false(isotime_parse("2026-11-22T10:00:00Z\0", 21, &t));
	assert_false(isotime_parse("2026-11-22T10:00:", 17, &t));
	assert_false(isotime_parse("2026-11-22T10:00:0", 18, &t));
	assert_false(isotime_parse("2026-11-22T10:00:00.", 20, &t));
	assert_false(isotime_parse("2026-11-22T10:00:00+01:0", 24, &t));
}

static void format(void **state)
{
	char out[21];
	(void)state;
	isotime_format(0, out);
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	isotime_format(1795341600, out);
	assert_string_equal(out, "2026-11-22T10:00:00Z");
	isotime_format(-1, out);
	assert_string_equal(out, "1969-12-31T23:59:59Z");
	isotime_format(1709208000 + 86399 - 43200, out);
	assert_string_equal(out, "2024-02-29T23:59:59Z");
	isotime_format(-30610224000, out);
	assert_string_equal(out, "1000-01-01T00:00:00Z");
	isotime_format(253402300799, out);
	assert_string_equal(out, "9999-12-31T23:59:59Z");
	/* Clamped outside four-digit years. */
	isotime_format(253402300800, out);
	assert_string_equal(out, "9999-12-31T23:59:59Z");
	isotime_format(INT64_MAX, out);
	assert_string_equal(out, "9999-12-31T23:59:59Z");
	isotime_format(INT64_MIN, out);
	assert_string_equal(out, "0000-01-01T00:00:00Z");
	isotime_format(-62167219200, out);
	assert_string_equal(out, "0000-01-01T00:00:00Z");
	isotime_format(-62167219200 + 86400 * 60 + 3661, out);
	assert_string_equal(out, "0000-03-01T01:01:01Z"); /* year 0 is leap */
}

static void round_trip(void **state)
{
	(void)state;
	/* Every minute-ish step of a few centuries parses back to itself. */
	for (int64_t t = -30610224000; t <= 253402300799; t += 7919 * 60 + 13) {
		char out[21];
		int64_t back;

		isotime_format(t, out);
		assert_true(isotime_parse(out, 20, &back));
		assert_int_equal(back, t);
	}
}

static void dates(void **state)
{
	char out[11];
	(void)state;
	d_ok("1970-01-01", 0);
	d_ok("1969-12-31", -1);
	d_ok("2024-02-29", 19782); /* leap day */
	d_ok("2000-02-29", 11016); /* 400-year rule */
	d_ok("2000-03-01", 11017);
	d_ok("1944-05-14", -9363);
	d_ok("1000-01-01", -354285);
	d_ok("9999-12-31", 2932896);
	d_bad("2023-02-29"); /* not a leap year */
	d_bad("1900-02-29"); /* century rule */
	d_bad("2100-02-29");
	d_bad("2026-02-30");
	d_bad("2026-06-31");
	d_bad("2026-12-32");
	d_bad("2026-13-01");
	d_bad("2026-00-10");
	d_bad("2026-01-00");
	d_bad("0999-12-31");
	d_bad("");
	d_bad("2026-1-01");
	d_bad("2026-01-01T00:00:00Z");
	d_bad("2026-01-01 ");
	d_bad("2026_01_01");
	d_bad("20260101");
	d_bad("-026-01-01");
	isodate_format(0, out);
	assert_string_equal(out, "1970-01-01");
	isodate_format(19782, out);
	assert_string_equal(out, "2024-02-29");
	isodate_format(-1, out);
	assert_string_equal(out, "1969-12-31");
	isodate_format(-354285, out);
	assert_string_equal(out, "1000-01-01");
	isodate_format(2932896, out);
	assert_string_equal(out, "9999-12-31");
	isodate_format(2932897, out);
	assert_string_equal(out, "9999-12-31");
	isodate_format(INT32_MAX, out);
	assert_string_equal(out, "9999-12-31");
	isodate_format(INT32_MIN, out);
	assert_string_equal(out, "0000-01-01");
	/* Every date of the accepted range round-trips. */
	for (int32_t d = -354285; d <= 2932896; d++) {
		int32_t back;

		isodate_format(d, out);
		assert_true(isodate_parse(out, 10, &back));
		assert_int_equal(back, d);
	}
}

static void civil(void **state)
{
	int y;
	unsigned m, d;
	(void)state;
	assert_int_equal(isotime_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(isotime_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(isotime_days_from_civil(0, 1, 1), -719528);
	assert_int_equal(isotime_days_from_civil(-1, 12, 31), -719529);
	assert_int_equal(isotime_days_from_civil(1, 1, 1), -719162);
	isotime_civil_from_days(-719529, &y, &m, &d);
	assert_int_equal(y, -1);
	assert_int_equal(m, 12);
	assert_int_equal(d, 31);
	isotime_civil_from_days(19782, &y, &m, &d);
	assert_int_equal(y, 2024);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
	/* Extremes neither overflow nor crash. */
	isotime_civil_from_days(INT64_MAX, &y, &m, &d);
	assert_true(y > 9990000 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
	isotime_civil_from_days(INT64_MIN, &y, &m, &d);
	assert_true(y < -9990000 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
	(void)isotime_days_from_civil(INT32_MIN, 1, 1);
	(void)isotime_days_from_civil(INT32_MAX, 12, 31);
	(void)isotime_days_from_civil(0, UINT32_MAX, UINT32_MAX);
	/* The two are inverse over 30,000 years around the epoch. */
	int64_t prev = isotime_days_from_civil(-10000, 1, 1) - 1;
	for (int yy = -10000; yy <= 20000; yy++) {
		for (unsigned mm = 1; mm <= 12; mm++) {
			unsigned dim = isotime_days_in_month(yy, mm);
			for (unsigned dd = 1; dd <= dim; dd++) {
				int64_t z = isotime_days_from_civil(yy, mm, dd);
				assert_int_equal(z, prev + 1);
				prev = z;
				isotime_civil_from_days(z, &y, &m, &d);
				if (y != yy || m != mm || d != dd)
					fail_msg("%d-%u-%u", yy, mm, dd);
			}
		}
	}
	assert_int_equal(isotime_days_in_month(2024, 2), 29);
	assert_int_equal(isotime_days_in_month(2023, 2), 28);
	assert_int_equal(isotime_days_in_month(1900, 2), 28);
	assert_int_equal(isotime_days_in_month(2000, 2), 29);
	assert_int_equal(isotime_days_in_month(-4, 2), 29);
	assert_int_equal(isotime_days_in_month(2023, 4), 30);
	assert_int_equal(isotime_days_in_month(2023, 0), 0);
	assert_int_equal(isotime_days_in_month(2023, 13), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_forms), cmocka_unit_test(parse_refused),
		cmocka_unit_test(format),      cmocka_unit_test(round_trip),
		cmocka_unit_test(dates),       cmocka_unit_test(civil),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
