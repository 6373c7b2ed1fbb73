/* test_listen.c: listen addresses are parsed strictly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>

#include "http/listen.h"

static void accepts_usual_forms(void **state)
{
	struct sockaddr_storage ss;
	assert_true(http_listen_parse("127.0.0.1:8080", &ss));
	assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), 8080);
	assert_true(http_listen_parse(":80", &ss));
	assert_true(http_listen_parse("8080", &ss));
	assert_true(http_listen_parse("localhost:9000", &ss));
	assert_true(http_listen_parse("[::1]:8080", &ss));
	assert_int_equal(ss.ss_family, AF_INET6);
}

static void refuses_bad_ones(void **state)
{
	struct sockaddr_storage ss;
	const char *bad[] = {"", "abc", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
			     "127.0.0.1:80x", "300.1.1.1:80", "[::1]8080", "[::1", "example.com:80", NULL};
	for (int i = 0; bad[i]; i++)
		assert_false(http_listen_parse(bad[i], &ss));
	assert_false(http_listen_parse(NULL, &ss));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_usual_forms),
		cmocka_unit_test(refuses_bad_ones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
