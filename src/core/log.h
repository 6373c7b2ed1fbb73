/* log.h: structured logging, one key=value line per event on stderr.
 * The macros skip evaluating their arguments below the current level.
 * Every %s value is escaped on the way out (log_format), so nothing a
 * client sends can end a line or forge a key.  Never log secrets,
 * cookies or bodies. */
#ifndef KT_LOG_H
#define KT_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3, LOG_OFF = 4 };

/* log_min_level: set once at start-up (before threads), read after. */
extern enum log_level log_min_level;

void log_emit(enum log_level lvl, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* log_vformat: fmt with its arguments into out[0..cap), always
 * NUL-terminated (cap > 0); returns the length written (cut at cap - 1).
 * printf's conversions, except that every %s (and %.Ns) value is
 * escaped: \n \r \t as such, other control bytes, DEL, C1 controls,
 * U+2028/U+2029 and bytes that are not UTF-8 as \xNN, backslash and
 * double quote with a backslash.  A value written between double quotes
 * in fmt (key="%s") is only escaped; one written bare (key=%s) is also
 * put in quotes when it holds a space, '=', a quote or anything escaped,
 * so it can never read as a second key. */
size_t log_vformat(char *out, size_t cap, const char *fmt, va_list ap);
size_t log_format(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define LOG_AT(lvl, ...) \
	do { if ((lvl) >= log_min_level) log_emit((lvl), __FILE__, __LINE__, __VA_ARGS__); } while (0)
#define log_debug(...) LOG_AT(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  LOG_AT(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  LOG_AT(LOG_WARN, __VA_ARGS__)
#define log_error(...) LOG_AT(LOG_ERROR, __VA_ARGS__)

#endif
