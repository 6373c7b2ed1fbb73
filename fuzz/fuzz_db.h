/* fuzz_db.h: the database the record and query harnesses run against, made
 * once per process: an in-memory SQLite database through src/db with every
 * migration applied and a small office in it (departments, four users of
 * each role, custom fields of every type, companies, clients with shared
 * names, activities with and without a time, inquiries, notes, articles).
 * Header-only: scripts/fuzz builds one .c per harness.  Also what those
 * harnesses share: CHECK, libFuzzer's initialiser (which opens the
 * database) and fuzz_pick (an entity and an actor from one byte).  Not
 * here: what a harness checks. */
#ifndef KT_FUZZ_DB_H
#define KT_FUZZ_DB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "core/log.h"
#include "crm/entities.h"
#include "db/db.h"
#include "db/migrate.h"
#include "model/record.h"

/* fuzz_text_same: the text a reply of v would carry (jsonw) is the text
 * jansson writes for it, and there is one; both are printed when not. */
static inline bool fuzz_text_same(const json_t *v)
{
	size_t n = 0;
	char *ours = jsonw_dumps(v, &n), *theirs = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	bool same = ours && theirs && strcmp(ours, theirs) == 0 && n == strlen(theirs);
	if (!same)
		fprintf(stderr, "jsonw: %s\njansson: %s\n", ours ? ours : "(none)", theirs ? theirs : "(none)");
	free(ours);
	free(theirs);
	return same;
}

/* Every request of the harnesses happens at this moment (2027-01-15). */
#define FUZZ_NOW 1800000000

/* The server hashes a password before the transaction and hands the hash
 * down (rec_ctx.pw_plain/pw_hash); the harnesses give this one instead of
 * spending 60 ms on argon2id. */
#define FUZZ_PW_HASH "$argon2id$v=19$m=65536,t=2,p=1$ZnV6ei1zYWx0LTEyMzQ$ZnV6ei1oYXNoLWZ1enotaGFzaC1mdXp6LWhhc2g"

/* The seeded users, by role: ids 1..4. */
struct fuzz_actor {
	int64_t user_id;
	enum role role;
	int64_t department_id;
};
static const struct fuzz_actor FUZZ_ACTORS[] = {
	{1, ROLE_ADMIN, 1}, {2, ROLE_AGENT, 1}, {3, ROLE_MANAGER, 2}, {4, ROLE_AGENT, 2},
};

static struct db *fuzz_db;
static struct db_conn *fuzz_conn;

static void fuzz_ctx(struct rec_ctx *ctx, const struct fuzz_actor *a)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->conn = fuzz_conn;
	ctx->user_id = a ? a->user_id : 0;
	ctx->role = a ? a->role : ROLE_ADMIN;
	ctx->department_id = a ? a->department_id : 0;
	ctx->now = FUZZ_NOW;
	ctx->default_cc = "48";
	ctx->lookup = entities_find;
}

static void fuzz_die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_db: %s: %s\n", what, detail ? detail : "");
	abort();
}

/* fuzz_seed_one: creates one record of entity from json as actor a (NULL:
 * the system) and commits it; any failure stops the process. */
static void fuzz_seed_one(const struct fuzz_actor *a, const char *entity, const char *json)
{
	struct rec_ctx ctx;
	fuzz_ctx(&ctx, a);
	json_error_t jerr;
	json_t *in = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
	if (!in)
		fuzz_die(json, jerr.text);
	json_t *pw = json_object_get(in, "password");
	ctx.pw_plain = json_string_value(pw);
	ctx.pw_hash = FUZZ_PW_HASH;
	json_t *out = NULL;
	if (db_begin(fuzz_conn, true))
		fuzz_die("begin", db_errmsg(fuzz_conn));
	kt_err rc = record_create(&ctx, entities_find(entity), in, &out);
	if (rc) {
		char *e = ctx.errors ? json_dumps(ctx.errors, 0) : NULL;
		fprintf(stderr, "fuzz_db: seeding %s failed: rc=%d %s %s\n", entity, (int)rc, e ? e : "",
			db_errmsg(fuzz_conn));
		abort();
	}
	if (db_commit(fuzz_conn))
		fuzz_die("commit", db_errmsg(fuzz_conn));
	json_decref(out);
	json_decref(in);
	rec_ctx_clear(&ctx);
}

/* fuzz_seed_patch: applies json to record id of entity as the system and
 * commits it (a history row each); any failure stops the process. */
static void fuzz_seed_patch(const char *entity, int64_t id, const char *json)
{
	struct rec_ctx ctx;
	fuzz_ctx(&ctx, NULL);
	json_t *in = json_loads(json, 0, NULL), *out = NULL, *cur = NULL;
	const struct entity *e = entities_find(entity);
	if (!in || db_begin(fuzz_conn, true) || record_get(&ctx, e, id, false, &cur))
		fuzz_die("patch", json);
	kt_err rc = record_update(&ctx, e, id, in, json_integer_value(json_object_get(cur, "version")), &out);
	if (rc || db_commit(fuzz_conn))
		fuzz_die("patch", json);
	json_decref(cur);
	json_decref(out);
	json_decref(in);
	rec_ctx_clear(&ctx);
}

static void fuzz_db_open(void)
{
	log_min_level = LOG_OFF; /* a refused request is no news here */
	struct db_options o = {.sqlite_path = ":memory:", .pool_size = 1, .create = true};
	if (db_open(&o, &fuzz_db) || db_migrate(fuzz_db, NULL) || db_conn_acquire(fuzz_db, &fuzz_conn))
		fuzz_die("open", ":memory:");
	const struct fuzz_actor *admin = &FUZZ_ACTORS[0], *agent = &FUZZ_ACTORS[1];
	static const char *const system[][2] = {
		{"departments", "{\"name\": \"Sprzedaż\"}"},
		{"departments", "{\"name\": \"Obsługa klienta\"}"},
		{"users", "{\"login\": \"anna\", \"name\": \"Anna Wiśniewska\", \"role\": \"admin\", \"department_id\": 1,"
			  " \"email\": \"anna@example.com\", \"password\": \"haslo-anny-1\"}"},
		{"users", "{\"login\": \"marek\", \"name\": \"Marek Zieliński\", \"role\": \"agent\", \"department_id\": 1,"
			  " \"password\": \"haslo-marka\"}"},
		{"users", "{\"login\": \"ewa\", \"name\": \"Ewa Łukasik\", \"role\": \"manager\", \"department_id\": 2,"
			  " \"time_zone\": \"Europe/London\", \"locale\": \"en\", \"password\": \"haslo-ewy-1\"}"},
		{"users", "{\"login\": \"jan\", \"name\": \"Jan Ćwik\", \"role\": \"agent\", \"department_id\": 2,"
			  " \"password\": \"haslo-jana\"}"},
		{"custom_fields", "{\"entity\": \"contacts\", \"name\": \"nr_klienta\", \"label\": \"Nr klienta\", \"type\": \"text\"}"},
		{"custom_fields", "{\"entity\": \"contacts\", \"name\": \"budzet\", \"label\": \"Budżet\", \"type\": \"currency\"}"},
		{"custom_fields", "{\"entity\": \"contacts\", \"name\": \"ocena\", \"label\": \"Ocena\", \"type\": \"number\"}"},
		{"custom_fields", "{\"entity\": \"contacts\", \"name\": \"data_umowy\", \"label\": \"Data umowy\", \"type\": \"date\"}"},
		{"custom_fields", "{\"entity\": \"contacts\", \"name\": \"zrodlo\", \"label\": \"Źródło\", \"type\": \"select\","
				  " \"options\": [{\"value\": \"www\", \"label\": \"Strona\", \"color\": \"#ffffff\"},"
				  " {\"value\": \"polecenie\", \"short_name\": \"pol\"}]}"},
		{"custom_fields", "{\"entity\": \"companies\", \"name\": \"branza\", \"label\": \"Branża\", \"type\": \"select\","
				  " \"options\": [{\"value\": \"turystyka\"}, {\"value\": \"edukacja\"}]}"},
		{"custom_fields", "{\"entity\": \"inquiries\", \"name\": \"kraj\", \"label\": \"Kraj\", \"type\": \"text\","
				  " \"required\": true}"},
		{"procedures", "{\"name\": \"Nowy klient\", \"steps\": [{\"subject\": \"Telefon powitalny\", \"kind\": \"call\","
			       " \"day_offset\": 0}, {\"subject\": \"Oferta\", \"kind\": \"email\", \"day_offset\": 2}]}"},
	};
	for (size_t i = 0; i < sizeof system / sizeof system[0]; i++)
		fuzz_seed_one(NULL, system[i][0], system[i][1]);
	static const char *const office[][2] = {
		{"companies", "{\"name\": \"Biuro Podróży Słońce\", \"nip\": \"526-104-83-10\", \"city\": \"Łódź\","
			      " \"phone\": \"+48 42 123 45 67\", \"custom\": {\"branza\": \"turystyka\"}}"},
		{"companies", "{\"name\": \"Szkoła Języków Obcych Lingua\", \"nip\": \"9512354409\", \"city\": \"Kraków\","
			      " \"email\": \"biuro@lingua.example.pl\", \"visibility\": \"department\"}"},
		{"companies", "{\"name\": \"Biuro Podróży Słońce\", \"city\": \"Gdańsk\", \"visibility\": \"private\"}"},
		{"companies", "{\"name\": \"Żabka Nieruchomości\", \"nip\": \"1130004563\", \"regon\": \"123456785\"}"},
		{"contacts", "{\"first_name\": \"Jan\", \"last_name\": \"Kowalski\", \"phone\": \"601 234 567\","
			     " \"email\": \"jan.kowalski@example.com\", \"city\": \"Łódź\", \"company_id\": 1,"
			     " \"custom\": {\"nr_klienta\": \"K-1\", \"budzet\": 1500000, \"zrodlo\": \"www\"}}"},
		{"contacts", "{\"first_name\": \"Anna\", \"last_name\": \"Kowalska\", \"phone\": \"+48 602-000-111\","
			     " \"city\": \"Łódź\", \"kind\": \"customer\", \"birth_date\": \"1980-11-23\"}"},
		{"contacts", "{\"first_name\": \"Zofia\", \"last_name\": \"Kowalski\", \"city\": \"Kraków\","
			     " \"visibility\": \"private\", \"custom\": {\"ocena\": 4.5, \"data_umowy\": \"2026-03-01\"}}"},
		{"contacts", "{\"first_name\": \"Łukasz\", \"last_name\": \"Żółć\", \"email\": \"LUKASZ@Example.PL\","
			     " \"visibility\": \"department\", \"archived\": true}"},
		{"contacts", "{\"last_name\": \"Nowak\", \"pesel\": \"44051401458\", \"owner_id\": 3}"},
		{"contacts", "{\"first_name\": \"Ewa\", \"last_name\": \"nowak\", \"phone\": \"0048 500 600 700\", \"owner_id\": 4,"
			     " \"visibility\": \"department\"}"},
		{"contacts", "{\"first_name\": \"Ola\", \"last_name\": \"Ćwiklińska\", \"company_id\": 2, \"kind\": \"company_contact\"}"},
		{"contacts", "{\"first_name\": \"\", \"last_name\": \"Kowalski\", \"city\": \"\"}"},
		{"activities", "{\"kind\": \"call\", \"subject\": \"Oddzwonić w sprawie oferty\", \"contact_id\": 1,"
			       " \"starts_at\": \"2027-01-16T09:00:00Z\", \"duration_min\": 15, \"remind_before_min\": 30}"},
		{"activities", "{\"kind\": \"task\", \"subject\": \"Przygotować umowę\", \"priority\": \"high\"}"},
		{"activities", "{\"kind\": \"meeting\", \"subject\": \"Spotkanie w biurze\", \"company_id\": 1,"
			       " \"starts_at\": \"2027-01-10T12:00:00Z\", \"ends_at\": \"2027-01-10T13:30:00Z\", \"assignee_id\": 2}"},
		{"activities", "{\"kind\": \"email\", \"subject\": \"Wysłać katalog\", \"starts_at\": \"2027-01-16T09:00:00Z\","
			       " \"visibility\": \"private\", \"assignee_id\": 4}"},
		{"activities", "{\"kind\": \"task\", \"subject\": \"Podzadanie\", \"parent_id\": 2, \"status\": \"done\"}"},
		{"inquiries", "{\"title\": \"Wycieczka do Grecji\", \"contact_id\": 1, \"value\": 1299900,"
			      " \"planned_close_date\": \"2027-02-01\", \"custom\": {\"kraj\": \"Grecja\"}}"},
		{"inquiries", "{\"title\": \"Kurs angielskiego\", \"contact_id\": 2, \"outcome\": \"won\","
			      " \"custom\": {\"kraj\": \"Polska\"}, \"visibility\": \"private\"}"},
		{"notes", "{\"body\": \"Dzwonił, prosi o kontakt po 15.\", \"contact_id\": 1}"},
		{"notes", "{\"body\": \"Notatka wewnętrzna\"}"},
		{"notes", "{\"body\": \"Do zapytania\", \"inquiry_id\": 1}"},
		{"announcements", "{\"title\": \"Zebranie\", \"body\": \"W piątek o **10:00**.\", \"audience_everyone\": true}"},
		{"announcements", "{\"title\": \"Dla sprzedaży\", \"body\": \"Nowy cennik\", \"audience_departments\": [1],"
				  " \"audience_roles\": [\"agent\"]}"},
		{"kb_articles", "{\"title\": \"Jak wystawić fakturę\", \"body\": \"# Faktura\\nKrok po kroku: *NIP*, kwota.\","
				" \"tags\": [\"faktury\", \"Księgowość\"]}"},
		{"kb_articles", "{\"title\": \"Reklamacje\", \"body\": \"Termin 14 dni.\", \"tags\": [\"obsługa\"]}"},
	};
	for (size_t i = 0; i < sizeof office / sizeof office[0]; i++)
		fuzz_seed_one(i % 3 == 1 ? agent : admin, office[i][0], office[i][1]);
	/* A history of several pages for contact 1. */
	static const char *const moves[] = {"{\"city\": \"Kraków\"}", "{\"city\": \"Gdańsk\", \"kind\": \"customer\"}",
					    "{\"city\": null, \"archived\": true}", "{\"archived\": false}"};
	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
		fuzz_seed_patch("contacts", 1, moves[i]);
	/* One of each in the trash, for ?trash=1. */
	if (db_exec(fuzz_conn, "UPDATE contacts SET deleted_at = 1799990000 WHERE id = 8") ||
	    db_exec(fuzz_conn, "UPDATE companies SET deleted_at = 1799990000 WHERE id = 4"))
		fuzz_die("trash", db_errmsg(fuzz_conn));
}

/* CHECK: a harness's assertion; a failure names the harness's line and
 * aborts, which libFuzzer reports as a crash with its input kept. */
#define CHECK(x)                                                                     \
	do {                                                                         \
		if (!(x)) {                                                          \
			fprintf(stderr, "%s:%d: CHECK(%s)\n", __FILE__, __LINE__, #x); \
			abort();                                                     \
		}                                                                    \
	} while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_db_open();
	return 0;
}

/* fuzz_pick: the entity bits 0-3 of b name (modulo their number) and the
 * actor bits 4-5 name. */
static inline void fuzz_pick(uint8_t b, const struct entity **e, const struct fuzz_actor **a)
{
	const struct entity *const *all = entities_all();
	int n = 0;
	while (all[n])
		n++;
	*e = all[(b & 0x0f) % n];
	*a = &FUZZ_ACTORS[(b >> 4) & 3];
}

#endif
