/* merge.h: merging duplicate contacts (or companies) into one record.
 * In one transaction the kept record takes the chosen values, every row
 * linked to a merged record (activities, notes, inquiries, attachments,
 * bulk e-mails, history; for companies their contacts too) moves to it,
 * and the merged records go to the trash leaving a redirect.  The merge
 * row remembers what moved, so it can be undone.  Not here: finding
 * duplicates (dedupe.h). */
#ifndef KT_MERGE_H
#define KT_MERGE_H

#include "model/record.h"

/* merge_records: in = {"ids": [...], "prefer": {"field": record_id}};
 * merges ids into kept_id of e.  By default the kept record keeps its
 * values and fills its empty ones from the merged records (in the order
 * given); prefer picks the record whose value wins per field ("custom"
 * picks a whole custom object).  *out = {"merge": {...}, "record": {...}}.
 * ERR_NOT_FOUND when kept_id is not a live record the caller sees,
 * ERR_CONFLICT when it is in the trash, ERR_INVALID (fields) for a bad
 * list: itself, repeated ids, records missing, in the trash or hidden. */
kt_err merge_records(struct rec_ctx *ctx, const struct entity *e, int64_t kept_id, json_t *in, json_t **out);

/* merge_undo: restores the merged records of merge id, moves back the
 * rows the merge moved (those still on the kept record) and the kept
 * record's values the merge changed (unless changed since).
 * *out = {"merge": {...}, "record": kept, "restored": [ids]}. */
kt_err merge_undo(struct rec_ctx *ctx, int64_t id, json_t **out);

/* merge_get: the merge row as JSON, if the caller sees its kept record. */
kt_err merge_get(struct rec_ctx *ctx, int64_t id, json_t **out);

/* merge_redirect: the live record that the merged record id of e now
 * lives on (following later merges); ERR_NOT_FOUND when id was not
 * merged, the merge was undone, or the caller does not see the target. */
kt_err merge_redirect(struct rec_ctx *ctx, const struct entity *e, int64_t id, int64_t *kept_id);

#endif
