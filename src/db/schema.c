/* schema.c: Kontakt's migrations, oldest first.  Never edit a landed one;
 * add a new one at the end.  Dialect tokens: see schema.h. */
#include "db/schema.h"

#include <stddef.h>

/* Columns every mutable record has (besides id). */
#define STD_COLS \
	"version BIGINT NOT NULL DEFAULT 1, " \
	"created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, deleted_at BIGINT, " \
	"created_by BIGINT, updated_by BIGINT"

static const char *const M0001[] = {
	"CREATE TABLE departments (id @PK@, name TEXT NOT NULL, " STD_COLS ")",
	"CREATE UNIQUE INDEX departments_name ON departments(name) WHERE deleted_at IS NULL",
	"CREATE INDEX departments_live ON departments(updated_at, id) WHERE deleted_at IS NULL",
	"CREATE TABLE users (id @PK@, login TEXT NOT NULL, name TEXT NOT NULL DEFAULT '', email TEXT,"
	" role TEXT NOT NULL, department_id BIGINT REFERENCES departments(id),"
	" time_zone TEXT NOT NULL DEFAULT 'Europe/Warsaw', locale TEXT NOT NULL DEFAULT 'pl',"
	" active INTEGER NOT NULL DEFAULT 1, password_hash TEXT NOT NULL, " STD_COLS ")",
	"CREATE UNIQUE INDEX users_login ON users(login)",
	"CREATE INDEX users_live ON users(updated_at, id) WHERE deleted_at IS NULL",
	"CREATE INDEX users_name ON users(name, id) WHERE deleted_at IS NULL",
	"CREATE INDEX users_department ON users(department_id)",
	"CREATE TABLE sessions (id_hash TEXT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users(id),"
	" csrf TEXT NOT NULL, created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL)",
	"CREATE INDEX sessions_user ON sessions(user_id)",
	"CREATE TABLE api_tokens (id @PK@, user_id BIGINT NOT NULL REFERENCES users(id),"
	" name TEXT NOT NULL, token_hash TEXT NOT NULL, created_at BIGINT NOT NULL,"
	" last_used_at BIGINT, revoked_at BIGINT)",
	"CREATE UNIQUE INDEX api_tokens_hash ON api_tokens(token_hash)",
	"CREATE INDEX api_tokens_user ON api_tokens(user_id, id)",
	"CREATE TABLE login_failures (key TEXT PRIMARY KEY, window_start BIGINT NOT NULL,"
	" count INTEGER NOT NULL)",
	"CREATE TABLE history (id @PK@, entity TEXT NOT NULL, record_id BIGINT NOT NULL,"
	" user_id BIGINT, at BIGINT NOT NULL, action TEXT NOT NULL, changes TEXT NOT NULL)",
	"CREATE INDEX history_record ON history(entity, record_id, id)",
	"CREATE TABLE custom_fields (id @PK@, entity TEXT NOT NULL, name TEXT NOT NULL,"
	" label TEXT NOT NULL, type TEXT NOT NULL, options TEXT, position INTEGER NOT NULL DEFAULT 0,"
	" required INTEGER NOT NULL DEFAULT 0, " STD_COLS ")",
	"CREATE UNIQUE INDEX custom_fields_name ON custom_fields(entity, name) WHERE deleted_at IS NULL",
	"CREATE INDEX custom_fields_live ON custom_fields(updated_at, id) WHERE deleted_at IS NULL",
	"CREATE INDEX custom_fields_pos ON custom_fields(entity, position, id) WHERE deleted_at IS NULL",
	"CREATE TABLE companies (id @PK@, name TEXT NOT NULL, nip TEXT, regon TEXT, phone TEXT,"
	" email TEXT, city TEXT, address TEXT, owner_id BIGINT REFERENCES users(id),"
	" custom TEXT NOT NULL DEFAULT '{}', " STD_COLS ")",
	"CREATE INDEX companies_live ON companies(updated_at, id) WHERE deleted_at IS NULL",
	"CREATE INDEX companies_name ON companies(name, id) WHERE deleted_at IS NULL",
	"CREATE INDEX companies_created ON companies(created_at, id) WHERE deleted_at IS NULL",
	"CREATE INDEX companies_nip ON companies(nip)",
	"CREATE INDEX companies_owner ON companies(owner_id)",
	"CREATE INDEX companies_trash ON companies(deleted_at, id) WHERE deleted_at IS NOT NULL",
	"@SEARCH:companies@",
	"CREATE TABLE contacts (id @PK@, first_name TEXT NOT NULL DEFAULT '', last_name TEXT NOT NULL,"
	" kind TEXT NOT NULL DEFAULT 'lead', company_id BIGINT REFERENCES companies(id),"
	" phone TEXT, email TEXT, city TEXT, address TEXT, birth_date TEXT, pesel TEXT,"
	" owner_id BIGINT REFERENCES users(id), status TEXT NOT NULL DEFAULT 'active',"
	" close_reason_id BIGINT, archived INTEGER NOT NULL DEFAULT 0,"
	" custom TEXT NOT NULL DEFAULT '{}', " STD_COLS ")",
	"CREATE INDEX contacts_live ON contacts(updated_at, id) WHERE deleted_at IS NULL",
	"CREATE INDEX contacts_last_name ON contacts(last_name, id) WHERE deleted_at IS NULL",
	"CREATE INDEX contacts_first_name ON contacts(first_name, id) WHERE deleted_at IS NULL",
	"CREATE INDEX contacts_created ON contacts(created_at, id) WHERE deleted_at IS NULL",
	"CREATE INDEX contacts_city ON contacts(city, id) WHERE deleted_at IS NULL",
	"CREATE INDEX contacts_company ON contacts(company_id, id)",
	"CREATE INDEX contacts_owner ON contacts(owner_id, id)",
	"CREATE INDEX contacts_phone ON contacts(phone)",
	"CREATE INDEX contacts_email ON contacts(email)",
	"CREATE INDEX contacts_kind ON contacts(kind, id) WHERE deleted_at IS NULL",
	"CREATE INDEX contacts_status ON contacts(status, id) WHERE deleted_at IS NULL",
	"CREATE INDEX contacts_trash ON contacts(deleted_at, id) WHERE deleted_at IS NOT NULL",
	"@SEARCH:contacts@",
	NULL,
};

static const char *const M0002[] = {
	"CREATE TABLE jobs (id @PK@, kind TEXT NOT NULL, payload TEXT NOT NULL DEFAULT '{}',"
	" state TEXT NOT NULL DEFAULT 'queued', run_at BIGINT NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL DEFAULT 5,"
	" locked_by TEXT, locked_until BIGINT, last_error TEXT, dedupe_key TEXT,"
	" created_at BIGINT NOT NULL, finished_at BIGINT)",
	"CREATE INDEX jobs_due ON jobs(state, run_at, id)",
	"CREATE UNIQUE INDEX jobs_dedupe ON jobs(dedupe_key) WHERE dedupe_key IS NOT NULL",
	"CREATE TABLE schedules (name TEXT PRIMARY KEY, interval_s BIGINT NOT NULL,"
	" next_run_at BIGINT NOT NULL)",
	NULL,
};

static const char *const M0003[] = {
	"CREATE TABLE action_types (id @PK@, name TEXT NOT NULL, name_en TEXT, short_name TEXT,"
	" kind TEXT NOT NULL DEFAULT 'task', color TEXT, background TEXT,"
	" position INTEGER NOT NULL DEFAULT 0, " STD_COLS ")",
	"CREATE INDEX action_types_pos ON action_types(position, id) WHERE deleted_at IS NULL",
	"CREATE INDEX action_types_live ON action_types(updated_at, id) WHERE deleted_at IS NULL",
	"CREATE TABLE activities (id @PK@, kind TEXT NOT NULL, action_type_id BIGINT REFERENCES action_types(id),"
	" subject TEXT NOT NULL, note TEXT, status TEXT NOT NULL DEFAULT 'planned',"
	" starts_at BIGINT, ends_at BIGINT, duration_min INTEGER NOT NULL DEFAULT 0,"
	" priority TEXT NOT NULL DEFAULT 'normal', percent_done INTEGER NOT NULL DEFAULT 0,"
	" place TEXT, goal TEXT, assignee_id BIGINT NOT NULL REFERENCES users(id),"
	" parent_id BIGINT REFERENCES activities(id), contact_id BIGINT REFERENCES contacts(id),"
	" company_id BIGINT REFERENCES companies(id), inquiry_id BIGINT, deal_id BIGINT,"
	" remind_before_min INTEGER, done_at BIGINT, " STD_COLS ")",
	"CREATE INDEX activities_live ON activities(updated_at, id) WHERE deleted_at IS NULL",
	"CREATE INDEX activities_created ON activities(created_at, id) WHERE deleted_at IS NULL",
	"CREATE INDEX activities_starts ON activities(starts_at, id) WHERE deleted_at IS NULL",
	"CREATE INDEX activities_assignee_starts ON activities(assignee_id, starts_at) WHERE deleted_at IS NULL",
	"CREATE INDEX activities_open ON activities(assignee_id, status, starts_at) WHERE deleted_at IS NULL",
	"CREATE INDEX activities_contact ON activities(contact_id, starts_at) WHERE contact_id IS NOT NULL",
	"CREATE INDEX activities_company ON activities(company_id, starts_at) WHERE company_id IS NOT NULL",
	"CREATE INDEX activities_inquiry ON activities(inquiry_id) WHERE inquiry_id IS NOT NULL",
	"CREATE INDEX activities_deal ON activities(deal_id) WHERE deal_id IS NOT NULL",
	"CREATE INDEX activities_parent ON activities(parent_id) WHERE parent_id IS NOT NULL",
	"CREATE INDEX activities_trash ON activities(deleted_at, id) WHERE deleted_at IS NOT NULL",
	"@SEARCH:activities@",
	"CREATE TABLE notes (id @PK@, body TEXT NOT NULL, contact_id BIGINT REFERENCES contacts(id),"
	" company_id BIGINT REFERENCES companies(id), inquiry_id BIGINT, deal_id BIGINT, " STD_COLS ")",
	"CREATE INDEX notes_live ON notes(updated_at, id) WHERE deleted_at IS NULL",
	"CREATE INDEX notes_created ON notes(created_at, id) WHERE deleted_at IS NULL",
	"CREATE INDEX notes_contact ON notes(contact_id, created_at) WHERE contact_id IS NOT NULL",
	"CREATE INDEX notes_company ON notes(company_id, created_at) WHERE company_id IS NOT NULL",
	"CREATE INDEX notes_trash ON notes(deleted_at, id) WHERE deleted_at IS NOT NULL",
	"CREATE TABLE procedures (id @PK@, name TEXT NOT NULL, steps TEXT NOT NULL DEFAULT '[]', " STD_COLS ")",
	"CREATE INDEX procedures_live ON procedures(updated_at, id) WHERE deleted_at IS NULL",
	"CREATE INDEX procedures_name ON procedures(name, id) WHERE deleted_at IS NULL",
	"CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at BIGINT NOT NULL)",
	"CREATE TABLE ical_tokens (user_id BIGINT PRIMARY KEY REFERENCES users(id), token_hash TEXT NOT NULL,"
	" created_at BIGINT NOT NULL)",
	"CREATE UNIQUE INDEX ical_tokens_hash ON ical_tokens(token_hash)",
	"CREATE INDEX history_contact_time ON history(entity, record_id, at)",
	"INSERT INTO action_types (name, name_en, short_name, kind, color, background, position, created_at, updated_at)"
	" VALUES ('Telefon', 'Phone call', 'TEL', 'call', '#ffffff', '#2563eb', 10, 0, 0),"
	" ('Spotkanie', 'Meeting', 'SPOT', 'meeting', '#ffffff', '#16a34a', 20, 0, 0),"
	" ('E-mail', 'E-mail', 'MAIL', 'email', '#ffffff', '#9333ea', 30, 0, 0),"
	" ('Zadanie', 'Task', 'ZAD', 'task', '#1f2937', '#fde68a', 40, 0, 0),"
	" ('Oferta', 'Offer', 'OF', 'task', '#ffffff', '#ea580c', 50, 0, 0),"
	" ('Wizyta u klienta', 'Client visit', 'WIZ', 'meeting', '#ffffff', '#0d9488', 60, 0, 0)",
	NULL,
};

static const char *const M0004[] = {
	"ALTER TABLE contacts ADD COLUMN visibility TEXT NOT NULL DEFAULT 'company'",
	"ALTER TABLE contacts ADD COLUMN department_id BIGINT",
	"ALTER TABLE companies ADD COLUMN visibility TEXT NOT NULL DEFAULT 'company'",
	"ALTER TABLE companies ADD COLUMN department_id BIGINT",
	"ALTER TABLE activities ADD COLUMN visibility TEXT NOT NULL DEFAULT 'company'",
	"ALTER TABLE activities ADD COLUMN department_id BIGINT",
	"CREATE INDEX contacts_department ON contacts(department_id, id)",
	"CREATE INDEX companies_department ON companies(department_id, id)",
	"CREATE INDEX activities_department ON activities(department_id, id)",
	"CREATE TABLE statuses (id @PK@, entity TEXT NOT NULL, name TEXT NOT NULL, name_en TEXT,"
	" short_name TEXT, color TEXT, background TEXT, position INTEGER NOT NULL DEFAULT 0,"
	" closed INTEGER NOT NULL DEFAULT 0, outcome TEXT, " STD_COLS ")",
	"CREATE INDEX statuses_pos ON statuses(entity, position, id) WHERE deleted_at IS NULL",
	"CREATE INDEX statuses_position ON statuses(position, id) WHERE deleted_at IS NULL",
	"CREATE INDEX statuses_live ON statuses(updated_at, id) WHERE deleted_at IS NULL",
	"CREATE TABLE close_reasons (id @PK@, entity TEXT NOT NULL, name TEXT NOT NULL, name_en TEXT,"
	" position INTEGER NOT NULL DEFAULT 0, " STD_COLS ")",
	"CREATE INDEX close_reasons_pos ON close_reasons(position, id) WHERE deleted_at IS NULL",
	"CREATE INDEX close_reasons_live ON close_reasons(updated_at, id) WHERE deleted_at IS NULL",
	"CREATE TABLE inquiries (id @PK@, title TEXT NOT NULL, contact_id BIGINT REFERENCES contacts(id),"
	" status_id BIGINT REFERENCES statuses(id), planned_close_date TEXT,"
	" handler_id BIGINT REFERENCES users(id), visibility TEXT NOT NULL DEFAULT 'department',"
	" department_id BIGINT, outcome TEXT NOT NULL DEFAULT 'open', close_reason_id BIGINT,"
	" value BIGINT, closed_at BIGINT, custom TEXT NOT NULL DEFAULT '{}', " STD_COLS ")",
	"CREATE INDEX inquiries_live ON inquiries(updated_at, id) WHERE deleted_at IS NULL",
	"CREATE INDEX inquiries_created ON inquiries(created_at, id) WHERE deleted_at IS NULL",
	"CREATE INDEX inquiries_title ON inquiries(title, id) WHERE deleted_at IS NULL",
	"CREATE INDEX inquiries_status ON inquiries(status_id, id) WHERE deleted_at IS NULL",
	"CREATE INDEX inquiries_handler ON inquiries(handler_id, id) WHERE deleted_at IS NULL",
	"CREATE INDEX inquiries_department ON inquiries(department_id, id) WHERE deleted_at IS NULL",
	"CREATE INDEX inquiries_contact ON inquiries(contact_id, id)",
	"CREATE INDEX inquiries_close ON inquiries(handler_id, outcome, planned_close_date) WHERE deleted_at IS NULL",
	"CREATE INDEX inquiries_trash ON inquiries(deleted_at, id) WHERE deleted_at IS NOT NULL",
	"@SEARCH:inquiries@",
	"INSERT INTO statuses (entity, name, name_en, short_name, color, background, position, closed, outcome,"
	" created_at, updated_at) VALUES"
	" ('inquiries', 'Nowe', 'New', 'NOW', '#1e3a8a', '#dbeafe', 10, 0, NULL, 0, 0),"
	" ('inquiries', 'W trakcie', 'In progress', 'TRW', '#713f12', '#fef3c7', 20, 0, NULL, 0, 0),"
	" ('inquiries', 'Oferta wysłana', 'Offer sent', 'OF', '#581c87', '#f3e8ff', 30, 0, NULL, 0, 0),"
	" ('inquiries', 'Wygrane', 'Won', 'WYG', '#ffffff', '#16a34a', 40, 1, 'won', 0, 0),"
	" ('inquiries', 'Przegrane', 'Lost', 'PRZ', '#ffffff', '#dc2626', 50, 1, 'lost', 0, 0),"
	" ('contacts', 'Aktywny', 'Active', 'AKT', '#14532d', '#dcfce7', 10, 0, NULL, 0, 0),"
	" ('contacts', 'Zakończona obsługa', 'Service finished', 'ZAK', '#374151', '#e5e7eb', 20, 1, NULL, 0, 0),"
	" ('deals', 'Rezerwacja', 'Reservation', 'REZ', '#1e3a8a', '#dbeafe', 10, 0, NULL, 0, 0),"
	" ('deals', 'Opłacone', 'Paid', 'OPL', '#ffffff', '#16a34a', 20, 1, 'won', 0, 0),"
	" ('deals', 'Anulowane', 'Cancelled', 'ANU', '#ffffff', '#6b7280', 30, 1, 'lost', 0, 0)",
	"INSERT INTO close_reasons (entity, name, name_en, position, created_at, updated_at) VALUES"
	" ('inquiries', 'Zbyt wysoka cena', 'Price too high', 10, 0, 0),"
	" ('inquiries', 'Wybrał konkurencję', 'Chose a competitor', 20, 0, 0),"
	" ('inquiries', 'Brak kontaktu z klientem', 'Client stopped answering', 30, 0, 0),"
	" ('inquiries', 'Rezygnacja klienta', 'Client changed plans', 40, 0, 0),"
	" ('contacts', 'Zbyt wysoka cena', 'Price too high', 10, 0, 0),"
	" ('contacts', 'Usługa zakończona', 'Service completed', 20, 0, 0),"
	" ('contacts', 'Przeprowadzka', 'Moved away', 30, 0, 0),"
	" ('contacts', 'Niezadowolenie z obsługi', 'Unhappy with the service', 40, 0, 0)",
	NULL,
};

/* Names sort in Polish alphabetical order (collation kt_pl, src/core/collate.c). */
static const char *const M0005[] = {
	"@COLLATION@",
	"DROP INDEX contacts_last_name",
	"CREATE INDEX contacts_last_name ON contacts(last_name COLLATE kt_pl, id) WHERE deleted_at IS NULL",
	"DROP INDEX contacts_first_name",
	"CREATE INDEX contacts_first_name ON contacts(first_name COLLATE kt_pl, id) WHERE deleted_at IS NULL",
	"DROP INDEX companies_name",
	"CREATE INDEX companies_name ON companies(name COLLATE kt_pl, id) WHERE deleted_at IS NULL",
	"DROP INDEX users_name",
	"CREATE INDEX users_name ON users(name COLLATE kt_pl, id) WHERE deleted_at IS NULL",
	"CREATE INDEX departments_sorted ON departments(name COLLATE kt_pl, id) WHERE deleted_at IS NULL",
	"CREATE INDEX procedures_sorted ON procedures(name COLLATE kt_pl, id) WHERE deleted_at IS NULL",
	"DROP INDEX inquiries_title",
	"CREATE INDEX inquiries_title ON inquiries(title COLLATE kt_pl, id) WHERE deleted_at IS NULL",
	NULL,
};

/* Announcements with their read receipts, the knowledge base and its
 * search index, and attachments of any record (files live under
 * KONTAKT_DATA_DIR/attachments, named by their SHA-256). */
static const char *const M0006[] = {
	"CREATE TABLE announcements (id @PK@, title TEXT NOT NULL, body TEXT NOT NULL DEFAULT '',"
	" audience_roles TEXT NOT NULL DEFAULT '[]', audience_departments TEXT NOT NULL DEFAULT '[]',"
	" audience_everyone INTEGER NOT NULL DEFAULT 1, roles_key TEXT NOT NULL DEFAULT '',"
	" departments_key TEXT NOT NULL DEFAULT '', " STD_COLS ")",
	"CREATE INDEX announcements_live ON announcements(updated_at, id) WHERE deleted_at IS NULL",
	"CREATE INDEX announcements_created ON announcements(created_at, id) WHERE deleted_at IS NULL",
	"CREATE INDEX announcements_title ON announcements(title COLLATE kt_pl, id) WHERE deleted_at IS NULL",
	"CREATE INDEX announcements_author ON announcements(created_by, id)",
	"CREATE INDEX announcements_trash ON announcements(deleted_at, id) WHERE deleted_at IS NOT NULL",
	"CREATE TABLE announcement_receipts (id @PK@,"
	" announcement_id BIGINT NOT NULL REFERENCES announcements(id),"
	" user_id BIGINT NOT NULL REFERENCES users(id), acked_at BIGINT, later_until BIGINT)",
	"CREATE UNIQUE INDEX announcement_receipts_key ON announcement_receipts(announcement_id, user_id)",
	"CREATE INDEX announcement_receipts_user ON announcement_receipts(user_id, announcement_id)",
	"CREATE TABLE kb_articles (id @PK@, title TEXT NOT NULL, body TEXT NOT NULL DEFAULT '',"
	" tags TEXT NOT NULL DEFAULT '[]', tags_key TEXT NOT NULL DEFAULT '', " STD_COLS ")",
	"CREATE INDEX kb_articles_live ON kb_articles(updated_at, id) WHERE deleted_at IS NULL",
	"CREATE INDEX kb_articles_created ON kb_articles(created_at, id) WHERE deleted_at IS NULL",
	"CREATE INDEX kb_articles_title ON kb_articles(title COLLATE kt_pl, id) WHERE deleted_at IS NULL",
	"CREATE INDEX kb_articles_trash ON kb_articles(deleted_at, id) WHERE deleted_at IS NOT NULL",
	"@SEARCH:kb_articles@",
	"CREATE TABLE attachments (id @PK@, entity TEXT NOT NULL, record_id BIGINT NOT NULL,"
	" name TEXT NOT NULL, size BIGINT NOT NULL, sha256 TEXT NOT NULL, mime TEXT NOT NULL, " STD_COLS ")",
	"CREATE INDEX attachments_record ON attachments(entity, record_id, id)",
	"CREATE INDEX attachments_sha256 ON attachments(sha256)",
	"CREATE INDEX attachments_trash ON attachments(deleted_at, id) WHERE deleted_at IS NOT NULL",
	NULL,
};

/* Duplicates: blocking keys of names (folded tokens sorted up and down,
 * written by src/crm/dedupe.c) and the indexes a scan walks; merges with
 * what each moved, for redirects and undo; bulk e-mails and their
 * recipients. */
static const char *const M0007[] = {
	"ALTER TABLE contacts ADD COLUMN name_key TEXT",
	"ALTER TABLE contacts ADD COLUMN name_key2 TEXT",
	"ALTER TABLE companies ADD COLUMN name_key TEXT",
	"ALTER TABLE companies ADD COLUMN name_key2 TEXT",
	"CREATE INDEX contacts_dd_name ON contacts(name_key, birth_date, city, address) WHERE deleted_at IS NULL",
	"CREATE INDEX contacts_dd_name2 ON contacts(name_key2) WHERE deleted_at IS NULL",
	"CREATE INDEX contacts_dd_email ON contacts(LOWER(email)) WHERE email IS NOT NULL",
	"CREATE INDEX contacts_dd_pesel ON contacts(pesel) WHERE pesel IS NOT NULL",
	"CREATE INDEX companies_dd_name ON companies(name_key, city, address) WHERE deleted_at IS NULL",
	"CREATE INDEX companies_dd_name2 ON companies(name_key2) WHERE deleted_at IS NULL",
	"CREATE INDEX companies_dd_email ON companies(LOWER(email)) WHERE email IS NOT NULL",
	"CREATE INDEX companies_phone ON companies(phone)",
	"CREATE TABLE merges (id @PK@, entity TEXT NOT NULL, kept_id BIGINT NOT NULL, merged_ids TEXT NOT NULL,"
	" changes TEXT NOT NULL, moved TEXT NOT NULL, created_at BIGINT NOT NULL, created_by BIGINT,"
	" undone_at BIGINT, undone_by BIGINT)",
	"CREATE INDEX merges_kept ON merges(entity, kept_id, id)",
	"CREATE TABLE merge_members (merge_id BIGINT NOT NULL REFERENCES merges(id), entity TEXT NOT NULL,"
	" record_id BIGINT NOT NULL)",
	"CREATE INDEX merge_members_record ON merge_members(entity, record_id, merge_id)",
	"CREATE TABLE bulk_emails (id @PK@, subject TEXT NOT NULL, body TEXT NOT NULL,"
	" total INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL, created_by BIGINT REFERENCES users(id),"
	" finished_at BIGINT)",
	"CREATE INDEX bulk_emails_creator ON bulk_emails(created_by, id)",
	"CREATE TABLE bulk_email_recipients (id @PK@, bulk_email_id BIGINT NOT NULL REFERENCES bulk_emails(id),"
	" contact_id BIGINT NOT NULL REFERENCES contacts(id), email TEXT, name TEXT NOT NULL DEFAULT '',"
	" status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, error TEXT, sent_at BIGINT)",
	"CREATE INDEX bulk_email_recipients_status ON bulk_email_recipients(bulk_email_id, status, id)",
	"CREATE INDEX bulk_email_recipients_contact ON bulk_email_recipients(contact_id)",
	NULL,
};

/* Lists filtered by a column and shown newest first (the default) walk an
 * index on (column, updated_at) instead of sorting every match. */
static const char *const M0008[] = {
	"DROP INDEX contacts_kind",
	"CREATE INDEX contacts_kind ON contacts(kind, updated_at, id) WHERE deleted_at IS NULL",
	"DROP INDEX contacts_city",
	"CREATE INDEX contacts_city ON contacts(city, updated_at, id) WHERE deleted_at IS NULL",
	"DROP INDEX contacts_status",
	"CREATE INDEX contacts_status ON contacts(status, updated_at, id) WHERE deleted_at IS NULL",
	"DROP INDEX contacts_owner",
	"CREATE INDEX contacts_owner ON contacts(owner_id, updated_at, id)",
	"DROP INDEX inquiries_handler",
	"CREATE INDEX inquiries_handler ON inquiries(handler_id, updated_at, id) WHERE deleted_at IS NULL",
	"CREATE INDEX inquiries_status_live ON inquiries(status_id, updated_at, id) WHERE deleted_at IS NULL",
	NULL,
};

/* The board counts each column's first hundred inquiries under the
 * reader's visibility: with the visibility columns and the value in the
 * index, the count never reads the table (half the time of a board view's
 * counts at 100,000 inquiries). */
static const char *const M0009[] = {
	"DROP INDEX inquiries_status",
	"CREATE INDEX inquiries_status ON inquiries(status_id, id, visibility, department_id, handler_id, created_by, value)"
	" WHERE deleted_at IS NULL",
	NULL,
};

/* Log-in throttling per (login, address) pair and per address, with an
 * exponential wait instead of a fixed window (crm/accounts.c).  Times in
 * milliseconds.  The old per-login counts meant something else: dropped. */
static const char *const M0010_LOGIN_THROTTLE[] = {
	"DROP TABLE login_failures",
	"CREATE TABLE login_throttle (key TEXT PRIMARY KEY, failures INTEGER NOT NULL,"
	" last_at BIGINT NOT NULL, blocked_until BIGINT NOT NULL)",
	"CREATE INDEX login_throttle_last ON login_throttle(last_at)",
	NULL,
};

/* A phone is found by any run of digits, not only its start: its search
 * words now hold the number's suffixes (record_search_doc).  The tables
 * whose documents hold phones are queued for record_search_rebuild, which
 * the server runs after the migrations, in batches it can resume. */
static const char *const M0011_SEARCH_REBUILD[] = {
	"CREATE TABLE search_rebuild (table_name TEXT PRIMARY KEY, after_id BIGINT NOT NULL DEFAULT 0)",
	"INSERT INTO search_rebuild (table_name) VALUES ('companies'), ('contacts')",
	NULL,
};

/* Inquiries listed by their planned close date ("termin realizacji"),
 * the soonest first, a page at a time. */
static const char *const M0012_INQUIRIES_BY_CLOSE_DATE[] = {
	"CREATE INDEX inquiries_planned ON inquiries(planned_close_date, id) WHERE deleted_at IS NULL",
	NULL,
};

/* An inquiry carries its own description (the work it asks for), found by
 * search like its title.  Existing inquiries have none: no rebuild. */
static const char *const M0013_INQUIRY_DESCRIPTION[] = {
	"ALTER TABLE inquiries ADD COLUMN description TEXT",
	NULL,
};

const struct migration schema_migrations[] = {
	{1, "accounts, history, custom fields, contacts and companies", M0001},
	{2, "background jobs and schedules", M0002},
	{3, "activities, action types, notes, procedures, settings, calendar feeds", M0003},
	{4, "visibility scopes, statuses, close reasons and inquiries", M0004},
	{5, "names sorted in Polish alphabetical order", M0005},
	{6, "announcements, knowledge base, attachments", M0006},
	{7, "duplicates, merges, bulk e-mail", M0007},
	{8, "filtered lists newest first without sorting", M0008},
	{9, "board counts from the index alone", M0009},
	{10, "log-in throttling per login and address, with an exponential wait", M0010_LOGIN_THROTTLE},
	{11, "phones found by any part of the number: search documents rebuilt", M0011_SEARCH_REBUILD},
	{12, "inquiries sorted by their planned close date", M0012_INQUIRIES_BY_CLOSE_DATE},
	{13, "inquiries carry a description", M0013_INQUIRY_DESCRIPTION},
};

const int schema_nmigrations = sizeof schema_migrations / sizeof schema_migrations[0];

