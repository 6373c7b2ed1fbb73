/* inquiries.h: sales inquiries beyond plain records: comments, the board
 * (columns by status) and the reports of what was won, lost and why.
 * Every read here is limited to what the caller may see. */
#ifndef KT_INQUIRIES_H
#define KT_INQUIRIES_H

#include "model/record.h"

/* inquiries_comment: in = {"body"}; adds a comment to the inquiry's
 * history; *out = the history page with it. */
kt_err inquiries_comment(struct rec_ctx *ctx, int64_t id, json_t *in, json_t **out);
/* inquiries_board: {"columns": [{"status": {...}, "count": n, "cards": [...]}]}
 * over the inquiries pipeline; params: cards (per column, <= 100), and the
 * list filters handler_id, outcome, q. */
kt_err inquiries_board(struct rec_ctx *ctx, json_t *params, json_t **out);

enum report_group { REPORT_STATUS, REPORT_HANDLER, REPORT_CLOSE_REASON, REPORT_MONTH };

/* inquiries_report: rows of {key, label, count, open, won, lost, value,
 * value_won} for inquiries created in [from, to) (days), grouped. */
kt_err inquiries_report(struct rec_ctx *ctx, int32_t from, int32_t to, enum report_group g, json_t **out);
/* contacts_report: finished clients by close reason in [from, to). */
kt_err contacts_report(struct rec_ctx *ctx, int32_t from, int32_t to, json_t **out);
/* contacts_finish: in = {close_reason_id, note?}: status finished, with
 * the reason and note in history (and so on the timeline). */
kt_err contacts_finish(struct rec_ctx *ctx, int64_t id, json_t *in, json_t **out);
/* contacts_reopen: status active again, recorded in history. */
kt_err contacts_reopen(struct rec_ctx *ctx, int64_t id, json_t **out);

#endif
