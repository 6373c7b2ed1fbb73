/* csv.h: CSV (RFC 4180) both ways.  The reader, for imports: quoted fields
 * with doubled quotes and line breaks inside, CRLF or LF (or CR) line ends,
 * a UTF-8 BOM, and the separator of the header line (',' or ';' as Polish
 * spreadsheets write it, or a tab); text that is not UTF-8 is read as
 * Windows-1250, control bytes are refused as binary junk, with the line.
 * The cell writer, for exports: quoting and the spreadsheet formula guard.
 * Deliberately not here: other encodings, comments, guessing a header. */
#ifndef KT_CSV_H
#define KT_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"

struct csv_field {
	const char *p;          /* NUL-terminated; borrowed until the next csv_next */
	size_t n;
};

struct csv {
	const char *data;       /* the text read (UTF-8) */
	size_t len, pos;
	char *owned;            /* the converted text, when the input was Windows-1250 */
	bool cp1250;            /* the input was Windows-1250 */
	char sep;
	long line;              /* the line the reader is on (1-based) */
	long record_line;       /* the line the last record started on */
	struct buf row;         /* the last record's fields, NUL-separated */
	size_t off[LIM_CSV_COLUMNS];
	struct csv_field fields[LIM_CSV_COLUMNS];
	int nfields;
	char err[200];          /* why csv_open or csv_next failed, with the line */
};

/* csv_open: reads data[0..len) (borrowed unless converted): skips a BOM,
 * converts Windows-1250, refuses binary junk (ERR_BAD_CSV, c->err says
 * where), picks the separator.  Clear c with csv_clear in every case. */
kt_err csv_open(struct csv *c, const char *data, size_t len);
/* csv_next: the next record into c->fields[0..c->nfields), skipping empty
 * lines; *eof is true (and nothing read) at the end.  ERR_BAD_CSV with
 * c->err for a quote left open, text after a closing quote, a field over
 * LIM_CSV_FIELD bytes or more than LIM_CSV_COLUMNS fields. */
kt_err csv_next(struct csv *c, bool *eof);
void csv_clear(struct csv *c);

/* csv_guarded: whether a text cell s[0..n) gets the formula guard, a
 * leading "'": when it starts with a tab or CR, or its first character
 * after white space (space, tab, CR, LF) is = + - @ (a spreadsheet would
 * run it as a formula: "=1+1", "  =cmd", "@SUM(1)", "-2+3", "+48 601...")
 * or ' (so a value that really starts with a quote keeps it: the reader
 * drops one quote only where the writer put one).  The import uses it to
 * undo the guard: a cell "'" + t with csv_guarded(t) holds t. */
bool csv_guarded(const char *s, size_t n);
/* csv_put_cell: appends the cell s[0..n) to out.  text: a text cell, which
 * gets the formula guard (numbers and booleans never do, so -12.5 stays a
 * number).  A text cell is quoted (quotes doubled) when it holds sep,
 * ',', ';', '"', CR, LF or tab, or starts or ends with a space: quoting
 * every possible separator keeps a cell whole in whatever separator the
 * spreadsheet assumes.  A number (text false) is quoted only when it
 * holds sep, '"', CR or LF, so "1234,50" in a ';' file stays a number. */
kt_err csv_put_cell(struct buf *out, const char *s, size_t n, bool text, char sep);

/* csv_cp1250_to_utf8: converts in[0..len) into out (cap >= 3 * len + 1
 * always suffices), NUL-terminated; returns the bytes written, or 0 with
 * *bad set to the offset of a byte Windows-1250 does not define. */
size_t csv_cp1250_to_utf8(const char *in, size_t len, char *out, size_t cap, size_t *bad);

#endif
