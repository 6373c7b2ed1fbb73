/* buf.h: a growable, always NUL-terminated byte buffer with a maximum size
 * (curl's dynbuf).  Appends past the maximum fail with ERR_TOO_LARGE and
 * leave the buffer as it was.  Not for secrets (no wiping on free). */
#ifndef KT_BUF_H
#define KT_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "core/err.h"

struct buf {
	char *data;     /* NULL until the first append; then NUL-terminated */
	size_t len;
	size_t cap;
	size_t max;     /* largest len allowed */
};

/* buf_init: an empty buffer that may grow to max bytes; buf_clear frees. */
void buf_init(struct buf *b, size_t max);
void buf_clear(struct buf *b);
/* buf_reset: length to zero, memory kept. */
void buf_reset(struct buf *b);
kt_err buf_append(struct buf *b, const void *p, size_t n);
kt_err buf_puts(struct buf *b, const char *s);
kt_err buf_putc(struct buf *b, char c);
kt_err buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
kt_err buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* buf_cstr: the contents, "" when empty; borrowed until the next change. */
const char *buf_cstr(const struct buf *b);
/* buf_take: hands the malloc'd string to the caller (free it) and empties b. */
char *buf_take(struct buf *b);

#endif
