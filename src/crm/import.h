/* import.h: contacts and companies from a CSV file.  Columns map to
 * fields by a given mapping or by their headers (field names, Polish or
 * English labels, custom field names or labels); every row is checked by
 * the record engine's validation and against existing records and the
 * file's earlier rows for likely duplicates.  A dry run only reports; a
 * real run writes every valid row in the caller's transaction.  Not here:
 * the HTTP side (src/api/transfer.c), updating existing records. */
#ifndef KT_IMPORT_H
#define KT_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/record.h"

struct import_opts {
	bool dry_run;
	bool skip_duplicates;   /* rows with likely duplicates are not written */
	json_t *map;            /* header -> field name, "custom.<name>" or null; NULL: by headers */
	char err[240];          /* out: why the file can't be read (ERR_BAD_CSV) */
};

/* import_csv: reads data[0..len) into e (contacts or companies).
 * *report = {dry_run, encoding, separator, columns, rows_total, rows_ok,
 * rows_failed, rows_written, rows_skipped, errors: [{line, fields}],
 * errors_total, duplicates: [{line, candidates, lines}], duplicates_total}.
 * ERR_BAD_CSV (o->err says where) when the file can't be read as a
 * whole: binary junk, a quote left open, a row with the wrong number of
 * fields; ERR_INVALID (fields) for a mapping that does not fit. */
kt_err import_csv(struct rec_ctx *ctx, const struct entity *e, const char *data, size_t len,
		  struct import_opts *o, json_t **report);

#endif
