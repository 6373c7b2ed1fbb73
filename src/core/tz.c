/* tz.c: see tz.h.  A zone is kept as its transition table (instant, offset
 * in force from then on) plus the POSIX TZ rule of the file's footer for
 * instants after the last transition; every query is a binary search or a
 * few calendar computations on that immutable data.  Not here: reading the
 * TZ environment, the C library's localtime, any shared mutable state. */
#include "core/tz.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/isotime.h"

/* Caps (kept here until limits.h grows a time zone section). */
#define TZ_NAME_MAX  64		   /* bytes of a zone name */
#define TZ_FILE_MAX  (1024 * 1024) /* bytes of a TZif file (real ones: < 4 KiB) */
#define TZ_TRANS_MAX 10000	   /* transitions of a zone (real ones: < 2000) */
#define TZ_TYPES_MAX 256	   /* local time types: a type index is one byte */
#define TZ_PATH_MAX  4096

#define TZ_DIR	     "/usr/share/zoneinfo"
#define HDR_LEN	     44
#define SECS_PER_DAY 86400

/* RFC 8536: an offset is more than -25 h and less than 26 h.  Enforcing it
 * bounds the search of tz_local_to_utc. */
#define OFF_MIN (-89999)
#define OFF_MAX 93599

/* Instants are clamped to about +-3.17 million years, far inside what the
 * calendar code and every int64_t sum below can hold, and so that a day
 * number always fits an int32_t. */
#define T_LIM INT64_C(100000000000000)

/* tz_format_local's range: 0000-01-01T00:00:00 .. 9999-12-31T23:59:59. */
#define FMT_MIN INT64_C(-62167219200)
#define FMT_MAX INT64_C(253402300799)

/* One day of a POSIX rule: Jn (1-365, February 29 never counted), n (0-365,
 * counted) or Mm.w.d (weekday d of week w, 5 = last, of month m), at secs
 * of local time (RFC 8536 allows -167..167 hours). */
struct rule_date {
	char kind; /* 'J', 'D' or 'M' */
	int n, m, w, d;
	int32_t secs;
};

struct tz_rule {
	int32_t std_off; /* seconds east */
	int32_t dst_off;
	bool dst;		/* false: std_off all year */
	struct rule_date start; /* into DST, in standard local time */
	struct rule_date end;	/* out of DST, in daylight local time */
};

struct tz_trans {
	int64_t at;  /* Unix time of the transition */
	int32_t off; /* offset in force from at on */
};

struct tz {
	uint32_t n;    /* transitions, strictly ascending by at */
	int32_t off0;  /* offset before the first one (time type 0) */
	bool has_rule; /* rule governs from the last transition on */
	struct tz_rule rule;
	char name[TZ_NAME_MAX + 1];
	struct tz_trans tr[];
};

static int64_t fdiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return a % b < 0 ? q - 1 : q;
}

static int64_t clamp_t(int64_t t)
{
	return t < -T_LIM ? -T_LIM : t > T_LIM ? T_LIM : t;
}

static int year_of(int64_t t)
{
	int y;
	unsigned m, d;

	isotime_civil_from_days(fdiv(t, SECS_PER_DAY), &y, &m, &d);
	return y;
}

/* ---- POSIX TZ rules ---- */

/* rule_day: the day (since 1970-01-01) date d falls on in year y. */
static int64_t rule_day(const struct rule_date *d, int y)
{
	int64_t jan1 = isotime_days_from_civil(y, 1, 1);
	int64_t first, wday, day, dim;

	switch (d->kind) {
	case 'J':
		return jan1 + d->n - 1 + (d->n >= 60 && isotime_days_in_month(y, 2) == 29);
	case 'D':
		return jan1 + d->n;
	default:
		first = isotime_days_from_civil(y, (unsigned)d->m, 1);
		wday = ((first + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday (4) */
		day = first + (d->d - wday + 7) % 7 + 7 * (int64_t)(d->w - 1);
		dim = isotime_days_in_month(y, (unsigned)d->m);
		while (day - first >= dim)
			day -= 7;
		return day;
	}
}

/* rule_year: the two transitions of year y, start before end. */
static void rule_year(const struct tz_rule *r, int y, struct tz_trans out[2])
{
	out[0].at = rule_day(&r->start, y) * SECS_PER_DAY + r->start.secs - r->std_off;
	out[0].off = r->dst_off;
	out[1].at = rule_day(&r->end, y) * SECS_PER_DAY + r->end.secs - r->dst_off;
	out[1].off = r->std_off;
}

/*
 * The rule's transitions of year Y all lie within 192 hours (167 h of
 * transition time plus 25 h of offset) of year Y itself, and each of the two
 * moves forward by at least 358 days from one year to the next.  So for t
 * in year y, the last transition at or before t and the first after it are
 * both among those of years y-2 .. y+2.  Of equal instants the later in
 * (year, start/end) order wins: "EST5EDT,0/0,J365/25" is DST all year.
 */
static int32_t rule_off(const struct tz_rule *r, int64_t t)
{
	struct tz_trans yt[2];
	int64_t best = 0;
	int32_t off = r->std_off;
	bool found = false;
	int y;

	if (!r->dst)
		return r->std_off;
	y = year_of(t);
	for (int k = -2; k <= 2; k++) {
		rule_year(r, y + k, yt);
		for (int i = 0; i < 2; i++) {
			if (yt[i].at <= t && (!found || yt[i].at >= best)) {
				found = true;
				best = yt[i].at;
				off = yt[i].off;
			}
		}
	}
	return off;
}

/* rule_next: the first instant after t at which the rule changes (r->dst). */
static int64_t rule_next(const struct tz_rule *r, int64_t t)
{
	struct tz_trans yt[2];
	int64_t best = INT64_MAX;
	int y = year_of(t);

	for (int k = -2; k <= 2; k++) {
		rule_year(r, y + k, yt);
		for (int i = 0; i < 2; i++)
			if (yt[i].at > t && yt[i].at < best)
				best = yt[i].at;
	}
	return best;
}

/* ---- the footer parser: std offset [dst [offset] [,start[/time],end[/time]]] ---- */

struct cur {
	const unsigned char *s;
	size_t len, pos;
};

static int peek(const struct cur *c)
{
	return c->pos < c->len ? c->s[c->pos] : -1;
}

static bool is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* number: 1 to maxdig decimal digits into *v. */
static bool number(struct cur *c, int maxdig, int *v)
{
	int n = 0, x = 0;

	while (n < maxdig && is_digit(peek(c))) {
		x = x * 10 + (peek(c) - '0');
		c->pos++;
		n++;
	}
	*v = x;
	return n > 0;
}

/* abbr: "CET" (3 or more letters) or "<+0545>" (3 or more of [A-Za-z0-9+-]). */
static bool abbr(struct cur *c)
{
	size_t n = 0;

	if (peek(c) == '<') {
		c->pos++;
		while (is_alpha(peek(c)) || is_digit(peek(c)) || peek(c) == '+' || peek(c) == '-') {
			c->pos++;
			n++;
		}
		if (peek(c) != '>')
			return false;
		c->pos++;
	} else {
		while (is_alpha(peek(c))) {
			c->pos++;
			n++;
		}
	}
	return n >= 3;
}

/* hms: [+-]hh[:mm[:ss]], hh at most maxh, as signed seconds. */
static bool hms(struct cur *c, int maxh, int32_t *out)
{
	int sign = 1, h, m = 0, s = 0;

	if (peek(c) == '+' || peek(c) == '-') {
		sign = peek(c) == '-' ? -1 : 1;
		c->pos++;
	}
	if (!number(c, 3, &h) || h > maxh)
		return false;
	if (peek(c) == ':') {
		c->pos++;
		if (!number(c, 2, &m) || m > 59)
			return false;
		if (peek(c) == ':') {
			c->pos++;
			if (!number(c, 2, &s) || s > 59)
				return false;
		}
	}
	*out = sign * (h * 3600 + m * 60 + s);
	return true;
}

static bool rule_date_parse(struct cur *c, struct rule_date *d)
{
	d->secs = 2 * 3600;
	d->n = d->m = d->w = d->d = 0;
	if (peek(c) == 'J') {
		c->pos++;
		d->kind = 'J';
		if (!number(c, 3, &d->n) || d->n < 1 || d->n > 365)
			return false;
	} else if (peek(c) == 'M') {
		c->pos++;
		d->kind = 'M';
		if (!number(c, 2, &d->m) || d->m < 1 || d->m > 12 || peek(c) != '.')
			return false;
		c->pos++;
		if (!number(c, 1, &d->w) || d->w < 1 || d->w > 5 || peek(c) != '.')
			return false;
		c->pos++;
		if (!number(c, 1, &d->d) || d->d > 6)
			return false;
	} else {
		d->kind = 'D';
		if (!number(c, 3, &d->n) || d->n > 365)
			return false;
	}
	if (peek(c) == '/') {
		c->pos++;
		return hms(c, 167, &d->secs);
	}
	return true;
}

/* footer_parse: s[0..len) (an empty footer means no rule).  POSIX offsets
 * count west, ours east.  A DST zone without dates takes the US rule, as in
 * the reference tzcode. */
static bool footer_parse(const unsigned char *s, size_t len, bool *has, struct tz_rule *r)
{
	static const unsigned char us_rule[] = ",M3.2.0,M11.1.0";
	struct cur c = {s, len, 0};
	int32_t v;

	*has = false;
	if (len == 0)
		return true;
	if (!abbr(&c) || !hms(&c, 24, &v))
		return false;
	r->std_off = -v;
	r->dst_off = r->std_off;
	r->dst = false;
	if (c.pos == c.len) {
		*has = true;
		return true;
	}
	if (!abbr(&c))
		return false;
	r->dst = true;
	r->dst_off = r->std_off + 3600;
	if (c.pos < c.len && peek(&c) != ',') {
		if (!hms(&c, 24, &v))
			return false;
		r->dst_off = -v;
	}
	if (c.pos == c.len) {
		c.s = us_rule;
		c.len = sizeof(us_rule) - 1;
		c.pos = 0;
	}
	if (peek(&c) != ',')
		return false;
	c.pos++;
	if (!rule_date_parse(&c, &r->start) || peek(&c) != ',')
		return false;
	c.pos++;
	if (!rule_date_parse(&c, &r->end) || c.pos != c.len)
		return false;
	*has = true;
	return true;
}

/* ---- the TZif parser (RFC 8536) ---- */

struct hdr {
	unsigned char version; /* 0, '2', '3', '4', ... */
	uint32_t isut, isstd, leap, time, type, chars;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int32_t s32(uint32_t u)
{
	return u <= INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1;
}

static int64_t s64(const unsigned char *p)
{
	uint64_t u = (uint64_t)be32(p) << 32 | be32(p + 4);

	return u <= INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

static bool hdr_read(const unsigned char *data, size_t len, size_t pos, struct hdr *h)
{
	const unsigned char *p = data + pos;

	if (len - pos < HDR_LEN || memcmp(p, "TZif", 4) != 0)
		return false;
	h->version = p[4];
	if (h->version != 0 && h->version < '2')
		return false;
	h->isut = be32(p + 20);
	h->isstd = be32(p + 24);
	h->leap = be32(p + 28);
	h->time = be32(p + 32);
	h->type = be32(p + 36);
	h->chars = be32(p + 40);
	return true;
}

/* block_len: bytes of the data block after h (tsize 4 in version 1, 8 after);
 * cannot overflow: at most about 30 * 2^32. */
static uint64_t block_len(const struct hdr *h, unsigned tsize)
{
	return (uint64_t)h->time * (tsize + 1) + (uint64_t)h->type * 6 + h->chars +
	       (uint64_t)h->leap * (tsize + 4) + h->isstd + h->isut;
}

static bool name_ok(const char *name)
{
	size_t n;

	if (!name || name[0] == '\0' || name[0] == '/')
		return false;
	for (n = 0; name[n]; n++) {
		char c = name[n];

		if (n >= TZ_NAME_MAX)
			return false;
		if (!is_alpha(c) && !is_digit(c) && c != '/' && c != '_' && c != '+' && c != '-')
			return false;
	}
	/* Already implied by the refused '.'; kept should the set of characters grow. */
	return strstr(name, "..") == NULL;
}

static kt_err tz_alloc(const char *name, uint32_t n, struct tz **out)
{
	struct tz *tz = malloc(sizeof(*tz) + (size_t)n * sizeof(tz->tr[0]));

	if (!tz)
		return ERR_NOMEM;
	memset(tz, 0, sizeof(*tz));
	tz->n = n;
	memcpy(tz->name, name, strlen(name) + 1); /* name_ok: at most TZ_NAME_MAX */
	*out = tz;
	return ERR_OK;
}

kt_err tz_parse(const char *name, const unsigned char *data, size_t len, struct tz **out)
{
	int32_t type_off[TZ_TYPES_MAX];
	const unsigned char *times, *idx, *types, *ind, *nl;
	struct tz *tz = NULL;
	struct hdr h;
	unsigned char version;
	unsigned tsize = 4;
	size_t pos = HDR_LEN;
	uint64_t blen;
	kt_err rc = ERR_INVALID;

	*out = NULL;
	if (!name_ok(name) || !data || len > TZ_FILE_MAX || !hdr_read(data, len, 0, &h))
		return ERR_INVALID;
	version = h.version;
	if (version != 0) {
		/* Version 2+: skip the 32-bit block, use the 64-bit one. */
		blen = block_len(&h, 4);
		if (blen > len - pos)
			return ERR_INVALID;
		pos += (size_t)blen;
		if (!hdr_read(data, len, pos, &h) || h.version != version)
			return ERR_INVALID;
		pos += HDR_LEN;
		tsize = 8;
	}
	/* Leap-second ("right/") zones count TAI-like seconds, not Unix time:
	 * every answer would be off by up to 27 s, so they are refused. */
	if (h.type == 0 || h.type > TZ_TYPES_MAX || h.time > TZ_TRANS_MAX || h.leap != 0 ||
	    h.chars == 0 || (h.isut != 0 && h.isut != h.type) ||
	    (h.isstd != 0 && h.isstd != h.type))
		return ERR_INVALID;
	blen = block_len(&h, tsize);
	if (blen > len - pos)
		return ERR_INVALID;
	times = data + pos;
	idx = times + (size_t)h.time * tsize;
	types = idx + h.time;
	ind = types + (size_t)h.type * 6 + h.chars;
	for (uint32_t i = 0; i < h.type; i++) {
		const unsigned char *p = types + 6 * (size_t)i;

		type_off[i] = s32(be32(p));
		if (type_off[i] < OFF_MIN || type_off[i] > OFF_MAX || p[4] > 1 || p[5] >= h.chars)
			return ERR_INVALID;
	}
	for (uint32_t i = 0; i < h.isstd + h.isut; i++)
		if (ind[i] > 1)
			return ERR_INVALID;
	pos += (size_t)blen;

	rc = tz_alloc(name, h.time, &tz);
	if (rc != ERR_OK)
		return rc;
	rc = ERR_INVALID;
	tz->off0 = type_off[0];
	for (uint32_t i = 0; i < h.time; i++) {
		int64_t at =
			tsize == 8 ? s64(times + 8 * (size_t)i) : s32(be32(times + 4 * (size_t)i));

		if ((i > 0 && at <= tz->tr[i - 1].at) || idx[i] >= h.type)
			goto out;
		tz->tr[i].at = at;
		tz->tr[i].off = type_off[idx[i]];
	}
	if (version != 0) {
		if (pos >= len || data[pos] != '\n')
			goto out;
		pos++;
		nl = memchr(data + pos, '\n', len - pos);
		if (!nl)
			goto out;
		if (!footer_parse(data + pos, (size_t)(nl - (data + pos)), &tz->has_rule,
				  &tz->rule))
			goto out;
		pos = (size_t)(nl - data) + 1;
	}
	if (pos != len) /* nothing may follow */
		goto out;
	rc = ERR_OK;
out:
	if (rc != ERR_OK)
		tz_free(tz);
	else
		*out = tz;
	return rc;
}

static kt_err builtin_utc(struct tz **out)
{
	return tz_alloc("UTC", 0, out); /* no transitions, off0 0, no rule */
}

kt_err tz_load_dir(const char *dir, const char *name, struct tz **out)
{
	char path[TZ_PATH_MAX];
	unsigned char *buf = NULL;
	struct stat st;
	size_t dlen, nlen, size, got = 0;
	int fd = -1;
	kt_err rc;

	*out = NULL;
	if (!dir || !name_ok(name))
		return ERR_INVALID;
	dlen = strlen(dir);
	nlen = strlen(name);
	if (dlen == 0 || dlen + nlen + 2 > sizeof(path))
		return ERR_INVALID;
	memcpy(path, dir, dlen);
	path[dlen] = '/';
	memcpy(path + dlen + 1, name, nlen + 1);

	/* O_NONBLOCK: a FIFO planted there must not hang us; no effect on files. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		rc = (errno == ENOENT || errno == ENOTDIR || errno == ELOOP) ? ERR_NOT_FOUND
									     : ERR_IO;
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		rc = ERR_IO;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = ERR_NOT_FOUND;
		goto out;
	}
	if (st.st_size <= 0 || st.st_size > TZ_FILE_MAX) {
		rc = ERR_INVALID;
		goto out;
	}
	size = (size_t)st.st_size;
	buf = malloc(size);
	if (!buf) {
		rc = ERR_NOMEM;
		goto out;
	}
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = ERR_IO;
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	rc = tz_parse(name, buf, got, out);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	if (rc == ERR_NOT_FOUND && strcmp(name, "UTC") == 0)
		rc = builtin_utc(out);
	return rc;
}

kt_err tz_load(const char *name, struct tz **out)
{
	return tz_load_dir(TZ_DIR, name, out);
}

void tz_free(struct tz *tz)
{
	free(tz);
}

const char *tz_name(const struct tz *tz)
{
	return tz->name;
}

/* ---- queries ---- */

static int32_t off_at(const struct tz *tz, int64_t t)
{
	uint32_t lo, hi;

	if (tz->n == 0 || t >= tz->tr[tz->n - 1].at) {
		if (tz->has_rule)
			return rule_off(&tz->rule, t);
		return tz->n ? tz->tr[tz->n - 1].off : tz->off0;
	}
	if (t < tz->tr[0].at)
		return tz->off0;
	lo = 0; /* tr[lo].at <= t < tr[hi].at */
	hi = tz->n - 1;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (tz->tr[mid].at <= t)
			lo = mid;
		else
			hi = mid;
	}
	return tz->tr[lo].off;
}

/* next_change: the first instant after t at which the offset may change
 * (table or rule); false when it never does.  The offset is constant from
 * t up to that instant. */
static bool next_change(const struct tz *tz, int64_t t, int64_t *next)
{
	uint32_t lo, hi;

	if (tz->n > 0 && t < tz->tr[tz->n - 1].at) {
		lo = 0; /* first i with tr[i].at > t: in [lo, hi] */
		hi = tz->n - 1;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;

			if (tz->tr[mid].at > t)
				hi = mid;
			else
				lo = mid + 1;
		}
		*next = tz->tr[lo].at;
		return true;
	}
	if (tz->has_rule && tz->rule.dst) {
		*next = rule_next(&tz->rule, t);
		return true;
	}
	return false;
}

/*
 * solve: the earliest instant t with t + offset(t) == local.  Offsets lie in
 * [OFF_MIN, OFF_MAX], so every such t is in [local - OFF_MAX, local - OFF_MIN];
 * walk the stretches of constant offset across that window.  local is
 * skipped at a change at T from offset o to o2 when local - o >= T and
 * local - o2 < T (a gap).  With gap_start, the first of the two events wins
 * and a gap gives T: the first instant whose local time reaches local.
 * Without, a local time that occurs wins over a gap (they differ only in
 * files whose local time jumps forward and back within two days), and a gap
 * gives local - o: the time shifted forward by the gap.
 */
static int64_t solve(const struct tz *tz, int64_t local, bool gap_start)
{
	int64_t cur = local - OFF_MAX - 1, hi = local - OFF_MIN + 1, next = 0, gap = 0;
	int32_t o = off_at(tz, cur), o2;
	bool have_gap = false;

	for (;;) {
		bool more = next_change(tz, cur, &next);
		int64_t cand = local - o;

		if (cand >= cur && (!more || cand < next))
			return cand;
		if (!more || next > hi)
			break;
		o2 = off_at(tz, next);
		if (!have_gap && cand >= next && local - o2 < next) {
			if (gap_start)
				return next;
			have_gap = true;
			gap = cand;
		}
		cur = next;
		o = o2;
	}
	return have_gap ? gap : local - off_at(tz, local); /* the last: not reached */
}

int32_t tz_offset(const struct tz *tz, int64_t t)
{
	return off_at(tz, clamp_t(t));
}

int64_t tz_local_to_utc(const struct tz *tz, int64_t local)
{
	return solve(tz, clamp_t(local), false);
}

int32_t tz_local_day(const struct tz *tz, int64_t t)
{
	t = clamp_t(t);
	return (int32_t)fdiv(t + off_at(tz, t), SECS_PER_DAY);
}

int64_t tz_day_start(const struct tz *tz, int32_t day)
{
	return solve(tz, clamp_t((int64_t)day * SECS_PER_DAY), true);
}

static void put_digits(char *p, int64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void tz_format_local(const struct tz *tz, int64_t t, char out[32])
{
	int32_t off, om, am;
	int64_t local, days, secs;
	int y;
	unsigned m, d;

	t = clamp_t(t);
	off = off_at(tz, t);
	om = (off >= 0 ? off + 30 : off - 30) / 60; /* minutes, rounded half away from 0 */
	local = t + (int64_t)om * 60;
	if (local < FMT_MIN)
		local = FMT_MIN;
	if (local > FMT_MAX)
		local = FMT_MAX;
	days = fdiv(local, SECS_PER_DAY);
	secs = local - days * SECS_PER_DAY;
	isotime_civil_from_days(days, &y, &m, &d);
	am = om < 0 ? -om : om;
	put_digits(out, y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, d, 2);
	out[10] = 'T';
	put_digits(out + 11, secs / 3600, 2);
	out[13] = ':';
	put_digits(out + 14, secs / 60 % 60, 2);
	out[16] = ':';
	put_digits(out + 17, secs % 60, 2);
	out[19] = om < 0 ? '-' : '+';
	put_digits(out + 20, am / 60, 2);
	out[22] = ':';
	put_digits(out + 23, am % 60, 2);
	out[25] = '\0';
}
