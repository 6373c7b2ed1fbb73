/* dedupe.c: see dedupe.h.  A scan walks one index per kind of evidence in
 * key order, a chunk of rows per query, and cuts the stream into blocks
 * (one key; for names the first token plus the next token's first letter)
 * so memory holds one block, never the table.  Groups found in a block are
 * then read record by record under the caller's visibility; only what the
 * caller sees is reported.  Also the hooks that keep the name keys. */
#include "crm/dedupe.h"

#include <stdlib.h>
#include <string.h>

#include "core/b64.h"
#include "core/buf.h"
#include "core/fold.h"
#include "core/isotime.h"
#include "core/limits.h"
#include "core/utf8.h"
#include "crm/rules.h"
#include "db/db.h"

#define MAX_TOKENS 16

/* ---- name keys -------------------------------------------------------- */

/* Words of a company's legal form, folded: "Sp. z o.o." -> sp z o o. */
static const char *const LEGAL_FORM[] = {
	"sp", "z", "o", "oo", "zoo", "spolka", "s", "a", "sa", "c", "sc", "j", "sj", "k", "sk", "ska",
	"p", "spj", "jawna", "komandytowa", "akcyjna", "cywilna", "partnerska", "ograniczona",
	"ograniczonej", "odpowiedzialnoscia", "ltd", "gmbh", "inc", "llc", "plc", NULL,
};

static bool legal_form(const char *t)
{
	for (int i = 0; LEGAL_FORM[i]; i++)
		if (strcmp(t, LEGAL_FORM[i]) == 0)
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* tokens: splits folded text (NUL-terminated, words separated by single
 * spaces) in place; returns how many of at most MAX_TOKENS. */
static int tokens(char *s, const char **tok, int n)
{
	char *p = s;
	while (*p && n < MAX_TOKENS) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		tok[n++] = p;
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return n;
}

static void join(const char **tok, int n, bool down, char *out)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		const char *t = tok[down ? n - 1 - i : i];
		size_t tl = strlen(t);
		if (len + (len ? 1 : 0) + tl >= DEDUPE_KEY_CAP)
			break;
		if (len)
			out[len++] = ' ';
		memcpy(out + len, t, tl);
		len += tl;
		out[len] = '\0';
	}
}

bool dedupe_name_keys(const char *a, size_t alen, const char *b, size_t blen, bool company,
		      char key[DEDUPE_KEY_CAP], char key2[DEDUPE_KEY_CAP])
{
	char fa[DEDUPE_KEY_CAP], fb[DEDUPE_KEY_CAP];
	key[0] = key2[0] = '\0';
	fold_key(a ? a : "", a ? (alen < 400 ? alen : 400) : 0, fa, sizeof fa);
	fold_key(b ? b : "", b ? (blen < 400 ? blen : 400) : 0, fb, sizeof fb);
	const char *tok[MAX_TOKENS];
	int n = tokens(fa, tok, 0);
	n = tokens(fb, tok, n);
	if (company) {
		const char *kept[MAX_TOKENS];
		int k = 0;
		for (int i = 0; i < n; i++)
			if (!legal_form(tok[i]))
				kept[k++] = tok[i];
		if (k > 0) {
			memcpy(tok, kept, (size_t)k * sizeof *tok);
			n = k;
		}
	}
	if (n == 0)
		return false;
	qsort(tok, (size_t)n, sizeof *tok, cmp_str);
	join(tok, n, false, key);
	join(tok, n, true, key2);
	return true;
}

bool dedupe_within_one_edit(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen > blen) {
		const char *t = a;
		a = b;
		b = t;
		size_t tl = alen;
		alen = blen;
		blen = tl;
	}
	if (blen - alen > 1)
		return false;
	size_t i = 0;
	while (i < alen && a[i] == b[i])
		i++;
	if (i == alen)
		return true;
	if (alen == blen) {
		if (memcmp(a + i + 1, b + i + 1, alen - i - 1) == 0)
			return true;
		return i + 1 < alen && a[i] == b[i + 1] && a[i + 1] == b[i] &&
		       memcmp(a + i + 2, b + i + 2, alen - i - 2) == 0;
	}
	return memcmp(a + i, b + i + 1, alen - i) == 0;
}

bool dedupe_supported(const struct entity *e)
{
	return e && (strcmp(e->name, "contacts") == 0 || strcmp(e->name, "companies") == 0);
}

static bool is_company(const char *table)
{
	return strcmp(table, "companies") == 0;
}

/* set_keys: puts name_key and name_key2 into values when the name changes. */
static kt_err set_keys(json_t *values, json_t *cur, const char *fa, const char *fb)
{
	json_t *va = json_object_get(values, fa), *vb = fb ? json_object_get(values, fb) : NULL;
	if (!va && !vb)
		return ERR_OK;
	if (!va)
		va = json_object_get(cur, fa);
	if (fb && !vb)
		vb = json_object_get(cur, fb);
	if (cur && json_equal(va, json_object_get(cur, fa)) && (!fb || json_equal(vb, json_object_get(cur, fb))))
		return ERR_OK;
	char k1[DEDUPE_KEY_CAP], k2[DEDUPE_KEY_CAP];
	dedupe_name_keys(json_string_value(va), json_string_length(va), json_string_value(vb), json_string_length(vb),
			 fb == NULL, k1, k2);
	json_object_set_new(values, "name_key", json_string(k1));
	json_object_set_new(values, "name_key2", json_string(k2));
	return ERR_OK;
}

kt_err dedupe_contacts_before_write(struct rec_ctx *ctx, json_t *values, json_t *cur)
{
	kt_err rc = owned_before_write(ctx, values, cur);
	return rc ? rc : set_keys(values, cur, "first_name", "last_name");
}

kt_err dedupe_companies_before_write(struct rec_ctx *ctx, json_t *values, json_t *cur)
{
	kt_err rc = owned_before_write(ctx, values, cur);
	return rc ? rc : set_keys(values, cur, "name", NULL);
}

/* ---- backfill --------------------------------------------------------- */

#define BACKFILL_ROWS 2000      /* rows per transaction, a few at a time */
#define BACKFILL_BULK 50000     /* more than this missing: rebuild the indexes */

/* The name indexes of migration 7 (src/db/schema.c), rebuilt after a bulk
 * backfill: filling a million keys into live indexes writes every page of
 * them again and again, building them once sorts. */
static const char *const NAME_INDEXES[][4] = {
	{"contacts", "contacts_dd_name", "contacts_dd_name2",
	 "CREATE INDEX contacts_dd_name ON contacts(name_key, birth_date, city, address) WHERE deleted_at IS NULL;"
	 "CREATE INDEX contacts_dd_name2 ON contacts(name_key2) WHERE deleted_at IS NULL"},
	{"companies", "companies_dd_name", "companies_dd_name2",
	 "CREATE INDEX companies_dd_name ON companies(name_key, city, address) WHERE deleted_at IS NULL;"
	 "CREATE INDEX companies_dd_name2 ON companies(name_key2) WHERE deleted_at IS NULL"},
};

struct backfill {
	const char *table;
	bool bulk;
	int64_t n;
};

/* fill: keys for the next rows without them after id *after (by id),
 * at most limit; *got counts them. */
static kt_err fill(struct db_conn *c, const char *table, int64_t *after, int limit, int *got)
{
	bool company = is_company(table);
	char sql[256];
	snprintf(sql, sizeof sql,
		 "SELECT id, %s FROM %s WHERE deleted_at IS NULL AND name_key IS NULL AND id > ? ORDER BY id LIMIT %d",
		 company ? "name, ''" : "first_name, last_name", table, limit);
	struct db_stmt *s;
	kt_err rc = db_prepare(c, sql, &s);
	if (rc)
		return rc;
	struct row {
		int64_t id;
		char k1[DEDUPE_KEY_CAP], k2[DEDUPE_KEY_CAP];
	} *rows = malloc((size_t)limit * sizeof *rows);
	if (!rows)
		return ERR_NOMEM;
	int n = 0;
	db_bind_int64(s, 1, *after);
	while ((rc = db_step(s)) == ERR_ROW && n < limit) {
		size_t la, lb;
		const char *a = db_col_text(s, 1, &la), *b = db_col_text(s, 2, &lb);
		rows[n].id = db_col_int64(s, 0);
		dedupe_name_keys(a, la, b, lb, company, rows[n].k1, rows[n].k2);
		n++;
	}
	db_reset(s);
	if (rc == ERR_DONE || rc == ERR_ROW)
		rc = ERR_OK;
	snprintf(sql, sizeof sql, "UPDATE %s SET name_key = ?, name_key2 = ? WHERE id = ?", table);
	if (!rc && n)
		rc = db_prepare(c, sql, &s);
	for (int i = 0; i < n && !rc; i++) {
		db_bind_str(s, 1, rows[i].k1);
		db_bind_str(s, 2, rows[i].k2);
		db_bind_int64(s, 3, rows[i].id);
		rc = db_exec_stmt(s);
	}
	if (n)
		*after = rows[n - 1].id;
	free(rows);
	*got = rc ? 0 : n;
	return rc;
}

static kt_err backfill_tx(struct db_conn *c, void *arg)
{
	struct backfill *bf = arg;
	bf->n = 0;
	int64_t after = 0;
	int got = 0;
	if (!bf->bulk) {
		kt_err rc = fill(c, bf->table, &after, BACKFILL_ROWS, &got);
		bf->n = got;
		return rc;
	}
	const char *const *ix = NAME_INDEXES[is_company(bf->table)];
	char sql[96];
	snprintf(sql, sizeof sql, "DROP INDEX %s", ix[1]);
	kt_err rc = db_exec(c, sql);
	snprintf(sql, sizeof sql, "DROP INDEX %s", ix[2]);
	if (!rc)
		rc = db_exec(c, sql);
	do {
		if (!rc)
			rc = fill(c, bf->table, &after, 10 * BACKFILL_ROWS, &got);
		bf->n += got;
	} while (!rc && got == 10 * BACKFILL_ROWS);
	if (!rc)
		rc = db_exec(c, ix[3]);
	return rc;
}

kt_err dedupe_backfill(struct db_conn *c, const char *table, int64_t *filled)
{
	if (filled)
		*filled = 0;
	if (strcmp(table, "contacts") && strcmp(table, "companies"))
		return ERR_INVALID;
	char sql[200];
	snprintf(sql, sizeof sql,
		 "SELECT COUNT(*) FROM (SELECT 1 FROM %s WHERE deleted_at IS NULL AND name_key IS NULL LIMIT %d) t", table,
		 BACKFILL_BULK + 1);
	struct db_stmt *s;
	kt_err rc = db_prepare(c, sql, &s);
	if (rc)
		return rc;
	rc = db_step(s);
	int64_t missing = rc == ERR_ROW ? db_col_int64(s, 0) : 0;
	db_reset(s);
	if (rc != ERR_ROW)
		return rc == ERR_DONE ? ERR_OK : rc;
	if (!missing)
		return ERR_OK;
	struct backfill bf = {table, missing > BACKFILL_BULK, 0};
	do {
		rc = db_tx_run(c, true, backfill_tx, &bf);
		if (filled && !rc)
			*filled += bf.n;
	} while (!rc && !bf.bulk && bf.n == BACKFILL_ROWS);
	return rc;
}

/* ---- what a table offers the scan ------------------------------------- */

enum kind { K_IDENT, K_PHONE, K_EMAIL, K_NAME, K_SIMILAR };
static const char *const KIND_NAMES[] = {"ident", "phone", "email", "name", "similar_name"};

enum mode { M_EXACT, M_NAME, M_NAME2 };

struct pass {
	enum kind kind;
	enum mode mode;
	const char *sql;        /* key, id[, birth_date, city, address]; '?' = after key, limit */
};

struct table {
	const char *name;
	const char *ident;      /* "pesel" or "nip" */
	const char *detail;     /* one record by id (scope appended) */
	struct pass passes[5];
};

#define DETAIL_COLS "phone, email, city, address"

static const struct table CONTACTS = {
	"contacts", "pesel",
	"SELECT id, first_name, last_name, " DETAIL_COLS ", birth_date, pesel, name_key, owner_id, updated_at"
	" FROM contacts WHERE id = ? AND deleted_at IS NULL",
	{
		{K_IDENT, M_EXACT, "SELECT pesel, id FROM contacts WHERE pesel IS NOT NULL AND pesel > ?"
				   " ORDER BY pesel LIMIT ?"},
		{K_PHONE, M_EXACT, "SELECT phone, id FROM contacts WHERE phone IS NOT NULL AND phone > ?"
				   " ORDER BY phone LIMIT ?"},
		{K_EMAIL, M_EXACT, "SELECT LOWER(email), id FROM contacts WHERE email IS NOT NULL"
				   " AND LOWER(email) > ? ORDER BY LOWER(email) LIMIT ?"},
		{K_NAME, M_NAME, "SELECT name_key, id, birth_date, city, address FROM contacts"
				 " WHERE deleted_at IS NULL AND name_key IS NOT NULL AND name_key > ? ORDER BY name_key LIMIT ?"},
		{K_SIMILAR, M_NAME2, "SELECT name_key2, id FROM contacts WHERE deleted_at IS NULL AND name_key2 IS NOT NULL"
				     " AND name_key2 > ? ORDER BY name_key2 LIMIT ?"},
	},
};

static const struct table COMPANIES = {
	"companies", "nip",
	"SELECT id, name, '', " DETAIL_COLS ", NULL, nip, name_key, owner_id, updated_at"
	" FROM companies WHERE id = ? AND deleted_at IS NULL",
	{
		{K_IDENT, M_EXACT, "SELECT nip, id FROM companies WHERE nip IS NOT NULL AND nip > ?"
				   " ORDER BY nip LIMIT ?"},
		{K_PHONE, M_EXACT, "SELECT phone, id FROM companies WHERE phone IS NOT NULL AND phone > ?"
				   " ORDER BY phone LIMIT ?"},
		{K_EMAIL, M_EXACT, "SELECT LOWER(email), id FROM companies WHERE email IS NOT NULL"
				   " AND LOWER(email) > ? ORDER BY LOWER(email) LIMIT ?"},
		{K_NAME, M_NAME, "SELECT name_key, id, NULL, city, address FROM companies"
				 " WHERE deleted_at IS NULL AND name_key IS NOT NULL AND name_key > ? ORDER BY name_key LIMIT ?"},
		{K_SIMILAR, M_NAME2, "SELECT name_key2, id FROM companies WHERE deleted_at IS NULL AND name_key2 IS NOT NULL"
				     " AND name_key2 > ? ORDER BY name_key2 LIMIT ?"},
	},
};

#define NPASSES 5

static const struct table *table_of(const struct entity *e)
{
	return strcmp(e->name, "contacts") == 0 ? &CONTACTS : strcmp(e->name, "companies") == 0 ? &COMPANIES : NULL;
}

/* Evidence values are compared folded: "Łódź" = "lodz". */
static void ev_norm(const char *s, size_t len, char *out, size_t cap)
{
	fold_key(s ? s : "", s ? (len < 600 ? len : 600) : 0, out, cap);
}

/* ---- the records of a group ------------------------------------------- */

struct member {
	int64_t id;
	json_t *rec;
	char phone[20], ident[16], birth[11];
	char email[256], city[204], address[604], key[DEDUPE_KEY_CAP];
	char first[204], last[204];
};

static void col_copy(struct db_stmt *s, int col, char *out, size_t cap)
{
	const char *t = db_col_text(s, col, NULL);
	snprintf(out, cap, "%s", t ? t : "");
}

static json_t *col_json(struct db_stmt *s, int col)
{
	size_t len;
	const char *t = db_col_text(s, col, &len);
	return t ? json_stringn(t, len) : json_null();
}

/* load_member: the record id if it is live and the caller sees it. */
static kt_err load_member(struct rec_ctx *ctx, const struct table *t, const struct rec_cond *scope, int64_t id,
			  struct member *m, bool *found)
{
	*found = false;
	char sql[2048 + LIM_COND_SQL];
	snprintf(sql, sizeof sql, "%s%s%s%s", t->detail, scope->sql[0] ? " AND (" : "", scope->sql,
		 scope->sql[0] ? ")" : "");
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn, sql, &s);
	if (rc)
		return rc;
	int idx = 2;
	db_bind_int64(s, 1, id);
	rc = record_bind_cond(s, &idx, scope);
	if (!rc)
		rc = db_step(s);
	if (rc == ERR_ROW) {
		memset(m, 0, sizeof *m);
		m->id = id;
		size_t len;
		const char *v;
		col_copy(s, 3, m->phone, sizeof m->phone);
		v = db_col_text(s, 4, &len);
		if (v) {
			snprintf(m->email, sizeof m->email, "%.*s", (int)len, v);
			for (char *p = m->email; *p; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p = (char)(*p - 'A' + 'a');
		}
		v = db_col_text(s, 5, &len);
		ev_norm(v, len, m->city, sizeof m->city);
		v = db_col_text(s, 6, &len);
		ev_norm(v, len, m->address, sizeof m->address);
		col_copy(s, 7, m->birth, sizeof m->birth);
		col_copy(s, 8, m->ident, sizeof m->ident);
		col_copy(s, 9, m->key, sizeof m->key);
		v = db_col_text(s, 1, &len);
		fold_key(v ? v : "", v ? (len < 200 ? len : 200) : 0, m->first, sizeof m->first);
		v = db_col_text(s, 2, &len);
		fold_key(v ? v : "", v ? (len < 200 ? len : 200) : 0, m->last, sizeof m->last);
		char at[21];
		isotime_format(db_col_int64(s, 11), at);
		bool company = is_company(t->name);
		m->rec = json_pack("{s:I}", "id", (json_int_t)id);
		if (company) {
			json_object_set_new(m->rec, "name", col_json(s, 1));
			json_object_set_new(m->rec, "nip", col_json(s, 8));
		} else {
			json_object_set_new(m->rec, "first_name", col_json(s, 1));
			json_object_set_new(m->rec, "last_name", col_json(s, 2));
		}
		json_object_set_new(m->rec, "phone", col_json(s, 3));
		json_object_set_new(m->rec, "email", col_json(s, 4));
		json_object_set_new(m->rec, "city", col_json(s, 5));
		json_object_set_new(m->rec, "address", col_json(s, 6));
		if (!company) {
			json_object_set_new(m->rec, "birth_date", col_json(s, 7));
			json_object_set_new(m->rec, "pesel", col_json(s, 8));
		}
		json_object_set_new(m->rec, "owner_id", db_col_is_null(s, 10) ? json_null() : json_integer(db_col_int64(s, 10)));
		json_object_set_new(m->rec, "updated_at", json_string(at));
		*found = m->rec != NULL;
		rc = m->rec ? ERR_OK : ERR_NOMEM;
	} else if (rc == ERR_DONE) {
		rc = ERR_OK;
	}
	db_reset(s);
	return rc;
}

/* Each piece of evidence and its weight in the score (capped at 100). */
enum ev { EV_IDENT, EV_PHONE, EV_EMAIL, EV_NAME, EV_SWAPPED, EV_SIMILAR, EV_BIRTH, EV_ADDRESS, EV_CITY, EV_N };
static const char *const EV_NAMES[EV_N] = {"ident", "phone", "email", "name", "name_swapped", "similar_name",
					   "birth_date", "address", "city"};
static const int EV_WEIGHT[EV_N] = {80, 50, 50, 35, 30, 20, 30, 25, 10};

/* shared: every member has the same non-empty value at offset off. */
static bool shared(const struct member *m, int n, size_t off)
{
	const char *first = (const char *)&m[0] + off;
	if (!first[0])
		return false;
	for (int i = 1; i < n; i++)
		if (strcmp((const char *)&m[i] + off, first) != 0)
			return false;
	return true;
}

/* evidence: bit i set when EV i holds for all of m; similar says whether
 * names one edit apart count. */
static unsigned evidence(const struct member *m, int n, bool similar)
{
	unsigned ev = 0;
	if (shared(m, n, offsetof(struct member, ident)))
		ev |= 1u << EV_IDENT;
	if (shared(m, n, offsetof(struct member, phone)))
		ev |= 1u << EV_PHONE;
	if (shared(m, n, offsetof(struct member, email)))
		ev |= 1u << EV_EMAIL;
	if (shared(m, n, offsetof(struct member, key))) {
		bool swapped = false;
		for (int i = 1; i < n && !swapped; i++)
			swapped = strcmp(m[i].first, m[0].first) != 0 || strcmp(m[i].last, m[0].last) != 0;
		ev |= 1u << (swapped ? EV_SWAPPED : EV_NAME);
	} else if (similar && m[0].key[0]) {
		bool ok = true;
		for (int i = 1; i < n && ok; i++)
			ok = dedupe_within_one_edit(m[0].key, strlen(m[0].key), m[i].key, strlen(m[i].key));
		if (ok)
			ev |= 1u << EV_SIMILAR;
	}
	if (shared(m, n, offsetof(struct member, birth)))
		ev |= 1u << EV_BIRTH;
	if (shared(m, n, offsetof(struct member, address)))
		ev |= 1u << EV_ADDRESS;
	if (shared(m, n, offsetof(struct member, city)))
		ev |= 1u << EV_CITY;
	return ev;
}

static int score_of(unsigned ev)
{
	int s = 0;
	for (int i = 0; i < EV_N; i++)
		if (ev & (1u << i))
			s += EV_WEIGHT[i];
	return s > 100 ? 100 : s;
}

static json_t *evidence_json(unsigned ev, const char *ident)
{
	json_t *a = json_array();
	for (int i = 0; i < EV_N; i++)
		if (ev & (1u << i))
			json_array_append_new(a, json_string(i == EV_IDENT ? ident : EV_NAMES[i]));
	return a;
}

/* ---- the scan ---------------------------------------------------------- */

struct row {
	int64_t id;
	uint32_t key, keylen, ev[3];    /* offsets into the chunk's pool; 0 = none */
};

struct chunk {
	struct row *rows;
	size_t n, cap;
	struct buf pool;
};

struct scan {
	struct rec_ctx *ctx;
	const struct table *t;
	struct rec_cond scope;
	json_t *items;
	int limit;
	int only;               /* a kind, or -1 for all */
	struct member *mem;     /* LIM_DEDUPE_GROUP of them */
	int64_t *ids;           /* a group's ids (LIM_DEDUPE_BLOCK) */
	int *idx;               /* indexes into a block (LIM_DEDUPE_BLOCK) */
};

static const char *pool_str(const struct chunk *ch, uint32_t off)
{
	return ch->pool.data + off;
}

static kt_err pool_add(struct chunk *ch, const char *s, size_t len, uint32_t *off)
{
	if (!s) {
		*off = 0;
		return ERR_OK;
	}
	*off = (uint32_t)ch->pool.len;
	kt_err rc = buf_append(&ch->pool, s, len);
	return rc ? rc : buf_append(&ch->pool, "", 1);
}

static kt_err read_chunk(struct scan *sc, const struct pass *ps, const char *after, size_t limit, struct chunk *ch)
{
	ch->n = 0;
	buf_reset(&ch->pool);
	kt_err rc = buf_append(&ch->pool, "", 1); /* offset 0: no value */
	if (rc)
		return rc;
	if (ch->cap < limit) {
		struct row *r = realloc(ch->rows, limit * sizeof *r);
		if (!r)
			return ERR_NOMEM;
		ch->rows = r;
		ch->cap = limit;
	}
	struct db_stmt *s;
	rc = db_prepare(sc->ctx->conn, ps->sql, &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, after);
	db_bind_int64(s, 2, (int64_t)limit);
	bool name = ps->mode == M_NAME;
	while (!rc && (rc = db_step(s)) == ERR_ROW && ch->n < limit) {
		struct row *r = &ch->rows[ch->n];
		size_t len;
		const char *k = db_col_text(s, 0, &len);
		r->id = db_col_int64(s, 1);
		r->keylen = (uint32_t)len;
		rc = pool_add(ch, k ? k : "", len, &r->key);
		r->ev[0] = r->ev[1] = r->ev[2] = 0;
		for (int i = 0; name && i < 3 && !rc; i++) {
			const char *v = db_col_text(s, 2 + i, &len);
			char norm[604];
			if (v && i > 0) {
				ev_norm(v, len, norm, sizeof norm);
				v = norm;
				len = strlen(norm);
			}
			if (v && len)
				rc = pool_add(ch, v, len, &r->ev[i]);
		}
		ch->n++;
	}
	db_reset(s);
	return rc == ERR_DONE || rc == ERR_ROW ? ERR_OK : rc;
}

/* name_block_len: the bytes of a name key that name its block: the first
 * token, the space and the next token's first character (all of a key of
 * one token). */
static size_t name_block_len(const char *key, size_t len)
{
	const char *sp = memchr(key, ' ', len);
	if (!sp || (size_t)(sp - key) + 1 >= len)
		return len;
	unsigned char c = (unsigned char)sp[1];
	size_t bl = (size_t)(sp - key) + 1 + (c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4);
	return bl <= len ? bl : len;
}

static size_t block_len(const struct pass *ps, const char *key, size_t len)
{
	return ps->mode == M_EXACT ? len : name_block_len(key, len);
}

static bool same_block(const struct pass *ps, const struct chunk *ch, size_t a, size_t b)
{
	const char *ka = pool_str(ch, ch->rows[a].key), *kb = pool_str(ch, ch->rows[b].key);
	size_t la = block_len(ps, ka, ch->rows[a].keylen), lb = block_len(ps, kb, ch->rows[b].keylen);
	return la == lb && memcmp(ka, kb, la) == 0;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* emit: reads the group's records the caller sees and adds the group to
 * the page when two or more remain and no earlier kind already shows it. */
static kt_err emit(struct scan *sc, enum kind kind, int64_t *ids, int n)
{
	int m = 0;
	kt_err rc = ERR_OK;
	qsort(ids, (size_t)n, sizeof *ids, cmp_id);
	for (int i = 0; i < n && m < LIM_DEDUPE_GROUP && !rc; i++) {
		if (i && ids[i] == ids[i - 1])
			continue;
		bool found;
		rc = load_member(sc->ctx, sc->t, &sc->scope, ids[i], &sc->mem[m], &found);
		if (!rc && found)
			m++;
	}
	if (!rc && m >= 2) {
		unsigned ev = evidence(sc->mem, m, kind == K_SIMILAR);
		/* A group every member of which shares a stronger key was (or
		 * would be) reported under that key already. */
		unsigned earlier = 0;
		for (int k = 0; k < (int)kind && k <= K_EMAIL; k++)
			earlier |= 1u << k;
		bool shown = sc->only < 0 && (ev & earlier);
		if (!shown) {
			json_t *recs = json_array();
			for (int i = 0; i < m; i++)
				json_array_append(recs, sc->mem[i].rec);
			json_t *g = json_pack("{s:s, s:i, s:o, s:i, s:o}", "kind",
					      kind == K_IDENT ? sc->t->ident : KIND_NAMES[kind], "score", score_of(ev),
					      "evidence", evidence_json(ev, sc->t->ident), "size", m, "records", recs);
			rc = g ? json_array_append_new(sc->items, g) ? ERR_NOMEM : ERR_OK : ERR_NOMEM;
		}
	}
	for (int i = 0; i < m; i++)
		json_decref(sc->mem[i].rec);
	return rc;
}

/* The evidence of the rows of a weak group, by position: in the chunk's
 * rows (the name pass reads it with the keys) or read for the group. */
struct evsrc {
	const struct chunk *ch;
	const int *idx;
	struct buf pool;
	uint32_t (*off)[3];     /* NULL: in the chunk */
};

static const char *ev_get(const struct evsrc *es, int pos, int f)
{
	uint32_t o = es->off ? es->off[pos][f] : es->ch->rows[es->idx[pos]].ev[f];
	return !o ? "" : es->off ? es->pool.data + o : es->ch->pool.data + o;
}

static kt_err load_evidence(struct scan *sc, struct evsrc *es, int n)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT %s, city, address FROM %s WHERE id = ?",
		 is_company(sc->t->name) ? "NULL" : "birth_date", sc->t->name);
	es->off = calloc((size_t)n, sizeof *es->off);
	kt_err rc = es->off ? buf_append(&es->pool, "", 1) : ERR_NOMEM;
	for (int i = 0; i < n && !rc; i++) {
		struct db_stmt *s;
		rc = db_prepare(sc->ctx->conn, sql, &s);
		if (rc)
			break;
		db_bind_int64(s, 1, es->ch->rows[es->idx[i]].id);
		rc = db_step(s);
		for (int f = 0; f < 3 && rc == ERR_ROW; f++) {
			size_t len;
			const char *v = db_col_text(s, f, &len);
			char norm[604];
			if (v && f > 0) {
				ev_norm(v, len, norm, sizeof norm);
				v = norm;
				len = strlen(norm);
			}
			if (!v || !len)
				continue;
			es->off[i][f] = (uint32_t)es->pool.len;
			if (buf_append(&es->pool, v, len) || buf_append(&es->pool, "", 1))
				rc = ERR_NOMEM;
		}
		db_reset(s);
		rc = rc == ERR_ROW || rc == ERR_DONE ? ERR_OK : rc;
	}
	return rc;
}

struct evpos {
	const char *v;
	int pos;
};

static int cmp_evpos(const void *a, const void *b)
{
	const struct evpos *x = a, *y = b;
	int c = strcmp(x->v, y->v);
	return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

/* weak: rows idx[0..n) share a name (or, with split > 0, idx[0..split) and
 * idx[split..n) are names one edit apart).  A few of them are a group;
 * more are only a group where a birth date, an address or, for a few, a
 * city agrees too (and, for similar names, both names are in it). */
static kt_err weak(struct scan *sc, enum kind kind, const struct chunk *ch, const int *idx, int n, int split,
		   bool in_rows)
{
	if (n <= LIM_DEDUPE_SMALL) {
		for (int i = 0; i < n; i++)
			sc->ids[i] = ch->rows[idx[i]].id;
		return emit(sc, kind, sc->ids, n);
	}
	struct evsrc es = {ch, idx, {0}, NULL};
	buf_init(&es.pool, (size_t)n * 2048);
	kt_err rc = in_rows ? ERR_OK : load_evidence(sc, &es, n);
	struct evpos *order = rc ? NULL : malloc((size_t)n * sizeof *order);
	if (!rc && !order)
		rc = ERR_NOMEM;
	static const int FIELDS[] = {0, 2, 1}; /* birth date, address, city */
	for (int fi = 0; fi < 3 && !rc; fi++) {
		int f = FIELDS[fi];
		for (int i = 0; i < n; i++)
			order[i] = (struct evpos){ev_get(&es, i, f), i};
		qsort(order, (size_t)n, sizeof *order, cmp_evpos);
		for (int a = 0; a < n && !rc;) {
			int b = a + 1;
			while (b < n && strcmp(order[b].v, order[a].v) == 0)
				b++;
			int len = b - a;
			bool left = split == 0, right = split == 0;
			for (int i = a; i < b && split > 0; i++) {
				left |= order[i].pos < split;
				right |= order[i].pos >= split;
			}
			/* A shared city says something only among few namesakes. */
			bool city_ok = len <= LIM_DEDUPE_SMALL && n <= 4 * LIM_DEDUPE_SMALL;
			if (order[a].v[0] && len >= 2 && left && right && (f != 1 || city_ok)) {
				for (int i = 0; i < len; i++)
					sc->ids[i] = ch->rows[idx[order[a + i].pos]].id;
				rc = emit(sc, kind, sc->ids, len);
			}
			a = b;
		}
	}
	free(order);
	free(es.off);
	buf_clear(&es.pool);
	return rc;
}

static kt_err block_exact(struct scan *sc, enum kind kind, const struct chunk *ch, size_t b, size_t e)
{
	if (e - b < 2)
		return ERR_OK;
	int n = 0;
	for (size_t i = b; i < e && n < LIM_DEDUPE_BLOCK; i++)
		sc->ids[n++] = ch->rows[i].id;
	return emit(sc, kind, sc->ids, n);
}

static kt_err block_names(struct scan *sc, const struct pass *ps, const struct chunk *ch, size_t b, size_t e)
{
	kt_err rc = ERR_OK;
	bool exact = ps->mode == M_NAME && (sc->only < 0 || sc->only == K_NAME);
	bool similar = sc->only < 0 || sc->only == K_SIMILAR;
	/* runs[i]: where the i-th distinct name starts; runs[m] = e. */
	size_t m = 0;
	size_t *runs = malloc((e - b + 1) * sizeof *runs);
	if (!runs)
		return ERR_NOMEM;
	for (size_t i = b; i < e; i++)
		if (i == b || ch->rows[i].keylen != ch->rows[i - 1].keylen ||
		    memcmp(pool_str(ch, ch->rows[i].key), pool_str(ch, ch->rows[i - 1].key), ch->rows[i].keylen) != 0)
			runs[m++] = i;
	runs[m] = e;
	for (size_t r = 0; exact && r < m && !rc; r++) {
		int n = 0;
		for (size_t i = runs[r]; i < runs[r + 1]; i++)
			sc->idx[n++] = (int)i;
		if (n >= 2)
			rc = weak(sc, K_NAME, ch, sc->idx, n, 0, true);
	}
	for (size_t x = 0; similar && m <= LIM_DEDUPE_SIMILAR && x < m && !rc; x++) {
		const char *kx = pool_str(ch, ch->rows[runs[x]].key);
		for (size_t y = x + 1; y < m && !rc; y++) {
			const char *ky = pool_str(ch, ch->rows[runs[y]].key);
			if (!dedupe_within_one_edit(kx, ch->rows[runs[x]].keylen, ky, ch->rows[runs[y]].keylen))
				continue;
			int n = 0;
			for (size_t i = runs[x]; i < runs[x + 1]; i++)
				sc->idx[n++] = (int)i;
			int split = n;
			for (size_t i = runs[y]; i < runs[y + 1]; i++)
				sc->idx[n++] = (int)i;
			rc = weak(sc, K_SIMILAR, ch, sc->idx, n, split, ps->mode == M_NAME);
		}
	}
	free(runs);
	return rc;
}

/* run_pass: pass p from the key after; stops at a block's end once the
 * page is full (*done false, *last the block's last key). */
static kt_err run_pass(struct scan *sc, int p, const char *after, bool *done, char **last)
{
	const struct pass *ps = &sc->t->passes[p];
	struct chunk ch;
	memset(&ch, 0, sizeof ch);
	buf_init(&ch.pool, (size_t)LIM_DEDUPE_BLOCK * 2048);
	*done = false;
	*last = strdup(after);
	size_t limit = LIM_DEDUPE_CHUNK;
	kt_err rc = *last ? ERR_OK : ERR_NOMEM;
	while (!rc) {
		rc = read_chunk(sc, ps, *last, limit, &ch);
		if (rc)
			break;
		if (ch.n == 0) {
			*done = true;
			break;
		}
		bool full = ch.n == limit;
		size_t end = ch.n;
		if (full) {
			end = ch.n - 1;
			while (end > 0 && same_block(ps, &ch, end - 1, ch.n - 1))
				end--;
			if (end == 0 && limit < LIM_DEDUPE_BLOCK) {
				limit = limit * 4 < LIM_DEDUPE_BLOCK ? limit * 4 : LIM_DEDUPE_BLOCK;
				continue;
			}
			if (end == 0)
				end = ch.n; /* one block beyond LIM_DEDUPE_BLOCK: what fits */
		}
		for (size_t b = 0; b < end && !rc;) {
			size_t e = b + 1;
			while (e < end && same_block(ps, &ch, b, e))
				e++;
			rc = ps->mode == M_EXACT ? block_exact(sc, ps->kind, &ch, b, e) : block_names(sc, ps, &ch, b, e);
			char *k = strdup(pool_str(&ch, ch.rows[e - 1].key));
			if (!k)
				rc = ERR_NOMEM;
			free(*last);
			*last = k;
			b = e;
			if (!rc && (int)json_array_size(sc->items) >= sc->limit && (b < end || full)) {
				free(ch.rows);
				buf_clear(&ch.pool);
				return ERR_OK;
			}
		}
		if (!full) {
			*done = true;
			break;
		}
		limit = LIM_DEDUPE_CHUNK;
	}
	free(ch.rows);
	buf_clear(&ch.pool);
	return rc;
}

static kt_err bad(struct rec_ctx *ctx, const char *k, const char *msg)
{
	rec_error(ctx, k, msg);
	return ERR_BAD_QUERY;
}

static json_t *make_cursor(int p, const char *key)
{
	json_t *a = json_pack("[is]", p, key);
	char *text = a ? json_dumps(a, JSON_COMPACT) : NULL;
	json_decref(a);
	if (!text)
		return NULL;
	size_t n = strlen(text);
	char *enc = malloc(n * 4 / 3 + 8);
	json_t *out = NULL;
	if (enc && b64url_encode((const unsigned char *)text, n, enc, n * 4 / 3 + 8))
		out = json_string(enc);
	free(enc);
	free(text);
	return out;
}

static kt_err parse_cursor(struct rec_ctx *ctx, const char *c, int *p, char **key)
{
	size_t n = strlen(c);
	unsigned char raw[1024];
	size_t rn;
	if (n > 1300 || !b64url_decode(c, n, raw, sizeof raw, &rn))
		return bad(ctx, "cursor", "is not a cursor this server gave");
	json_t *a = json_loadb((const char *)raw, rn, 0, NULL);
	if (!json_is_array(a) || json_array_size(a) != 2 || !json_is_integer(json_array_get(a, 0)) ||
	    !json_is_string(json_array_get(a, 1)) || json_integer_value(json_array_get(a, 0)) < 0 ||
	    json_integer_value(json_array_get(a, 0)) >= NPASSES) {
		json_decref(a);
		return bad(ctx, "cursor", "is not a cursor this server gave");
	}
	*p = (int)json_integer_value(json_array_get(a, 0));
	*key = strdup(json_string_value(json_array_get(a, 1)));
	json_decref(a);
	return *key ? ERR_OK : ERR_NOMEM;
}

static bool pass_wanted(const struct scan *sc, const struct pass *ps)
{
	if (sc->only < 0)
		return true;
	if (sc->only == K_SIMILAR)
		return ps->mode != M_EXACT;
	return (int)ps->kind == sc->only;
}

kt_err dedupe_scan(struct rec_ctx *ctx, const struct entity *e, json_t *params, json_t **out)
{
	*out = NULL;
	struct scan sc;
	memset(&sc, 0, sizeof sc);
	sc.ctx = ctx;
	sc.t = table_of(e);
	sc.limit = 50;
	sc.only = -1;
	if (!sc.t)
		return bad(ctx, "entity", "must be contacts or companies");
	int start = 0;
	char *key = NULL;
	const char *k;
	json_t *v;
	kt_err rc = ERR_OK;
	json_object_foreach(params, k, v) {
		const char *s = json_string_value(v);
		if (!s)
			continue;
		if (strcmp(k, "entity") == 0) {
			continue;
		} else if (strcmp(k, "limit") == 0) {
			char *end;
			long long n = strtoll(s, &end, 10);
			if (!*s || *end || n < 1 || n > LIM_DEDUPE_PAGE)
				rc = bad(ctx, "limit", "must be an integer from 1 to 200");
			else
				sc.limit = (int)n;
		} else if (strcmp(k, "kind") == 0) {
			if (strcmp(s, sc.t->ident) == 0)
				sc.only = K_IDENT;
			for (int i = K_PHONE; i <= K_SIMILAR; i++)
				if (strcmp(s, KIND_NAMES[i]) == 0)
					sc.only = i;
			if (sc.only < 0)
				rc = bad(ctx, "kind", strcmp(sc.t->ident, "nip") == 0
							      ? "must be one of: nip, phone, email, name, similar_name"
							      : "must be one of: pesel, phone, email, name, similar_name");
		} else if (strcmp(k, "cursor") == 0) {
			free(key);
			key = NULL;
			rc = parse_cursor(ctx, s, &start, &key);
		} else {
			rc = bad(ctx, k, "is not a parameter of the duplicate scan");
		}
	}
	if (!rc)
		rc = record_scope(ctx, e, "", &sc.scope);
	if (rc) {
		free(key);
		return rc;
	}
	sc.items = json_array();
	sc.mem = calloc(LIM_DEDUPE_GROUP, sizeof *sc.mem);
	sc.ids = malloc(LIM_DEDUPE_BLOCK * sizeof *sc.ids);
	sc.idx = malloc(LIM_DEDUPE_BLOCK * sizeof *sc.idx);
	if (!sc.items || !sc.mem || !sc.ids || !sc.idx)
		rc = ERR_NOMEM;
	json_t *next = json_null();
	for (int p = start; p < NPASSES && !rc; p++) {
		const struct pass *ps = &sc.t->passes[p];
		if (!pass_wanted(&sc, ps))
			continue;
		if ((int)json_array_size(sc.items) >= sc.limit) {
			json_decref(next);
			next = make_cursor(p, "");
			if (!next)
				rc = ERR_NOMEM;
			break;
		}
		bool done = false;
		char *last = NULL;
		rc = run_pass(&sc, p, p == start && key ? key : "", &done, &last);
		if (!rc && !done) {
			json_decref(next);
			next = make_cursor(p, last ? last : "");
			if (!next)
				rc = ERR_NOMEM;
		}
		free(last);
		if (!done)
			break;
	}
	free(key);
	free(sc.mem);
	free(sc.ids);
	free(sc.idx);
	json_decref(sc.scope.args);
	if (rc) {
		json_decref(sc.items);
		json_decref(next);
		return rc;
	}
	*out = json_pack("{s:o, s:o}", "items", sc.items, "next_cursor", next);
	return *out ? ERR_OK : ERR_NOMEM;
}

/* ---- candidates for one record ----------------------------------------- */

struct cand {
	int64_t ids[64];
	int n;
	int64_t below;          /* ids from here on don't count (0: all do) */
};

static void cand_add(struct cand *c, int64_t id, int64_t exclude)
{
	if (id == exclude || c->n >= 64 || (c->below && id >= c->below))
		return;
	for (int i = 0; i < c->n; i++)
		if (c->ids[i] == id)
			return;
	c->ids[c->n++] = id;
}

static kt_err ids_where(struct rec_ctx *ctx, const char *sql, const char *value, struct cand *c, int64_t exclude)
{
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn, sql, &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, value);
	while ((rc = db_step(s)) == ERR_ROW)
		cand_add(c, db_col_int64(s, 0), exclude);
	db_reset(s);
	return rc == ERR_DONE ? ERR_OK : rc;
}

/* name_matches: records whose name key is key (or, with similar, one edit
 * away within its block of column col); few of them all count, more only
 * where the birth date or address agrees too. */
static kt_err name_matches(struct rec_ctx *ctx, const struct table *t, const char *col, const char *key,
			   bool similar, bool strong_only, const char *birth, const char *address, struct cand *c,
			   int64_t exclude)
{
	char sql[400];
	bool company = is_company(t->name);
	size_t kl = strlen(key);
	char lo[DEDUPE_KEY_CAP + 2], hi[DEDUPE_KEY_CAP + 2];
	if (similar) {
		/* The block is every key starting with the same prefix: from the
		 * prefix up to (not including) the prefix with its last character
		 * raised by one code point; byte order is code point order. */
		size_t bl = name_block_len(key, kl);
		const char *sp = memchr(key, ' ', bl);
		uint32_t cp;
		if (!sp || bl == kl || !utf8_decode(sp + 1, bl - (size_t)(sp + 1 - key), &cp) || cp >= 0x10FFFF)
			return ERR_OK;
		size_t head = (size_t)(sp + 1 - key);
		memcpy(lo, key, bl);
		lo[bl] = '\0';
		memcpy(hi, key, head);
		cp = cp + 1 == 0xD800 ? 0xE000 : cp + 1;
		size_t j = head;
		if (cp < 0x80) {
			hi[j++] = (char)cp;
		} else if (cp < 0x800) {
			hi[j++] = (char)(0xC0 | (cp >> 6));
			hi[j++] = (char)(0x80 | (cp & 0x3F));
		} else if (cp < 0x10000) {
			hi[j++] = (char)(0xE0 | (cp >> 12));
			hi[j++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			hi[j++] = (char)(0x80 | (cp & 0x3F));
		} else {
			hi[j++] = (char)(0xF0 | (cp >> 18));
			hi[j++] = (char)(0x80 | ((cp >> 12) & 0x3F));
			hi[j++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			hi[j++] = (char)(0x80 | (cp & 0x3F));
		}
		hi[j] = '\0';
		snprintf(sql, sizeof sql,
			 "SELECT %s, id, %s, address FROM %s WHERE deleted_at IS NULL AND %s >= ? AND %s < ?"
			 " ORDER BY %s LIMIT 2001", col, company ? "NULL" : "birth_date", t->name, col, col, col);
	} else {
		snprintf(sql, sizeof sql,
			 "SELECT %s, id, %s, address FROM %s WHERE deleted_at IS NULL AND %s = ? LIMIT 2001", col,
			 company ? "NULL" : "birth_date", t->name, col);
	}
	struct db_stmt *s;
	kt_err rc = db_prepare(ctx->conn, sql, &s);
	if (rc)
		return rc;
	db_bind_str(s, 1, similar ? lo : key);
	if (similar)
		db_bind_str(s, 2, hi);
	struct hit {
		int64_t id;
		bool strong;
	} *hits = malloc(2001 * sizeof *hits);
	if (!hits) {
		db_reset(s);
		return ERR_NOMEM;
	}
	char addr_n[604], norm[604];
	ev_norm(address, address ? strlen(address) : 0, addr_n, sizeof addr_n);
	int n = 0;
	while ((rc = db_step(s)) == ERR_ROW && n < 2001) {
		size_t len;
		const char *k = db_col_text(s, 0, &len);
		if (!k || (similar && (strcmp(k, key) == 0 || !dedupe_within_one_edit(k, len, key, kl))))
			continue;
		if (db_col_int64(s, 1) == exclude || (c->below && db_col_int64(s, 1) >= c->below))
			continue;
		const char *b = db_col_text(s, 2, NULL);
		const char *a = db_col_text(s, 3, &len);
		ev_norm(a, len, norm, sizeof norm);
		hits[n].id = db_col_int64(s, 1);
		hits[n].strong = (birth && *birth && b && strcmp(b, birth) == 0) || (addr_n[0] && strcmp(norm, addr_n) == 0);
		n++;
	}
	db_reset(s);
	if (rc == ERR_DONE || rc == ERR_ROW)
		rc = ERR_OK;
	for (int i = 0; i < n && !rc; i++)
		if ((n <= LIM_DEDUPE_SMALL && !strong_only) || hits[i].strong)
			cand_add(c, hits[i].id, exclude);
	free(hits);
	return rc;
}

static int cmp_score(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t sx = json_integer_value(json_object_get(x, "score")), sy = json_integer_value(json_object_get(y, "score"));
	return sx < sy ? 1 : sx > sy ? -1 : 0;
}

kt_err dedupe_candidates(struct rec_ctx *ctx, const struct entity *e, json_t *rec, int64_t exclude_id,
			 int64_t below_id, bool exact_only, json_t **out)
{
	*out = NULL;
	const struct table *t = e ? table_of(e) : NULL;
	if (!t)
		return ERR_INVALID;
	bool company = is_company(t->name);
	struct cand c = {.n = 0, .below = below_id};
	kt_err rc = ERR_OK;
	char sql[200];
	const char *v = json_string_value(json_object_get(rec, t->ident));
	if (v && *v) {
		snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE %s = ? AND deleted_at IS NULL LIMIT 50", t->name, t->ident);
		rc = ids_where(ctx, sql, v, &c, exclude_id);
	}
	v = json_string_value(json_object_get(rec, "phone"));
	if (!rc && v && *v) {
		snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE phone = ? AND deleted_at IS NULL LIMIT 50", t->name);
		rc = ids_where(ctx, sql, v, &c, exclude_id);
	}
	v = json_string_value(json_object_get(rec, "email"));
	if (!rc && v && *v) {
		snprintf(sql, sizeof sql,
			 "SELECT id FROM %s WHERE email IS NOT NULL AND LOWER(email) = LOWER(?) AND deleted_at IS NULL LIMIT 50",
			 t->name);
		rc = ids_where(ctx, sql, v, &c, exclude_id);
	}
	json_t *a = json_object_get(rec, company ? "name" : "first_name");
	json_t *b = company ? NULL : json_object_get(rec, "last_name");
	char k1[DEDUPE_KEY_CAP], k2[DEDUPE_KEY_CAP];
	const char *birth = company ? NULL : json_string_value(json_object_get(rec, "birth_date"));
	const char *address = json_string_value(json_object_get(rec, "address"));
	bool named = dedupe_name_keys(json_string_value(a), json_string_length(a), json_string_value(b),
				      json_string_length(b), company, k1, k2);
	if (!rc && named) {
		if (exact_only) {
			if ((birth && *birth) || (address && *address))
				rc = name_matches(ctx, t, "name_key", k1, false, true, birth ? birth : "", address, &c, exclude_id);
		} else {
			rc = name_matches(ctx, t, "name_key", k1, false, false, birth, address, &c, exclude_id);
			if (!rc)
				rc = name_matches(ctx, t, "name_key", k1, true, false, birth, address, &c, exclude_id);
			if (!rc)
				rc = name_matches(ctx, t, "name_key2", k2, true, false, birth, address, &c, exclude_id);
		}
	}
	if (rc)
		return rc;
	json_t *list = json_array();
	if (c.n == 0) {
		*out = list;
		return list ? ERR_OK : ERR_NOMEM;
	}
	struct rec_cond scope;
	rc = list ? record_scope(ctx, e, "", &scope) : ERR_NOMEM;
	if (rc) {
		json_decref(list);
		return rc;
	}
	/* The new record as a member, so evidence compares each with it. */
	struct member *m = calloc(2, sizeof *m);
	if (!m)
		rc = ERR_NOMEM;
	if (!rc) {
		v = json_string_value(json_object_get(rec, "phone"));
		snprintf(m[0].phone, sizeof m[0].phone, "%s", v ? v : "");
		v = json_string_value(json_object_get(rec, "email"));
		snprintf(m[0].email, sizeof m[0].email, "%s", v ? v : "");
		for (char *p = m[0].email; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		v = json_string_value(json_object_get(rec, "city"));
		ev_norm(v, v ? strlen(v) : 0, m[0].city, sizeof m[0].city);
		ev_norm(address, address ? strlen(address) : 0, m[0].address, sizeof m[0].address);
		snprintf(m[0].birth, sizeof m[0].birth, "%s", birth ? birth : "");
		v = json_string_value(json_object_get(rec, t->ident));
		snprintf(m[0].ident, sizeof m[0].ident, "%s", v ? v : "");
		snprintf(m[0].key, sizeof m[0].key, "%s", named ? k1 : "");
		fold_key(json_string_value(a) ? json_string_value(a) : "", json_string_length(a) < 200 ? json_string_length(a) : 200,
			 m[0].first, sizeof m[0].first);
		fold_key(json_string_value(b) ? json_string_value(b) : "", json_string_length(b) < 200 ? json_string_length(b) : 200,
			 m[0].last, sizeof m[0].last);
	}
	for (int i = 0; i < c.n && !rc; i++) {
		bool found;
		rc = load_member(ctx, t, &scope, c.ids[i], &m[1], &found);
		if (rc || !found)
			continue;
		unsigned ev = evidence(m, 2, true);
		json_object_set_new(m[1].rec, "score", json_integer(score_of(ev)));
		json_object_set_new(m[1].rec, "evidence", evidence_json(ev, t->ident));
		if (ev)
			json_array_append(list, m[1].rec);
		json_decref(m[1].rec);
	}
	free(m);
	json_decref(scope.args);
	if (rc) {
		json_decref(list);
		return rc;
	}
	size_t n = json_array_size(list);
	json_t **items = malloc((n ? n : 1) * sizeof *items);
	if (!items) {
		json_decref(list);
		return ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++)
		items[i] = json_incref(json_array_get(list, i));
	qsort(items, n, sizeof *items, cmp_score);
	json_array_clear(list);
	for (size_t i = 0; i < n; i++) {
		if (i < LIM_DEDUPE_CANDIDATES)
			json_array_append(list, items[i]);
		json_decref(items[i]);
	}
	free(items);
	*out = list;
	return ERR_OK;
}
