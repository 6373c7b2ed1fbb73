/* isotime.h: instants and dates as the API writes them: ISO 8601 / RFC 3339
 * in UTC ("2026-11-22T10:00:00Z", "2026-11-22"), with our own proleptic
 * Gregorian arithmetic (no timegm, no TZ or locale state).  Deliberately not
 * here: time zones by name (Europe/Warsaw), week dates, leap seconds. */
#ifndef KT_ISOTIME_H
#define KT_ISOTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* isotime_parse: "YYYY-MM-DDTHH:MM[:SS[.fraction]]" followed by "Z" or an
 * offset "+HH:MM" / "-HH:MM", years 1000..9999; hour 00-23, minute and
 * second 00-59, 1-9 fraction digits (dropped, not rounded).  Anything else
 * (no zone, a day the month lacks, trailing bytes) is refused.  On success
 * sets *out to Unix seconds (UTC) and returns true. */
bool isotime_parse(const char *s, size_t len, int64_t *out);

/* isotime_format: "YYYY-MM-DDTHH:MM:SSZ" and a NUL into out.  Instants
 * outside years 0000..9999 are clamped to the nearer end of that range. */
void isotime_format(int64_t t, char out[21]);

/* isodate_parse: exactly "YYYY-MM-DD", a real date, years 1000..9999; on
 * success sets *days to days since 1970-01-01 (negative before). */
bool isodate_parse(const char *s, size_t len, int32_t *days);

/* isodate_format: "YYYY-MM-DD" and a NUL into out; days outside years
 * 0000..9999 are clamped to the nearer end of that range. */
void isodate_format(int32_t days, char out[11]);

/* isotime_days_from_civil: days since 1970-01-01 of y-m-d (proleptic
 * Gregorian; m 1-12 and d 1-31 expected, not checked, never UB). */
int64_t isotime_days_from_civil(int y, unsigned m, unsigned d);

/* isotime_civil_from_days: the inverse.  z is first clamped to about ten
 * million years either side of 1970, so that the year always fits an int. */
void isotime_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d);

/* isotime_days_in_month: 28-31, or 0 when m is not 1-12. */
unsigned isotime_days_in_month(int y, unsigned m);

#endif
