/* log.h: structured logging, one key=value line per event on stderr.
 * The macros skip evaluating their arguments below the current level.
 * Never log secrets, cookies or bodies. */
#ifndef KT_LOG_H
#define KT_LOG_H

enum log_level { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3, LOG_OFF = 4 };

/* log_min_level: set once at start-up (before threads), read after. */
extern enum log_level log_min_level;

void log_emit(enum log_level lvl, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define LOG_AT(lvl, ...) \
	do { if ((lvl) >= log_min_level) log_emit((lvl), __FILE__, __LINE__, __VA_ARGS__); } while (0)
#define log_debug(...) LOG_AT(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  LOG_AT(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  LOG_AT(LOG_WARN, __VA_ARGS__)
#define log_error(...) LOG_AT(LOG_ERROR, __VA_ARGS__)

#endif
