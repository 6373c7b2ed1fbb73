/* test_jobs.c: jobs are claimed once, retried with backoff until their
 * attempts run out, requeued when a lease expires, deduplicated by key;
 * a schedule fires once per tick even when two servers tick. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "tmpdb.h"
#include "jobs/jobs.h"

struct fx {
	struct tmpdb t;
	struct db_conn *a, *b;   /* two connections stand for two servers */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f || tmpdb_open(&f->t, "jobs", 2))
		return -1;
	db_conn_acquire(f->t.db, &f->a);
	db_conn_acquire(f->t.db, &f->b);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	db_conn_release(f->a);
	db_conn_release(f->b);
	tmpdb_close(&f->t);
	free(f);
	return 0;
}

static void claimed_once(void **state)
{
	struct fx *f = *state;
	int64_t id = 0;
	json_t *p = json_pack("{s:i}", "n", 7);
	assert_int_equal(jobs_enqueue(f->a, "mail", p, 100, NULL, 100, &id), ERR_OK);
	json_decref(p);
	assert_true(id > 0);
	struct job j1, j2;
	assert_int_equal(jobs_claim(f->a, "s1", 99, 60, &j1), ERR_NOT_FOUND);
	assert_int_equal(jobs_claim(f->a, "s1", 100, 60, &j1), ERR_OK);
	assert_int_equal(j1.id, id);
	assert_int_equal(json_integer_value(json_object_get(j1.payload, "n")), 7);
	assert_int_equal(jobs_claim(f->b, "s2", 101, 60, &j2), ERR_NOT_FOUND);
	assert_int_equal(jobs_finish(f->a, &j1, "s1", true, NULL, 102), ERR_OK);
	assert_int_equal(jobs_claim(f->b, "s2", 10000, 60, &j2), ERR_NOT_FOUND);
	json_decref(j1.payload);
}

static void retried_then_failed(void **state)
{
	struct fx *f = *state;
	int64_t id;
	assert_int_equal(jobs_enqueue(f->a, "mail", NULL, 0, NULL, 0, &id), ERR_OK);
	int64_t now = 0;
	for (int attempt = 1; attempt <= 5; attempt++) {
		struct job j;
		assert_int_equal(jobs_claim(f->a, "s1", now, 60, &j), ERR_OK);
		assert_int_equal(j.attempts, attempt);
		assert_int_equal(jobs_finish(f->a, &j, "s1", false, "smtp down", now), ERR_OK);
		json_decref(j.payload);
		struct job none;
		assert_int_equal(jobs_claim(f->a, "s1", now + 1, 60, &none), ERR_NOT_FOUND);
		now += 7200;
	}
	struct job j;
	assert_int_equal(jobs_claim(f->a, "s1", now + 100000, 60, &j), ERR_NOT_FOUND);
}

static void lease_expiry_requeues(void **state)
{
	struct fx *f = *state;
	int64_t id;
	assert_int_equal(jobs_enqueue(f->a, "mail", NULL, 0, NULL, 0, &id), ERR_OK);
	struct job j1, j2;
	assert_int_equal(jobs_claim(f->a, "dead-server", 10, 60, &j1), ERR_OK);
	json_decref(j1.payload);
	assert_int_equal(jobs_claim(f->b, "s2", 50, 60, &j2), ERR_NOT_FOUND);
	assert_int_equal(jobs_claim(f->b, "s2", 71, 60, &j2), ERR_OK);
	assert_int_equal(j2.id, id);
	/* The dead server's late finish must not overwrite the new owner's. */
	assert_int_equal(jobs_finish(f->a, &j1, "dead-server", true, NULL, 72), ERR_OK);
	assert_int_equal(jobs_finish(f->b, &j2, "s2", true, NULL, 73), ERR_OK);
	json_decref(j2.payload);
}

static void dedupe_and_schedules(void **state)
{
	struct fx *f = *state;
	int64_t id1 = 0, id2 = 0;
	assert_int_equal(jobs_enqueue(f->a, "remind", NULL, 0, "act:1:60", 0, &id1), ERR_OK);
	assert_int_equal(jobs_enqueue(f->a, "remind", NULL, 0, "act:1:60", 0, &id2), ERR_OK);
	assert_true(id1 > 0);
	assert_int_equal(id2, 0);
	assert_int_equal(jobs_schedule(f->a, "backup", 86400, 1000), ERR_OK);
	int n1 = -1, n2 = -1;
	assert_int_equal(jobs_tick(f->a, 999, &n1), ERR_OK);
	assert_int_equal(n1, 0);
	assert_int_equal(jobs_tick(f->a, 1000, &n1), ERR_OK);
	assert_int_equal(jobs_tick(f->b, 1001, &n2), ERR_OK);
	assert_int_equal(n1 + n2, 1);
	assert_int_equal(jobs_tick(f->b, 1000 + 86400, &n2), ERR_OK);
	assert_int_equal(n2, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(claimed_once, setup, teardown),
		cmocka_unit_test_setup_teardown(retried_then_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(lease_expiry_requeues, setup, teardown),
		cmocka_unit_test_setup_teardown(dedupe_and_schedules, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
