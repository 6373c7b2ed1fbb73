/* test_labels.c: every field an export can show and every value of every
 * enum field has a label in Polish and in English (a new field without
 * one would be exported under its code), and entity-specific words win
 * over the general ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "crm/entities.h"
#include "crm/labels.h"

static bool shown(const struct field *f)
{
	return !(f->flags & (F_HIDDEN | F_VIRTUAL)) && f->type != FT_PASSWORD && f->type != FT_CUSTOM;
}

static void every_field_and_value_has_both_labels(void **state)
{
	(void)state;
	static const char *const STD[] = {"id", "version", "created_at", "updated_at", "created_by", "updated_by", NULL};
	static const char *const LOCALES[] = {"pl", "en"};
	for (const struct entity *const *e = entities_all(); *e; e++)
		for (int k = 0; k < 2; k++) {
			for (int i = 0; STD[i]; i++)
				if (!labels_field((*e)->name, STD[i], LOCALES[k]))
					fail_msg("%s.%s has no %s label", (*e)->name, STD[i], LOCALES[k]);
			for (const struct field *f = (*e)->fields; f->name; f++) {
				if (!shown(f))
					continue;
				if (!labels_field((*e)->name, f->name, LOCALES[k]))
					fail_msg("%s.%s has no %s label", (*e)->name, f->name, LOCALES[k]);
				for (int v = 0; f->type == FT_ENUM && f->values[v]; v++)
					if (!labels_value((*e)->name, f->name, f->values[v], LOCALES[k]))
						fail_msg("%s.%s = %s has no %s label", (*e)->name, f->name, f->values[v],
							 LOCALES[k]);
			}
		}
}

static void the_uis_words(void **state)
{
	(void)state;
	assert_string_equal(labels_field("contacts", "first_name", "pl"), "Imię");
	assert_string_equal(labels_field("contacts", "kind", "pl"), "Rodzaj klienta");
	assert_string_equal(labels_field("activities", "kind", "pl"), "Rodzaj");
	assert_string_equal(labels_field("contacts", "kind", "en"), "Client kind");
	assert_string_equal(labels_field("contacts", "owner_id", "xx"), "Opiekun");
	assert_string_equal(labels_value("contacts", "kind", "customer", "pl"), "Klient");
	assert_string_equal(labels_value("contacts", "status", "active", "en"), "Active");
	assert_string_equal(labels_value("activities", "status", "done", "pl"), "Zrobione");
	assert_string_equal(labels_value("inquiries", "visibility", "company", "pl"), "Cała firma");
	assert_null(labels_value("contacts", "kind", "nope", "pl"));
	assert_null(labels_field("contacts", "shoe_size", "pl"));
	assert_string_equal(labels_bool(true, "pl"), "Tak");
	assert_string_equal(labels_bool(false, "en"), "No");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_field_and_value_has_both_labels),
		cmocka_unit_test(the_uis_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
