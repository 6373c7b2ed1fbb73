/* test_dedupe.c: the pure pieces of duplicate detection and bulk e-mail:
 * name keys (folded, sorted tokens; a company's legal form left out), one
 * edit apart (insert, delete, change, swap of neighbours), and filling in
 * the placeholders of a bulk e-mail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "crm/bulkmail.h"
#include "crm/dedupe.h"

#define KEYS(a, b, company, want1, want2)                                              \
	do {                                                                           \
		char k1[DEDUPE_KEY_CAP], k2[DEDUPE_KEY_CAP];                           \
		assert_true(dedupe_name_keys(a, strlen(a), b, strlen(b), company, k1, k2)); \
		assert_string_equal(k1, want1);                                        \
		assert_string_equal(k2, want2);                                        \
	} while (0)

static void name_keys(void **state)
{
	(void)state;
	KEYS("Jan", "Kowalski", false, "jan kowalski", "kowalski jan");
	KEYS("Kowalski", "Jan", false, "jan kowalski", "kowalski jan");
	KEYS("Łukasz", "WÓJCIK", false, "lukasz wojcik", "wojcik lukasz");
	KEYS("Anna Maria", "Nowak-Kowalska", false, "anna kowalska maria nowak", "nowak maria kowalska anna");
	KEYS("Biuro Podróży Żagiel sp. z o.o.", "", true, "biuro podrozy zagiel", "zagiel podrozy biuro");
	KEYS("ZAGIEL S.A.", "", true, "zagiel", "zagiel");
	KEYS("S.A.", "", true, "a s", "s a"); /* nothing but a legal form: kept */
	char k1[DEDUPE_KEY_CAP], k2[DEDUPE_KEY_CAP];
	assert_false(dedupe_name_keys(" - ", 3, "", 0, false, k1, k2));
	assert_string_equal(k1, "");
	assert_false(dedupe_name_keys(NULL, 0, NULL, 0, false, k1, k2));
	char longname[1000];
	memset(longname, 'a', sizeof longname);
	for (size_t i = 10; i < sizeof longname; i += 11)
		longname[i] = ' ';
	assert_true(dedupe_name_keys(longname, sizeof longname, "", 0, false, k1, k2));
	assert_true(strlen(k1) < DEDUPE_KEY_CAP);
}

#define ONE(a, b) dedupe_within_one_edit(a, strlen(a), b, strlen(b))

static void one_edit(void **state)
{
	(void)state;
	assert_true(ONE("kowalski", "kowalski"));
	assert_true(ONE("kowalski", "kowalsky"));  /* changed */
	assert_true(ONE("kowalski", "kowalsk"));   /* deleted */
	assert_true(ONE("kowalsk", "kowalski"));   /* inserted */
	assert_true(ONE("kowalski", "kowlaski"));  /* swapped */
	assert_true(ONE("kowalski", "okwalski"));
	assert_true(ONE("", "a"));
	assert_false(ONE("kowalski", "kowalczyk"));
	assert_false(ONE("kowalski", "kowalskiego"));
	assert_false(ONE("kowalski", "kolwaksi"));
	assert_false(ONE("ab", "ba c"));
	assert_false(ONE("abcd", "badc"));
}

static void render(const char *tmpl, const char *first, const char *last, const char *want)
{
	struct buf b;
	buf_init(&b, 4096);
	assert_int_equal(bulkmail_render(tmpl, first, last, &b), ERR_OK);
	assert_string_equal(buf_cstr(&b), want);
	buf_clear(&b);
}

static void placeholders(void **state)
{
	(void)state;
	render("Dzień dobry {first_name}!", "Żaneta", "Nowak", "Dzień dobry Żaneta!");
	render("{name} / {last_name}", "Jan", "Kowalski", "Jan Kowalski / Kowalski");
	render("{name}", "", "Kowalski", "Kowalski");
	render("{name}", NULL, NULL, "");
	render("{unknown} {} {first name} {{first_name}} {", "A", "B", "{unknown} {} {first name} {A} {");
	render("no placeholders", "A", "B", "no placeholders");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(name_keys),
		cmocka_unit_test(one_edit),
		cmocka_unit_test(placeholders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
