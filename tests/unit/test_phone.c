/* test_phone.c: one number in any spelling gives one E.164 form; anything
 * that is not clearly a phone number is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/phone.h"

static void ok(const char *in, const char *cc, const char *want)
{
	char out[PHONE_E164_CAP];

	memset(out, 'X', sizeof(out));
	if (!phone_normalize(in, strlen(in), cc, out, sizeof(out)))
		fail_msg("refused \"%s\"", in);
	assert_string_equal(out, want);
}

static void bad(const char *in, const char *cc)
{
	char out[PHONE_E164_CAP];

	memset(out, 'X', sizeof(out));
	if (phone_normalize(in, strlen(in), cc, out, sizeof(out)))
		fail_msg("accepted \"%s\" as %s", in, out);
	assert_string_equal(out, "");
}

static void polish_spellings(void **state)
{
	(void)state;
	ok("0048601234567", "48", "+48601234567");
	ok("+48 601-234-567", "48", "+48601234567");
	ok("(+48) 601 234 567", "48", "+48601234567");
	ok("601234567", "48", "+48601234567");
	ok("48601234567", "48", "+48601234567");
	ok("601 234 567", "48", "+48601234567");
	ok("601-234-567", "48", "+48601234567");
	ok("601.234.567", "48", "+48601234567");
	ok("+48601234567", "48", "+48601234567");
	ok("00 48 601 234 567", "48", "+48601234567");
	ok("  +48\t601 234 567  ", "48", "+48601234567");
	ok("(22) 123 45 67", "48", "+48221234567");
	ok("22/123-45-67", "48", "+48221234567");
	ok("48 22 123 45 67", "48", "+48221234567");
}

static void international(void **state)
{
	(void)state;
	ok("+49 30 1234567", "48", "+49301234567");
	ok("0049 30 1234567", "48", "+49301234567");
	ok("+1 (212) 555-0123", "48", "+12125550123");
	ok("+44 20 7946 0958", "48", "+442079460958");
	ok("+3531234", "48", "+3531234");		  /* 7 digits: the minimum */
	ok("+123456789012345", "48", "+123456789012345"); /* 15: the maximum */
	ok("00123456789012345", "48", "+123456789012345");
	/* Without a default country only international forms work. */
	ok("+48601234567", NULL, "+48601234567");
	bad("601234567", NULL);
	bad("601234567", "");
	bad("601234567", "4a");
	bad("601234567", "0");
	bad("601234567", "1234");
	/* Another default country. */
	ok("301234567", "49", "+49301234567");
	ok("49301234567", "49", "+49301234567");
	ok("1301234567", "1", "+1301234567");
	ok("380601234567", "380", "+380601234567");
}

static void refused(void **state)
{
	(void)state;
	bad("", "48");
	bad("   ", "48");
	bad("+", "48");
	bad("+48", "48");
	bad("123456", "48"); /* 6 digits */
	bad("+123456", "48");
	bad("+1234567890123456", "48"); /* 16 digits */
	bad("001234567890123456", "48");
	bad("12345678901234567890123", "48");
	bad("060123456", "48");	  /* national with leading 0 */
	bad("0601234567", "48");  /* trunk prefix: not Polish */
	bad("60123456", "48");	  /* 8 digits, no prefix */
	bad("6012345678", "48");  /* 10 digits, no prefix */
	bad("48060123456", "48"); /* cc + national with 0 */
	bad("49601234567", "48"); /* 11 digits, other cc, no + */
	bad("+0601234567", "48"); /* no country code starts with 0 */
	bad("000601234567", "48");
	bad("601234567x", "48");
	bad("601 234 567 ext 12", "48");
	bad("tel: 601234567", "48");
	bad("+48 601 234 56a", "48");
	bad("48+601234567", "48"); /* '+' after digits */
	bad("++48601234567", "48");
	bad("(+48 601 234 567", "48"); /* unbalanced */
	bad("+48) 601 234 567", "48");
	bad("((48)) 601234567", "48"); /* nested */
	bad("601\xC2\xA0"
	    "234567",
	    "48");			 /* no-break space */
	bad("６０１２３４５６７", "48"); /* full-width digits */
	char out[PHONE_E164_CAP];
	assert_false(phone_normalize("601234567\0", 10, "48", out, sizeof(out)));
	assert_false(phone_normalize("\0"
				     "601234567",
				     10, "48", out, sizeof(out)));
}

static void buffer(void **state)
{
	char out[PHONE_E164_CAP];
	(void)state;
	/* Exactly len bytes are read. */
	assert_true(phone_normalize("601234567999", 9, "48", out, sizeof(out)));
	assert_string_equal(out, "+48601234567");
	/* Too small an out refuses and never writes past cap. */
	memset(out, 'X', sizeof(out));
	assert_false(phone_normalize("601234567", 9, "48", out, 12));
	assert_string_equal(out, "");
	assert_int_equal(out[12], 'X');
	assert_true(phone_normalize("601234567", 9, "48", out, 13));
	assert_string_equal(out, "+48601234567");
	assert_false(phone_normalize("601234567", 9, "48", out, 0));
}

static void digits(void **state)
{
	char out[8];
	(void)state;
	assert_int_equal(phone_digits("+48 (601) 234-567", 17, out, sizeof(out)), 7);
	assert_string_equal(out, "4860123");
	assert_int_equal(phone_digits("601 23", 6, out, sizeof(out)), 5);
	assert_string_equal(out, "60123");
	assert_int_equal(phone_digits("abc", 3, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(phone_digits("", 0, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(phone_digits("12345", 3, out, sizeof(out)), 3);
	assert_string_equal(out, "123");
	memset(out, 'X', sizeof(out));
	assert_int_equal(phone_digits("123", 3, out, 0), 0);
	assert_int_equal(out[0], 'X');
	assert_int_equal(phone_digits("123", 3, out, 1), 0);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(polish_spellings), cmocka_unit_test(international),
		cmocka_unit_test(refused),	    cmocka_unit_test(buffer),
		cmocka_unit_test(digits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
