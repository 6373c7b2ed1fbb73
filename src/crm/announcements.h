/* announcements.h: announcements to the staff beyond plain records: the
 * caller's pending ones, acknowledging and putting one off, who read one.
 * The record itself (title, body, audience) is the engine's, with the
 * hooks of rules.h; a body's HTML is announcements_decorate's. */
#ifndef KT_ANNOUNCEMENTS_H
#define KT_ANNOUNCEMENTS_H

#include "model/record.h"

/* announcements_pending: {"items": [...]} the announcements addressed to
 * ctx's user that they have not acknowledged and not put off past now,
 * newest first, at most LIM_ANNOUNCEMENT_PENDING. */
kt_err announcements_pending(struct rec_ctx *ctx, json_t **out);

/* announcements_ack: marks announcement id read by ctx's user (the first
 * time counts; again is harmless) and clears a "later".  *out is the
 * receipt {announcement_id, user_id, acked_at, later_until}.  ERR_NOT_FOUND
 * when the caller can't see it, ERR_FORBIDDEN when it isn't addressed to
 * them.  Needs a write transaction. */
kt_err announcements_ack(struct rec_ctx *ctx, int64_t id, json_t **out);

/* announcements_later: puts announcement id off for LIM_ANNOUNCEMENT_LATER_S
 * (from ctx->now); no change once acknowledged.  As announcements_ack. */
kt_err announcements_later(struct rec_ctx *ctx, int64_t id, json_t **out);

/* announcements_receipts: {"items": [{user_id, login, name, acked_at,
 * later_until}], "read": n, "total": m}: every active user it is addressed
 * to, read ones first by time, and anyone else who acknowledged it.  Only
 * its author and admins may ask (ERR_FORBIDDEN otherwise). */
kt_err announcements_receipts(struct rec_ctx *ctx, int64_t id, json_t **out);

/* announcements_reannounce: shows announcement id again to everyone it is
 * addressed to (after an edit that matters): every receipt but the
 * caller's is cleared, so it is pending again until read again; recorded
 * in its history.  Its author and admins only (403); *out the record. */
kt_err announcements_reannounce(struct rec_ctx *ctx, int64_t id, json_t **out);

#endif
