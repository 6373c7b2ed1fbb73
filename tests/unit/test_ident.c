/* test_ident.c: NIP, REGON and PESEL checksums (vectors computed from the
 * published weights), PESEL birth dates, and the pragmatic e-mail check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/ident.h"

typedef bool (*norm_fn)(const char *, size_t, char *);

static bool nip(const char *s, size_t len, char *out)
{
	return ident_nip_normalize(s, len, out);
}

static bool regon(const char *s, size_t len, char *out)
{
	return ident_regon_normalize(s, len, out);
}

static bool pesel(const char *s, size_t len, char *out)
{
	return ident_pesel_normalize(s, len, out);
}

static void ok(norm_fn f, const char *in, const char *want)
{
	char out[16];

	memset(out, 'X', sizeof(out));
	if (!f(in, strlen(in), out))
		fail_msg("refused \"%s\"", in);
	assert_string_equal(out, want);
}

static void bad(norm_fn f, const char *in)
{
	char out[16];

	memset(out, 'X', sizeof(out));
	if (f(in, strlen(in), out))
		fail_msg("accepted \"%s\"", in);
	assert_string_equal(out, "");
}

static void nips(void **state)
{
	(void)state;
	ok(nip, "5260250274", "5260250274");
	ok(nip, "526-025-02-74", "5260250274");
	ok(nip, "526 025 02 74", "5260250274");
	ok(nip, "PL5260250274", "5260250274");
	ok(nip, "PL 526-025-02-74", "5260250274");
	ok(nip, "pl5260250274", "5260250274");
	ok(nip, " 7740001454 ", "7740001454");
	ok(nip, "1234563218", "1234563218");
	bad(nip, "5260250275"); /* wrong check digit */
	bad(nip, "5260250270");
	bad(nip, "1000000160"); /* sum % 11 == 10: never valid */
	bad(nip, "1000000161");
	bad(nip, "526025027");	 /* 9 digits */
	bad(nip, "52602502740"); /* 11 digits */
	bad(nip, "");
	bad(nip, "PL");
	bad(nip, "DE5260250274");
	bad(nip, "5260250274PL");
	bad(nip, "52602PL50274");
	bad(nip, "PLPL5260250274");
	bad(nip, "526.025.02.74");
	bad(nip, "526025027a");
	bad(nip, "526025027４"); /* full-width digit */
	char out[11];
	assert_false(ident_nip_normalize("5260250274", 9, out));
	assert_true(ident_nip_normalize("52602502749", 10, out));
	assert_false(ident_nip_normalize("526025\0"
					 "274",
					 10, out));
}

static void regons(void **state)
{
	(void)state;
	ok(regon, "123456785", "123456785");
	ok(regon, "123-456-785", "123456785");
	ok(regon, "100000050", "100000050"); /* remainder 10 -> 0 */
	ok(regon, "12345678512347", "12345678512347");
	ok(regon, "1234 5678 5123 47", "12345678512347");
	ok(regon, "10000000000010", "10000000000010"); /* 10 -> 0 */
	bad(regon, "123456786");
	bad(regon, "012345678");
	bad(regon, "100000051");
	bad(regon, "12345678512348");
	bad(regon, "10000000000011");
	bad(regon, "12345678");	       /* 8 digits */
	bad(regon, "1234567851");      /* 10 */
	bad(regon, "1234567851234");   /* 13 */
	bad(regon, "123456785123470"); /* 15 */
	bad(regon, "");
	bad(regon, "12345678x");
	bad(regon, "PL123456785");
}

static void pesels(void **state)
{
	(void)state;
	ok(pesel, "44051401359", "44051401359"); /* 1944-05-14 */
	ok(pesel, "440514 01359", "44051401359");
	ok(pesel, "02213101235", "02213101235"); /* 2002-01-31 */
	ok(pesel, "00222901239", "00222901239"); /* 2000-02-29 */
	ok(pesel, "24022901239", "24022901239"); /* 1924-02-29 */
	ok(pesel, "04022901231", "04022901231"); /* 1904-02-29 */
	ok(pesel, "83813101232", "83813101232"); /* 1883-01-31 */
	ok(pesel, "99923101237", "99923101237"); /* 1899-12-31 */
	ok(pesel, "42123101239", "42123101239"); /* 1942-12-31 */
	ok(pesel, "02413101231", "02413101231"); /* 2102-01-31 */
	ok(pesel, "02613101237", "02613101237"); /* 2202-01-31 */
	ok(pesel, "99523101235", "99523101235"); /* 2199-12-31 */
	ok(pesel, "99723101231", "99723101231"); /* 2299-12-31 */
	bad(pesel, "44051401358");		 /* wrong check digit */
	bad(pesel, "44051401350");
	/* Right checksums, impossible dates. */
	bad(pesel, "02222901233");		 /* 2002-02-29 */
	bad(pesel, "00022901233");		 /* 1900-02-29 */
	bad(pesel, "00822901237");		 /* 1800-02-29 */
	bad(pesel, "00422901235");		 /* 2100-02-29 */
	bad(pesel, "00622901231");		 /* 2200-02-29 */
	bad(pesel, "99023001233");		 /* 1999-02-30 */
	bad(pesel, "02043101232");		 /* 1902-04-31 */
	bad(pesel, "02013201236");		 /* 1902-01-32 */
	bad(pesel, "00130101233");		 /* month 13 */
	bad(pesel, "02133101234");		 /* month 13 */
	bad(pesel, "02202901231");		 /* month 20 */
	bad(pesel, "02000101231");		 /* month 0 */
	bad(pesel, "00010001231");		 /* day 0 */
	ok(pesel, "00010100008", "00010100008"); /* 1900-01-01 */
	bad(pesel, "4405140135");		 /* 10 digits */
	bad(pesel, "440514013590");		 /* 12 digits */
	bad(pesel, "");
	bad(pesel, "4405140135a");
}

static void birth_dates(void **state)
{
	char out[11];
	(void)state;
	assert_true(ident_pesel_birth_date("44051401359", out));
	assert_string_equal(out, "1944-05-14");
	assert_true(ident_pesel_birth_date("00222901239", out));
	assert_string_equal(out, "2000-02-29");
	assert_true(ident_pesel_birth_date("83813101232", out));
	assert_string_equal(out, "1883-01-31");
	assert_true(ident_pesel_birth_date("02613101237", out));
	assert_string_equal(out, "2202-01-31");
	assert_true(ident_pesel_birth_date("99523101235", out));
	assert_string_equal(out, "2199-12-31");
	/* Not NUL-terminated: only 11 bytes are read. */
	const char raw[11] = {'4', '4', '0', '5', '1', '4', '0', '1', '3', '5', '9'};
	assert_true(ident_pesel_birth_date(raw, out));
	assert_string_equal(out, "1944-05-14");
	assert_false(ident_pesel_birth_date("44051401358", out));
	assert_string_equal(out, "");
	assert_false(ident_pesel_birth_date("02222901233", out));
	assert_false(ident_pesel_birth_date("4405140135x", out));
}

static void email_ok(const char *in, const char *want)
{
	char out[255];

	if (!ident_email_normalize(in, strlen(in), out, sizeof(out)))
		fail_msg("refused \"%s\"", in);
	assert_string_equal(out, want);
}

static void email_bad(const char *in)
{
	char out[255];

	memset(out, 'X', sizeof(out));
	if (ident_email_normalize(in, strlen(in), out, sizeof(out)))
		fail_msg("accepted \"%s\"", in);
	assert_string_equal(out, "");
}

/* repeat: n copies of c then tail into buf. */
static const char *repeat(char *buf, char c, size_t n, const char *tail)
{
	memset(buf, c, n);
	memcpy(buf + n, tail, strlen(tail) + 1);
	return buf;
}

static void emails(void **state)
{
	char in[400], want[400];
	(void)state;
	email_ok("anna@example.pl", "anna@example.pl");
	email_ok("  Anna.Nowak@Example.COM \t", "Anna.Nowak@example.com");
	email_ok("a+tag@sub.domain.co.uk", "a+tag@sub.domain.co.uk");
	email_ok("x@a-b.pl", "x@a-b.pl");
	email_ok("x@1.2.3.io", "x@1.2.3.io");
	email_ok("o'brien!#$%&*/=?^_`{|}~-@x.org", "o'brien!#$%&*/=?^_`{|}~-@x.org");
	email_ok("\r\nx@y.pl\r\n", "x@y.pl");
	email_bad("");
	email_bad("   ");
	email_bad("anna");
	email_bad("@example.pl");
	email_bad("anna@");
	email_bad("anna@@example.pl");
	email_bad("a@b@example.pl");
	email_bad("anna@example");    /* no dot */
	email_bad("anna@example.p");  /* TLD of one letter */
	email_bad("anna@example.p1"); /* TLD not letters */
	email_bad("anna@example.123");
	email_bad("anna@.example.pl");
	email_bad("anna@example..pl");
	email_bad("anna@example.pl.");
	email_bad("anna@-example.pl");
	email_bad("anna@example-.pl");
	email_bad("anna@exa_mple.pl");
	email_bad("anna@exämple.pl");
	email_bad("an na@example.pl");
	email_bad("anna@exa mple.pl");
	email_bad("\"anna\"@example.pl");
	email_bad("an(na)@example.pl");
	email_bad("a,b@example.pl");
	email_bad("a:b@example.pl");
	email_bad("a;b@example.pl");
	email_bad("<a>@example.pl");
	email_bad("a[b]@example.pl");
	email_bad("a\\b@example.pl");
	email_bad("ań@example.pl");
	email_bad("a\x01@example.pl");
	email_bad("a\x7F@example.pl");
	email_bad("anna@[127.0.0.1]");
	/* Lengths: local 64 ok, 65 not; label 63 ok, 64 not; total 254. */
	email_ok(repeat(in, 'a', 64, "@x.pl"), repeat(want, 'a', 64, "@x.pl"));
	email_bad(repeat(in, 'a', 65, "@x.pl"));
	memcpy(in, "a@", 2);
	repeat(in + 2, 'b', 63, ".pl");
	email_ok(in, in);
	repeat(in + 2, 'b', 64, ".pl");
	email_bad(in);
	/* 64 + 1 + 63 + 1 + 63 + 1 + 58 + 3 = 254 */
	repeat(in, 'a', 64, "@");
	repeat(in + 65, 'b', 63, ".");
	repeat(in + 129, 'c', 63, ".");
	repeat(in + 193, 'd', 58, ".pl");
	assert_int_equal(strlen(in), 254);
	email_ok(in, in);
	repeat(in + 193, 'd', 59, ".pl");
	email_bad(in);
	/* Output capacity and length are respected. */
	char out[255];
	assert_false(ident_email_normalize("x@y.pl", 6, out, 6));
	assert_true(ident_email_normalize("x@y.pl", 6, out, 7));
	assert_false(ident_email_normalize("x@y.pl", 6, out, 0));
	assert_true(ident_email_normalize("x@y.plxyz", 6, out, sizeof(out)));
	assert_string_equal(out, "x@y.pl");
	assert_false(ident_email_normalize("x@y.pl\0", 7, out, sizeof(out)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nips),	       cmocka_unit_test(regons), cmocka_unit_test(pesels),
		cmocka_unit_test(birth_dates), cmocka_unit_test(emails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
