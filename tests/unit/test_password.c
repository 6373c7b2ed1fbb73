/* test_password.c: the rules of a new password: length in characters, not
 * the login, not a common one in any case; and that the embedded list is
 * sorted and folded, which the binary search depends on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "crm/common_passwords.h"
#include "crm/password.h"

static const char *policy(const char *pw, const char *login)
{
	return password_policy(pw, strlen(pw), login);
}

static void list_is_sorted_folded_and_full(void **state)
{
	(void)state;
	assert_int_equal(common_passwords_n, 10000);
	for (size_t i = 0; i < common_passwords_n; i++) {
		for (const char *p = common_passwords[i]; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				fail_msg("not folded: %s", common_passwords[i]);
		if (i && strcmp(common_passwords[i - 1], common_passwords[i]) >= 0)
			fail_msg("not sorted: %s, %s", common_passwords[i - 1], common_passwords[i]);
	}
}

static void common_in_any_case(void **state)
{
	(void)state;
	assert_true(password_is_common("123456", 6));
	assert_true(password_is_common("password123", 11));
	assert_true(password_is_common("PassWord123", 11));
	assert_true(password_is_common("QWERTYUIOP", 10));
	/* the first and last of the sorted list are found too */
	assert_true(password_is_common(common_passwords[0], strlen(common_passwords[0])));
	const char *last = common_passwords[common_passwords_n - 1];
	assert_true(password_is_common(last, strlen(last)));
	assert_false(password_is_common("correct horse battery", 21));
	assert_false(password_is_common("password123 ", 12));
	assert_false(password_is_common("pass\0word", 9));
	assert_false(password_is_common("", 0));
}

static void rules(void **state)
{
	(void)state;
	assert_null(policy("a-fine-password", "jan"));
	assert_null(policy("ten-chars1", NULL));
	assert_string_equal(policy("nine-char", "jan"), "is too short: it needs at least 10 characters");
	/* characters, not bytes: nine Polish letters are 18 bytes */
	assert_non_null(policy("żółćżółćż", "jan"));
	assert_null(policy("żółćżółćżó", "jan"));
	assert_string_equal(policy("jan.kowalski", "Jan.Kowalski"), "must not be the same as the login");
	assert_null(policy("jan.kowalski1", "jan.kowalski"));
	assert_non_null(strstr(policy("1q2w3e4r5t", "jan"), "too common"));
	char big[300];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_non_null(strstr(policy(big, "jan"), "too long"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_is_sorted_folded_and_full),
		cmocka_unit_test(common_in_any_case),
		cmocka_unit_test(rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
