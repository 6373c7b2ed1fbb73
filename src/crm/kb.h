/* kb.h: the knowledge base beyond plain records: a search ranked by
 * relevance.  Articles themselves (title, Markdown body, tags) are the
 * record engine's, with the hooks of rules.h (kb_articles_*). */
#ifndef KT_KB_H
#define KT_KB_H

#include "model/record.h"

/* kb_list: GET /api/kb_articles.  With q= and no sort= the matches are
 * ranked: words of the title first, then tags, then the body (folded,
 * prefixes count), newest first among equals; the LIM_KB_RANK_CANDIDATES
 * newest matches are ranked and paged with an offset cursor.  Otherwise
 * (or with sort=) it is the engine's record_list.  Params as record_list
 * (q, sort, limit, cursor, trash, tag); *out {"items", "next_cursor"}. */
kt_err kb_list(struct rec_ctx *ctx, json_t *params, json_t **out);

/* kb_html: the safe HTML of a Markdown body (a JSON string; anything else
 * counts as empty) as a new JSON string, or NULL.  Articles' and
 * announcements' body_html. */
json_t *kb_html(const json_t *body);

#endif
