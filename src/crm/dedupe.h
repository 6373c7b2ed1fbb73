/* dedupe.h: likely duplicates among contacts and companies.  Exact keys
 * (PESEL or NIP, normalised phone, e-mail ignoring case) and names folded
 * to sorted tokens ("Kowalski Jan" = "jan kowalski"), one typo apart or
 * backed by a birth date, city or address; scanned over stored blocking
 * keys in index order, never pairwise over a table.  Not here: merging
 * (merge.h), fuzzy matching beyond one edit, phonetic codes. */
#ifndef KT_DEDUPE_H
#define KT_DEDUPE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/record.h"

#define DEDUPE_KEY_CAP 401

/* dedupe_supported: true for the entities with blocking keys. */
bool dedupe_supported(const struct entity *e);

/* dedupe_name_keys: the blocking keys of a name given in two parts
 * (first and last name; a company's name and ""): the folded tokens
 * sorted up into key and down into key2, both NUL-terminated.  A company's
 * legal form ("sp. z o.o.", "S.A.") is left out.  False, both empty, when
 * the name has no token. */
bool dedupe_name_keys(const char *a, size_t alen, const char *b, size_t blen, bool company,
		      char key[DEDUPE_KEY_CAP], char key2[DEDUPE_KEY_CAP]);

/* dedupe_within_one_edit: true when a and b differ by at most one
 * inserted, deleted or changed byte or two swapped neighbours. */
bool dedupe_within_one_edit(const char *a, size_t alen, const char *b, size_t blen);

/* dedupe_backfill: writes the name keys of live rows of table
 * ("contacts" or "companies") that have none (written before the keys
 * existed, or restored), in transactions of a few thousand rows; *filled
 * counts them (may be NULL). */
kt_err dedupe_backfill(struct db_conn *c, const char *table, int64_t *filled);

/* dedupe_scan: one page of duplicate groups of e that the caller sees.
 * params: limit (1..LIM_DEDUPE_PAGE, default 50), cursor, kind (pesel,
 * nip, phone, email, name, similar_name).  *out = {"items": [{"kind",
 * "score", "evidence": [...], "records": [...]}], "next_cursor"}; a page
 * may hold a few groups more than limit, or fewer with a cursor left. */
kt_err dedupe_scan(struct rec_ctx *ctx, const struct entity *e, json_t *params, json_t **out);

/* dedupe_candidates: the live records of e the caller sees that rec (a
 * record as the API shows it, or normalised values) likely duplicates,
 * best first, at most LIM_DEDUPE_CANDIDATES, each with "score" and
 * "evidence"; exclude_id is left out (0: none), and so is every id from
 * below_id on (0: no bound; an import's own new rows).  With exact_only only
 * identifiers, phones, e-mails and names with a birth date or address are
 * looked at (the cheap checks an import runs per row). */
kt_err dedupe_candidates(struct rec_ctx *ctx, const struct entity *e, json_t *rec, int64_t exclude_id,
			 int64_t below_id, bool exact_only, json_t **out);

#endif
