/* test_b64.c: base64url without padding: RFC 4648 vectors, round trips for
 * every length 0..20, and the refusals that make decoding canonical. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/b64.h"

static void enc_is(const char *in, size_t len, const char *want)
{
	char out[64];

	assert_int_equal(b64url_encode((const unsigned char *)in, len, out, sizeof(out)),
			 strlen(want));
	assert_string_equal(out, want);
}

static void dec_is(const char *in, const char *want, size_t wlen)
{
	unsigned char out[64];
	size_t n = 999;

	if (!b64url_decode(in, strlen(in), out, sizeof(out), &n))
		fail_msg("refused \"%s\"", in);
	assert_int_equal(n, wlen);
	assert_memory_equal(out, want, wlen);
}

static void dec_bad(const char *in)
{
	unsigned char out[64];
	size_t n = 999;

	if (b64url_decode(in, strlen(in), out, sizeof(out), &n))
		fail_msg("accepted \"%s\"", in);
	assert_int_equal(n, 999);
}

static void rfc_vectors(void **state)
{
	(void)state;
	enc_is("", 0, "");
	enc_is("f", 1, "Zg");
	enc_is("fo", 2, "Zm8");
	enc_is("foo", 3, "Zm9v");
	enc_is("foob", 4, "Zm9vYg");
	enc_is("fooba", 5, "Zm9vYmE");
	enc_is("foobar", 6, "Zm9vYmFy");
	enc_is("\xFB\xFF", 2, "-_8");
	enc_is("\xFF\xFF\xFE", 3, "___-");
	enc_is("\0\1\2\3\4", 5, "AAECAwQ");
	dec_is("", "", 0);
	dec_is("Zg", "f", 1);
	dec_is("Zm8", "fo", 2);
	dec_is("Zm9v", "foo", 3);
	dec_is("Zm9vYg", "foob", 4);
	dec_is("Zm9vYmE", "fooba", 5);
	dec_is("Zm9vYmFy", "foobar", 6);
	dec_is("-_8", "\xFB\xFF", 2);
	dec_is("___-", "\xFF\xFF\xFE", 3);
	dec_is("AAECAwQ", "\0\1\2\3\4", 5);
}

static void refusals(void **state)
{
	(void)state;
	dec_bad("Zg=="); /* padding */
	dec_bad("Zm8=");
	dec_bad("Z"); /* len % 4 == 1 */
	dec_bad("Zm9vY");
	dec_bad("Zh"); /* trailing bits set */
	dec_bad("Zm9");
	dec_bad("Zm9vYh");
	dec_bad("Zm+v"); /* standard alphabet */
	dec_bad("Zm/v");
	dec_bad("Zm9 v");
	dec_bad("Zm9v\n");
	dec_bad("Zm\x80v");
	dec_bad("Zm.v");
	unsigned char out[8];
	size_t n;
	assert_false(b64url_decode("Zm9v\0AAA", 8, out, sizeof(out), &n));
	assert_true(b64url_decode("Zm9vBAD!", 4, out, sizeof(out), &n));
	assert_int_equal(n, 3);
	/* NULL outlen is allowed. */
	assert_true(b64url_decode("Zg", 2, out, sizeof(out), NULL));
}

static void capacity(void **state)
{
	char out[16];
	unsigned char bin[8];
	size_t n;
	(void)state;
	memset(out, 'X', sizeof(out));
	/* "foobar" needs 8 + NUL. */
	assert_int_equal(b64url_encode((const unsigned char *)"foobar", 6, out, 8), 0);
	assert_string_equal(out, "");
	assert_int_equal(out[8], 'X');
	assert_int_equal(b64url_encode((const unsigned char *)"foobar", 6, out, 9), 8);
	assert_int_equal(b64url_encode((const unsigned char *)"f", 1, out, 0), 0);
	/* 4*ceil(len/3)+1 is always enough, the unpadded length + 1 too. */
	assert_int_equal(b64url_encode((const unsigned char *)"f", 1, out, 3), 2);
	assert_int_equal(b64url_encode((const unsigned char *)"f", 1, out, 2), 0);
	assert_int_equal(b64url_encode(NULL, 0, out, 1), 0);
	assert_string_equal(out, "");
	/* Decoding needs room for exactly the decoded bytes. */
	assert_false(b64url_decode("Zm9vYmFy", 8, bin, 5, &n));
	assert_true(b64url_decode("Zm9vYmFy", 8, bin, 6, &n));
	assert_int_equal(n, 6);
	assert_true(b64url_decode("", 0, NULL, 0, &n));
	assert_int_equal(n, 0);
	assert_int_equal(b64url_encoded_len(0), 0);
	assert_int_equal(b64url_encoded_len(1), 2);
	assert_int_equal(b64url_encoded_len(2), 3);
	assert_int_equal(b64url_encoded_len(3), 4);
	assert_int_equal(b64url_encoded_len(4), 6);
	assert_int_equal(b64url_encoded_len(SIZE_MAX), 0);
	assert_int_equal(b64url_encode((const unsigned char *)"", SIZE_MAX, out, sizeof(out)), 0);
}

static void round_trips(void **state)
{
	(void)state;
	for (size_t len = 0; len <= 20; len++) {
		for (unsigned seed = 0; seed < 64; seed++) {
			unsigned char in[20], back[20];
			char enc[4 * 7 + 1];
			size_t n, k;

			for (size_t i = 0; i < len; i++)
				in[i] = (unsigned char)(seed * 37 + i * 101 + (seed & 1 ? 255 : 0));
			n = b64url_encode(in, len, enc, sizeof(enc));
			assert_int_equal(n, b64url_encoded_len(len));
			assert_int_equal(n, (len * 4 + 2) / 3);
			assert_int_equal(strlen(enc), n);
			assert_true(n % 4 != 1);
			assert_true(b64url_decode(enc, n, back, len, &k));
			assert_int_equal(k, len);
			if (len)
				assert_memory_equal(in, back, len);
			/* Changing the last character breaks canonicity or
			 * the value, never both silently. */
			if (n > 0) {
				enc[n - 1] = enc[n - 1] == 'A' ? 'B' : 'A';
				if (b64url_decode(enc, n, back, len, &k))
					assert_memory_not_equal(in, back, len);
			}
		}
	}
}

/* Every 2- and 3-character input: accepted exactly when canonical. */
static void canonical(void **state)
{
	static const char alpha[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	(void)state;
	for (unsigned a = 0; a < 64; a++) {
		for (unsigned b = 0; b < 64; b++) {
			char s[3] = {alpha[a], alpha[b], 'A'};
			unsigned char out[2];
			size_t n;

			assert_int_equal(b64url_decode(s, 2, out, 1, &n), (b & 15) == 0);
			for (unsigned c = 0; c < 64; c++) {
				s[2] = alpha[c];
				assert_int_equal(b64url_decode(s, 3, out, 2, &n), (c & 3) == 0);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc_vectors), cmocka_unit_test(refusals),
		cmocka_unit_test(capacity),    cmocka_unit_test(round_trips),
		cmocka_unit_test(canonical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
