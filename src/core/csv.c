/* csv.c: see csv.h.  The reader makes one pass over the bytes per record;
 * field bytes are copied (quotes undone) into one buffer per record, so a
 * field is a plain C string however it was quoted.  The writer is
 * csv_put_cell at the end. */
#include "core/csv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

/* Windows-1250 bytes 0x80-0xFF as code points; 0 where it defines none. */
static const uint16_t CP1250[128] = {
	0x20AC, 0x0000, 0x201A, 0x0000, 0x201E, 0x2026, 0x2020, 0x2021,
	0x0000, 0x2030, 0x0160, 0x2039, 0x015A, 0x0164, 0x017D, 0x0179,
	0x0000, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x0000, 0x2122, 0x0161, 0x203A, 0x015B, 0x0165, 0x017E, 0x017A,
	0x00A0, 0x02C7, 0x02D8, 0x0141, 0x00A4, 0x0104, 0x00A6, 0x00A7,
	0x00A8, 0x00A9, 0x015E, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x017B,
	0x00B0, 0x00B1, 0x02DB, 0x0142, 0x00B4, 0x00B5, 0x00B6, 0x00B7,
	0x00B8, 0x0105, 0x015F, 0x00BB, 0x013D, 0x02DD, 0x013E, 0x017C,
	0x0154, 0x00C1, 0x00C2, 0x0102, 0x00C4, 0x0139, 0x0106, 0x00C7,
	0x010C, 0x00C9, 0x0118, 0x00CB, 0x011A, 0x00CD, 0x00CE, 0x010E,
	0x0110, 0x0143, 0x0147, 0x00D3, 0x00D4, 0x0150, 0x00D6, 0x00D7,
	0x0158, 0x016E, 0x00DA, 0x0170, 0x00DC, 0x00DD, 0x0162, 0x00DF,
	0x0155, 0x00E1, 0x00E2, 0x0103, 0x00E4, 0x013A, 0x0107, 0x00E7,
	0x010D, 0x00E9, 0x0119, 0x00EB, 0x011B, 0x00ED, 0x00EE, 0x010F,
	0x0111, 0x0144, 0x0148, 0x00F3, 0x00F4, 0x0151, 0x00F6, 0x00F7,
	0x0159, 0x016F, 0x00FA, 0x0171, 0x00FC, 0x00FD, 0x0163, 0x02D9,
};

size_t csv_cp1250_to_utf8(const char *in, size_t len, char *out, size_t cap, size_t *bad)
{
	size_t o = 0;
	*bad = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char b = (unsigned char)in[i];
		uint32_t cp = b < 0x80 ? b : CP1250[b - 0x80];
		if (!cp && b) {
			*bad = i;
			return 0;
		}
		size_t need = cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
		if (o + need + 1 > cap) {
			*bad = i;
			return 0;
		}
		if (need == 1) {
			out[o++] = (char)cp;
		} else if (need == 2) {
			out[o++] = (char)(0xC0 | (cp >> 6));
			out[o++] = (char)(0x80 | (cp & 0x3F));
		} else {
			out[o++] = (char)(0xE0 | (cp >> 12));
			out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			out[o++] = (char)(0x80 | (cp & 0x3F));
		}
	}
	if (o < cap)
		out[o] = '\0';
	return o;
}

static long line_at(const char *s, size_t off)
{
	long line = 1;
	for (size_t i = 0; i < off; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= off || s[i + 1] != '\n')))
			line++;
	return line;
}

/* binary: the first byte no text file holds (C0 controls but tab and line
 * ends, and DEL), or len. */
static size_t binary_at(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char b = (unsigned char)s[i];
		if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F)
			return i;
	}
	return len;
}

/* pick_sep: the separator of the first record: the most frequent of ',',
 * ';' and tab outside quotes on it (',' on a tie). */
static char pick_sep(const char *s, size_t len)
{
	size_t n[3] = {0, 0, 0};
	bool quoted = false;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (ch == '"')
			quoted = !quoted;
		else if (!quoted && (ch == '\n' || ch == '\r'))
			break;
		else if (!quoted)
			n[0] += ch == ',', n[1] += ch == ';', n[2] += ch == '\t';
	}
	if (n[1] > n[0] && n[1] >= n[2])
		return ';';
	if (n[2] > n[0] && n[2] > n[1])
		return '\t';
	return ',';
}

kt_err csv_open(struct csv *c, const char *data, size_t len)
{
	memset(c, 0, sizeof *c);
	buf_init(&c->row, (size_t)LIM_CSV_COLUMNS * LIM_CSV_FIELD);
	c->line = 1;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		len -= 3;
	}
	size_t at = binary_at(data, len);
	if (at < len) {
		snprintf(c->err, sizeof c->err, "line %ld: binary data (byte 0x%02X): this is not a CSV text file",
			 line_at(data, at), (unsigned)(unsigned char)data[at]);
		return ERR_BAD_CSV;
	}
	if (!utf8_valid(data, len)) {
		/* Not UTF-8: Windows-1250, if every byte is defined there. */
		size_t need = 1;
		for (size_t i = 0; i < len; i++) {
			unsigned char b = (unsigned char)data[i];
			need += b < 0x80 ? 1 : CP1250[b - 0x80] < 0x800 ? 2 : 3;
		}
		c->owned = malloc(need);
		if (!c->owned)
			return ERR_NOMEM;
		size_t bad;
		size_t n = csv_cp1250_to_utf8(data, len, c->owned, need, &bad);
		if (n == 0 && len > 0) {
			snprintf(c->err, sizeof c->err,
				 "line %ld: byte 0x%02X is neither UTF-8 nor Windows-1250: this is not a CSV text file",
				 line_at(data, bad), (unsigned)(unsigned char)data[bad]);
			return ERR_BAD_CSV;
		}
		data = c->owned;
		len = n;
		c->cp1250 = true;
	}
	c->data = data;
	c->len = len;
	c->sep = pick_sep(data, len);
	return ERR_OK;
}

void csv_clear(struct csv *c)
{
	free(c->owned);
	c->owned = NULL;
	buf_clear(&c->row);
}

static kt_err fail(struct csv *c, const char *msg)
{
	snprintf(c->err, sizeof c->err, "line %ld: %s", c->record_line, msg);
	return ERR_BAD_CSV;
}

/* end_field: closes the field begun at row offset start. */
static kt_err end_field(struct csv *c, size_t start)
{
	if (c->nfields >= LIM_CSV_COLUMNS)
		return fail(c, "more than 200 columns");
	if (c->row.len - start > LIM_CSV_FIELD)
		return fail(c, "a field is longer than 64 KiB");
	c->off[c->nfields++] = start;
	return buf_append(&c->row, "", 1) ? fail(c, "the record is too large") : ERR_OK;
}

kt_err csv_next(struct csv *c, bool *eof)
{
	*eof = false;
	c->nfields = 0;
	buf_reset(&c->row);
	const char *s = c->data;
	size_t len = c->len;
	/* Empty lines are no records. */
	while (c->pos < len && (s[c->pos] == '\n' || s[c->pos] == '\r')) {
		if (s[c->pos] == '\n' || c->pos + 1 >= len || s[c->pos + 1] != '\n')
			c->line++;
		c->pos++;
	}
	if (c->pos >= len) {
		*eof = true;
		return ERR_OK;
	}
	c->record_line = c->line;
	kt_err rc = ERR_OK;
	for (;;) {
		size_t start = c->row.len;
		if (c->pos < len && s[c->pos] == '"') {
			c->pos++;
			for (;;) {
				const char *q = memchr(s + c->pos, '"', len - c->pos);
				if (!q)
					return fail(c, "a quoted field is not closed (unbalanced quotes)");
				size_t n = (size_t)(q - (s + c->pos));
				for (size_t i = 0; i < n; i++)
					if (s[c->pos + i] == '\n' || (s[c->pos + i] == '\r' && (c->pos + i + 1 >= len || s[c->pos + i + 1] != '\n')))
						c->line++;
				if (c->row.len - start + n > LIM_CSV_FIELD)
					return fail(c, "a field is longer than 64 KiB");
				if (buf_append(&c->row, s + c->pos, n))
					return fail(c, "the record is too large");
				c->pos += n + 1;
				if (c->pos < len && s[c->pos] == '"') {
					if (buf_append(&c->row, "\"", 1))
						return fail(c, "the record is too large");
					c->pos++;
					continue;
				}
				break;
			}
			if (c->pos < len && s[c->pos] != c->sep && s[c->pos] != '\n' && s[c->pos] != '\r')
				return fail(c, "text after a closing quote (a quote inside a field must be doubled)");
		} else {
			size_t b = c->pos;
			while (c->pos < len && s[c->pos] != c->sep && s[c->pos] != '\n' && s[c->pos] != '\r')
				c->pos++;
			if (c->pos - b > LIM_CSV_FIELD)
				return fail(c, "a field is longer than 64 KiB");
			if (buf_append(&c->row, s + b, c->pos - b))
				return fail(c, "the record is too large");
		}
		rc = end_field(c, start);
		if (rc)
			return rc;
		if (c->pos >= len)
			break;
		char ch = s[c->pos++];
		if (ch == c->sep)
			continue;
		if (ch == '\r' && c->pos < len && s[c->pos] == '\n')
			c->pos++;
		c->line++;
		break;
	}
	for (int i = 0; i < c->nfields; i++) {
		c->fields[i].p = c->row.data + c->off[i];
		size_t end = i + 1 < c->nfields ? c->off[i + 1] - 1 : c->row.len - 1;
		c->fields[i].n = end - c->off[i];
	}
	return ERR_OK;
}

/* ---- writing ------------------------------------------------------------- */

bool csv_guarded(const char *s, size_t n)
{
	if (n && (s[0] == '\t' || s[0] == '\r'))
		return true;
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	return i < n && memchr("=+-@'", s[i], 5) != NULL;
}

kt_err csv_put_cell(struct buf *out, const char *s, size_t n, bool text, char sep)
{
	bool guard = text && csv_guarded(s, n);
	bool quote = n && (s[0] == ' ' || s[n - 1] == ' ');
	/* A number ("1234,50" with a Polish decimal comma) stays unquoted
	 * unless it holds this file's separator: a spreadsheet then reads it
	 * as the number it is. */
	const char *special = text ? ",;\"\r\n\t" : "\"\r\n";
	size_t nspecial = strlen(special);
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == sep || memchr(special, s[i], nspecial) != NULL;
	kt_err rc = quote ? buf_putc(out, '"') : ERR_OK;
	if (!rc && guard)
		rc = buf_putc(out, '\'');
	if (!quote)
		return rc ? rc : buf_append(out, s, n);
	for (size_t i = 0; i < n && !rc;) {
		const char *q = memchr(s + i, '"', n - i);
		size_t k = q ? (size_t)(q - (s + i)) + 1 : n - i;
		rc = buf_append(out, s + i, k);
		if (!rc && q)
			rc = buf_putc(out, '"');
		i += k;
	}
	return rc ? rc : buf_putc(out, '"');
}
