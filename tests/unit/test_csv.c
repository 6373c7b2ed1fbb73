/* test_csv.c: the CSV reader of imports: RFC 4180 quoting with doubled
 * quotes and line breaks inside, CRLF/LF/CR line ends, a BOM, the ';' and
 * tab separators, Windows-1250 converted, binary junk and broken quoting
 * refused with the line where it is.  The cell writer of exports: quoting
 * of every separator, the formula guard on text only, and the reader
 * reading back what the writer wrote. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/utf8.h"

/* rows: reads all of text; *out gets "a|b|c\n" per record. */
static kt_err rows(const char *text, size_t len, char *out, size_t cap, struct csv *c)
{
	kt_err rc = csv_open(c, text, len);
	out[0] = '\0';
	size_t n = 0;
	while (!rc) {
		bool eof;
		rc = csv_next(c, &eof);
		if (rc || eof)
			break;
		for (int i = 0; i < c->nfields; i++)
			n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? "|" : "", c->fields[i].p);
		n += (size_t)snprintf(out + n, cap - n, "\n");
	}
	return rc;
}

#define READS(text, want)                                                    \
	do {                                                                 \
		struct csv c;                                                \
		char got[4096];                                              \
		assert_int_equal(rows(text, sizeof(text) - 1, got, sizeof got, &c), ERR_OK); \
		assert_string_equal(got, want);                              \
		csv_clear(&c);                                               \
	} while (0)

#define FAILS(text, msg)                                                     \
	do {                                                                 \
		struct csv c;                                                \
		char got[4096];                                              \
		assert_int_equal(rows(text, sizeof(text) - 1, got, sizeof got, &c), ERR_BAD_CSV); \
		assert_non_null(strstr(c.err, msg));                         \
		csv_clear(&c);                                               \
	} while (0)

static void plain_fields(void **state)
{
	(void)state;
	READS("a,b,c\n1,2,3\n", "a|b|c\n1|2|3\n");
	READS("a,b\r\n1,2\r\n", "a|b\n1|2\n");
	READS("a,b\r1,2\r", "a|b\n1|2\n");
	READS("a,b\n1,2", "a|b\n1|2\n");           /* no line end at the end */
	READS("a,,c\n,,\n", "a||c\n||\n");          /* empty fields */
	READS("a,b,\n", "a|b|\n");                   /* a trailing separator */
	READS("x\n\n\r\n\ny\n", "x\ny\n");           /* empty lines are no records */
	READS("", "");
	READS("  a , b \n", "  a | b \n");           /* spaces are data */
	READS("a\"b,c\n", "a\"b|c\n");               /* a bare quote inside is kept */
}

static void quoted_fields(void **state)
{
	(void)state;
	READS("\"a,b\",c\n", "a,b|c\n");
	READS("\"say \"\"hi\"\"\",x\n", "say \"hi\"|x\n");
	READS("\"\"\n", "\n");
	READS("\"\",\"\"\n", "|\n");
	READS("\"line 1\nline 2\",x\r\nnext,y\r\n", "line 1\nline 2|x\nnext|y\n");
	READS("\"a\r\nb\"\r\n", "a\r\nb\n");
	READS("\"ends at eof\"", "ends at eof\n");
}

static void line_numbers(void **state)
{
	(void)state;
	struct csv c;
	const char text[] = "h1,h2\n\"a\nb\nc\",x\n\nlast,y\n";
	assert_int_equal(csv_open(&c, text, sizeof text - 1), ERR_OK);
	bool eof;
	long want[] = {1, 2, 6};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(csv_next(&c, &eof), ERR_OK);
		assert_false(eof);
		assert_int_equal(c.record_line, want[i]);
	}
	assert_int_equal(csv_next(&c, &eof), ERR_OK);
	assert_true(eof);
	csv_clear(&c);
}

static void separators_and_bom(void **state)
{
	(void)state;
	READS("a;b;c\n1;\"2;3\";4\n", "a|b|c\n1|2;3|4\n");
	READS("a\tb\n1\t2\n", "a|b\n1|2\n");
	READS("\"a,b\";c;d\n", "a,b|c|d\n");          /* commas in quotes don't count */
	READS("a,b;c\n", "a|b;c\n");                  /* a tie goes to ',' */
	READS("\xEF\xBB\xBFname\nx\n", "name\nx\n");
	struct csv c;
	assert_int_equal(csv_open(&c, "a;b", 3), ERR_OK);
	assert_int_equal(c.sep, ';');
	assert_false(c.cp1250);
	csv_clear(&c);
}

static void windows_1250(void **state)
{
	(void)state;
	/* "Łódź;Żółć\nŚląsk;zażółć gęślą jaźń" in Windows-1250 */
	READS("\xA3\xF3\x64\x9F;\xAF\xF3\xB3\xE6\n\x8Cl\xB9sk;za\xBF\xF3\xB3\xE6 g\xEA\x9Cl\xB9 ja\x9F\xF1\n",
	      "Łódź|Żółć\nŚląsk|zażółć gęślą jaźń\n");
	struct csv c;
	assert_int_equal(csv_open(&c, "\x80 \x84", 3), ERR_OK);
	assert_true(c.cp1250);
	assert_string_equal(c.data, "€ „");
	csv_clear(&c);
	/* every defined byte converts to valid UTF-8 */
	char in[256], out[1024];
	size_t n = 0, bad;
	for (int b = 0x20; b < 0x100; b++)
		if (b != 0x7F && b != 0x81 && b != 0x83 && b != 0x88 && b != 0x90 && b != 0x98)
			in[n++] = (char)b;
	size_t got = csv_cp1250_to_utf8(in, n, out, sizeof out, &bad);
	assert_true(got > n);
	assert_true(utf8_valid(out, got));
	assert_int_equal(csv_cp1250_to_utf8("a\x81", 2, out, sizeof out, &bad), 0);
	assert_int_equal(bad, 1);
	assert_int_equal(csv_cp1250_to_utf8("\x80", 1, out, 3, &bad), 0); /* no room */
}

static void broken_files(void **state)
{
	(void)state;
	FAILS("a,b\n\"open,x\nmore\n", "line 2: a quoted field is not closed");
	FAILS("a,b\n1,2\n\"x\"y,z\n", "line 3: text after a closing quote");
	FAILS("a,b\n1,2\nab\x00" "c\n", "line 3: binary data (byte 0x00)");
	FAILS("a\n\x89PNG\r\n\x1a\n", "line 3: binary data (byte 0x1A)");
	FAILS("a\nb\x7f\n", "line 2: binary data");
	FAILS("name\nZ\x81\n", "line 2: byte 0x81 is neither UTF-8 nor Windows-1250");
	FAILS("\"a\n\n\nb", "line 1: a quoted field is not closed");
}

static void limits(void **state)
{
	(void)state;
	size_t n = LIM_CSV_COLUMNS + 1;
	char *wide = malloc(2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		wide[2 * i] = 'x';
		wide[2 * i + 1] = i + 1 < n ? ',' : '\n';
	}
	struct csv c;
	bool eof;
	assert_int_equal(csv_open(&c, wide, 2 * n), ERR_OK);
	assert_int_equal(csv_next(&c, &eof), ERR_BAD_CSV);
	assert_non_null(strstr(c.err, "more than 200 columns"));
	csv_clear(&c);
	free(wide);
	size_t big = LIM_CSV_FIELD + 10;
	char *longf = malloc(big + 3);
	longf[0] = '"';
	memset(longf + 1, 'y', big);
	longf[big + 1] = '"';
	longf[big + 2] = '\n';
	assert_int_equal(csv_open(&c, longf, big + 3), ERR_OK);
	assert_int_equal(csv_next(&c, &eof), ERR_BAD_CSV);
	assert_non_null(strstr(c.err, "longer than 64 KiB"));
	csv_clear(&c);
	memset(longf, 'y', big);
	assert_int_equal(csv_open(&c, longf, big), ERR_OK);
	assert_int_equal(csv_next(&c, &eof), ERR_BAD_CSV);
	csv_clear(&c);
	free(longf);
}

static void field_lengths(void **state)
{
	(void)state;
	struct csv c;
	bool eof;
	const char text[] = "\"a\"\"b\",,xyz\n";
	assert_int_equal(csv_open(&c, text, sizeof text - 1), ERR_OK);
	assert_int_equal(csv_next(&c, &eof), ERR_OK);
	assert_int_equal(c.nfields, 3);
	assert_int_equal(c.fields[0].n, 3);
	assert_int_equal(c.fields[1].n, 0);
	assert_int_equal(c.fields[2].n, 3);
	assert_memory_equal(c.fields[0].p, "a\"b", 4);
	csv_clear(&c);
}

/* put: one cell as csv_put_cell writes it, into got. */
static void put(const char *s, bool text, char sep, char *got, size_t cap)
{
	struct buf b;
	buf_init(&b, 4096);
	assert_int_equal(csv_put_cell(&b, s, strlen(s), text, sep), ERR_OK);
	snprintf(got, cap, "%s", buf_cstr(&b));
	buf_clear(&b);
}

#define PUTS(s, text, sep, want)                                             \
	do {                                                                 \
		char got[256];                                               \
		put(s, text, sep, got, sizeof got);                          \
		assert_string_equal(got, want);                              \
	} while (0)

static void writer_quotes_and_guards(void **state)
{
	(void)state;
	PUTS("Kowalski", true, ';', "Kowalski");
	PUTS("", true, ';', "");
	/* every separator a spreadsheet may assume is quoted, whatever sep is */
	PUTS("x;=1+1", true, ',', "\"x;=1+1\"");
	PUTS("x;=1+1", true, ';', "\"x;=1+1\"");
	PUTS("a,b", true, ';', "\"a,b\"");
	PUTS("a\tb", true, ',', "\"a\tb\"");
	PUTS("say \"hi\"", true, ';', "\"say \"\"hi\"\"\"");
	PUTS("two\r\nlines", true, ';', "\"two\r\nlines\"");
	PUTS(" padded ", true, ';', "\" padded \"");
	/* the formula guard: = + - @ first, also after white space, and ' */
	PUTS("=1+1", true, ';', "'=1+1");
	PUTS("  =cmd", true, ';', "\"'  =cmd\"");
	PUTS("@SUM(1)", true, ';', "'@SUM(1)");
	PUTS("-2+3", true, ';', "'-2+3");
	PUTS("+48601234567", true, ';', "'+48601234567");
	PUTS("\t=1", true, ';', "\"'\t=1\"");
	PUTS("\rx", true, ';', "\"'\rx\"");
	PUTS("'quoted", true, ';', "''quoted");
	PUTS("a=b", true, ';', "a=b");
	/* numbers are never guarded */
	PUTS("-12.5", false, ';', "-12.5");
	PUTS("-3", false, ',', "-3");
	/* a number with a decimal comma is quoted only where ',' separates */
	PUTS("-1234,50", false, ';', "-1234,50");
	PUTS("-1234,50", false, ',', "\"-1234,50\"");
	assert_true(csv_guarded("=x", 2));
	assert_true(csv_guarded(" \n+1", 4));
	assert_false(csv_guarded("x=", 2));
	assert_false(csv_guarded("   ", 3));
	assert_false(csv_guarded("", 0));
}

static void writer_output_reads_back(void **state)
{
	(void)state;
	static const char *const cells[] = {"x;=1+1", "a,b", "q\"q", "cr\rlf\n", "t\tab", "  =cmd", "@SUM(1)",
					    "-2+3", "+48 601 234 567", "'x", "Zażółć", "", NULL};
	const char seps[] = {';', ',', '\t'};
	for (size_t k = 0; k < sizeof seps; k++) {
		struct buf b;
		buf_init(&b, 8192);
		/* a header of as many columns, then the cells in one record */
		for (int i = 0; cells[i]; i++)
			assert_int_equal(buf_printf(&b, "%sh%d", i ? (char[]){seps[k], 0} : "", i), ERR_OK);
		assert_int_equal(buf_puts(&b, "\r\n"), ERR_OK);
		for (int i = 0; cells[i]; i++) {
			if (i)
				assert_int_equal(buf_putc(&b, seps[k]), ERR_OK);
			assert_int_equal(csv_put_cell(&b, cells[i], strlen(cells[i]), true, seps[k]), ERR_OK);
		}
		assert_int_equal(buf_puts(&b, "\r\n"), ERR_OK);
		struct csv c;
		bool eof;
		assert_int_equal(csv_open(&c, b.data, b.len), ERR_OK);
		assert_int_equal(c.sep, seps[k]);
		assert_int_equal(csv_next(&c, &eof), ERR_OK);
		assert_int_equal(csv_next(&c, &eof), ERR_OK);
		assert_false(eof);
		int n = 0;
		for (int i = 0; cells[i]; i++, n++) {
			const char *f = c.fields[i].p;
			size_t len = c.fields[i].n;
			/* the guard is the one quote the writer adds */
			if (len > 1 && f[0] == '\'' && csv_guarded(f + 1, len - 1))
				f++, len--;
			assert_int_equal(len, strlen(cells[i]));
			assert_memory_equal(f, cells[i], len);
		}
		assert_int_equal(c.nfields, n);
		csv_clear(&c);
		buf_clear(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_fields),       cmocka_unit_test(quoted_fields),
		cmocka_unit_test(line_numbers),       cmocka_unit_test(separators_and_bom),
		cmocka_unit_test(windows_1250),       cmocka_unit_test(broken_files),
		cmocka_unit_test(limits),             cmocka_unit_test(field_lengths),
		cmocka_unit_test(writer_quotes_and_guards), cmocka_unit_test(writer_output_reads_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
