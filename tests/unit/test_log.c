/* test_log.c: a log line cannot be forged: every %s value is escaped
 * (CR, LF, TAB, other controls, DEL, quotes, backslashes, bytes that are
 * not UTF-8), a bare value that could read as another key is quoted, and
 * the other conversions come out as printf's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/log.h"

#define FMT(want, ...)                                                  \
	do {                                                            \
		char out_[512];                                         \
		size_t n_ = log_format(out_, sizeof out_, __VA_ARGS__); \
		assert_string_equal(out_, want);                        \
		assert_int_equal(n_, strlen(want));                     \
	} while (0)

static void crlf_in_a_quoted_value_stays_on_one_line(void **state)
{
	(void)state;
	FMT("event=http path=\"/api/x\\r\\nts=1 level=info event=login_ok\" status=404",
	    "event=http path=\"%s\" status=%d", "/api/x\r\nts=1 level=info event=login_ok", 404);
	FMT("msg=\"a\\tb\\nc\"", "msg=\"%s\"", "a\tb\nc");
}

static void quotes_and_backslashes_are_escaped(void **state)
{
	(void)state;
	FMT("path=\"/a\\\" status=200 user=\\\"1\"", "path=\"%s\"", "/a\" status=200 user=\"1");
	FMT("path=\"C:\\\\x\\\\\"", "path=\"%s\"", "C:\\x\\");
}

static void control_bytes_and_del_are_hex(void **state)
{
	(void)state;
	FMT("v=\"\\x01\\x1b[31m\\x7f\\x1f\"", "v=\"%s\"", "\x01\x1b[31m\x7f\x1f");
}

static void invalid_utf8_is_hex_valid_utf8_stays(void **state)
{
	(void)state;
	FMT("login=\"Łódź\\xff\\xc3(\\xc0\\xaf\"", "login=\"%s\"", "Łódź\xff\xc3(\xc0\xaf");
	/* C1 NEL and U+2028 end lines for some readers */
	FMT("v=\"a\\xc2\\x85b\\xe2\\x80\\xa8c\"", "v=\"%s\"",
	    "a\xc2\x85"
	    "b\xe2\x80\xa8"
	    "c");
	FMT("name=Zażółć", "name=%s", "Zażółć");
}

static void bare_value_that_could_forge_a_key_is_quoted(void **state)
{
	(void)state;
	FMT("method=GET status=1", "method=%s status=%d", "GET", 1);
	FMT("method=\"GET event=forged\" status=1", "method=%s status=%d", "GET event=forged", 1);
	FMT("addr=\"a\\nb\"", "addr=%s", "a\nb");
	FMT("kind=\"x\\\"y\"", "kind=%s", "x\"y");
	FMT("k= v=1", "k=%s v=%d", "", 1);
}

static void precision_cuts_the_value_before_escaping(void **state)
{
	(void)state;
	FMT("p=\"ab\"", "p=\"%.2s\"", "abcdef");
	FMT("p=\"a\\n\"", "p=\"%.*s\"", 2, "a\nbc");
}

static void other_conversions_are_printf(void **state)
{
	(void)state;
	FMT("a=1 b=-2 c=3 d=4 e=5 f=007 g=ff h=100% i=x",
	    "a=%d b=%ld c=%lld d=%u e=%llu f=%03d g=%x h=%d%% i=%c", 1, -2L, 3LL, 4u, 5ULL, 7, 255,
	    100, 'x');
	FMT("z=12 w=  7 l=7   p=007", "z=%zu w=%*d l=%*d p=%.*d", (size_t)12, 3, 7, -3, 7, 3, 7);
}

static void output_is_bounded_and_terminated(void **state)
{
	(void)state;
	char out[8];
	size_t n = log_format(out, sizeof out, "p=\"%s\"", "\n\n\n\n\n\n");
	assert_int_equal(n, 7);
	assert_int_equal(strlen(out), 7);
	assert_null(memchr(out, '\n', sizeof out));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crlf_in_a_quoted_value_stays_on_one_line),
		cmocka_unit_test(quotes_and_backslashes_are_escaped),
		cmocka_unit_test(control_bytes_and_del_are_hex),
		cmocka_unit_test(invalid_utf8_is_hex_valid_utf8_stays),
		cmocka_unit_test(bare_value_that_could_forge_a_key_is_quoted),
		cmocka_unit_test(precision_cuts_the_value_before_escaping),
		cmocka_unit_test(other_conversions_are_printf),
		cmocka_unit_test(output_is_bounded_and_terminated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
