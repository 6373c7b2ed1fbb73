/* test_fieldcode.c: the codes of field error messages: whole-message
 * matches, parameters (numbers as numbers, "20,000" and "-5" too, code points as
 * text), a final '*' for any rest, and no code for unknown messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/fieldcode.h"

static void code_is(const char *msg, const char *want)
{
	const char *got = fieldcode_of(msg, NULL);
	if (!want)
		assert_null(got);
	else
		assert_string_equal(got ? got : "(none)", want);
}

static void test_plain_messages(void **state)
{
	(void)state;
	code_is("is required", "required");
	code_is("must not be empty", "required");
	code_is("is not a valid e-mail address", "email");
	code_is("is not a valid phone number (e.g. +48 601 234 567)", "phone");
	code_is("is not a known time zone (e.g. Europe/Warsaw)", "time_zone");
	code_is("option colours must look like #1a2b3c", "option_color");
	/* Whole messages only: a longer or shorter text is another message. */
	code_is("is required, really", NULL);
	code_is("is requir", NULL);
	code_is("something new", NULL);
	code_is("", NULL);
	assert_null(fieldcode_of(NULL, NULL));
}

static void test_parameters(void **state)
{
	(void)state;
	json_t *p = NULL;
	assert_string_equal(fieldcode_of("must be at most 100 characters", &p), "too_long");
	assert_int_equal(json_integer_value(json_object_get(p, "max")), 100);
	json_decref(p);
	assert_string_equal(fieldcode_of("must be text of at most 20,000 characters", &p), "too_long");
	assert_int_equal(json_integer_value(json_object_get(p, "max")), 20000);
	json_decref(p);
	assert_string_equal(fieldcode_of("must be between -5 and 10", &p), "range");
	assert_int_equal(json_integer_value(json_object_get(p, "min")), -5);
	assert_int_equal(json_integer_value(json_object_get(p, "max")), 10);
	json_decref(p);
	assert_string_equal(fieldcode_of("must not contain control characters (found U+0009, a tab)", &p),
			    "control_chars");
	assert_string_equal(json_string_value(json_object_get(p, "char")), "0009");
	json_decref(p);
	assert_string_equal(fieldcode_of("must not contain control characters (found U+0001)", &p), "control_chars");
	assert_string_equal(json_string_value(json_object_get(p, "char")), "0001");
	json_decref(p);
	/* No parameters: no object. */
	p = json_object();
	json_decref(p);
	assert_string_equal(fieldcode_of("is required", &p), "required");
	assert_null(p);
}

static void test_add_and_table(void **state)
{
	(void)state;
	json_t *err = json_object();
	json_t *fields = json_pack("{ssssss}", "email", "is not a valid e-mail address", "last_name",
				   "must be at most 100 characters", "x", "an unknown message");
	fieldcode_add(err, fields);
	json_t *codes = json_object_get(err, "field_codes");
	assert_string_equal(json_string_value(json_object_get(codes, "email")), "email");
	assert_string_equal(json_string_value(json_object_get(codes, "last_name")), "too_long");
	assert_null(json_object_get(codes, "x"));
	json_t *params = json_object_get(err, "field_params");
	assert_int_equal(json_object_size(params), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(params, "last_name"), "max")), 100);
	json_decref(fields);
	json_decref(err);
	json_t *t = fieldcode_table();
	assert_true(json_array_size(t) > 50);
	json_decref(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_messages),
		cmocka_unit_test(test_parameters),
		cmocka_unit_test(test_add_and_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
