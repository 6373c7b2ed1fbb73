/* test_demo.c: the `kontakt demo` generator on fresh SQLite databases: the
 * same seed gives the same rows and another seed others; phones, NIPs,
 * REGONs, PESELs and e-mails are valid; each row and search document is
 * what the record engine would store; the index finds a folded prefix;
 * near-duplicates exist; a second run adds rows.  Not here: timing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <regex.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/ident.h"
#include "core/log.h"
#include "crm/demo.h"
#include "crm/entities.h"
#include "crm/password.h"
#include "db/db.h"
#include "db/migrate.h"
#include "model/record.h"

#define NCONTACTS 2000
#define SEED	  7

struct fx {
	char dir[256];
	char path[3][300];
	struct db *db[3]; /* seed SEED, SEED again, SEED + 1 */
	struct demo_stats st[3];
};

static int setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	log_min_level = LOG_ERROR;
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	*state = f;
	const char *tmp = getenv("TMPDIR");
	snprintf(f->dir, sizeof f->dir, "%s/kt-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	for (int i = 0; i < 3; i++) {
		snprintf(f->path[i], sizeof f->path[i], "%s/d%d.db", f->dir, i);
		struct db_options o = {.sqlite_path = f->path[i], .pool_size = 1, .create = true};
		if (db_open(&o, &f->db[i]) || db_migrate(f->db[i], NULL))
			return -1;
		if (demo_generate(f->db[i], NCONTACTS, i == 2 ? SEED + 1 : SEED, &f->st[i]))
			return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	if (!f)
		return 0;
	for (int i = 0; i < 3; i++) {
		db_free(f->db[i]);
		char p[320];
		for (int k = 0; k < 3; k++) {
			static const char *const sfx[] = {"", "-wal", "-shm"};
			snprintf(p, sizeof p, "%s%s", f->path[i], sfx[k]);
			unlink(p);
		}
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* ---- helpers ------------------------------------------------------- */

static struct db_conn *acquire(struct db *db)
{
	struct db_conn *c = NULL;
	assert_int_equal(db_conn_acquire(db, &c), ERR_OK);
	return c;
}

static struct db_stmt *prep(struct db_conn *c, const char *sql)
{
	struct db_stmt *s = NULL;
	if (db_prepare(c, sql, &s))
		fail_msg("prepare failed (%s): %s", db_errmsg(c), sql);
	return s;
}

static int64_t count(struct db_conn *c, const char *sql)
{
	struct db_stmt *s = prep(c, sql);
	assert_int_equal(db_step(s), ERR_ROW);
	int64_t n = db_col_int64(s, 0);
	db_reset(s);
	return n;
}

/* dump: every row of the queries, columns as text, NULL as \N. */
static void dump(struct db *db, struct buf *out)
{
	static const char *const queries[] = {
		"SELECT * FROM departments ORDER BY id",
		/* password_hash differs: argon2id salts every hash at random */
		"SELECT id, login, name, email, role, department_id, time_zone, locale, active,"
		" version, created_at, updated_at, deleted_at, created_by, updated_by"
		" FROM users ORDER BY id",
		"SELECT * FROM companies ORDER BY id",
		"SELECT * FROM contacts ORDER BY id",
		"SELECT rowid, doc FROM companies_fts ORDER BY rowid",
		"SELECT rowid, doc FROM contacts_fts ORDER BY rowid",
	};
	struct db_conn *c = acquire(db);
	for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
		struct db_stmt *s = prep(c, queries[q]);
		kt_err rc;
		while ((rc = db_step(s)) == ERR_ROW) {
			for (int i = 0; i < db_col_count(s); i++) {
				size_t len;
				const char *t = db_col_text(s, i, &len);
				assert_int_equal(t ? buf_append(out, t, len) : buf_puts(out, "\\N"),
						 ERR_OK);
				assert_int_equal(buf_putc(out, '\x1f'), ERR_OK);
			}
			assert_int_equal(buf_putc(out, '\n'), ERR_OK);
		}
		assert_int_equal(rc, ERR_DONE);
		db_reset(s);
	}
	db_conn_release(c);
}

/* ---- tests --------------------------------------------------------- */

static void same_seed_gives_same_rows(void **state)
{
	struct fx *f = *state;
	struct buf a, b, c;
	buf_init(&a, 64 << 20);
	buf_init(&b, 64 << 20);
	buf_init(&c, 64 << 20);
	dump(f->db[0], &a);
	dump(f->db[1], &b);
	dump(f->db[2], &c);
	assert_true(a.len > 100000);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	assert_true(a.len != c.len || memcmp(a.data, c.data, a.len) != 0);
	buf_clear(&a);
	buf_clear(&b);
	buf_clear(&c);
}

static void counts_match_stats(void **state)
{
	struct fx *f = *state;
	assert_int_equal(f->st[0].contacts, NCONTACTS);
	assert_int_equal(f->st[0].companies, NCONTACTS / 10);
	assert_int_equal(f->st[0].users, 10);
	struct db_conn *c = acquire(f->db[0]);
	assert_int_equal(count(c, "SELECT count(*) FROM contacts"), NCONTACTS);
	assert_int_equal(count(c, "SELECT count(*) FROM contacts_fts"), NCONTACTS);
	assert_int_equal(count(c, "SELECT count(*) FROM companies"), NCONTACTS / 10);
	assert_int_equal(count(c, "SELECT count(*) FROM companies_fts"), NCONTACTS / 10);
	assert_int_equal(count(c, "SELECT count(*) FROM departments"), 5);
	assert_int_equal(count(c, "SELECT count(*) FROM users WHERE role = 'manager'"), 5);
	assert_int_equal(count(c, "SELECT count(*) FROM users WHERE role = 'agent'"), 5);
	assert_int_equal(count(c, "SELECT count(*) FROM users WHERE role = 'admin'"), 0);
	assert_int_equal(count(c, "SELECT count(DISTINCT department_id) FROM users"), 5);
	/* Bulk rows write no history; the office's few go through the engine. */
	assert_int_equal(count(c, "SELECT count(*) FROM history WHERE entity NOT IN ('announcements', 'kb_articles')"), 0);
	assert_int_equal(f->st[0].office, 6);
	assert_int_equal(count(c, "SELECT count(*) FROM kb_articles"), 4);
	assert_int_equal(count(c, "SELECT count(*) FROM kb_articles_fts"), 4);
	assert_int_equal(count(c, "SELECT count(*) FROM announcements"), 2);
	/* kinds, links, archive and owners in plausible shares */
	int64_t cc = count(c, "SELECT count(*) FROM contacts WHERE kind = 'company_contact'"
			      " AND company_id IS NOT NULL");
	assert_true(cc > NCONTACTS / 4 && cc < NCONTACTS / 2);
	assert_int_equal(count(c, "SELECT count(*) FROM contacts WHERE (kind = 'company_contact')"
				  " <> (company_id IS NOT NULL)"),
			 0);
	int64_t arch = count(c, "SELECT count(*) FROM contacts WHERE archived = 1");
	assert_true(arch > 0 && arch < NCONTACTS / 10);
	assert_int_equal(count(c, "SELECT count(*) FROM contacts WHERE owner_id IS NULL"
				  " OR owner_id NOT IN (SELECT id FROM users)"),
			 0);
	assert_int_equal(
		count(c, "SELECT count(*) FROM contacts WHERE version <> 1 OR status <> 'active'"
			 " OR custom <> '{}' OR created_by IS NOT NULL OR deleted_at IS NOT NULL"
			 " OR updated_at < created_at OR created_at >= 1767225600"),
		0);
	/* a record belongs to its owner's department, mostly shared office-wide */
	assert_int_equal(count(c,
			       "SELECT count(*) FROM contacts c JOIN users u ON u.id = c.owner_id"
			       " WHERE c.department_id IS NOT u.department_id"),
			 0);
	assert_int_equal(count(c,
			       "SELECT count(*) FROM companies c JOIN users u ON u.id = c.owner_id"
			       " WHERE c.department_id IS NOT u.department_id"),
			 0);
	int64_t shared = count(c, "SELECT count(*) FROM contacts WHERE visibility = 'company'");
	assert_true(shared > NCONTACTS / 2 && shared < NCONTACTS);
	/* the demo password opens a demo account */
	struct db_stmt *s = prep(c, "SELECT password_hash FROM users ORDER BY id LIMIT 1");
	assert_int_equal(db_step(s), ERR_ROW);
	assert_true(password_verify(db_col_text(s, 0, NULL), "demo-password-1", 15));
	db_reset(s);
	db_conn_release(c);
}

static void phones_are_polish_mobiles(void **state)
{
	struct fx *f = *state;
	regex_t re;
	assert_int_equal(regcomp(&re, "^\\+48[5-8][0-9]{8}$", REG_EXTENDED | REG_NOSUB), 0);
	struct db_conn *c = acquire(f->db[0]);
	struct db_stmt *s = prep(c, "SELECT phone FROM contacts");
	int with = 0, without = 0;
	while (db_step(s) == ERR_ROW) {
		const char *p = db_col_text(s, 0, NULL);
		if (!p) {
			without++;
			continue;
		}
		with++;
		if (regexec(&re, p, 0, NULL, 0) != 0)
			fail_msg("phone %s", p);
	}
	db_reset(s);
	assert_true(without > NCONTACTS / 30 && without < NCONTACTS / 5);
	assert_true(with > without);
	regfree(&re);
	db_conn_release(c);
}

static void company_numbers_are_valid(void **state)
{
	struct fx *f = *state;
	struct db_conn *c = acquire(f->db[0]);
	struct db_stmt *s = prep(c, "SELECT nip, regon, email FROM companies");
	int regons = 0;
	while (db_step(s) == ERR_ROW) {
		size_t len;
		const char *nip = db_col_text(s, 0, &len);
		char out[255];
		assert_non_null(nip);
		if (!ident_nip_normalize(nip, len, out) || strcmp(out, nip) != 0)
			fail_msg("NIP %s", nip);
		const char *regon = db_col_text(s, 1, &len);
		if (regon) {
			regons++;
			if (!ident_regon_normalize(regon, len, out) || strcmp(out, regon) != 0)
				fail_msg("REGON %s", regon);
		}
		const char *email = db_col_text(s, 2, &len);
		if (email && (!ident_email_normalize(email, len, out, sizeof out) ||
			      strcmp(out, email) != 0))
			fail_msg("e-mail %s", email);
	}
	db_reset(s);
	assert_true(regons > 0);
	assert_int_equal(count(c, "SELECT count(DISTINCT nip) FROM companies"), NCONTACTS / 10);
	db_conn_release(c);
}

static void pesels_match_birth_dates(void **state)
{
	struct fx *f = *state;
	struct db_conn *c = acquire(f->db[0]);
	struct db_stmt *s =
		prep(c, "SELECT pesel, birth_date FROM contacts WHERE pesel IS NOT NULL");
	int n = 0;
	while (db_step(s) == ERR_ROW) {
		size_t len;
		const char *pesel = db_col_text(s, 0, &len);
		const char *born = db_col_text(s, 1, NULL);
		char out[12], date[11];
		n++;
		if (!ident_pesel_normalize(pesel, len, out) || strcmp(out, pesel) != 0)
			fail_msg("PESEL %s", pesel);
		assert_true(ident_pesel_birth_date(pesel, date));
		assert_non_null(born);
		assert_string_equal(date, born);
	}
	db_reset(s);
	assert_true(n > 10);
	assert_true(count(c, "SELECT count(*) FROM contacts WHERE birth_date IS NOT NULL") > n);
	db_conn_release(c);
}

static void emails_are_normalised(void **state)
{
	struct fx *f = *state;
	struct db_conn *c = acquire(f->db[0]);
	struct db_stmt *s = prep(c, "SELECT email FROM contacts UNION ALL SELECT email FROM users");
	int without = 0;
	while (db_step(s) == ERR_ROW) {
		size_t len;
		const char *e = db_col_text(s, 0, &len);
		char out[255];
		if (!e) {
			without++;
			continue;
		}
		if (!ident_email_normalize(e, len, out, sizeof out) || strcmp(out, e) != 0)
			fail_msg("e-mail %s", e);
	}
	db_reset(s);
	assert_true(without > NCONTACTS / 20 && without < NCONTACTS / 4);
	db_conn_release(c);
}

/* matches: rows of table's search index matching the prefix query q. */
static int64_t matches(struct db_conn *c, const char *table, const char *q)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s_fts WHERE %s_fts MATCH ?", table, table);
	struct db_stmt *s = prep(c, sql);
	db_bind_str(s, 1, q);
	assert_int_equal(db_step(s), ERR_ROW);
	int64_t n = db_col_int64(s, 0);
	db_reset(s);
	return n;
}

static void search_finds_folded_prefixes(void **state)
{
	struct fx *f = *state;
	struct db_conn *c = acquire(f->db[0]);
	assert_true(matches(c, "contacts", "\"kowal\"*") > 0);
	assert_true(matches(c, "contacts", "\"lodz\"*") > 0);
	assert_true(matches(c, "contacts", "\"lukasz\"*") > 0);
	assert_true(matches(c, "contacts", "\"anna\"* \"nowak\"*") > 0);
	assert_true(matches(c, "companies", "\"biuro\"*") > 0);
	/* names with Polish letters are there to be folded */
	assert_true(count(c, "SELECT count(*) FROM contacts WHERE last_name LIKE '%ń%'"
			     " OR last_name LIKE '%ś%' OR last_name LIKE '%ó%'") > 0);
	assert_true(count(c, "SELECT count(*) FROM contacts WHERE first_name = 'Małgorzata'") > 0);
	db_conn_release(c);
}

static void near_duplicates_exist(void **state)
{
	struct fx *f = *state;
	struct db_conn *c = acquire(f->db[0]);
	int64_t phones =
		count(c, "SELECT count(*) FROM (SELECT phone FROM contacts WHERE phone IS NOT NULL"
			 " GROUP BY phone HAVING count(*) > 1)");
	assert_true(phones > 0 && phones < NCONTACTS / 50);
	assert_true(count(c, "SELECT count(*) FROM (SELECT 1 FROM contacts GROUP BY first_name,"
			     " last_name, city HAVING count(*) > 1)") > 0);
	db_conn_release(c);
}

/* strip: a stored record as API input to record_create: without the
 * standard columns and the fields only the server sets. */
static void strip(const struct entity *e, json_t *rec)
{
	static const char *const keys[] = {"id",	 "version",    "created_at", "updated_at",
					   "created_by", "updated_by", NULL};
	for (int i = 0; keys[i]; i++)
		json_object_del(rec, keys[i]);
	for (int i = 0; e->fields[i].name; i++)
		if (e->fields[i].flags & F_READONLY)
			json_object_del(rec, e->fields[i].name);
}

static char *fts_doc(struct db_conn *c, const char *table, int64_t id)
{
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT doc FROM %s_fts WHERE rowid = ?", table);
	struct db_stmt *s = prep(c, sql);
	db_bind_int64(s, 1, id);
	assert_int_equal(db_step(s), ERR_ROW);
	char *d = strdup(db_col_text(s, 0, NULL));
	db_reset(s);
	return d;
}

/* Each demo row, given back to the record engine as input, is stored
 * the same way, with the same search document. */
static void rows_are_what_the_engine_stores(void **state)
{
	struct fx *f = *state;
	struct db_conn *c = acquire(f->db[0]);
	struct rec_ctx ctx = {.conn = c, .role = ROLE_ADMIN, .now = 1767225600, .default_cc = "48"};
	static const char *const tables[] = {"companies", "contacts"};
	assert_int_equal(db_begin(c, true), ERR_OK);
	int checked = 0;
	for (int t = 0; t < 2; t++) {
		const struct entity *e = entities_find(tables[t]);
		int64_t n = t ? NCONTACTS : NCONTACTS / 10;
		for (int64_t id = 1; id <= n; id += t ? 13 : 7) {
			json_t *demo = NULL, *again = NULL, *in = NULL;
			assert_int_equal(record_get(&ctx, e, id, false, &demo), ERR_OK);
			in = json_deep_copy(demo);
			strip(e, in);
			kt_err rc = record_create(&ctx, e, in, &again);
			if (rc) {
				char *why = ctx.errors ? json_dumps(ctx.errors, 0) : NULL;
				fail_msg("%s %lld: record_create %d %s", tables[t], (long long)id,
					 (int)rc, why ? why : "");
			}
			int64_t id2 = json_integer_value(json_object_get(again, "id"));
			char *d1 = fts_doc(c, tables[t], id), *d2 = fts_doc(c, tables[t], id2);
			assert_string_equal(d1, d2);
			free(d1);
			free(d2);
			const char *const volatile_keys[] = {"id", "created_at", "updated_at"};
			for (int k = 0; k < 3; k++) {
				json_object_del(demo, volatile_keys[k]);
				json_object_del(again, volatile_keys[k]);
			}
			if (!json_equal(demo, again)) {
				char *a = json_dumps(demo, JSON_SORT_KEYS),
				     *b = json_dumps(again, JSON_SORT_KEYS);
				fail_msg("%s %lld differs:\n%s\n%s", tables[t], (long long)id, a,
					 b);
			}
			json_decref(demo);
			json_decref(again);
			json_decref(in);
			rec_ctx_clear(&ctx);
			checked++;
		}
	}
	assert_true(checked > 150);
	db_rollback(c);
	db_conn_release(c);
}

static void second_run_adds_rows(void **state)
{
	struct fx *f = *state;
	struct demo_stats st;
	assert_int_equal(demo_generate(f->db[2], NCONTACTS, SEED + 1, &st), ERR_OK);
	assert_int_equal(st.users, 0); /* their logins exist already */
	assert_int_equal(st.contacts, NCONTACTS);
	assert_int_equal(st.companies, NCONTACTS / 10);
	struct db_conn *c = acquire(f->db[2]);
	assert_int_equal(count(c, "SELECT count(*) FROM contacts"), 2 * NCONTACTS);
	assert_int_equal(count(c, "SELECT count(*) FROM contacts_fts"), 2 * NCONTACTS);
	assert_int_equal(count(c, "SELECT count(*) FROM users"), 10);
	assert_int_equal(count(c, "SELECT count(*) FROM departments"), 5);
	db_conn_release(c);
	/* and nothing at all is fine too */
	assert_int_equal(demo_generate(f->db[2], 0, 3, &st), ERR_OK);
	assert_int_equal(st.contacts, 0);
	assert_int_equal(st.companies, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_seed_gives_same_rows),
		cmocka_unit_test(counts_match_stats),
		cmocka_unit_test(phones_are_polish_mobiles),
		cmocka_unit_test(company_numbers_are_valid),
		cmocka_unit_test(pesels_match_birth_dates),
		cmocka_unit_test(emails_are_normalised),
		cmocka_unit_test(search_finds_folded_prefixes),
		cmocka_unit_test(near_duplicates_exist),
		cmocka_unit_test(rows_are_what_the_engine_stores),
		cmocka_unit_test(second_run_adds_rows),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
