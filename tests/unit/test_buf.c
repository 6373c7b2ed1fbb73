/* test_buf.c: the bounded buffer never overruns its maximum. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

static void append_and_printf(void **state)
{
	struct buf b;
	buf_init(&b, 100);
	assert_string_equal(buf_cstr(&b), "");
	assert_int_equal(buf_puts(&b, "abc"), ERR_OK);
	assert_int_equal(buf_printf(&b, "-%d-", 42), ERR_OK);
	assert_string_equal(buf_cstr(&b), "abc-42-");
	assert_int_equal(b.len, 7);
	buf_clear(&b);
}

static void refuses_past_max(void **state)
{
	struct buf b;
	buf_init(&b, 8);
	assert_int_equal(buf_puts(&b, "12345678"), ERR_OK);
	assert_int_equal(buf_putc(&b, 'x'), ERR_TOO_LARGE);
	assert_int_equal(buf_printf(&b, "%s", "y"), ERR_TOO_LARGE);
	assert_string_equal(buf_cstr(&b), "12345678");
	char *s = buf_take(&b);
	assert_string_equal(s, "12345678");
	assert_int_equal(b.len, 0);
	free(s);
	buf_clear(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(append_and_printf),
		cmocka_unit_test(refuses_past_max),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
