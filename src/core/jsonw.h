/* jsonw.h: the compact JSON text of a jansson value, byte for byte what
 * json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) writes, at a fraction of
 * its cost.  jansson formats every integer through snprintf and passes
 * every string through a per-character UTF-8 walk and callback: a quarter
 * of the CPU of a reminders request went there.  Replies use this; the
 * rare, small texts elsewhere keep json_dumps. */
#ifndef KT_JSONW_H
#define KT_JSONW_H

#include <jansson.h>

#include "core/buf.h"

/* jsonw_append: appends v's text to b.  ERR_INTERNAL when a string is
 * not valid UTF-8 (json_dumps fails then too: one made unchecked from bad
 * bytes is our bug), ERR_TOO_LARGE past b's maximum, ERR_NOMEM; on failure
 * b may hold part of the text. */
kt_err jsonw_append(struct buf *b, const json_t *v);

/* jsonw_dumps: v's text, malloc'd (the caller frees it), its length in
 * *len; NULL on failure, as json_dumps. */
char *jsonw_dumps(const json_t *v, size_t *len);

#endif
