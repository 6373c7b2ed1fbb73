/* timeline.h: the story of a client or company: notes, activities and
 * changes of the record, newest first, with its open overdue tasks pinned
 * on top until done; paginated with a cursor.  A pure read. */
#ifndef KT_TIMELINE_H
#define KT_TIMELINE_H

#include "model/record.h"

/* timeline_get: entity is "contacts" or "companies"; params: limit,
 * cursor; *out = {"pinned": [...] (first page only), "items": [{"type":
 * "activity"|"note"|"change", "at", "record"}], "next_cursor"}. */
kt_err timeline_get(struct rec_ctx *ctx, const char *entity, int64_t id, json_t *params, json_t **out);

#endif
