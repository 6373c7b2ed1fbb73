/* test_utf8.c: strict UTF-8: shortest forms only, no surrogates, nothing
 * above U+10FFFF, no NUL, and never a byte read past len. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

#define V(lit) utf8_valid(lit, sizeof(lit) - 1)

/* decode_exact: lit decodes as one code point over all its bytes. */
static void decode_exact(const char *s, size_t len, uint32_t want)
{
	uint32_t cp = 0xFFFFFFFF;

	assert_int_equal(utf8_decode(s, len, &cp), len);
	assert_int_equal(cp, want);
}

static void valid_text(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid(NULL, 0));
	assert_true(V("hello"));
	assert_true(V("Łódź, Sławek, ŻÓŁĆ"));
	assert_true(V("жук αβγ 日本語"));
	assert_true(V("\xF0\x9F\x98\x80")); /* U+1F600 */
	assert_true(V("\xF4\x8F\xBF\xBF")); /* U+10FFFF */
	assert_true(V("\xEF\xBF\xBF"));	    /* U+FFFF */
	assert_true(V("\xEE\x80\x80"));	    /* U+E000 */
	assert_true(V("\xED\x9F\xBF"));	    /* U+D7FF */
	assert_true(V("\x7F"));
	assert_true(V("\xC2\x80"));	    /* U+0080 */
	assert_true(V("\xDF\xBF"));	    /* U+07FF */
	assert_true(V("\xE0\xA0\x80"));	    /* U+0800 */
	assert_true(V("\xF0\x90\x80\x80")); /* U+10000 */
}

static void invalid_text(void **state)
{
	(void)state;
	assert_false(V("a\0b")); /* NUL */
	assert_false(V("\0"));
	assert_false(V("\x80")); /* lone continuation */
	assert_false(V("\xBF"));
	assert_false(V("a\xC3"));	 /* truncated 2-byte */
	assert_false(V("\xE2\x82"));	 /* truncated 3-byte */
	assert_false(V("\xF0\x9F\x98")); /* truncated 4-byte */
	assert_false(V("\xC3\x28"));	 /* bad continuation */
	assert_false(V("\xE2\x28\xA1"));
	assert_false(V("\xE2\x82\x28"));
	assert_false(V("\xF0\x9F\x98\x28"));
	assert_false(V("\xC0\xAF")); /* overlong '/' */
	assert_false(V("\xC1\xBF"));
	assert_false(V("\xC0\x80"));		     /* overlong NUL */
	assert_false(V("\xE0\x80\xAF"));	     /* overlong 3-byte */
	assert_false(V("\xE0\x9F\xBF"));	     /* overlong U+07FF */
	assert_false(V("\xF0\x80\x80\xAF"));	     /* overlong 4-byte */
	assert_false(V("\xF0\x8F\xBF\xBF"));	     /* overlong U+FFFF */
	assert_false(V("\xED\xA0\x80"));	     /* U+D800 */
	assert_false(V("\xED\xBF\xBF"));	     /* U+DFFF */
	assert_false(V("\xED\xA0\xBD\xED\xB8\x80")); /* CESU-8 pair */
	assert_false(V("\xF4\x90\x80\x80"));	     /* U+110000 */
	assert_false(V("\xF5\x80\x80\x80"));
	assert_false(V("\xF8\x88\x80\x80\x80"));     /* 5-byte form */
	assert_false(V("\xFC\x84\x80\x80\x80\x80")); /* 6-byte form */
	assert_false(V("\xFE"));
	assert_false(V("\xFF"));
	assert_false(V("ok\xC5")); /* cut in the middle */
}

static void respects_len(void **state)
{
	/* A valid sequence cut by len is invalid, whatever follows in memory. */
	const char s[] = "\xC5\x81\xF0\x9F\x98\x80";
	(void)state;
	assert_true(utf8_valid(s, 2));
	assert_false(utf8_valid(s, 1));
	assert_false(utf8_valid(s, 3));
	assert_false(utf8_valid(s, 5));
	assert_true(utf8_valid(s, 6));

	/* On the heap, exactly len bytes: ASan catches any read past. */
	char *p = malloc(1);
	assert_non_null(p);
	p[0] = (char)0xF0;
	uint32_t cp = 7;
	assert_int_equal(utf8_decode(p, 1, &cp), 0);
	assert_int_equal(cp, 7);
	assert_false(utf8_valid(p, 1));
	assert_int_equal(utf8_count(p, 1), 1);
	free(p);
}

static void decode(void **state)
{
	uint32_t cp = 0;
	(void)state;
	decode_exact("A", 1, 'A');
	decode_exact("\x7F", 1, 0x7F);
	decode_exact("\xC5\x81", 2, 0x141); /* Ł */
	decode_exact("\xC2\x80", 2, 0x80);
	decode_exact("\xDF\xBF", 2, 0x7FF);
	decode_exact("\xE0\xA0\x80", 3, 0x800);
	decode_exact("\xE2\x82\xAC", 3, 0x20AC); /* € */
	decode_exact("\xED\x9F\xBF", 3, 0xD7FF);
	decode_exact("\xEF\xBF\xBF", 3, 0xFFFF);
	decode_exact("\xF0\x90\x80\x80", 4, 0x10000);
	decode_exact("\xF0\x9F\x98\x80", 4, 0x1F600);
	decode_exact("\xF4\x8F\xBF\xBF", 4, 0x10FFFF);
	/* Only the first code point is taken. */
	assert_int_equal(utf8_decode("\xC5\x82x", 3, &cp), 2);
	assert_int_equal(cp, 0x142);
	assert_int_equal(utf8_decode("ab", 2, &cp), 1);
	assert_int_equal(cp, 'a');
	/* Failures. */
	assert_int_equal(utf8_decode("", 0, &cp), 0);
	assert_int_equal(utf8_decode("\0", 1, &cp), 0);
	assert_int_equal(utf8_decode("\x80", 1, &cp), 0);
	assert_int_equal(utf8_decode("\xC5", 1, &cp), 0);
	assert_int_equal(utf8_decode("\xC0\x80", 2, &cp), 0);
	assert_int_equal(utf8_decode("\xED\xA0\x80", 3, &cp), 0);
	assert_int_equal(utf8_decode("\xF4\x90\x80\x80", 4, &cp), 0);
	assert_int_equal(utf8_decode("\xF0\x9F\x98\x80", 3, &cp), 0);
}

static void count(void **state)
{
	(void)state;
	assert_int_equal(utf8_count("", 0), 0);
	assert_int_equal(utf8_count("abc", 3), 3);
	assert_int_equal(utf8_count("Łódź", strlen("Łódź")), 4);
	assert_int_equal(utf8_count("ŻÓŁĆ", strlen("ŻÓŁĆ")), 4);
	assert_int_equal(utf8_count("a€\xF0\x9F\x98\x80z", 9), 4);
	assert_int_equal(utf8_count("жук", 6), 3);
}

/* Every 1- and 2-byte input agrees with a direct reading of the rules. */
static void exhaustive_short(void **state)
{
	(void)state;
	for (unsigned a = 0; a < 256; a++) {
		char s[2] = {(char)a, 0};
		assert_int_equal(utf8_valid(s, 1), a >= 1 && a < 0x80);
		for (unsigned b = 0; b < 256; b++) {
			s[1] = (char)b;
			bool one = a >= 1 && a < 0x80;
			bool want = (one && b >= 1 && b < 0x80) ||
				    (a >= 0xC2 && a <= 0xDF && b >= 0x80 && b <= 0xBF);
			assert_int_equal(utf8_valid(s, 2), want);
		}
	}
}

/* Every code point encodes to a sequence the decoder takes back. */
static void all_code_points(void **state)
{
	(void)state;
	for (uint32_t c = 1; c <= 0x10FFFF; c++) {
		unsigned char s[4];
		size_t n;
		uint32_t cp = 0;

		if (c < 0x80) {
			s[0] = (unsigned char)c;
			n = 1;
		} else if (c < 0x800) {
			s[0] = (unsigned char)(0xC0 | c >> 6);
			s[1] = (unsigned char)(0x80 | (c & 0x3F));
			n = 2;
		} else if (c < 0x10000) {
			s[0] = (unsigned char)(0xE0 | c >> 12);
			s[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
			s[2] = (unsigned char)(0x80 | (c & 0x3F));
			n = 3;
		} else {
			s[0] = (unsigned char)(0xF0 | c >> 18);
			s[1] = (unsigned char)(0x80 | (c >> 12 & 0x3F));
			s[2] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
			s[3] = (unsigned char)(0x80 | (c & 0x3F));
			n = 4;
		}
		bool surrogate = c >= 0xD800 && c <= 0xDFFF;
		size_t got = utf8_decode((const char *)s, n, &cp);
		if (surrogate) {
			assert_int_equal(got, 0);
		} else {
			assert_int_equal(got, n);
			assert_int_equal(cp, c);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_text),	   cmocka_unit_test(invalid_text),
		cmocka_unit_test(respects_len),	   cmocka_unit_test(decode),
		cmocka_unit_test(count),	   cmocka_unit_test(exhaustive_short),
		cmocka_unit_test(all_code_points),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
