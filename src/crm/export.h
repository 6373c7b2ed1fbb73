/* export.h: any entity's list as a CSV or XLSX file, with the list's own
 * parameters (filters, q, sort, visibility: record_list reads every page)
 * and chosen columns, as the list shows them (labels, names, local
 * times).  CSV is produced piece by piece as the client reads it; XLSX
 * goes to a temporary file in libxlsxwriter's constant-memory mode.
 * Neither holds more than one page of rows.  Not here: HTTP. */
#ifndef KT_EXPORT_H
#define KT_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/record.h"

struct export;

/* export_open: params are the query (the list's parameters plus
 * format=csv|xlsx, columns=a,b,custom.x, sep=;|,|tab and raw=0|1); reads
 * the first page so a bad parameter is reported now (ERR_BAD_QUERY,
 * ctx->errors).  The export reads through ctx->conn (with ctx's caller,
 * whose visibility linked records' names are read under) until it is
 * freed; time_zone is the zone times are shown in; locale ("pl", "en") is
 * the language of the header and values (labels.h) and picks the CSV
 * separator when sep is not given: ';' for Polish, ',' for English.
 * raw=1 keeps field names, codes, ids and UTC ISO times in CSV. */
kt_err export_open(struct rec_ctx *ctx, const struct entity *e, json_t *params, const char *time_zone,
		   const char *locale, struct export **out);
/* export_is_xlsx: which format was asked for. */
bool export_is_xlsx(const struct export *x);
/* export_own_conn: the export releases its connection when freed. */
void export_own_conn(struct export *x);
/* export_read: the next bytes of a CSV export into out (at most max);
 * 0 at the end, -1 when reading failed (an http_stream_fn). */
long export_read(void *x, char *out, size_t max);
/* export_xlsx: writes the whole export as a workbook to a new file in dir;
 * path (cap bytes) gets its name; the caller removes it. */
kt_err export_xlsx(struct export *x, const char *dir, char *path, size_t cap);
/* export_free: an http_stream_free_fn; NULL is fine. */
void export_free(void *x);

#endif
