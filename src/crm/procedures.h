/* procedures.h: service procedures: a named template of steps (subject,
 * kind, day offset, duration) that, applied to a client from a start
 * date, creates a main task with dated subtasks.  The templates are an
 * ordinary entity; this file validates their steps and applies them. */
#ifndef KT_PROCEDURES_H
#define KT_PROCEDURES_H

#include "model/record.h"

/* procedures_apply: in = {contact_id, start_date, assignee_id?}; *out =
 * {"main": {...}, "subtasks": [...]}.  Runs inside the caller's write
 * transaction; field errors go to ctx->errors. */
kt_err procedures_apply(struct rec_ctx *ctx, int64_t id, json_t *in, json_t **out);

#endif
