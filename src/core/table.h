/* table.h: a small table (a header and rows of JSON scalars) written out
 * as CSV (RFC 4180, UTF-8 with a BOM for spreadsheet programs) or as an
 * XLSX workbook (libxlsxwriter, numbers as numbers).  For reports and
 * exports; knows nothing of where the rows come from. */
#ifndef KT_TABLE_H
#define KT_TABLE_H

#include <jansson.h>
#include <stddef.h>

#include "core/buf.h"

/* table_csv_row: appends one CSV line of the JSON array row to out, cells
 * separated by sep; strings are text cells (quoted and guarded against
 * formulas by csv_put_cell), numbers and booleans are not guarded. */
kt_err table_csv_row(struct buf *out, json_t *row, char sep);
/* table_csv: header (array of strings) and rows (array of arrays) -> out,
 * starting with the UTF-8 BOM, separated by ','. */
kt_err table_csv(json_t *header, json_t *rows, struct buf *out);
/* table_xlsx: the same as an .xlsx file's bytes in *out (malloc'd, caller
 * frees) of *len bytes; tmpdir holds the temporary file libxlsxwriter needs. */
kt_err table_xlsx(const char *sheet, json_t *header, json_t *rows, const char *tmpdir, char **out, size_t *len);

#endif
