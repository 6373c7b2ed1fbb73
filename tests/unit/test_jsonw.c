/* test_jsonw.c: jsonw writes what json_dumps(v, JSON_COMPACT |
 * JSON_ENCODE_ANY) writes, byte for byte: crafted values (every escape,
 * every control character, the integer extremes, reals, keys that need
 * escaping, empty containers) and ten thousand random trees; and it
 * refuses, as json_dumps does, a string that is not UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"

/* same: jsonw and json_dumps agree on v (which is released). */
static void same(json_t *v)
{
	char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	size_t n = 0;
	char *got = jsonw_dumps(v, &n);
	assert_non_null(want);
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_int_equal(n, strlen(want));
	free(want);
	free(got);
	json_decref(v);
}

static void crafted(void **state)
{
	(void)state;
	same(json_pack("[s,s,s]", "\"\\/\b\f\n\r\t", "zażółć gęślą jaźń 😀", ""));
	char ctl[33];
	for (int i = 1; i < 32; i++)
		ctl[i - 1] = (char)i;
	ctl[31] = 0x7f;
	ctl[32] = '\0';
	same(json_string(ctl));
	same(json_stringn("a\0b", 3));
	same(json_pack("[I,I,I,I,i]", (json_int_t)INT64_MAX, (json_int_t)INT64_MIN, (json_int_t)0, (json_int_t)-1, 42));
	same(json_pack("[f,f,f,f,f,f]", 0.1, 1e20, -0.0, 1e-5, 5.0, 123456789012345678.0));
	same(json_pack("{s:b,s:b,s:n,s:{},s:[]}", "t", 1, "f", 0, "n", "o", "a"));
	json_t *o = json_object();
	json_object_set_new(o, "klucz \"z\" cudzysłowem\n", json_integer(1));
	json_object_setn_new(o, "k\0x", 3, json_true());
	json_object_set_new(o, "", json_string("pusty klucz"));
	same(o);
	same(json_integer(7));
	same(json_null());
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A string of ASCII, control characters, Polish letters and an emoji. */
static json_t *random_string(uint64_t *s)
{
	static const char *const parts[] = {"a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\x01", "\x1f", "\x7f",
					    "ą", "Ł", "ż", "😀", "€", "<script>", "%", "'"};
	char text[256];
	size_t len = 0;
	int n = (int)(rnd(s) % 12);
	for (int i = 0; i < n; i++) {
		const char *p = parts[rnd(s) % (sizeof parts / sizeof parts[0])];
		memcpy(text + len, p, strlen(p));
		len += strlen(p);
	}
	return json_stringn(text, len);
}

static json_t *random_value(uint64_t *s, int depth)
{
	switch (rnd(s) % (depth > 4 ? 6 : 8)) {
	case 0: return json_integer((json_int_t)rnd(s));
	case 1: return json_integer((json_int_t)(rnd(s) % 2000) - 1000);
	case 2: return json_real((double)(int64_t)(rnd(s) % 2000000) / 1000.0);
	case 3: return random_string(s);
	case 4: return rnd(s) & 1 ? json_true() : json_false();
	case 5: return json_null();
	case 6: {
		json_t *a = json_array();
		for (int n = (int)(rnd(s) % 5); n > 0; n--)
			json_array_append_new(a, random_value(s, depth + 1));
		return a;
	}
	default: {
		json_t *o = json_object();
		for (int n = (int)(rnd(s) % 5); n > 0; n--) {
			json_t *k = random_string(s);
			json_object_set_new(o, json_string_value(k), random_value(s, depth + 1));
			json_decref(k);
		}
		return o;
	}
	}
}

static void random_trees(void **state)
{
	(void)state;
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	for (int i = 0; i < 10000; i++)
		same(random_value(&s, 0));
}

static void not_utf8_is_refused(void **state)
{
	(void)state;
	json_t *bad = json_pack("{s:o}", "k", json_stringn_nocheck("\xff\xfe", 2));
	assert_null(json_dumps(bad, JSON_COMPACT));
	size_t n = 0;
	assert_null(jsonw_dumps(bad, &n));
	json_decref(bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crafted),
		cmocka_unit_test(random_trees),
		cmocka_unit_test(not_utf8_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
