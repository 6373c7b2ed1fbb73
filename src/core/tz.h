/* tz.h: IANA time zones by name (Europe/Warsaw), read from the system tzdata
 * (TZif files, RFC 8536 versions 1-4, POSIX TZ footer rules included), so
 * "today" and reminders follow each user's zone on any thread: no TZ
 * environment, no localtime_r, no global state.  Deliberately not here: zone
 * abbreviations ("CEST"), leap-second ("right/") zones, a cache of loaded zones. */
#ifndef KT_TZ_H
#define KT_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* A loaded zone.  Immutable once loaded: share it freely between threads. */
struct tz;

/* tz_load: loads /usr/share/zoneinfo/<name>.  The name must be 1-64 of
 * [A-Za-z0-9/_+-], not start with '/' nor contain ".." (else ERR_INVALID).
 * "UTC" always works, even without tzdata.  Returns ERR_OK and sets *out
 * (caller frees it with tz_free), ERR_NOT_FOUND for an unknown zone (no such
 * file, or a directory), ERR_INVALID for a damaged file, ERR_IO when the
 * file cannot be read, ERR_NOMEM.  On failure *out is NULL. */
kt_err tz_load(const char *name, struct tz **out);

/* tz_load_dir: the same from dir/<name> instead of /usr/share/zoneinfo. */
kt_err tz_load_dir(const char *dir, const char *name, struct tz **out);

/* tz_parse: the TZif parser on a memory buffer: data[0..len) is the content
 * of a zone file (nothing borrowed after return), name as for tz_load.
 * ERR_INVALID for a bad name or damaged data; otherwise as tz_load. */
kt_err tz_parse(const char *name, const unsigned char *data, size_t len, struct tz **out);

/* tz_free: frees a zone from tz_load*; NULL is fine. */
void tz_free(struct tz *tz);

/* tz_name: the name it was loaded by; lives as long as tz. */
const char *tz_name(const struct tz *tz);

/* All instants below are Unix seconds; those beyond about 3 million years
 * either side of 1970 are first clamped to that range. */

/* tz_offset: seconds east of UTC in force at t (+3600 for Warsaw in winter).
 * Always within -89999..93599. */
int32_t tz_offset(const struct tz *tz, int64_t t);

/* tz_local_to_utc: the instant of a local wall-clock time, given as seconds
 * since 1970-01-01 00:00 local (days * 86400 + seconds into the day).  A
 * time skipped by a forward change (02:30 in Warsaw on the spring-forward
 * day) is shifted forward by the gap (03:30 CEST); a time that occurs twice
 * (autumn) gives the earlier instant. */
int64_t tz_local_to_utc(const struct tz *tz, int64_t local);

/* tz_local_day: the local calendar day (days since 1970-01-01) of t. */
int32_t tz_local_day(const struct tz *tz, int64_t t);

/* tz_day_start: the instant local day `day` begins: 00:00 local, or when
 * 00:00 falls in a gap, the end of the gap.  The day ends where day + 1
 * begins (23 or 25 hours on change days). */
int64_t tz_day_start(const struct tz *tz, int32_t day);

/* tz_format_local: t as "YYYY-MM-DDTHH:MM:SS+01:00" (25 characters and a
 * NUL) in tz.  An offset with seconds (local mean time before ~1900) is
 * rounded to the minute and the wall time printed with it, so the string
 * always denotes t exactly; years outside 0000..9999 are clamped. */
void tz_format_local(const struct tz *tz, int64_t t, char out[32]);

#endif
