/* test_tz.c: time zones from the system tzdata against truths computed with
 * Python's zoneinfo (and glibc's TZ for the Jn / n rule forms, which Python
 * 3.11 computes wrongly): offsets, transitions, gaps and overlaps, local days and
 * day starts, POSIX footer rules on crafted files, bad names, damaged files,
 * and several threads sharing one zone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/isotime.h"
#include "core/tz.h"

#define ZONEINFO "/usr/share/zoneinfo"
#define DAY	 86400

struct change {
	int64_t at;
	int32_t before, after;
};

/* Europe/Warsaw, 2020-2050: instant, offset before, offset from then on. */
static const struct change warsaw_changes[] = {
	{1585443600, 3600, 7200}, {1603587600, 7200, 3600}, {1616893200, 3600, 7200},
	{1635642000, 7200, 3600}, {1648342800, 3600, 7200}, {1667091600, 7200, 3600},
	{1679792400, 3600, 7200}, {1698541200, 7200, 3600}, {1711846800, 3600, 7200},
	{1729990800, 7200, 3600}, {1743296400, 3600, 7200}, {1761440400, 7200, 3600},
	{1774746000, 3600, 7200}, {1792890000, 7200, 3600}, {1806195600, 3600, 7200},
	{1824944400, 7200, 3600}, {1837645200, 3600, 7200}, {1856394000, 7200, 3600},
	{1869094800, 3600, 7200}, {1887843600, 7200, 3600}, {1901149200, 3600, 7200},
	{1919293200, 7200, 3600}, {1932598800, 3600, 7200}, {1950742800, 7200, 3600},
	{1964048400, 3600, 7200}, {1982797200, 7200, 3600}, {1995498000, 3600, 7200},
	{2014246800, 7200, 3600}, {2026947600, 3600, 7200}, {2045696400, 7200, 3600},
	{2058397200, 3600, 7200}, {2077146000, 7200, 3600}, {2090451600, 3600, 7200},
	{2108595600, 7200, 3600}, {2121901200, 3600, 7200}, {2140045200, 7200, 3600},
	{2153350800, 3600, 7200}, {2172099600, 7200, 3600}, {2184800400, 3600, 7200},
	{2203549200, 7200, 3600}, {2216250000, 3600, 7200}, {2234998800, 7200, 3600},
	{2248304400, 3600, 7200}, {2266448400, 7200, 3600}, {2279754000, 3600, 7200},
	{2297898000, 7200, 3600}, {2311203600, 3600, 7200}, {2329347600, 7200, 3600},
	{2342653200, 3600, 7200}, {2361402000, 7200, 3600}, {2374102800, 3600, 7200},
	{2392851600, 7200, 3600}, {2405552400, 3600, 7200}, {2424301200, 7200, 3600},
	{2437606800, 3600, 7200}, {2455750800, 7200, 3600}, {2469056400, 3600, 7200},
	{2487200400, 7200, 3600}, {2500506000, 3600, 7200}, {2519254800, 7200, 3600},
	{2531955600, 3600, 7200}, {2550704400, 7200, 3600},
};

/* America/New_York, 2020-2050: instant, offset before, offset from then on. */
static const struct change new_york_changes[] = {
	{1583650800, -18000, -14400}, {1604210400, -14400, -18000}, {1615705200, -18000, -14400},
	{1636264800, -14400, -18000}, {1647154800, -18000, -14400}, {1667714400, -14400, -18000},
	{1678604400, -18000, -14400}, {1699164000, -14400, -18000}, {1710054000, -18000, -14400},
	{1730613600, -14400, -18000}, {1741503600, -18000, -14400}, {1762063200, -14400, -18000},
	{1772953200, -18000, -14400}, {1793512800, -14400, -18000}, {1805007600, -18000, -14400},
	{1825567200, -14400, -18000}, {1836457200, -18000, -14400}, {1857016800, -14400, -18000},
	{1867906800, -18000, -14400}, {1888466400, -14400, -18000}, {1899356400, -18000, -14400},
	{1919916000, -14400, -18000}, {1930806000, -18000, -14400}, {1951365600, -14400, -18000},
	{1962860400, -18000, -14400}, {1983420000, -14400, -18000}, {1994310000, -18000, -14400},
	{2014869600, -14400, -18000}, {2025759600, -18000, -14400}, {2046319200, -14400, -18000},
	{2057209200, -18000, -14400}, {2077768800, -14400, -18000}, {2088658800, -18000, -14400},
	{2109218400, -14400, -18000}, {2120108400, -18000, -14400}, {2140668000, -14400, -18000},
	{2152162800, -18000, -14400}, {2172722400, -14400, -18000}, {2183612400, -18000, -14400},
	{2204172000, -14400, -18000}, {2215062000, -18000, -14400}, {2235621600, -14400, -18000},
	{2246511600, -18000, -14400}, {2267071200, -14400, -18000}, {2277961200, -18000, -14400},
	{2298520800, -14400, -18000}, {2309410800, -18000, -14400}, {2329970400, -14400, -18000},
	{2341465200, -18000, -14400}, {2362024800, -14400, -18000}, {2372914800, -18000, -14400},
	{2393474400, -14400, -18000}, {2404364400, -18000, -14400}, {2424924000, -14400, -18000},
	{2435814000, -18000, -14400}, {2456373600, -14400, -18000}, {2467263600, -18000, -14400},
	{2487823200, -14400, -18000}, {2499318000, -18000, -14400}, {2519877600, -14400, -18000},
	{2530767600, -18000, -14400}, {2551327200, -14400, -18000},
};

/* Australia/Lord_Howe, 2020-2050: instant, offset before, offset from then on. */
static const struct change lord_howe_changes[] = {
	{1586012400, 39600, 37800}, {1601739000, 37800, 39600}, {1617462000, 39600, 37800},
	{1633188600, 37800, 39600}, {1648911600, 39600, 37800}, {1664638200, 37800, 39600},
	{1680361200, 39600, 37800}, {1696087800, 37800, 39600}, {1712415600, 39600, 37800},
	{1728142200, 37800, 39600}, {1743865200, 39600, 37800}, {1759591800, 37800, 39600},
	{1775314800, 39600, 37800}, {1791041400, 37800, 39600}, {1806764400, 39600, 37800},
	{1822491000, 37800, 39600}, {1838214000, 39600, 37800}, {1853940600, 37800, 39600},
	{1869663600, 39600, 37800}, {1885995000, 37800, 39600}, {1901718000, 39600, 37800},
	{1917444600, 37800, 39600}, {1933167600, 39600, 37800}, {1948894200, 37800, 39600},
	{1964617200, 39600, 37800}, {1980343800, 37800, 39600}, {1996066800, 39600, 37800},
	{2011793400, 37800, 39600}, {2027516400, 39600, 37800}, {2043243000, 37800, 39600},
	{2058966000, 39600, 37800}, {2075297400, 37800, 39600}, {2091020400, 39600, 37800},
	{2106747000, 37800, 39600}, {2122470000, 39600, 37800}, {2138196600, 37800, 39600},
	{2153919600, 39600, 37800}, {2169646200, 37800, 39600}, {2185369200, 39600, 37800},
	{2201095800, 37800, 39600}, {2216818800, 39600, 37800}, {2233150200, 37800, 39600},
	{2248873200, 39600, 37800}, {2264599800, 37800, 39600}, {2280322800, 39600, 37800},
	{2296049400, 37800, 39600}, {2311772400, 39600, 37800}, {2327499000, 37800, 39600},
	{2343222000, 39600, 37800}, {2358948600, 37800, 39600}, {2374671600, 39600, 37800},
	{2390398200, 37800, 39600}, {2406121200, 39600, 37800}, {2422452600, 37800, 39600},
	{2438175600, 39600, 37800}, {2453902200, 37800, 39600}, {2469625200, 39600, 37800},
	{2485351800, 37800, 39600}, {2501074800, 39600, 37800}, {2516801400, 37800, 39600},
	{2532524400, 39600, 37800}, {2548251000, 37800, 39600},
};

static struct tz *load(const char *name)
{
	struct tz *tz = NULL;
	kt_err rc = tz_load(name, &tz);

	if (rc != ERR_OK)
		fail_msg("tz_load(\"%s\") = %d", name, (int)rc);
	assert_non_null(tz);
	assert_string_equal(tz_name(tz), name);
	return tz;
}

static int64_t utc(int y, unsigned m, unsigned d, int hh, int mm, int ss)
{
	return isotime_days_from_civil(y, m, d) * DAY + hh * 3600 + mm * 60 + ss;
}

/* local wall-clock time as tz_local_to_utc takes it */
static int64_t wall(int y, unsigned m, unsigned d, int hh, int mm)
{
	return utc(y, m, d, hh, mm, 0);
}

static int32_t day_of(int y, unsigned m, unsigned d)
{
	return (int32_t)isotime_days_from_civil(y, m, d);
}

static void check_changes(const struct tz *tz, const struct change *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (tz_offset(tz, c[i].at - 1) != c[i].before ||
		    tz_offset(tz, c[i].at) != c[i].after)
			fail_msg("%s at %lld: %d/%d, want %d/%d", tz_name(tz), (long long)c[i].at,
				 tz_offset(tz, c[i].at - 1), tz_offset(tz, c[i].at), c[i].before,
				 c[i].after);
	}
}

static void check_format(const struct tz *tz, int64_t t, const char *want)
{
	char out[32];
	int64_t back;

	memset(out, 'x', sizeof(out));
	tz_format_local(tz, t, out);
	assert_string_equal(out, want);
	assert_true(isotime_parse(out, strlen(out), &back));
	assert_int_equal(back, t);
}

/* ---- Europe/Warsaw ---- */

static void warsaw_offsets(void **state)
{
	struct tz *tz = load("Europe/Warsaw");

	(void)state;
	assert_int_equal(tz_offset(tz, 1768478400), 3600); /* 2026-01-15T12:00Z */
	assert_int_equal(tz_offset(tz, 1784116800), 7200); /* 2026-07-15T12:00Z */
	/* 2040: past the file's last transition (2037-10-25): the footer rule */
	assert_int_equal(tz_offset(tz, 2210241600), 3600);
	assert_int_equal(tz_offset(tz, 2225966400), 7200);
	/* 2026-03-29T01:00:00Z and 2026-10-25T01:00:00Z */
	assert_int_equal(tz_offset(tz, utc(2026, 3, 29, 1, 0, 0)), 7200);
	assert_int_equal(utc(2026, 3, 29, 1, 0, 0), 1774746000);
	assert_int_equal(tz_offset(tz, 1774746000 - 1), 3600);
	assert_int_equal(tz_offset(tz, 1774746000), 7200);
	assert_int_equal(tz_offset(tz, 1792890000 - 1), 7200);
	assert_int_equal(tz_offset(tz, 1792890000), 3600);
	/* 2040-03-25T01:00Z and 2040-10-28T01:00Z, from the rule */
	assert_int_equal(tz_offset(tz, 2216250000 - 1), 3600);
	assert_int_equal(tz_offset(tz, 2216250000), 7200);
	assert_int_equal(tz_offset(tz, 2234998800 - 1), 7200);
	assert_int_equal(tz_offset(tz, 2234998800), 3600);
	/* 1890: local mean time +01:24, before the first transition (1880, a
	 * 64-bit-only instant) ... and the one type 0 covers */
	assert_int_equal(tz_offset(tz, -2524521600), 5040);
	check_changes(tz, warsaw_changes, sizeof(warsaw_changes) / sizeof(warsaw_changes[0]));
	tz_free(tz);
}

static void warsaw_gap_overlap(void **state)
{
	struct tz *tz = load("Europe/Warsaw");

	(void)state;
	/* 02:30 does not exist on 2026-03-29: 03:30 CEST = 01:30Z */
	assert_int_equal(tz_local_to_utc(tz, wall(2026, 3, 29, 2, 30)), 1774747800);
	assert_int_equal(tz_local_to_utc(tz, wall(2026, 3, 29, 2, 0)), 1774746000);
	assert_int_equal(tz_local_to_utc(tz, wall(2026, 3, 29, 1, 59) + 59), 1774745999);
	assert_int_equal(tz_local_to_utc(tz, wall(2026, 3, 29, 3, 0)), 1774746000);
	/* 02:30 happens twice on 2026-10-25: the earlier, 00:30Z */
	assert_int_equal(tz_local_to_utc(tz, wall(2026, 10, 25, 2, 30)), 1792888200);
	assert_int_equal(tz_local_to_utc(tz, wall(2026, 10, 25, 3, 0)), 1792890000 + 3600);
	assert_int_equal(tz_local_to_utc(tz, wall(2026, 10, 25, 2, 0)), 1792890000 - 3600);
	/* ordinary times */
	assert_int_equal(tz_local_to_utc(tz, wall(2026, 11, 22, 11, 0)), 1795341600);
	assert_int_equal(tz_local_to_utc(tz, wall(2026, 7, 15, 14, 0)), 1784116800);
	/* the same in 2040, from the footer rule */
	assert_int_equal(tz_local_to_utc(tz, wall(2040, 3, 25, 2, 30)), 2216251800);
	assert_int_equal(tz_local_to_utc(tz, wall(2040, 10, 28, 2, 30)), 2234997000);
	tz_free(tz);
}

static void warsaw_days(void **state)
{
	struct tz *tz = load("Europe/Warsaw");

	(void)state;
	/* 2026-11-22T23:30:00Z is 00:30 on 2026-11-23 in Warsaw */
	assert_int_equal(tz_local_day(tz, 1795390200), day_of(2026, 11, 23));
	assert_int_equal(tz_local_day(tz, utc(2026, 11, 22, 22, 59, 59)), day_of(2026, 11, 22));
	assert_int_equal(tz_local_day(tz, utc(2026, 11, 22, 23, 0, 0)), day_of(2026, 11, 23));
	/* summer: midnight is 22:00Z */
	assert_int_equal(tz_local_day(tz, utc(2026, 7, 14, 21, 59, 59)), day_of(2026, 7, 14));
	assert_int_equal(tz_local_day(tz, utc(2026, 7, 14, 22, 0, 0)), day_of(2026, 7, 15));
	/* before 1970 */
	assert_int_equal(tz_local_day(tz, utc(1969, 12, 31, 23, 0, 0)), 0);
	assert_int_equal(tz_local_day(tz, utc(1969, 12, 31, 22, 59, 59)), -1);

	/* 2026-03-29 begins 2026-03-28T23:00Z and lasts 23 h */
	assert_int_equal(tz_day_start(tz, day_of(2026, 3, 29)), 1774738800);
	assert_int_equal(tz_day_start(tz, day_of(2026, 3, 30)), 1774821600);
	assert_int_equal(tz_day_start(tz, day_of(2026, 3, 30)) -
				 tz_day_start(tz, day_of(2026, 3, 29)),
			 23 * 3600);
	/* 2026-10-25 begins in summer time: 2026-10-24T22:00Z, and lasts 25 h */
	assert_int_equal(tz_day_start(tz, day_of(2026, 10, 25)), 1792879200);
	assert_int_equal(tz_day_start(tz, day_of(2026, 10, 26)), 1792969200);
	assert_int_equal(tz_day_start(tz, day_of(2026, 10, 26)) -
				 tz_day_start(tz, day_of(2026, 10, 25)),
			 25 * 3600);
	/* every day of 2020-2045: starts where the local day changes, 23/24/25 h */
	for (int32_t d = day_of(2020, 1, 1); d < day_of(2046, 1, 1); d++) {
		int64_t s = tz_day_start(tz, d), e = tz_day_start(tz, d + 1);

		assert_int_equal(tz_local_day(tz, s), d);
		assert_int_equal(tz_local_day(tz, s - 1), d - 1);
		assert_int_equal(tz_local_day(tz, e - 1), d);
		assert_true(e - s == 23 * 3600 || e - s == 24 * 3600 || e - s == 25 * 3600);
	}
	tz_free(tz);
}

static void warsaw_format(void **state)
{
	struct tz *tz = load("Europe/Warsaw");

	(void)state;
	check_format(tz, 1795341600, "2026-11-22T11:00:00+01:00");
	check_format(tz, 1774747800, "2026-03-29T03:30:00+02:00");
	check_format(tz, 1792888200, "2026-10-25T02:30:00+02:00");
	check_format(tz, 1792888200 + 3600, "2026-10-25T02:30:00+01:00");
	check_format(tz, -2524521600, "1890-01-01T01:24:00+01:24");
	tz_free(tz);
}

/* Walk a year in 15-minute steps: local_to_utc inverts offset, except in
 * an overlap, where it gives the earlier instant. */
static void round_trips(const struct tz *tz, int y)
{
	for (int64_t t = utc(y, 1, 1, 0, 0, 0); t < utc(y + 1, 1, 1, 0, 0, 0); t += 900) {
		int64_t local = t + tz_offset(tz, t), r = tz_local_to_utc(tz, local);

		if (r != t) {
			/* overlap: r is earlier and shows the same wall time */
			assert_true(r < t && t - r <= 2 * 3600);
			assert_int_equal(r + tz_offset(tz, r), local);
		}
	}
}

static void round_trip_years(void **state)
{
	const char *zones[] = {"Europe/Warsaw",	 "America/New_York",  "Australia/Lord_Howe",
			       "Asia/Kathmandu", "America/Sao_Paulo", "UTC"};

	(void)state;
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		struct tz *tz = load(zones[i]);

		round_trips(tz, 2026);
		round_trips(tz, 2041);
		tz_free(tz);
	}
}

/* ---- other zones ---- */

static void new_york(void **state)
{
	struct tz *tz = load("America/New_York");

	(void)state;
	assert_int_equal(tz_offset(tz, 1768478400), -18000);
	assert_int_equal(tz_offset(tz, 1784116800), -14400);
	assert_int_equal(tz_offset(tz, 2210241600), -18000);
	assert_int_equal(tz_offset(tz, 2225966400), -14400);
	/* 1880 local mean time -4:56:02, then EST from 1883 (64-bit data) */
	assert_int_equal(tz_offset(tz, -2840140800), -17762);
	assert_int_equal(tz_offset(tz, -2524521600), -18000);
	check_changes(tz, new_york_changes, sizeof(new_york_changes) / sizeof(new_york_changes[0]));
	/* 2026-03-08 02:30 does not exist: 03:30 EDT = 07:30Z */
	assert_int_equal(tz_local_to_utc(tz, wall(2026, 3, 8, 2, 30)), 1772955000);
	/* 2026-11-01 01:30 twice: the earlier, 05:30Z */
	assert_int_equal(tz_local_to_utc(tz, wall(2026, 11, 1, 1, 30)), 1793511000);
	assert_int_equal(tz_local_day(tz, utc(2026, 11, 23, 4, 59, 59)), day_of(2026, 11, 22));
	assert_int_equal(tz_local_day(tz, utc(2026, 11, 23, 5, 0, 0)), day_of(2026, 11, 23));
	check_format(tz, 1795341600, "2026-11-22T05:00:00-05:00");
	tz_free(tz);
}

static void lord_howe(void **state)
{
	struct tz *tz = load("Australia/Lord_Howe");

	(void)state;
	/* +11 in the southern summer, +10:30 in winter: a 30-minute change */
	assert_int_equal(tz_offset(tz, 1768478400), 39600);
	assert_int_equal(tz_offset(tz, 1784116800), 37800);
	assert_int_equal(tz_offset(tz, 2210241600), 39600);
	assert_int_equal(tz_offset(tz, 2225966400), 37800);
	check_changes(tz, lord_howe_changes,
		      sizeof(lord_howe_changes) / sizeof(lord_howe_changes[0]));
	/* 2026-10-04 02:15 is in the 30-minute gap: 02:45 +11 */
	assert_int_equal(tz_local_to_utc(tz, wall(2026, 10, 4, 2, 15)), 1791042300);
	/* 2026-04-05 01:45 happens twice: the earlier, in +11 */
	assert_int_equal(tz_local_to_utc(tz, wall(2026, 4, 5, 1, 45)), 1775313900);
	check_format(tz, 1795341600, "2026-11-22T21:00:00+11:00");
	tz_free(tz);
}

static void kathmandu_sao_paulo_utc(void **state)
{
	struct tz *tz = load("Asia/Kathmandu");

	(void)state;
	assert_int_equal(tz_offset(tz, 1768478400), 20700);
	assert_int_equal(tz_offset(tz, 2225966400), 20700);
	assert_int_equal(tz_offset(tz, 315532800), 19800); /* 1980: +05:30 */
	check_format(tz, 1795341600, "2026-11-22T15:45:00+05:45");
	assert_int_equal(tz_local_day(tz, utc(2026, 11, 22, 18, 14, 59)), day_of(2026, 11, 22));
	assert_int_equal(tz_local_day(tz, utc(2026, 11, 22, 18, 15, 0)), day_of(2026, 11, 23));
	assert_int_equal(tz_day_start(tz, day_of(2026, 11, 23)), utc(2026, 11, 22, 18, 15, 0));
	tz_free(tz);

	/* Brazil dropped DST in 2019 */
	tz = load("America/Sao_Paulo");
	assert_int_equal(tz_offset(tz, 1516017600), -7200); /* 2018-01-15 */
	assert_int_equal(tz_offset(tz, 1768478400), -10800);
	assert_int_equal(tz_offset(tz, 1784116800), -10800);
	assert_int_equal(tz_offset(tz, 2210241600), -10800);
	assert_int_equal(tz_offset(tz, 2225966400), -10800);
	check_format(tz, 1795341600, "2026-11-22T07:00:00-03:00");
	tz_free(tz);

	tz = load("UTC");
	assert_int_equal(tz_offset(tz, 1768478400), 0);
	assert_int_equal(tz_offset(tz, INT64_MIN), 0);
	assert_int_equal(tz_offset(tz, INT64_MAX), 0);
	assert_int_equal(tz_local_to_utc(tz, 1795341600), 1795341600);
	assert_int_equal(tz_local_day(tz, 1795341600), day_of(2026, 11, 22));
	assert_int_equal(tz_day_start(tz, day_of(2026, 11, 22)), utc(2026, 11, 22, 0, 0, 0));
	check_format(tz, 1795341600, "2026-11-22T10:00:00+00:00");
	tz_free(tz);

	/* Etc/GMT+5 is five hours west: the name's '+' is allowed */
	tz = load("Etc/GMT+5");
	assert_int_equal(tz_offset(tz, 1768478400), -18000);
	tz_free(tz);

	/* an offset with seconds is printed rounded, still denoting t */
	tz = load("Europe/Amsterdam");
	assert_int_equal(tz_offset(tz, -2208988800), 1172); /* 1900: +00:19:32 */
	check_format(tz, -2208988800, "1900-01-01T00:20:00+00:20");
	tz_free(tz);
}

static void extremes(void **state)
{
	struct tz *tz = load("Europe/Warsaw");
	char out[32];

	(void)state;
	/* no crash, sane answers at the ends of int64_t and int32_t */
	assert_int_equal(tz_offset(tz, INT64_MIN), 5040);
	assert_int_equal(tz_offset(tz, INT64_MAX), 3600);
	(void)tz_local_to_utc(tz, INT64_MIN);
	(void)tz_local_to_utc(tz, INT64_MAX);
	(void)tz_local_day(tz, INT64_MIN);
	(void)tz_local_day(tz, INT64_MAX);
	(void)tz_day_start(tz, INT32_MIN);
	(void)tz_day_start(tz, INT32_MAX);
	tz_format_local(tz, INT64_MIN, out);
	assert_string_equal(out, "0000-01-01T00:00:00+01:24");
	tz_format_local(tz, INT64_MAX, out);
	assert_string_equal(out, "9999-12-31T23:59:59+01:00");
	tz_free(tz);
}

/* ---- names and loading ---- */

static void names(void **state)
{
	char longname[80];
	struct tz *tz = (struct tz *)&tz;

	(void)state;
	assert_int_equal(tz_load("Mars/Olympus_Mons", &tz), ERR_NOT_FOUND);
	assert_null(tz);
	assert_int_equal(tz_load("Europe", &tz), ERR_NOT_FOUND); /* a directory */
	assert_int_equal(tz_load("Europe/Warsaw/", &tz), ERR_NOT_FOUND);
	assert_int_equal(tz_load("../etc/passwd", &tz), ERR_INVALID);
	assert_int_equal(tz_load("Europe/../../etc/passwd", &tz), ERR_INVALID);
	assert_int_equal(tz_load("/etc/passwd", &tz), ERR_INVALID);
	assert_int_equal(tz_load("", &tz), ERR_INVALID);
	assert_int_equal(tz_load(NULL, &tz), ERR_INVALID);
	assert_int_equal(tz_load("Europe/War saw", &tz), ERR_INVALID);
	assert_int_equal(tz_load("Europe/Warsaw\n", &tz), ERR_INVALID);
	assert_int_equal(tz_load("zone.tab", &tz), ERR_INVALID);
	assert_null(tz);
	memset(longname, 'A', sizeof(longname));
	longname[65] = '\0';
	assert_int_equal(tz_load(longname, &tz), ERR_INVALID);
	longname[64] = '\0';
	assert_int_equal(tz_load(longname, &tz), ERR_NOT_FOUND);
	/* not a TZif file */
	assert_int_equal(tz_load("leapseconds", &tz), ERR_INVALID);
	/* leap-second zones are refused */
	assert_int_equal(tz_load("right/Europe/Warsaw", &tz) == ERR_INVALID ||
				 tz_load("right/Europe/Warsaw", &tz) == ERR_NOT_FOUND,
			 1);
	assert_null(tz);
	/* UTC works without tzdata */
	assert_int_equal(tz_load_dir("/nonexistent/zoneinfo", "UTC", &tz), ERR_OK);
	assert_string_equal(tz_name(tz), "UTC");
	assert_int_equal(tz_offset(tz, 1784116800), 0);
	tz_free(tz);
	assert_int_equal(tz_load_dir("/nonexistent/zoneinfo", "Europe/Warsaw", &tz), ERR_NOT_FOUND);
	assert_int_equal(tz_load_dir(ZONEINFO, "Europe/Warsaw", &tz), ERR_OK);
	tz_free(tz);
	tz_free(NULL);
}

/* ---- crafted files ---- */

static size_t put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
	return 4;
}

static size_t put64(unsigned char *p, int64_t v)
{
	put32(p, (uint32_t)((uint64_t)v >> 32));
	return 4 + put32(p + 4, (uint32_t)v);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct spec {
	unsigned char version; /* 0, '2', '3' */
	uint32_t n;	       /* transitions */
	const int64_t *at;
	const unsigned char *idx;
	uint32_t ntypes;
	const int32_t *offs;
	const char *footer; /* versions 2+ */
};

static size_t put_block(unsigned char *p, const struct spec *s, unsigned tsize, bool empty)
{
	uint32_t n = empty ? 0 : s->n, nt = empty ? 1 : s->ntypes;
	size_t k = 0;

	memcpy(p, "TZif", 4);
	p[4] = s->version;
	memset(p + 5, 0, 15);
	k = 20;
	k += put32(p + k, 0);  /* isut */
	k += put32(p + k, 0);  /* isstd */
	k += put32(p + k, 0);  /* leap */
	k += put32(p + k, n);  /* time */
	k += put32(p + k, nt); /* type */
	k += put32(p + k, 4);  /* chars */
	for (uint32_t i = 0; i < n; i++)
		k += tsize == 8 ? put64(p + k, s->at[i]) : put32(p + k, (uint32_t)s->at[i]);
	for (uint32_t i = 0; i < n; i++)
		p[k++] = s->idx[i];
	for (uint32_t i = 0; i < nt; i++) {
		k += put32(p + k, (uint32_t)(empty ? 0 : s->offs[i]));
		p[k++] = 0;
		p[k++] = 0;
	}
	memcpy(p + k, "ZZZ", 4);
	return k + 4;
}

/* build: a TZif file as zic -b slim writes it (versions 2+: an empty 32-bit
 * block); returns its length. */
static size_t build(unsigned char *buf, const struct spec *s)
{
	size_t k;

	if (s->version == 0)
		return put_block(buf, s, 4, false);
	k = put_block(buf, s, 4, true);
	k += put_block(buf + k, s, 8, false);
	buf[k++] = '\n';
	memcpy(buf + k, s->footer, strlen(s->footer));
	k += strlen(s->footer);
	buf[k++] = '\n';
	return k;
}

static kt_err parse_footer_zone(const char *footer, struct tz **tz)
{
	static const int32_t offs[] = {0};
	unsigned char buf[512];
	struct spec s = {'3', 0, NULL, NULL, 1, offs, footer};
	size_t len;

	assert_true(strlen(footer) < 256);
	len = build(buf, &s);
	return tz_parse("Test/Footer", buf, len, tz);
}

static struct tz *footer_zone(const char *footer)
{
	struct tz *tz = NULL;

	if (parse_footer_zone(footer, &tz) != ERR_OK)
		fail_msg("refused footer \"%s\"", footer);
	return tz;
}

struct footer_case {
	const char *footer;
	struct change c[4];
};

/* Transitions computed with glibc's TZ (and Python's zoneinfo for the M
 * forms, which agrees). */
static const struct footer_case footer_cases[] = {
	/* Jn: February 29 never counted, so J59/J60 are Feb 28/Mar 1 even in 2032 */
	{"AAA-1BBB,J59/2,J60/2",
	 {{1898470800, 3600, 7200},
	  {1898553600, 7200, 3600},
	  {1961542800, 3600, 7200},
	  {1961712000, 7200, 3600}}},
	/* n: zero-based, February 29 counted: 59 is Feb 29 in 2032 */
	{"AAA-1BBB,0/2,59/2",
	 {{1893459600, 3600, 7200},
	  {1898553600, 7200, 3600},
	  {1956531600, 3600, 7200},
	  {1961625600, 7200, 3600}}},
	/* negative transition times (America/Nuuk) */
	{"<-02>2<-01>,M3.5.0/-1,M10.5.0/0",
	 {{1901149200, -7200, -3600},
	  {1919293200, -3600, -7200},
	  {1932598800, -7200, -3600},
	  {1950742800, -3600, -7200}}},
	/* over 24 hours (Asia/Jerusalem, Asia/Gaza) */
	{"IST-2IDT,M3.4.4/26,M10.5.0",
	 {{1900972800, 7200, 10800},
	  {1919286000, 10800, 7200},
	  {1932422400, 7200, 10800},
	  {1950735600, 10800, 7200}}},
	{"EET-2EEST,M3.4.4/50,M10.4.4/50",
	 {{1901059200, 7200, 10800},
	  {1919199600, 10800, 7200},
	  {1932508800, 7200, 10800},
	  {1950649200, 10800, 7200}}},
	/* minutes and seconds everywhere */
	{"AAA-1:30:15BBB-2:00:45,M3.5.0/1:02:03,M10.5.0/4:05:06",
	 {{1901143908, 5415, 7245},
	  {1919297061, 7245, 5415},
	  {1932593508, 5415, 7245},
	  {1950746661, 7245, 5415}}},
	/* the extremes RFC 8536 allows: -167 h and 167 h */
	{"AAA3BBB,M3.5.0/-167,M10.5.0/167",
	 {{1900555200, -10800, -7200},
	  {1919898000, -7200, -10800},
	  {1932004800, -10800, -7200},
	  {1951347600, -7200, -10800}}},
	/* southern hemisphere, half-hour change */
	{"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
	 {{1901718000, 39600, 37800},
	  {1917444600, 37800, 39600},
	  {1933167600, 39600, 37800},
	  {1948894200, 37800, 39600}}},
	/* no dates: the US rule, as tzcode does (values of "EST5EDT,M3.2.0,M11.1.0") */
	{"EST5EDT",
	 {{1899356400, -18000, -14400},
	  {1919916000, -14400, -18000},
	  {2215062000, -18000, -14400},
	  {2235621600, -14400, -18000}}},
	/* explicit DST offset, 2 hours ahead */
	{"AAA-1BBB-3,M3.5.0,M10.5.0/3",
	 {{1901149200, 3600, 10800},
	  {1919289600, 10800, 3600},
	  {1932598800, 3600, 10800},
	  {1950739200, 10800, 3600}}},
};

static void footer_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(footer_cases) / sizeof(footer_cases[0]); i++) {
		struct tz *tz = footer_zone(footer_cases[i].footer);

		check_changes(tz, footer_cases[i].c, 4);
		round_trips(tz, 2030);
		round_trips(tz, 2032);
		tz_free(tz);
	}
}

static void footer_special(void **state)
{
	struct tz *tz;

	(void)state;
	/* RFC 8536's example of DST all year: no transition ever */
	tz = footer_zone("EST5EDT,0/0,J365/25");
	for (int64_t t = utc(2029, 12, 31, 0, 0, 0); t < utc(2031, 1, 2, 0, 0, 0); t += 1800)
		assert_int_equal(tz_offset(tz, t), -14400);
	assert_int_equal(tz_offset(tz, utc(2030, 1, 1, 5, 0, 0)), -14400);
	assert_int_equal(tz_offset(tz, utc(2030, 1, 1, 4, 59, 59)), -14400);
	tz_free(tz);

	tz = footer_zone("<+0545>-5:45");
	assert_int_equal(tz_offset(tz, 0), 20700);
	assert_int_equal(tz_offset(tz, 4102444800), 20700);
	tz_free(tz);

	/* empty footer: type 0 all along */
	tz = footer_zone("");
	assert_int_equal(tz_offset(tz, 1784116800), 0);
	tz_free(tz);
}

static void footer_refused(void **state)
{
	static const char *bad[] = {
		"CET-1CEST,M3.5.0",	     /* one date */
		"CET-1CEST,M13.5.0,M10.5.0", /* month 13 */
		"CET-1CEST,M0.5.0,M10.5.0",
		"CET-1CEST,M3.6.0,M10.5.0", /* week 6 */
		"CET-1CEST,M3.0.0,M10.5.0",
		"CET-1CEST,M3.5.7,M10.5.0", /* weekday 7 */
		"CET-1CEST,M3.5,M10.5.0",
		"CET-1CEST,J0,J365", /* J counts from 1 */
		"CET-1CEST,J366,J1",
		"CET-1CEST,366,1",		/* n: 0-365 */
		"CET-1CEST,M3.5.0/168,M10.5.0", /* 167 h at most */
		"CET-1CEST,M3.5.0/-168,M10.5.0",
		"CET-1CEST,M3.5.0/2:60,M10.5.0",
		"CET-1CEST,M3.5.0,M10.5.0,",
		"CET-1CEST,M3.5.0,M10.5.0 ",
		"CET-25", /* offset: 24 h at most */
		"CET-1:60",
		"CET-1:00:60",
		"CET-1CEST25,M3.5.0,M10.5.0",
		"CE-1", /* names: 3 or more */
		"<CE>-1",
		"<CET-1",
		"<C,T>-1",
		"CET", /* no offset */
		"CET-",
		"-1",
		"UTC0,M3.5.0,M10.5.0", /* rule without DST */
		"CET-1CEST,,M10.5.0",
		"CET-1CEST/,M3.5.0,M10.5.0",
		"CET-1CEST,M3.5.0/,M10.5.0",
		"CET-1CEST,M3.5.0/+,M10.5.0",
		"CET-1CEST,M3.5.0/1:,M10.5.0",
		"CET-1CEST,M003.5.0,M10.5.0",
		"CET-1CEST,J0060,J300",
		"CET-0001",
	};
	struct tz *tz = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse_footer_zone(bad[i], &tz) != ERR_INVALID)
			fail_msg("accepted footer \"%s\"", bad[i]);
		assert_null(tz);
	}
}

static void version1_and_tables(void **state)
{
	static const int64_t at[] = {1000000, 2000000};
	static const unsigned char idx[] = {1, 0};
	static const int32_t offs[] = {0, 3600};
	unsigned char buf[512];
	struct spec s = {0, 2, at, idx, 2, offs, ""};
	struct tz *tz = NULL;
	size_t len;

	(void)state;
	len = build(buf, &s);
	assert_int_equal(tz_parse("Test/V1", buf, len, &tz), ERR_OK);
	assert_int_equal(tz_offset(tz, 999999), 0);
	assert_int_equal(tz_offset(tz, 1000000), 3600);
	assert_int_equal(tz_offset(tz, 1999999), 3600);
	assert_int_equal(tz_offset(tz, 2000000), 0); /* no footer: last type holds */
	assert_int_equal(tz_offset(tz, INT64_MAX), 0);
	assert_int_equal(tz_local_to_utc(tz, 1000000), 1000000 - 3600 + 3600); /* gap: shifted */
	assert_int_equal(tz_local_to_utc(tz, 2000000 - 1800), 2000000 - 1800 - 3600);
	tz_free(tz);

	/* the same as version 3 with a footer taking over after the table */
	s.version = '3';
	s.footer = "<+02>-2";
	len = build(buf, &s);
	assert_int_equal(tz_parse("Test/V3", buf, len, &tz), ERR_OK);
	assert_int_equal(tz_offset(tz, 1999999), 3600);
	assert_int_equal(tz_offset(tz, 2000000), 7200);
	tz_free(tz);

	/* unsorted, duplicate and out-of-range transitions */
	{
		static const int64_t at2[] = {2000000, 1000000};
		static const int64_t at3[] = {1000000, 1000000};
		static const unsigned char idx2[] = {0, 2};
		static const int32_t offs2[] = {0, -90000}, offs3[] = {0, 93600};

		s.at = at2;
		len = build(buf, &s);
		assert_int_equal(tz_parse("Test/Bad", buf, len, &tz), ERR_INVALID);
		s.at = at3;
		len = build(buf, &s);
		assert_int_equal(tz_parse("Test/Bad", buf, len, &tz), ERR_INVALID);
		s.at = at;
		s.idx = idx2;
		len = build(buf, &s);
		assert_int_equal(tz_parse("Test/Bad", buf, len, &tz), ERR_INVALID);
		s.idx = idx;
		s.offs = offs2;
		len = build(buf, &s);
		assert_int_equal(tz_parse("Test/Bad", buf, len, &tz), ERR_INVALID);
		s.offs = offs3;
		len = build(buf, &s);
		assert_int_equal(tz_parse("Test/Bad", buf, len, &tz), ERR_INVALID);
		assert_null(tz);
	}
}

/* ---- damaged copies of a real file ---- */

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = malloc(1 << 16);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 16, f);
	fclose(f);
	assert_true(*len > 0 && *len < (1 << 16));
	return buf;
}

static void write_file(const char *dir, const char *name, const unsigned char *p, size_t len)
{
	char path[512];
	FILE *f;

	assert_true(snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path));
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void remove_file(const char *dir, const char *name)
{
	char path[512];

	assert_true(snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path));
	unlink(path);
}

/* load_mutant: a copy with the byte at off xor'ed by x, cut or extended to
 * newlen, loaded through a file in dir (or parsed in memory when dir is
 * NULL); returns the result code, the zone freed. */
static kt_err load_mutant(const char *dir, const unsigned char *orig, size_t len, size_t off,
			  unsigned char x, size_t newlen)
{
	unsigned char *p = malloc(len + 16);
	struct tz *tz = (struct tz *)&p;
	kt_err rc;

	assert_non_null(p);
	memcpy(p, orig, len);
	memset(p + len, '\n', 16);
	if (off < len)
		p[off] ^= x;
	if (dir) {
		write_file(dir, "Bad_Zone", p, newlen);
		rc = tz_load_dir(dir, "Bad_Zone", &tz);
	} else {
		rc = tz_parse("Bad_Zone", p, newlen, &tz);
	}
	if (rc == ERR_OK) {
		/* whatever it says, it says it without crashing */
		(void)tz_offset(tz, 1784116800);
		(void)tz_local_to_utc(tz, 1784116800);
		(void)tz_day_start(tz, 20541);
		tz_free(tz);
	} else {
		assert_null(tz);
	}
	free(p);
	return rc;
}

static void damaged_files(void **state)
{
	char dir[] = "/tmp/test_tz.XXXXXX";
	unsigned char *w;
	size_t len, v2, types_at, ok = 0, bad = 0;
	uint32_t tc, ty, ch;
	struct tz *tz = NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	w = slurp(ZONEINFO "/Europe/Warsaw", &len);

	/* the intact copy loads and agrees */
	write_file(dir, "Good_Zone", w, len);
	assert_int_equal(tz_load_dir(dir, "Good_Zone", &tz), ERR_OK);
	assert_int_equal(tz_offset(tz, 1774746000), 7200);
	tz_free(tz);
	remove_file(dir, "Good_Zone");

	/* every truncation is refused (in memory; some as files, empty included) */
	for (size_t n = 0; n < len; n++)
		assert_int_equal(load_mutant(NULL, w, len, len, 0, n), ERR_INVALID);
	for (size_t n = 0; n < len; n += n < 64 ? 1 : 97)
		assert_int_equal(load_mutant(dir, w, len, len, 0, n), ERR_INVALID);
	assert_int_equal(load_mutant(dir, w, len, len, 0, len - 1), ERR_INVALID);
	/* a byte appended */
	assert_int_equal(load_mutant(dir, w, len, len, 0, len + 1), ERR_INVALID);

	/* targeted damage: find the 64-bit block */
	tc = get32(w + 32);
	ty = get32(w + 36);
	ch = get32(w + 40);
	v2 = 44 + (size_t)tc * 5 + (size_t)ty * 6 + ch + get32(w + 24) + get32(w + 20);
	assert_memory_equal(w + v2, "TZif2", 5);
	tc = get32(w + v2 + 32);
	types_at = v2 + 44 + (size_t)tc * 9;
	assert_int_equal(load_mutant(dir, w, len, 0, 0x20, len), ERR_INVALID);	    /* magic */
	assert_int_equal(load_mutant(dir, w, len, 4, '2' ^ '1', len), ERR_INVALID); /* version */
	assert_int_equal(load_mutant(dir, w, len, v2 + 4, '2' ^ '3', len), ERR_INVALID);
	assert_int_equal(load_mutant(dir, w, len, v2 + 31, 1, len), ERR_INVALID);    /* leapcnt */
	assert_int_equal(load_mutant(dir, w, len, v2 + 32, 0x80, len), ERR_INVALID); /* timecnt */
	assert_int_equal(load_mutant(dir, w, len, v2 + 39, 0xFF, len), ERR_INVALID); /* typecnt */
	assert_int_equal(load_mutant(dir, w, len, v2 + 43, 0x40, len), ERR_INVALID); /* charcnt */
	assert_int_equal(load_mutant(dir, w, len, v2 + 44 + 8, 0x80, len), ERR_INVALID); /* order */
	assert_int_equal(load_mutant(dir, w, len, v2 + 44 + (size_t)tc * 8, 0x40, len),
			 ERR_INVALID);						       /* index */
	assert_int_equal(load_mutant(dir, w, len, types_at, 0x40, len), ERR_INVALID);  /* utoff */
	assert_int_equal(load_mutant(dir, w, len, types_at + 4, 2, len), ERR_INVALID); /* isdst */
	assert_int_equal(load_mutant(dir, w, len, types_at + 5, 0x80, len),
			 ERR_INVALID); /* desig */
	assert_int_equal(load_mutant(dir, w, len, len - 1, '\n' ^ 'x', len), ERR_INVALID);
	assert_int_equal(load_mutant(dir, w, len, len - 5, 'M' ^ '0', len), ERR_INVALID);
	assert_int_equal(load_mutant(dir, w, len, len - 10, '.' ^ ',', len), ERR_INVALID);

	/* every single-byte flip: refused or loaded, never a crash */
	for (size_t i = 0; i < len; i++) {
		for (unsigned x = 1; x < 256; x <<= 1) {
			if (load_mutant(NULL, w, len, i, (unsigned char)x, len) == ERR_OK)
				ok++;
			else
				bad++;
		}
	}
	assert_true(bad > 0 && ok > 0);
	remove_file(dir, "Bad_Zone");
	assert_int_equal(rmdir(dir), 0);
	free(w);
}

static void parse_memory(void **state)
{
	unsigned char *w;
	size_t len;
	struct tz *tz = (struct tz *)&tz;

	(void)state;
	w = slurp(ZONEINFO "/America/New_York", &len);
	assert_int_equal(tz_parse("America/New_York", w, len, &tz), ERR_OK);
	assert_int_equal(tz_offset(tz, 1784116800), -14400);
	tz_free(tz);
	assert_int_equal(tz_parse("../x", w, len, &tz), ERR_INVALID);
	assert_null(tz);
	assert_int_equal(tz_parse("America/New_York", NULL, 0, &tz), ERR_INVALID);
	assert_int_equal(tz_parse("America/New_York", w, 0, &tz), ERR_INVALID);
	assert_int_equal(tz_parse("America/New_York", w, 43, &tz), ERR_INVALID);
	free(w);
}

/* ---- threads ---- */

struct thread_arg {
	const struct tz *tz;
	int seed;
	int errors;
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;

	for (int round = 0; round < 20; round++) {
		for (size_t i = 0; i < sizeof(warsaw_changes) / sizeof(warsaw_changes[0]); i++) {
			const struct change *c = &warsaw_changes[(i + (size_t)a->seed * 7) %
								 (sizeof(warsaw_changes) /
								  sizeof(warsaw_changes[0]))];

			if (tz_offset(a->tz, c->at - 1) != c->before ||
			    tz_offset(a->tz, c->at) != c->after)
				a->errors++;
			if (tz_local_day(a->tz, c->at) != (c->at + c->after) / DAY)
				a->errors++;
			if (tz_local_to_utc(a->tz, c->at + c->after + 3600) != c->at + 3600)
				a->errors++;
		}
		if (tz_local_day(a->tz, 1795390200) != 20780 ||
		    tz_day_start(a->tz, 20541) != 1774738800)
			a->errors++;
	}
	return NULL;
}

static void threads(void **state)
{
	struct tz *tz = load("Europe/Warsaw");
	struct thread_arg args[4];
	pthread_t th[4];

	(void)state;
	for (int i = 0; i < 4; i++) {
		args[i] = (struct thread_arg){tz, i, 0};
		assert_int_equal(pthread_create(&th[i], NULL, thread_main, &args[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(args[i].errors, 0);
	}
	tz_free(tz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(warsaw_offsets),   cmocka_unit_test(warsaw_gap_overlap),
		cmocka_unit_test(warsaw_days),	    cmocka_unit_test(warsaw_format),
		cmocka_unit_test(round_trip_years), cmocka_unit_test(new_york),
		cmocka_unit_test(lord_howe),	    cmocka_unit_test(kathmandu_sao_paulo_utc),
		cmocka_unit_test(extremes),	    cmocka_unit_test(names),
		cmocka_unit_test(footer_rules),	    cmocka_unit_test(footer_special),
		cmocka_unit_test(footer_refused),   cmocka_unit_test(version1_and_tables),
		cmocka_unit_test(damaged_files),    cmocka_unit_test(parse_memory),
		cmocka_unit_test(threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
