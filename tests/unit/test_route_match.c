/* test_route_match.c: the router picks literal paths before {id}, answers
 * 405 with the allowed methods, and refuses ids that are not positive. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http/route_match.h"

static kt_err h(struct http_req *req)
{
	return ERR_OK;
}

static const struct route R[] = {
	{"GET", "/api/contacts/export", h, ROLE_AGENT, 0, NULL, 200, NULL},
	{"GET", "/api/contacts", h, ROLE_AGENT, 0, NULL, 200, NULL},
	{"POST", "/api/contacts", h, ROLE_AGENT, 0, NULL, 200, NULL},
	{"GET", "/api/contacts/{id}", h, ROLE_AGENT, 0, NULL, 200, NULL},
	{"PATCH", "/api/contacts/{id}", h, ROLE_AGENT, 0, NULL, 200, NULL},
	{"GET", "/api/contacts/{id}/history", h, ROLE_AGENT, 0, NULL, 200, NULL},
};
#define N ((int)(sizeof R / sizeof R[0]))

static void literal_before_id(void **state)
{
	struct route_match m;
	assert_int_equal(route_find(R, N, "GET", "/api/contacts/export", &m), ERR_OK);
	assert_ptr_equal(m.route, &R[0]);
	assert_int_equal(route_find(R, N, "GET", "/api/contacts/42", &m), ERR_OK);
	assert_ptr_equal(m.route, &R[3]);
	assert_int_equal(m.id, 42);
	assert_int_equal(route_find(R, N, "GET", "/api/contacts/42/history", &m), ERR_OK);
	assert_ptr_equal(m.route, &R[5]);
}

static void method_not_allowed_lists_methods(void **state)
{
	struct route_match m;
	assert_int_equal(route_find(R, N, "DELETE", "/api/contacts", &m), ERR_METHOD);
	assert_string_equal(m.allow, "GET, POST");
	assert_int_equal(route_find(R, N, "PUT", "/api/contacts/7", &m), ERR_METHOD);
	assert_non_null(strstr(m.allow, "PATCH"));
}

static void bad_ids_and_unknown_paths(void **state)
{
	struct route_match m;
	assert_int_equal(route_find(R, N, "GET", "/api/contacts/abc", &m), ERR_BAD_QUERY);
	assert_int_equal(route_find(R, N, "GET", "/api/contacts/0", &m), ERR_BAD_QUERY);
	assert_int_equal(route_find(R, N, "GET", "/api/contacts/-1", &m), ERR_BAD_QUERY);
	assert_int_equal(route_find(R, N, "GET", "/api/contacts/1234567890123456789012", &m), ERR_BAD_QUERY);
	assert_int_equal(route_find(R, N, "GET", "/api/contacts/", &m), ERR_BAD_QUERY);
	assert_int_equal(route_find(R, N, "GET", "/api/nothing", &m), ERR_NOT_FOUND);
	assert_int_equal(route_find(R, N, "GET", "/api/contacts/1/history/x", &m), ERR_NOT_FOUND);
	assert_int_equal(route_find(R, N, "GET", "", &m), ERR_NOT_FOUND);
	assert_int_equal(route_find(R, N, "GET", "/api//contacts", &m), ERR_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(literal_before_id),
		cmocka_unit_test(method_not_allowed_lists_methods),
		cmocka_unit_test(bad_ids_and_unknown_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
