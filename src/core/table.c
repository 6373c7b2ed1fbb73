/* table.c: see table.h.  CSV cells are written by csv_put_cell (quoting,
 * the formula guard for text). */
#include "core/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/csv.h"

static kt_err csv_field(struct buf *out, json_t *v, char sep)
{
	char num[64];
	const char *s = num;
	if (json_is_string(v))
		return csv_put_cell(out, json_string_value(v), json_string_length(v), true, sep);
	if (json_is_integer(v))
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(num, sizeof num, "%.15g", json_real_value(v));
	else if (json_is_boolean(v))
		s = json_is_true(v) ? "true" : "false";
	else
		s = "";
	return csv_put_cell(out, s, strlen(s), false, sep);
}

kt_err table_csv_row(struct buf *out, json_t *row, char sep)
{
	size_t i;
	json_t *v;
	kt_err rc = ERR_OK;
	json_array_foreach(row, i, v) {
		if (i && (rc = buf_putc(out, sep)) != ERR_OK)
			return rc;
		if ((rc = csv_field(out, v, sep)) != ERR_OK)
			return rc;
	}
	return buf_puts(out, "\r\n");
}

kt_err table_csv(json_t *header, json_t *rows, struct buf *out)
{
	kt_err rc = buf_puts(out, "\xEF\xBB\xBF");
	if (!rc)
		rc = table_csv_row(out, header, ',');
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		if (rc)
			break;
		rc = table_csv_row(out, r, ',');
	}
	return rc;
}

kt_err table_xlsx(const char *sheet, json_t *header, json_t *rows, const char *tmpdir, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	char path[4096];
	snprintf(path, sizeof path, "%s/kontakt-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0)
		return ERR_IO;
	close(fd);
	lxw_workbook *wb = workbook_new(path);
	if (!wb) {
		unlink(path);
		return ERR_IO;
	}
	lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	size_t i, j;
	json_t *v, *r;
	json_array_foreach(header, j, v)
		worksheet_write_string(ws, 0, (lxw_col_t)j, json_string_value(v), bold);
	json_array_foreach(rows, i, r) {
		json_array_foreach(r, j, v) {
			lxw_row_t row = (lxw_row_t)(i + 1);
			if (json_is_integer(v))
				worksheet_write_number(ws, row, (lxw_col_t)j, (double)json_integer_value(v), NULL);
			else if (json_is_real(v))
				worksheet_write_number(ws, row, (lxw_col_t)j, json_real_value(v), NULL);
			else if (json_is_string(v))
				worksheet_write_string(ws, row, (lxw_col_t)j, json_string_value(v), NULL);
			else if (json_is_boolean(v))
				worksheet_write_boolean(ws, row, (lxw_col_t)j, json_is_true(v), NULL);
		}
	}
	kt_err rc = workbook_close(wb) == LXW_NO_ERROR ? ERR_OK : ERR_IO;
	FILE *f = rc ? NULL : fopen(path, "rb");
	if (f) {
		fseek(f, 0, SEEK_END);
		long n = ftell(f);
		fseek(f, 0, SEEK_SET);
		*out = n > 0 ? malloc((size_t)n) : NULL;
		if (*out && fread(*out, 1, (size_t)n, f) == (size_t)n)
			*len = (size_t)n;
		else
			rc = ERR_IO;
		fclose(f);
	} else if (!rc) {
		rc = ERR_IO;
	}
	unlink(path);
	if (rc) {
		free(*out);
		*out = NULL;
	}
	return rc;
}
