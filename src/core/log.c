/* log.c: see log.h.  Lines are written with one write() so lines from
 * different threads do not interleave.  The formatter walks the format
 * itself: %s values go through escape(), every other conversion is
 * handed to snprintf one at a time. */
#include "core/log.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/utf8.h"

enum log_level log_min_level = LOG_INFO;

/* out: a bounded, always NUL-terminated writer. */
struct out {
	char *p;
	size_t cap, len;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + 1 >= o->cap)
		return;
	size_t room = o->cap - 1 - o->len;
	if (n > room)
		n = room;
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void put_hex(struct out *o, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
	put(o, e, sizeof e);
}

/* cp_escaped: a code point that is valid UTF-8 but still must not reach
 * a log line as is: C1 controls (U+0085 ends a line for some readers)
 * and the Unicode line and paragraph separators. */
static bool cp_escaped(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029;
}

/* plain: s[0..n) can stand bare after key=: printable ASCII other than
 * space, '"', '=' and '\\', or UTF-8 letters. */
static bool plain(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			if (c <= 0x20 || c == 0x7f || c == '"' || c == '=' || c == '\\')
				return false;
			i++;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (!k || cp_escaped(cp))
			return false;
		i += k;
	}
	return true;
}

static void escape(struct out *o, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			uint32_t cp;
			size_t k = utf8_decode(s + i, n - i, &cp);
			if (!k) {
				put_hex(o, c);
				i++;
			} else if (cp_escaped(cp)) {
				for (size_t j = 0; j < k; j++)
					put_hex(o, (unsigned char)s[i + j]);
				i += k;
			} else {
				put(o, s + i, k);
				i += k;
			}
			continue;
		}
		if (c == '\n')
			put(o, "\\n", 2);
		else if (c == '\r')
			put(o, "\\r", 2);
		else if (c == '\t')
			put(o, "\\t", 2);
		else if (c == '\\' || c == '"') {
			char e[2] = {'\\', (char)c};
			put(o, e, 2);
		} else if (c < 0x20 || c == 0x7f)
			put_hex(o, c);
		else
			put(o, s + i, 1);
		i++;
	}
}

/* value: one %s argument; quoted says fmt already puts it in quotes. */
static void value(struct out *o, const char *s, long prec, bool quoted)
{
	if (!s)
		s = "(null)";
	size_t n = prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s);
	if (quoted || plain(s, n)) {
		escape(o, s, n);
		return;
	}
	put(o, "\"", 1);
	escape(o, s, n);
	put(o, "\"", 1);
}

/* spec below is one conversion cut out of fmt, which the compiler has
 * checked against its arguments at the log call (log_emit's format
 * attribute): not a literal, but no less checked. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
size_t log_vformat(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct out o = {buf, cap, 0};
	if (!cap)
		return 0;
	buf[0] = '\0';
	va_list args;
	va_copy(args, ap);
	const char *f = fmt;
	while (*f) {
		const char *pct = strchr(f, '%');
		if (!pct) {
			put(&o, f, strlen(f));
			break;
		}
		put(&o, f, (size_t)(pct - f));
		if (pct[1] == '%') {
			put(&o, "%", 1);
			f = pct + 2;
			continue;
		}
		/* One conversion: flags, width, precision, length, letter;
		 * '*' widths and precisions are read here and written into
		 * spec as numbers. */
		const char *c = pct + 1;
		const char *flags = c;
		c += strspn(c, "-+ #0");
		size_t nflags = (size_t)(c - flags);
		bool left = false;
		long width = -1, prec = -1;
		if (*c == '*') {
			int w = va_arg(args, int);
			left = w < 0;
			width = w < 0 ? -(long)w : w;
			c++;
		} else {
			for (; *c >= '0' && *c <= '9'; c++)
				width = width < 0	 ? *c - '0'
					: width < 100000 ? width * 10 + (*c - '0')
							 : width;
		}
		if (*c == '.') {
			c++;
			if (*c == '*') {
				int p = va_arg(args, int);
				prec = p < 0 ? -1 : p;
				c++;
			} else {
				prec = 0;
				for (; *c >= '0' && *c <= '9'; c++)
					prec = prec < 100000 ? prec * 10 + (*c - '0') : prec;
			}
		}
		const char *len = c;
		c += strspn(c, "hlzjt");
		size_t ll = (size_t)(c - len);
		char conv = *c;
		if (!conv)
			break;
		f = c + 1;
		if (conv == 's') {
			bool quoted = pct > fmt && pct[-1] == '"' && *f == '"';
			value(&o, va_arg(args, const char *), prec, quoted);
			continue;
		}
		/* Anything else: snprintf on the conversion alone. */
		char spec[48], tmp[128];
		int sl = snprintf(spec, sizeof spec, "%%%.*s%s", (int)(nflags < 8 ? nflags : 8),
				  flags, left ? "-" : "");
		if (width >= 0)
			sl += snprintf(spec + sl, sizeof spec - (size_t)sl, "%ld", width);
		if (prec >= 0)
			sl += snprintf(spec + sl, sizeof spec - (size_t)sl, ".%ld", prec);
		snprintf(spec + sl, sizeof spec - (size_t)sl, "%.*s%c", (int)(ll < 2 ? ll : 2), len,
			 conv);
		int n;
		switch (conv) {
		case 'd':
		case 'i':
		case 'u':
		case 'x':
		case 'X':
		case 'o':
		case 'c':
			if (ll == 0 || len[0] == 'h')
				n = snprintf(tmp, sizeof tmp, spec, va_arg(args, int));
			else if (ll == 2 && len[0] == 'l')
				n = snprintf(tmp, sizeof tmp, spec, va_arg(args, long long));
			else if (len[0] == 'l')
				n = snprintf(tmp, sizeof tmp, spec, va_arg(args, long));
			else if (len[0] == 'z')
				n = snprintf(tmp, sizeof tmp, spec, va_arg(args, size_t));
			else if (len[0] == 'j')
				n = snprintf(tmp, sizeof tmp, spec, va_arg(args, intmax_t));
			else
				n = snprintf(tmp, sizeof tmp, spec, va_arg(args, ptrdiff_t));
			break;
		case 'f':
		case 'F':
		case 'e':
		case 'E':
		case 'g':
		case 'G':
			n = snprintf(tmp, sizeof tmp, spec, va_arg(args, double));
			break;
		case 'p':
			n = snprintf(tmp, sizeof tmp, "%p", va_arg(args, void *));
			break;
		default:
			n = 0; /* not a conversion the log uses: dropped */
			break;
		}
		if (n > 0)
			put(&o, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
	}
	va_end(args);
	return o.len;
}
#pragma GCC diagnostic pop

size_t log_format(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t n = log_vformat(out, cap, fmt, ap);
	va_end(ap);
	return n;
}

void log_emit(enum log_level lvl, const char *file, int line, const char *fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	char out[2048];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	int n = snprintf(out, sizeof out, "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec, ts.tv_nsec / 1000000, names[lvl]);
	va_list ap;
	va_start(ap, fmt);
	/* Room is kept for " at=file:line" and the newline. */
	n += (int)log_vformat(out + n, sizeof out - 80 - (size_t)n, fmt, ap);
	va_end(ap);
	if (lvl >= LOG_ERROR) {
		size_t room = sizeof out - 1 - (size_t)n;
		int m = snprintf(out + n, room, " at=%s:%d", file, line);
		n += m < 0 ? 0 : (size_t)m < room ? m : (int)room - 1;
	}
	out[n++] = '\n';
	ssize_t w = write(STDERR_FILENO, out, (size_t)n);
	(void)w;
}
