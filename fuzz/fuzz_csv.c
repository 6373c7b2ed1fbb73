/* fuzz_csv.c: libFuzzer harness for the CSV reader of imports (core/csv.c)
 * and its Windows-1250 conversion: any input either reads as records whose
 * fields are valid UTF-8 C strings within the limits, on increasing lines,
 * or is refused with a message naming the line.  Build with scripts/fuzz
 * csv, or: clang -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc
 * fuzz/fuzz_csv.c src/core/csv.c src/core/buf.c src/core/utf8.c */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                 \
	do {                     \
		if (!(x))        \
			abort(); \
	} while (0)

static void convert(const char *s, size_t size)
{
	size_t cap = 3 * size + 1, bad = 0;
	char *out = malloc(cap);
	if (!out)
		return;
	size_t n = csv_cp1250_to_utf8(s, size, out, cap, &bad);
	if (n)
		CHECK(utf8_valid(out, n) || memchr(s, 0, size) || memchr(out, 0, n));
	else if (size)
		CHECK(bad < size);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	convert(s, size);
	struct csv *c = malloc(sizeof *c);
	if (!c)
		return 0;
	kt_err rc = csv_open(c, s, size);
	if (rc == ERR_OK) {
		CHECK(utf8_valid(c->data, c->len));
		CHECK(c->sep == ',' || c->sep == ';' || c->sep == '\t');
		long last = 0;
		size_t records = 0;
		for (;;) {
			bool eof = false;
			rc = csv_next(c, &eof);
			if (rc || eof)
				break;
			CHECK(++records <= size);
			CHECK(c->nfields >= 1 && c->nfields <= LIM_CSV_COLUMNS);
			CHECK(c->record_line > last && c->record_line <= c->line);
			last = c->record_line;
			for (int i = 0; i < c->nfields; i++) {
				CHECK(c->fields[i].n <= LIM_CSV_FIELD);
				CHECK(strlen(c->fields[i].p) == c->fields[i].n);
				CHECK(utf8_valid(c->fields[i].p, c->fields[i].n));
			}
		}
	}
	if (rc)
		CHECK((rc == ERR_BAD_CSV && strncmp(c->err, "line ", 5) == 0) || rc == ERR_NOMEM);
	csv_clear(c);
	free(c);
	return 0;
}
