/* log.c: see log.h.  Lines are written with one write() so lines from
 * different threads do not interleave. */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

enum log_level log_min_level = LOG_INFO;

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
	n += vsnprintf(out + n, sizeof out - (size_t)n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof out - 40)
		n = (int)sizeof out - 40;
	if (lvl >= LOG_ERROR)
		n += snprintf(out + n, sizeof out - (size_t)n, " at=%s:%d", file, line);
	out[n++] = '\n';
	ssize_t w = write(STDERR_FILENO, out, (size_t)n);
	(void)w;
}
