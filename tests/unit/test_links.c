/* test_links.c: every link between records is scoped.  Walks the entity
 * declarations (src/crm/entities.c, src/model/fields.c), so a new entity
 * or field that links to another without a reference check or a
 * visibility rule fails here before it can leak: see docs/security.md,
 * "Who sees what". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm/entities.h"
#include "model/record.h"
#include "tmpdb.h"

struct fx {
	struct tmpdb t;
	struct db_conn *c;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f || tmpdb_open(&f->t, "links", 1))
		return -1;
	db_conn_acquire(f->t.db, &f->c);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	db_conn_release(f->c);
	tmpdb_close(&f->t);
	free(f);
	return 0;
}

/* An agent of department 7: the most limited caller. */
static struct rec_ctx agent(struct fx *f)
{
	struct rec_ctx ctx = {.conn = f ? f->c : NULL, .user_id = 42, .role = ROLE_AGENT, .department_id = 7,
			      .now = 1800000000, .default_cc = "48", .lookup = entities_find};
	return ctx;
}

static bool scoped(struct fx *f, const struct entity *e)
{
	struct rec_ctx ctx = agent(f);
	struct rec_cond c;
	assert_int_equal(record_scope(&ctx, e, "", &c), ERR_OK);
	bool yes = c.sql[0] != '\0';
	json_decref(c.args);
	return yes;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);
	return n >= k && strcmp(s + n - k, tail) == 0;
}

/* A link a client can set is checked: a field named *_id is a reference
 * (FT_REF: the record must exist and be visible to the caller) unless only
 * the server writes it. */
static void every_link_is_a_checked_reference(void **state)
{
	(void)state;
	for (const struct entity *const *e = entities_all(); *e; e++)
		for (const struct field *fl = (*e)->fields; fl->name; fl++)
			if (ends_with(fl->name, "_id") && !(fl->flags & F_READONLY) && fl->type != FT_REF)
				fail_msg("%s.%s links to another record but is not a reference (FT_REF): "
					 "nothing checks that the caller may see what it names", (*e)->name, fl->name);
}

/* A record without a visibility rule of its own hangs on every scoped
 * record it links to (F_PARENT): a note is never more visible than its
 * client, company, inquiry or deal. */
static void records_without_a_rule_inherit_every_link(void **state)
{
	struct fx *f = *state;
	for (const struct entity *const *e = entities_all(); *e; e++) {
		if ((*e)->hooks.scope)
			continue;
		for (const struct field *fl = (*e)->fields; fl->name; fl++) {
			if (fl->type != FT_REF || (fl->flags & F_PARENT))
				continue;
			const struct entity *t = entities_find(fl->ref);
			if (t && scoped(f, t))
				fail_msg("%s.%s links to %s, which has a visibility rule, but %s has none of its own: "
					 "declare the link F_PARENT", (*e)->name, fl->name, fl->ref, (*e)->name);
		}
	}
}

/* Each F_PARENT link is in the entity's scope, and the scope is SQL that
 * runs (for an agent, where every rule applies). */
static void every_parent_link_is_in_the_scope(void **state)
{
	struct fx *f = *state;
	for (const struct entity *const *e = entities_all(); *e; e++) {
		struct rec_ctx ctx = agent(f);
		struct rec_cond c;
		assert_int_equal(record_scope(&ctx, *e, "zz.", &c), ERR_OK);
		for (const struct field *fl = (*e)->fields; fl->name; fl++) {
			char col[100];
			snprintf(col, sizeof col, "zz.%s", fl->name);
			if ((fl->flags & F_PARENT) && !strstr(c.sql, col))
				fail_msg("%s.%s is F_PARENT but the scope does not test it: %s", (*e)->name, fl->name, c.sql);
		}
		char sql[LIM_COND_SQL + 200];
		snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s zz WHERE %s", (*e)->name, c.sql[0] ? c.sql : "1 = 1");
		struct db_stmt *s;
		if (db_prepare(f->c, sql, &s) != ERR_OK)
			fail_msg("%s: the scope is not valid SQL: %s", (*e)->name, sql);
		int idx = 1;
		assert_int_equal(record_bind_cond(s, &idx, &c), ERR_OK);
		assert_int_equal(db_step(s), ERR_ROW);
		db_reset(s);
		json_decref(c.args);
	}
}

/* A link to a kind of record this server does not have yet (deals) is
 * refused, and what hangs on one is hidden from everyone but admins. */
static void links_to_unknown_kinds_are_refused(void **state)
{
	struct fx *f = *state;
	struct rec_ctx ctx = agent(f);
	assert_int_equal(record_exists(&ctx, "deals", 1), ERR_NOT_FOUND);
	struct rec_cond c;
	assert_int_equal(record_scope(&ctx, entities_find("notes"), "n.", &c), ERR_OK);
	assert_non_null(strstr(c.sql, "n.deal_id IS NULL"));
	json_decref(c.args);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_link_is_a_checked_reference),
		cmocka_unit_test_setup_teardown(records_without_a_rule_inherit_every_link, setup, teardown),
		cmocka_unit_test_setup_teardown(every_parent_link_is_in_the_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(links_to_unknown_kinds_are_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
