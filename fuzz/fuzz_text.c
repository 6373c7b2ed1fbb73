/* fuzz_text.c: libFuzzer harness for the text parsers of src/core: UTF-8,
 * folding, phones, NIP/REGON/PESEL/e-mail, ISO times, base64url and the
 * Polish collation of sorted lists.  Runs each on the raw input and checks
 * their invariants (outputs well formed, normalisation idempotent,
 * encode/decode and format/parse round trips, the collation a total order
 * over three pieces of the input).  Not here: anything that needs a
 * database or the HTTP layer. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/b64.h"
#include "core/collate.h"
#include "core/fold.h"
#include "core/ident.h"
#include "core/isotime.h"
#include "core/phone.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                 \
	do {                     \
		if (!(x))        \
			abort(); \
	} while (0)

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static void fuzz_utf8(const char *s, size_t len)
{
	bool valid = true;
	size_t i = 0, cps = 0;

	while (i < len) {
		uint32_t cp = 0;
		size_t n = utf8_decode(s + i, len - i, &cp);

		CHECK(n <= 4 && n <= len - i);
		if (n == 0) {
			valid = false;
			i++;
			continue;
		}
		CHECK(cp != 0 && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF));
		CHECK(utf8_valid(s + i, n));
		cps++;
		i += n;
	}
	CHECK(utf8_valid(s, len) == valid);
	if (valid)
		CHECK(utf8_count(s, len) == cps);
	CHECK(utf8_count(s, len) <= len);
}

static void fuzz_fold(const char *s, size_t len)
{
	size_t cap = 2 * len + 1;
	char *a = malloc(cap), *b = malloc(cap);
	size_t n, m;

	CHECK(a && b);
	n = fold_text(s, len, a, cap);
	CHECK(n <= len && a[n] == '\0' && strlen(a) == n);
	CHECK(utf8_valid(a, n));
	m = fold_text(a, n, b, cap); /* idempotent */
	CHECK(m == n && memcmp(a, b, n) == 0);
	/* A smaller cap gives a prefix that is still valid UTF-8. */
	m = fold_text(s, len, b, n / 2 + 1);
	CHECK(m <= n / 2 && memcmp(a, b, m) == 0 && b[m] == '\0');
	CHECK(utf8_valid(b, m));

	n = fold_key(s, len, a, cap);
	CHECK(n <= len && a[n] == '\0' && strlen(a) == n);
	CHECK(utf8_valid(a, n));
	if (n > 0)
		CHECK(a[0] != ' ' && a[n - 1] != ' ');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)a[i];

		CHECK(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ');
		if (c == ' ')
			CHECK(a[i + 1] != ' ');
	}
	m = fold_key(a, n, b, cap);
	CHECK(m == n && memcmp(a, b, n) == 0);
	m = fold_key(s, len, b, n / 2 + 1);
	CHECK(m <= n / 2 && memcmp(a, b, m) == 0);
	CHECK(m == 0 || b[m - 1] != ' ');
	free(a);
	free(b);
}

static void check_e164(const char *out)
{
	size_t n = strlen(out);
	char again[PHONE_E164_CAP];

	CHECK(out[0] == '+' && n >= 8 && n <= 16);
	CHECK(all_digits(out + 1, n - 1) && out[1] != '0');
	CHECK(phone_normalize(out, n, "48", again, sizeof(again)));
	CHECK(strcmp(out, again) == 0);
}

static void fuzz_phone(const char *s, size_t len)
{
	char out[64], dig[64];
	size_t n;

	if (phone_normalize(s, len, "48", out, sizeof(out)))
		check_e164(out);
	else
		CHECK(out[0] == '\0');
	if (phone_normalize(s, len, NULL, out, sizeof(out)))
		check_e164(out);
	if (phone_normalize(s, len, "380", out, PHONE_E164_CAP))
		check_e164(out);
	n = phone_digits(s, len, dig, sizeof(dig));
	CHECK(n < sizeof(dig) && n <= len && strlen(dig) == n);
	CHECK(all_digits(dig, n));
}

static void fuzz_ident(const char *s, size_t len)
{
	char out[256], again[256], date[11];
	int32_t days;

	if (ident_nip_normalize(s, len, out)) {
		CHECK(strlen(out) == 10 && all_digits(out, 10));
		CHECK(ident_nip_normalize(out, 10, again));
		CHECK(strcmp(out, again) == 0);
	}
	if (ident_regon_normalize(s, len, out)) {
		size_t n = strlen(out);

		CHECK((n == 9 || n == 14) && all_digits(out, n));
		CHECK(ident_regon_normalize(out, n, again));
	}
	if (ident_pesel_normalize(s, len, out)) {
		CHECK(strlen(out) == 11 && all_digits(out, 11));
		CHECK(ident_pesel_birth_date(out, date));
		CHECK(strlen(date) == 10);
		CHECK(isodate_parse(date, 10, &days));
	}
	if (len >= 11) {
		/* A PESEL's date always parses back, years 1800..2299. */
		if (ident_pesel_birth_date(s, date)) {
			CHECK(isodate_parse(date, 10, &days));
			CHECK(ident_pesel_normalize(s, 11, out));
		} else {
			CHECK(date[0] == '\0');
		}
	}
	if (ident_email_normalize(s, len, out, sizeof(out))) {
		size_t n = strlen(out);

		CHECK(n >= 6 && n <= 254 && memchr(out, '@', n));
		CHECK(ident_email_normalize(out, n, again, sizeof(again)));
		CHECK(strcmp(out, again) == 0);
		CHECK(utf8_valid(out, n));
	}
}

static void fuzz_time(const char *s, size_t len)
{
	int64_t t, back;
	int32_t days, dback;
	char buf[21], dbuf[11];

	if (isotime_parse(s, len, &t)) {
		/* 1000-01-01 minus 23:59 .. 9999-12-31 plus 23:59 */
		CHECK(t >= -30610224000 - 86400 && t <= 253402300799 + 86400);
		isotime_format(t, buf);
		CHECK(strlen(buf) == 20);
		if (t >= -30610224000 && t <= 253402300799) {
			CHECK(isotime_parse(buf, 20, &back));
			CHECK(back == t);
		}
	}
	if (isodate_parse(s, len, &days)) {
		isodate_format(days, dbuf);
		CHECK(len == 10 && memcmp(s, dbuf, 10) == 0);
	}
	/* Raw bytes as an instant, a day number and a civil date. */
	if (len >= 8) {
		uint64_t u;
		int y;
		unsigned m, d;

		memcpy(&u, s, 8);
		t = (int64_t)u;
		isotime_format(t, buf);
		CHECK(strlen(buf) == 20 && buf[10] == 'T' && buf[19] == 'Z');
		if (isotime_parse(buf, 20, &back))
			CHECK(back == t || t < -30610224000 || t > 253402300799);
		memcpy(&days, s, 4);
		isodate_format(days, dbuf);
		CHECK(strlen(dbuf) == 10);
		if (isodate_parse(dbuf, 10, &dback))
			CHECK(dback == days || days < -354285 || days > 2932896);
		isotime_civil_from_days(t, &y, &m, &d);
		CHECK(m >= 1 && m <= 12 && d >= 1 && d <= 31);
		memcpy(&m, s + 4, sizeof(m));
		(void)isotime_days_from_civil(days, m, m >> 3);
	}
}

static void fuzz_b64(const char *s, size_t len)
{
	size_t cap = 4 * ((len + 2) / 3) + 1, n, k;
	char *enc = malloc(cap);
	unsigned char *dec = malloc(len + 1);

	CHECK(enc && dec);
	n = b64url_encode((const unsigned char *)s, len, enc, cap);
	CHECK(n == b64url_encoded_len(len) && strlen(enc) == n);
	CHECK(b64url_decode(enc, n, dec, len, &k));
	CHECK(k == len && memcmp(dec, s, len) == 0);
	/* Decoding is canonical: what decodes, encodes back to the input. */
	if (b64url_decode(s, len, dec, len, &k)) {
		CHECK(k <= len);
		n = b64url_encode(dec, k, enc, cap);
		CHECK(n == len && memcmp(enc, s, len) == 0);
	}
	free(enc);
	free(dec);
}

static int sign(int c)
{
	return (c > 0) - (c < 0);
}

/* The order of kt_pl keyset pages: a total order, equal only for equal
 * bytes (SQLite and the cursors rely on both). */
static void fuzz_collate(const char *s, size_t len)
{
	const char *p[3] = {s, s + len / 3, s + 2 * len / 3};
	size_t n[3] = {len / 3, 2 * len / 3 - len / 3, len - 2 * len / 3};
	int c[3][3];
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			c[i][j] = sign(collate_pl(p[i], n[i], p[j], n[j]));
	for (int i = 0; i < 3; i++) {
		CHECK(c[i][i] == 0);
		for (int j = 0; j < 3; j++) {
			CHECK(c[i][j] == -c[j][i]);
			CHECK((c[i][j] == 0) == (n[i] == n[j] && memcmp(p[i], p[j], n[i]) == 0));
			for (int k = 0; k < 3; k++)
				if (c[i][j] <= 0 && c[j][k] <= 0)
					CHECK(c[i][k] <= 0);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	fuzz_utf8(s, size);
	fuzz_fold(s, size);
	fuzz_phone(s, size);
	fuzz_ident(s, size);
	fuzz_time(s, size);
	fuzz_b64(s, size);
	fuzz_collate(s, size);
	return 0;
}
