/* test_mailer.c: when mail must go over TLS.  STARTTLS is required
 * (CURLUSESSL_ALL) of every smtp:// server but one on the loopback address
 * (localhost, 127.0.0.0/8, [::1]) unless smtp_allow_plaintext is set;
 * smtps:// is TLS from the start.  The host is the one libcurl parses, so
 * user names, fragments and look-alike names do not pass for loopback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>

#include "jobs/mailer.h"

static void loopback_servers_may_go_without_tls(void **state)
{
	(void)state;
	static const char *const loop[] = {
		"smtp://127.0.0.1:2525", "smtp://127.5.6.7", "smtp://localhost:25", "smtp://LocalHost",
		"smtp://[::1]:2525", "smtp://user:secret@127.0.0.1:587", "SMTP://127.0.0.1/kontakt.example", NULL,
	};
	for (int i = 0; loop[i]; i++) {
		assert_true(mailer_url_loopback(loop[i]));
		assert_int_equal(mailer_use_ssl(loop[i], false), (long)CURLUSESSL_TRY);
		assert_int_equal(mailer_use_ssl(loop[i], true), (long)CURLUSESSL_TRY);
	}
}

static void other_servers_need_starttls_unless_allowed(void **state)
{
	(void)state;
	static const char *const far[] = {
		"smtp://mail.example.com:587", "smtp://localhost.example:25", "smtp://127.0.0.1.evil.example",
		"smtp://127.0.0.1@evil.example", "smtp://evil.example#@127.0.0.1", "smtp://evil.example/127.0.0.1",
		"smtp://192.0.2.2:25", "smtp://10.0.0.1", "smtp://[::2]", "smtp://[fd00::2]:25",
		"smtp://[::ffff:127.0.0.1]", "smtp://128.0.0.1", NULL,
	};
	for (int i = 0; far[i]; i++) {
		assert_false(mailer_url_loopback(far[i]));
		assert_int_equal(mailer_use_ssl(far[i], false), (long)CURLUSESSL_ALL);
		assert_int_equal(mailer_use_ssl(far[i], true), (long)CURLUSESSL_TRY);
	}
}

static void smtps_and_nonsense_always_want_tls(void **state)
{
	(void)state;
	assert_int_equal(mailer_use_ssl("smtps://mail.example.com:465", false), (long)CURLUSESSL_ALL);
	assert_int_equal(mailer_use_ssl("smtps://mail.example.com:465", true), (long)CURLUSESSL_ALL);
	assert_int_equal(mailer_use_ssl("smtps://127.0.0.1:465", false), (long)CURLUSESSL_ALL);
	assert_false(mailer_url_loopback("smtps://127.0.0.1:465"));
	assert_false(mailer_url_loopback("http://127.0.0.1"));
	assert_false(mailer_url_loopback("not a url"));
	assert_false(mailer_url_loopback(""));
	assert_false(mailer_url_loopback(NULL));
	assert_int_equal(mailer_use_ssl("not a url", false), (long)CURLUSESSL_ALL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loopback_servers_may_go_without_tls),
		cmocka_unit_test(other_servers_need_starttls_unless_allowed),
		cmocka_unit_test(smtps_and_nonsense_always_want_tls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
