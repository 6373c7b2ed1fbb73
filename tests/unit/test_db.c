/* test_db.c: the db.h API behaves the same on both engines: migrations,
 * placeholders, binds and columns, constraint errors, transactions with
 * retry, search, db_changes.  Every case runs on SQLite (a temporary file)
 * and, when KONTAKT_TEST_PG_URL names a database, again on PostgreSQL in a
 * schema of its own that is dropped afterwards; a few cases (lost
 * connections, lock waits) exist only there.  Not here: the record engine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/log.h"
#include "db/db.h"
#include "db/migrate.h"
#include "db/schema.h"

struct fixture {
	enum db_engine engine;
	struct db *db;
	kt_err migrate_rc[2];
	int applied[2];
	char dir[PATH_MAX];	  /* SQLite: the temporary directory */
	char path[PATH_MAX + 16]; /* SQLite: the database file */
	char schema[64];	  /* PostgreSQL: this run's schema */
	struct db *admin;	  /* PostgreSQL: creates and drops the schema */
	struct db_conn *held[4];  /* acquired by the running case */
};

/* ---- helpers ------------------------------------------------------- */

/* acquire, release: pooled connections a case holds are noted, so that
 * a failed assertion does not leave them taken (and the next case waiting
 * for the pool forever): release_all gives them back after each case. */
static struct db_conn *acquire(struct fixture *f)
{
	struct db_conn *c = NULL;
	assert_int_equal(db_conn_acquire(f->db, &c), ERR_OK);
	assert_non_null(c);
	for (size_t i = 0; i < sizeof f->held / sizeof f->held[0]; i++) {
		if (!f->held[i]) {
			f->held[i] = c;
			return c;
		}
	}
	fail_msg("a case holds too many connections");
	return NULL;
}

static void release(struct fixture *f, struct db_conn *c)
{
	for (size_t i = 0; i < sizeof f->held / sizeof f->held[0]; i++)
		if (f->held[i] == c)
			f->held[i] = NULL;
	db_conn_release(c);
}

static int release_all(void **state)
{
	struct fixture *f = *state;
	for (size_t i = 0; i < sizeof f->held / sizeof f->held[0]; i++) {
		if (f->held[i])
			db_conn_release(f->held[i]);
		f->held[i] = NULL;
	}
	return 0;
}

static struct db_stmt *prep(struct db_conn *c, const char *sql)
{
	struct db_stmt *s = NULL;
	kt_err rc = db_prepare(c, sql, &s);
	if (rc)
		fail_msg("prepare failed (%d, %s): %s", rc, db_errmsg(c), sql);
	return s;
}

/* count: the integer a one-column query with one text argument returns. */
static int64_t count(struct db_conn *c, const char *sql, const char *arg)
{
	struct db_stmt *s = prep(c, sql);
	if (arg)
		assert_int_equal(db_bind_str(s, 1, arg), ERR_OK);
	assert_int_equal(db_step(s), ERR_ROW);
	int64_t n = db_col_int64(s, 0);
	assert_int_equal(db_step(s), ERR_DONE);
	db_reset(s);
	return n;
}

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

/* add_department: a new department's id (RETURNING), or 0 with *rc set. */
static int64_t add_department(struct db_conn *c, const char *name, kt_err *rc)
{
	struct db_stmt *s = prep(c, "INSERT INTO departments(name, created_at, updated_at)"
				    " VALUES (?, ?, ?) RETURNING id");
	db_bind_str(s, 1, name);
	db_bind_int64(s, 2, now_s());
	db_bind_int64(s, 3, now_s());
	int64_t id = 0;
	kt_err r = db_step(s);
	if (r == ERR_ROW) {
		id = db_col_int64(s, 0);
		r = db_step(s) == ERR_DONE ? ERR_OK : ERR_INTERNAL;
	}
	db_reset(s);
	if (rc)
		*rc = r;
	else
		assert_int_equal(r, ERR_OK);
	return id;
}

static kt_err add_user(struct db_conn *c, const char *login, const char *name, int64_t dept)
{
	struct db_stmt *s = prep(
		c, "INSERT INTO users(login, name, email, role, department_id, active,"
		   " password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	db_bind_str(s, 1, login);
	db_bind_str(s, 2, name);
	db_bind_null(s, 3);
	db_bind_str(s, 4, "agent");
	if (dept)
		db_bind_int64(s, 5, dept);
	else
		db_bind_null(s, 5);
	db_bind_int64(s, 6, 1);
	db_bind_str(s, 7, "$argon2id$x");
	db_bind_int64(s, 8, now_s());
	db_bind_int64(s, 9, now_s());
	return db_exec_stmt(s);
}

/* ---- engines ------------------------------------------------------- */

static void migrate_twice(struct fixture *f)
{
	f->migrate_rc[0] = db_migrate(f->db, &f->applied[0]);
	f->migrate_rc[1] = db_migrate(f->db, &f->applied[1]);
}

static int setup_sqlite(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	const char *tmp = getenv("TMPDIR");
	snprintf(f->dir, sizeof f->dir, "%s/kt-test-db-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/test.db", f->dir);
	struct db_options opt = {
		.sqlite_path = f->path, .pool_size = 2, .create = true, .sync_normal = true};
	f->engine = DB_SQLITE;
	if (db_open(&opt, &f->db) != ERR_OK) {
		rmdir(f->dir);
		free(f);
		return -1;
	}
	migrate_twice(f);
	*state = f;
	return 0;
}

/* pg_url_with_schema: url plus a search_path option naming schema, in the
 * URL's own syntax (URI or key=value). */
static char *pg_url_with_schema(const char *url, const char *schema)
{
	struct buf b;
	buf_init(&b, 4096);
	kt_err rc;
	if (strstr(url, "://"))
		rc = buf_printf(&b, "%s%soptions=-csearch_path%%3D%s", url,
				strchr(url, '?') ? "&" : "?", schema);
	else
		rc = buf_printf(&b, "%s options='-csearch_path=%s'", url, schema);
	if (rc) {
		buf_clear(&b);
		return NULL;
	}
	return buf_take(&b);
}

/* admin_exec: runs sql on the administrative connection (PostgreSQL),
 * never held across an assertion. */
static kt_err admin_exec(struct fixture *f, const char *sql)
{
	struct db_conn *c;
	kt_err rc = db_conn_acquire(f->admin, &c);
	if (rc)
		return rc;
	rc = db_exec(c, sql);
	db_conn_release(c);
	return rc;
}

static int setup_pg(void **state)
{
	const char *url = getenv("KONTAKT_TEST_PG_URL");
	struct fixture *f = calloc(1, sizeof *f);
	if (!f || !url)
		goto fail;
	f->engine = DB_PG;
	snprintf(f->schema, sizeof f->schema, "kt_test_%ld_%lld", (long)getpid(),
		 (long long)time(NULL));
	struct db_options admin = {.pg_url = url, .pool_size = 1};
	if (db_open(&admin, &f->admin) != ERR_OK)
		goto fail;
	char sql[128];
	snprintf(sql, sizeof sql, "CREATE SCHEMA %s", f->schema);
	kt_err rc = admin_exec(f, sql);
	if (rc)
		goto fail;
	char *u = pg_url_with_schema(url, f->schema);
	struct db_options opt = {.pg_url = u, .pool_size = 2};
	rc = u ? db_open(&opt, &f->db) : ERR_NOMEM;
	free(u);
	if (rc)
		goto fail;
	migrate_twice(f);
	*state = f;
	return 0;
fail:
	fprintf(stderr, "test_db: cannot set up PostgreSQL at KONTAKT_TEST_PG_URL\n");
	if (f)
		db_free(f->admin);
	free(f);
	return -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (!f)
		return 0;
	db_free(f->db);
	if (f->engine == DB_SQLITE) {
		char p[PATH_MAX + 32];
		static const char *const suffix[] = {"", "-wal", "-shm"};
		for (size_t i = 0; i < 3; i++) {
			snprintf(p, sizeof p, "%s%s", f->path, suffix[i]);
			unlink(p);
		}
		rmdir(f->dir);
	} else if (f->admin) {
		char sql[128];
		snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", f->schema);
		admin_exec(f, sql);
		db_free(f->admin);
	}
	free(f);
	return 0;
}

/* ---- cases on both engines ----------------------------------------- */

static void migrations_apply_once(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(db_engine_of(f->db), f->engine);
	assert_int_equal(f->migrate_rc[0], ERR_OK);
	assert_int_equal(f->applied[0], schema_nmigrations);
	assert_int_equal(f->migrate_rc[1], ERR_OK);
	assert_int_equal(f->applied[1], 0);
	int version = -1;
	assert_int_equal(db_schema_version(f->db, &version), ERR_OK);
	assert_int_equal(version, db_schema_latest());
	struct db_conn *c = acquire(f);
	assert_int_equal(db_integrity_check(c), ERR_OK);
	release(f, c);
}

static void pool_has_two_connections(void **state)
{
	struct fixture *f = *state;
	struct db_conn *a = acquire(f), *b = acquire(f);
	assert_ptr_not_equal(a, b);
	assert_int_equal(count(a, "SELECT COUNT(*) FROM schema_migrations", NULL),
			 schema_nmigrations);
	assert_int_equal(count(b, "SELECT COUNT(*) FROM schema_migrations", NULL),
			 schema_nmigrations);
	release(f, a);
	release(f, b);
}

static void binds_and_columns_round_trip(void **state)
{
	struct fixture *f = *state;
	struct db_conn *c = acquire(f);
	int64_t dept = add_department(c, "Łódź — \"Centrum\" 'a' ?", NULL);
	assert_true(dept > 0);
	const char *login = "jan?'\"--x";
	assert_int_equal(add_user(c, login, "Łódź", dept), ERR_OK);

	struct db_stmt *s =
		prep(c, "SELECT login, name, email, active, department_id, created_at, id"
			" FROM users WHERE login = ?");
	db_bind_str(s, 1, login);
	assert_int_equal(db_step(s), ERR_ROW);
	assert_int_equal(db_col_count(s), 7);
	size_t len = 0;
	assert_string_equal(db_col_text(s, 0, &len), login);
	assert_int_equal(len, strlen(login));
	assert_string_equal(db_col_text(s, 1, &len), "Łódź");
	assert_int_equal(len, strlen("Łódź"));
	assert_true(db_col_is_null(s, 2));
	assert_null(db_col_text(s, 2, &len));
	assert_int_equal(len, 0);
	assert_false(db_col_is_null(s, 3));
	assert_int_equal(db_col_int64(s, 3), 1);
	assert_int_equal(db_col_int64(s, 4), dept);
	assert_true(db_col_int64(s, 5) > 1600000000);
	assert_true(db_col_int64(s, 6) > 0);
	assert_int_equal(db_step(s), ERR_DONE);
	db_reset(s);

	s = prep(c, "SELECT name FROM departments WHERE id = ?");
	db_bind_int64(s, 1, dept);
	assert_int_equal(db_step(s), ERR_ROW);
	assert_string_equal(db_col_text(s, 0, NULL), "Łódź — \"Centrum\" 'a' ?");
	db_reset(s);

	/* '?' inside literals, quoted identifiers and comments is not a
	 * placeholder; ?NNN numbers one explicitly. */
	s = prep(c, "SELECT 'a?''b' || CAST(? AS TEXT) AS \"x?y\" /* ? */ -- and ?\n");
	db_bind_str(s, 1, "c?");
	assert_int_equal(db_step(s), ERR_ROW);
	assert_string_equal(db_col_text(s, 0, NULL), "a?'bc?");
	db_reset(s);
	s = prep(c, "SELECT CAST(?2 AS TEXT) || CAST(?1 AS TEXT)");
	db_bind_str(s, 1, "a");
	db_bind_str(s, 2, "b");
	assert_int_equal(db_step(s), ERR_ROW);
	assert_string_equal(db_col_text(s, 0, NULL), "ba");
	db_reset(s);

	/* Numbers at the edges and a text of length 0 and one cut short. */
	s = prep(c,
		 "SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), ?, CAST(? AS TEXT), CAST(? AS TEXT),"
		 " CAST(? AS BIGINT)");
	db_bind_int64(s, 1, INT64_MAX);
	db_bind_int64(s, 2, INT64_MIN);
	db_bind_double(s, 3, 0.1);
	db_bind_text(s, 4, "", 0);
	db_bind_text(s, 5, "abcdef", 3);
	db_bind_text(s, 6, NULL, 5);
	assert_int_equal(db_step(s), ERR_ROW);
	assert_int_equal(db_col_int64(s, 0), INT64_MAX);
	assert_int_equal(db_col_int64(s, 1), INT64_MIN);
	assert_true(db_col_double(s, 2) == 0.1);
	assert_string_equal(db_col_text(s, 3, &len), "");
	assert_int_equal(len, 0);
	assert_false(db_col_is_null(s, 3));
	assert_string_equal(db_col_text(s, 4, &len), "abc");
	assert_true(db_col_is_null(s, 5));
	assert_int_equal(db_step(s), ERR_DONE);
	db_reset(s);
	release(f, c);
}

static void rows_step_reset_and_cache(void **state)
{
	struct fixture *f = *state;
	struct db_conn *c = acquire(f);
	add_department(c, "row-1", NULL);
	add_department(c, "row-2", NULL);
	add_department(c, "row-3", NULL);
	const char *sql = "SELECT name FROM departments WHERE name LIKE ? ORDER BY name";
	struct db_stmt *s = prep(c, sql);
	assert_int_equal(db_col_count(s), 1); /* known before the first step */
	db_bind_str(s, 1, "row-%");
	for (int pass = 0; pass < 2; pass++) {
		char want[16];
		for (int i = 1; i <= 3; i++) {
			assert_int_equal(db_step(s), ERR_ROW);
			snprintf(want, sizeof want, "row-%d", i);
			assert_string_equal(db_col_text(s, 0, NULL), want);
		}
		assert_int_equal(db_step(s), ERR_DONE);
		db_reset(s);
		db_bind_str(s, 1, "row-%");
	}
	/* The cache hands back the same statement, reset, bindings cleared. */
	assert_int_equal(db_step(s), ERR_ROW);
	struct db_stmt *again = prep(c, sql);
	assert_ptr_equal(again, s);
	assert_int_equal(db_step(again), ERR_DONE);
	db_reset(again);
	release(f, c);
}

static void constraints_map_to_errors(void **state)
{
	struct fixture *f = *state;
	struct db_conn *c = acquire(f);
	assert_int_equal(add_user(c, "dup", "First", 0), ERR_OK);
	assert_int_equal(add_user(c, "dup", "Second", 0), ERR_DUPLICATE);
	assert_int_equal(add_user(c, "orphan", "No department", 987654321), ERR_IN_USE);
	assert_int_equal(add_user(c, NULL, "No login", 0), ERR_INVALID);
	assert_int_equal(count(c, "SELECT COUNT(*) FROM users WHERE login = ?", "dup"), 1);
	assert_int_equal(count(c, "SELECT COUNT(*) FROM users WHERE login = ?", "orphan"), 0);

	assert_int_equal(db_exec(c, "CREATE TEMP TABLE t_check (x INTEGER CHECK (x > 0))"), ERR_OK);
	struct db_stmt *s = prep(c, "INSERT INTO t_check(x) VALUES (?)");
	db_bind_int64(s, 1, -1);
	assert_int_equal(db_exec_stmt(s), ERR_INVALID);
	db_bind_int64(s, 1, 1);
	assert_int_equal(db_exec_stmt(s), ERR_OK);
	assert_int_equal(db_exec(c, "DROP TABLE t_check"), ERR_OK);
	release(f, c);
}

struct tx_ctx {
	const char *name;
	kt_err result; /* what fn returns after its insert */
	int calls;
	int busy_first; /* return ERR_BUSY on this many first calls */
};

static kt_err tx_insert(struct db_conn *c, void *arg)
{
	struct tx_ctx *t = arg;
	t->calls++;
	kt_err rc;
	add_department(c, t->name, &rc);
	if (rc)
		return rc;
	if (t->calls <= t->busy_first)
		return ERR_BUSY;
	return t->result;
}

static kt_err tx_insert_twice(struct db_conn *c, void *arg)
{
	struct tx_ctx *t = arg;
	kt_err rc;
	t->calls++;
	add_department(c, t->name, &rc);
	if (!rc)
		add_department(c, t->name, &rc);
	return rc;
}

static void tx_run_commits_rolls_back_and_retries(void **state)
{
	struct fixture *f = *state;
	struct db_conn *c = acquire(f);
	const char *q = "SELECT COUNT(*) FROM departments WHERE name = ?";

	struct tx_ctx t = {"tx-error", ERR_INVALID, 0, 0};
	assert_int_equal(db_tx_run(c, true, tx_insert, &t), ERR_INVALID);
	assert_int_equal(count(c, q, "tx-error"), 0);

	t = (struct tx_ctx){"tx-dup", ERR_OK, 0, 0};
	assert_int_equal(db_tx_run(c, true, tx_insert_twice, &t), ERR_DUPLICATE);
	assert_int_equal(t.calls, 1);
	assert_int_equal(count(c, q, "tx-dup"), 0);

	t = (struct tx_ctx){"tx-busy", ERR_OK, 0, 2};
	assert_int_equal(db_tx_run(c, true, tx_insert, &t), ERR_OK);
	assert_int_equal(t.calls, 3);
	assert_int_equal(count(c, q, "tx-busy"), 1);

	t = (struct tx_ctx){"tx-read", ERR_OK, 0, 0};
	assert_int_equal(db_tx_run(c, false, tx_insert, &t), ERR_OK);
	assert_int_equal(count(c, q, "tx-read"), 1);
	release(f, c);

	/* Another connection sees only what was committed. */
	c = acquire(f);
	assert_int_equal(count(c, "SELECT COUNT(*) FROM departments WHERE name LIKE ?", "tx-%"), 2);
	release(f, c);
}

static int64_t search_one(struct db_conn *c, const char *q, kt_err *rc)
{
	struct buf sql;
	buf_init(&sql, 1024);
	assert_int_equal(buf_puts(&sql, "SELECT id FROM contacts WHERE "), ERR_OK);
	assert_int_equal(db_search_sql(db_conn_db(c), "contacts", &sql), ERR_OK);
	assert_int_equal(buf_puts(&sql, " AND deleted_at IS NULL ORDER BY id"), ERR_OK);
	struct db_stmt *s = prep(c, buf_cstr(&sql));
	buf_clear(&sql);
	int idx = 1;
	assert_int_equal(db_search_bind(s, &idx, q), ERR_OK);
	assert_int_equal(idx, 2);
	int64_t id = 0;
	*rc = db_step(s);
	if (*rc == ERR_ROW) {
		id = db_col_int64(s, 0);
		*rc = db_step(s);
		if (*rc == ERR_ROW)
			id = -1; /* more than one */
	}
	db_reset(s);
	return id;
}

static int64_t search(struct db_conn *c, const char *q)
{
	kt_err rc;
	int64_t id = search_one(c, q, &rc);
	if (rc != ERR_DONE)
		fail_msg("search '%s' failed: %d %s", q, rc, db_errmsg(c));
	return id;
}

static int64_t add_contact(struct db_conn *c, const char *last)
{
	struct db_stmt *s = prep(c, "INSERT INTO contacts(last_name, created_at, updated_at)"
				    " VALUES (?, ?, ?) RETURNING id");
	db_bind_str(s, 1, last);
	db_bind_int64(s, 2, now_s());
	db_bind_int64(s, 3, now_s());
	assert_int_equal(db_step(s), ERR_ROW);
	int64_t id = db_col_int64(s, 0);
	db_reset(s);
	assert_true(id > 0);
	return id;
}

static void search_finds_prefixes(void **state)
{
	struct fixture *f = *state;
	struct db_conn *c = acquire(f);
	int64_t id = add_contact(c, "Kowalski");
	int64_t other = add_contact(c, "Nowak");
	assert_int_equal(db_search_put(c, "contacts", id, "jan kowalski lodz"), ERR_OK);
	assert_int_equal(db_search_put(c, "contacts", other, "anna nowak krakow"), ERR_OK);

	assert_int_equal(search(c, "kow"), id);
	assert_int_equal(search(c, "jan kow"), id);
	assert_int_equal(search(c, "  lodz   jan  "), id);
	assert_int_equal(search(c, "kowalski"), id);
	assert_int_equal(search(c, "xyz"), 0);
	assert_int_equal(search(c, "jan xyz"), 0);
	assert_int_equal(search(c, "owal"), 0); /* prefixes, not infixes */
	assert_int_equal(search(c, "krak"), other);
	assert_int_equal(search(c, ""), 0);
	assert_int_equal(search(c, "   "), 0);

	/* Nothing a user types breaks the query. */
	static const char *const odd[] = {
		"o'brien",   "'",     "''",   "\\",    "a\\'b",
		"\"",	     "kow\"", "a:b",  ":*",    "kow:*",
		"&",	     "a & b", "|",    "!kow",  "(kow",
		"kow)",	     "<->",   "*",    "' | '", "\\'; DROP TABLE x; --",
		"kow' & 'x", "?",     "%",    "_",     "ąę",
		"a:A",	     "1:2:3", "-kow", "+kow",
	};
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		kt_err rc;
		search_one(c, odd[i], &rc);
		if (rc != ERR_DONE)
			fail_msg("search '%s' failed: %d %s", odd[i], rc, db_errmsg(c));
	}

	/* put replaces the document; del removes it. */
	assert_int_equal(db_search_put(c, "contacts", id, "jan kowalczyk gdansk"), ERR_OK);
	assert_int_equal(search(c, "lodz"), 0);
	assert_int_equal(search(c, "gda"), id);
	assert_int_equal(search(c, "kow"), id);
	assert_int_equal(db_search_del(c, "contacts", id), ERR_OK);
	assert_int_equal(search(c, "gda"), 0);
	assert_int_equal(search(c, "krak"), other);
	release(f, c);
}

static void changes_counts_rows(void **state)
{
	struct fixture *f = *state;
	struct db_conn *c = acquire(f);
	add_department(c, "chg-1", NULL);
	add_department(c, "chg-2", NULL);
	add_department(c, "chg-3", NULL);
	struct db_stmt *s = prep(c, "UPDATE departments SET version = version + 1, updated_at = ?"
				    " WHERE name LIKE ?");
	db_bind_int64(s, 1, now_s());
	db_bind_str(s, 2, "chg-%");
	assert_int_equal(db_exec_stmt(s), ERR_OK);
	assert_int_equal(db_changes(c), 3);
	db_bind_int64(s, 1, now_s());
	db_bind_str(s, 2, "no-such-%");
	assert_int_equal(db_exec_stmt(s), ERR_OK);
	assert_int_equal(db_changes(c), 0);

	s = prep(c, "DELETE FROM departments WHERE name = ?");
	db_bind_str(s, 1, "chg-2");
	assert_int_equal(db_exec_stmt(s), ERR_OK);
	assert_int_equal(db_changes(c), 1);
	/* A SELECT leaves the count alone. */
	s = prep(c, "SELECT name FROM departments WHERE name LIKE ? ORDER BY name");
	db_bind_str(s, 1, "chg-%");
	assert_int_equal(db_step(s), ERR_ROW);
	assert_int_equal(db_step(s), ERR_ROW);
	assert_int_equal(db_step(s), ERR_DONE);
	db_reset(s);
	assert_int_equal(db_changes(c), 1);
	release(f, c);
}

/* More distinct statements than the cache holds: it is emptied and
 * refilled, and on PostgreSQL the server's prepared statements go too. */
static void statement_cache_overflows(void **state)
{
	struct fixture *f = *state;
	struct db_conn *c = acquire(f);
	char sql[96];
	for (int i = 0; i < 700; i++) {
		snprintf(sql, sizeof sql, "SELECT CAST(? AS BIGINT) + %d", i);
		struct db_stmt *s = prep(c, sql);
		db_bind_int64(s, 1, 1000);
		assert_int_equal(db_step(s), ERR_ROW);
		assert_int_equal(db_col_int64(s, 0), 1000 + i);
		db_reset(s);
	}
	if (f->engine == DB_PG) {
		int64_t n = count(c, "SELECT COUNT(*) FROM pg_prepared_statements", NULL);
		assert_true(n > 0 && n <= 520);
	}
	release(f, c);
}

/* ---- PostgreSQL only ----------------------------------------------- */

static int64_t backend_pid(struct db_conn *c)
{
	return count(c, "SELECT pg_backend_pid()", NULL);
}

/* kill_session: terminates the server session of c through another pooled
 * connection, waiting until it is gone. */
static void kill_session(struct fixture *f, struct db_conn *c)
{
	int64_t pid = backend_pid(c);
	struct db_conn *k = acquire(f);
	struct db_stmt *s = prep(k, "SELECT pg_terminate_backend(CAST(? AS INTEGER), 5000)");
	db_bind_int64(s, 1, pid);
	assert_int_equal(db_step(s), ERR_ROW);
	assert_int_equal(db_col_int64(s, 0), 1);
	db_reset(s);
	release(f, k);
}

static void pg_lost_connection_is_retried(void **state)
{
	struct fixture *f = *state;
	struct db_conn *c = acquire(f);
	const char *q = "SELECT COUNT(*) FROM departments WHERE name = ?";
	const char *lost = "SELECT COUNT(*) FROM departments WHERE name LIKE ?";
	add_department(c, "probe", NULL);
	assert_int_equal(count(c, q, "probe"), 1);
	assert_int_equal(count(c, lost, "lost-%"), 0);

	/* Outside a transaction: one ERR_BUSY, then the cached statement is
	 * prepared again on the new session. */
	int64_t pid = backend_pid(c);
	kill_session(f, c);
	struct db_stmt *s = prep(c, q);
	db_bind_str(s, 1, "probe");
	assert_int_equal(db_step(s), ERR_BUSY);
	db_reset(s);
	assert_int_equal(count(c, q, "probe"), 1);
	assert_true(backend_pid(c) != pid);

	/* Inside one: the rest of the transaction fails, COMMIT too, until
	 * it is rolled back; nothing of it is left. */
	assert_int_equal(db_begin(c, true), ERR_OK);
	add_department(c, "lost-1", NULL);
	kill_session(f, c);
	kt_err rc;
	add_department(c, "lost-2", &rc);
	assert_int_equal(rc, ERR_BUSY);
	add_department(c, "lost-3", &rc);
	assert_int_equal(rc, ERR_BUSY);
	assert_int_equal(db_commit(c), ERR_BUSY);
	db_rollback(c);
	assert_int_equal(count(c, lost, "lost-%"), 0);

	/* db_tx_run retries a transaction whose connection was lost. */
	kill_session(f, c);
	struct tx_ctx t = {"lost-tx", ERR_OK, 0, 0};
	assert_int_equal(db_tx_run(c, true, tx_insert, &t), ERR_OK);
	assert_int_equal(t.calls, 1);
	assert_int_equal(count(c, lost, "lost-%"), 1);
	release(f, c);
}

static void pg_errors_map(void **state)
{
	struct fixture *f = *state;
	struct db_conn *a = acquire(f), *b = acquire(f);
	int64_t dept = add_department(a, "lock-me", NULL);

	/* A row lock held by another transaction: NOWAIT gives ERR_BUSY. */
	assert_int_equal(db_begin(a, true), ERR_OK);
	struct db_stmt *s = prep(a, "UPDATE departments SET version = version + 1 WHERE id = ?");
	db_bind_int64(s, 1, dept);
	assert_int_equal(db_exec_stmt(s), ERR_OK);
	s = prep(b, "SELECT id FROM departments WHERE id = ? FOR UPDATE NOWAIT");
	db_bind_int64(s, 1, dept);
	assert_int_equal(db_step(s), ERR_BUSY);
	db_reset(s);
	db_rollback(a);

	/* Data exceptions are the caller's fault. */
	s = prep(b, "SELECT 1 / CAST(? AS INTEGER)");
	db_bind_int64(s, 1, 0);
	assert_int_equal(db_step(s), ERR_INVALID);
	db_reset(s);
	s = prep(b, "SELECT CAST(? AS INTEGER)");
	db_bind_str(s, 1, "12x");
	assert_int_equal(db_step(s), ERR_INVALID);
	db_reset(s);

	/* A failed statement spoils a PostgreSQL transaction: COMMIT must
	 * not report success. */
	assert_int_equal(db_begin(b, true), ERR_OK);
	add_department(b, "spoilt", NULL);
	kt_err rc;
	add_department(b, "spoilt", &rc);
	assert_int_equal(rc, ERR_DUPLICATE);
	assert_int_not_equal(db_commit(b), ERR_OK);
	db_rollback(b);
	assert_int_equal(count(b, "SELECT COUNT(*) FROM departments WHERE name = ?", "spoilt"), 0);

	/* A NUL byte cannot be stored in PostgreSQL text. */
	s = prep(b, "SELECT CAST(? AS TEXT)");
	assert_int_equal(db_bind_text(s, 1, "a\0b", 3), ERR_INVALID);
	db_reset(s);
	release(f, a);
	release(f, b);
}

struct migrator {
	const char *url;
	pthread_barrier_t *start; /* all connected: migrate at once */
	kt_err rc;
	int applied;
};

static void *migrate_thread(void *arg)
{
	struct migrator *m = arg;
	struct db *db = NULL;
	struct db_options opt = {.pg_url = m->url, .pool_size = 1};
	m->rc = db_open(&opt, &db);
	pthread_barrier_wait(m->start);
	if (!m->rc)
		m->rc = db_migrate(db, &m->applied);
	db_free(db);
	return NULL;
}

/* Servers starting together on an empty database: every migration is
 * applied once, and none of them fails. */
static void pg_concurrent_migrations(void **state)
{
	struct fixture *f = *state;
	char schema[96], sql[160];
	snprintf(schema, sizeof schema, "%s_race", f->schema);
	snprintf(sql, sizeof sql, "CREATE SCHEMA %s", schema);
	assert_int_equal(admin_exec(f, sql), ERR_OK);
	char *url = pg_url_with_schema(getenv("KONTAKT_TEST_PG_URL"), schema);
	assert_non_null(url);
	struct migrator m[6];
	pthread_t t[6];
	pthread_barrier_t start;
	pthread_barrier_init(&start, NULL, 6);
	for (int i = 0; i < 6; i++) {
		m[i] = (struct migrator){url, &start, ERR_INTERNAL, 0};
		assert_int_equal(pthread_create(&t[i], NULL, migrate_thread, &m[i]), 0);
	}
	int applied = 0;
	bool all_ok = true;
	for (int i = 0; i < 6; i++) {
		pthread_join(t[i], NULL);
		all_ok = all_ok && m[i].rc == ERR_OK;
		applied += m[i].applied;
	}
	pthread_barrier_destroy(&start);
	free(url);
	snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", schema);
	assert_int_equal(admin_exec(f, sql), ERR_OK);
	assert_true(all_ok);
	assert_int_equal(applied, schema_nmigrations);
}

/* ---- main ---------------------------------------------------------- */

/* Every case gives back the connections it held, even when it fails. */
#define CASE(fn) cmocka_unit_test_teardown(fn, release_all)

/* clang-format off */
#define COMMON_TESTS \
	CASE(migrations_apply_once), \
	CASE(pool_has_two_connections), \
	CASE(binds_and_columns_round_trip), \
	CASE(rows_step_reset_and_cache), \
	CASE(constraints_map_to_errors), \
	CASE(tx_run_commits_rolls_back_and_retries), \
	CASE(search_finds_prefixes), \
	CASE(changes_counts_rows), \
	CASE(statement_cache_overflows)
/* clang-format on */

int main(void)
{
	log_min_level = getenv("KONTAKT_TEST_LOG") ? LOG_DEBUG : LOG_OFF;
	const struct CMUnitTest sqlite_tests[] = {COMMON_TESTS};
	const struct CMUnitTest pg_tests[] = {
		COMMON_TESTS,
		CASE(pg_lost_connection_is_retried),
		CASE(pg_errors_map),
		CASE(pg_concurrent_migrations),
	};
	const char *url = getenv("KONTAKT_TEST_PG_URL");
	bool pg = url && *url;
	if (!pg) {
		printf("db_pg: not run (set KONTAKT_TEST_PG_URL to a PostgreSQL database)\n");
		fflush(stdout);
	}
	int failed = cmocka_run_group_tests_name("db_sqlite", sqlite_tests, setup_sqlite, teardown);
	if (pg)
		failed += cmocka_run_group_tests_name("db_pg", pg_tests, setup_pg, teardown);
	return failed ? 1 : 0;
}
