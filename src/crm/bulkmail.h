/* bulkmail.h: one e-mail to many clients: a subject and a body with the
 * placeholders {first_name}, {last_name} and {name}, to chosen clients or
 * to a filtered list.  Messages go out through the job scheduler
 * (LIM_BULK_BATCH per run), each recipient with its own status, each sent
 * one on its client's timeline (a history row).  Clients without an
 * e-mail address are listed as skipped.  Not here: HTML mail, open or
 * click tracking, unsubscribe lists. */
#ifndef KT_BULKMAIL_H
#define KT_BULKMAIL_H

#include <stddef.h>

#include "core/buf.h"
#include "model/record.h"

struct app;

/* bulkmail_create: in = {subject, body, contact_ids: [...] | filter:
 * {list parameters}} over clients the caller sees; writes the e-mail, its
 * recipients and the first job in the caller's transaction.  *out as
 * bulkmail_get shows it. */
kt_err bulkmail_create(struct rec_ctx *ctx, json_t *in, json_t **out);

/* bulkmail_get: {id, subject, body, created_at, created_by, status
 * ("sending" | "done"), counts: {total, queued, sent, failed, skipped},
 * recipients: [{contact_id, email, name, status, attempts, error,
 * sent_at}], next_cursor}; params: limit, cursor, status.  Only its author
 * and admins see one (else ERR_NOT_FOUND). */
kt_err bulkmail_get(struct rec_ctx *ctx, int64_t id, json_t *params, json_t **out);

/* bulkmail_list: the caller's bulk e-mails (an admin's: all), newest
 * first: {"items": [...without recipients], "next_cursor"}. */
kt_err bulkmail_list(struct rec_ctx *ctx, json_t *params, json_t **out);

/* bulkmail_render: tmpl with {first_name}, {last_name} and {name} (first
 * and last name) replaced, appended to out. */
kt_err bulkmail_render(const char *tmpl, const char *first, const char *last, struct buf *out);

/* bulkmail_job: the "bulk_email" job, payload {bulk_email_id}: sends the
 * next batch, then queues itself again while messages are left. */
kt_err bulkmail_job(struct app *app, struct db_conn *c, json_t *payload, char *err, size_t errcap);

#endif
