/* fields.c: every entity's fields, once.  Column names equal API names;
 * the schema (src/db/schema.c) must match.  F_SORT columns are NOT NULL
 * (or say F_NULLABLE) and indexed with id; F_FILTER columns are indexed. */
#include "model/fields.h"

#include <stdint.h>

#include "core/limits.h"


static const char *const ROLES[] = {"admin", "manager", "agent", NULL};
static const char *const LOCALES[] = {"pl", "en", NULL};
static const char *const CONTACT_KINDS[] = {"lead", "customer", "company_contact", NULL};
static const char *const CONTACT_STATUSES[] = {"active", "finished", NULL};
static const char *const CUSTOM_TYPES[] = {"text", "number", "currency", "date", "select", NULL};
static const char *const ACTIVITY_KINDS[] = {"task", "call", "meeting", "email", NULL};
static const char *const ACTIVITY_STATUSES[] = {"planned", "done", "cancelled", NULL};
static const char *const PRIORITIES[] = {"low", "normal", "high", NULL};
static const char *const VISIBILITIES[] = {"private", "department", "company", NULL};
static const char *const OUTCOMES[] = {"open", "won", "lost", NULL};
static const char *const CLOSED_OUTCOMES[] = {"won", "lost", NULL};
static const char *const STATUS_ENTITIES[] = {"inquiries", "contacts", "deals", NULL};
const char *const fields_custom_entities[] = {"contacts", "companies", "inquiries", NULL};

const struct field departments_fields[] = {
	{.name = "name", .type = FT_TEXT, .flags = F_REQUIRED | F_SORT, .max = 100},
	{0},
};

const struct field users_fields[] = {
	{.name = "login", .type = FT_TEXT, .flags = F_REQUIRED | F_FILTER, .max = 64},
	{.name = "name", .type = FT_TEXT, .flags = F_SORT, .max = 200, .def = "\"\""},
	/* Agents see colleagues' names and departments, not how to reach them privately. */
	{.name = "email", .type = FT_EMAIL, .flags = 0, .read_role = ROLE_MANAGER},
	{.name = "role", .type = FT_ENUM, .flags = F_REQUIRED | F_FILTER, .values = ROLES},
	{.name = "department_id", .type = FT_REF, .flags = F_FILTER, .ref = "departments"},
	{.name = "time_zone", .type = FT_TEXT, .max = 64, .def = "\"Europe/Warsaw\""},
	{.name = "locale", .type = FT_ENUM, .values = LOCALES, .def = "\"pl\""},
	{.name = "active", .type = FT_BOOL, .flags = F_FILTER, .def = "true"},
	{.name = "password", .type = FT_PASSWORD, .flags = F_REQUIRED | F_VIRTUAL},
	{.name = "password_hash", .type = FT_TEXT, .flags = F_HIDDEN, .max = 512},
	{0},
};

const struct field custom_fields_fields[] = {
	{.name = "entity", .type = FT_ENUM, .flags = F_REQUIRED | F_FILTER | F_CREATE_ONLY,
	 .values = fields_custom_entities},
	{.name = "name", .type = FT_TEXT, .flags = F_REQUIRED | F_CREATE_ONLY, .max = 40},
	{.name = "label", .type = FT_TEXT, .flags = F_REQUIRED, .max = 100},
	{.name = "type", .type = FT_ENUM, .flags = F_REQUIRED | F_CREATE_ONLY, .values = CUSTOM_TYPES},
	{.name = "options", .type = FT_JSON},
	{.name = "position", .type = FT_INT, .flags = F_SORT, .min = 0, .max = 1000000, .def = "0"},
	{.name = "required", .type = FT_BOOL, .def = "false"},
	{0},
};

const struct field companies_fields[] = {
	{.name = "name", .type = FT_TEXT, .flags = F_REQUIRED | F_SORT | F_SEARCH, .max = 300},
	{.name = "nip", .type = FT_NIP, .flags = F_FILTER | F_SEARCH},
	{.name = "regon", .type = FT_REGON},
	{.name = "phone", .type = FT_PHONE, .flags = F_SEARCH},
	{.name = "email", .type = FT_EMAIL, .flags = F_SEARCH},
	{.name = "city", .type = FT_TEXT, .flags = F_SEARCH, .max = 100},
	{.name = "address", .type = FT_TEXT, .flags = F_MULTILINE, .max = 300},
	{.name = "owner_id", .type = FT_REF, .flags = F_FILTER, .ref = "users"},
	{.name = "visibility", .type = FT_ENUM, .flags = F_FILTER, .values = VISIBILITIES, .def = "\"company\""},
	{.name = "department_id", .type = FT_INT, .flags = F_FILTER | F_READONLY},
	{.name = "custom", .type = FT_CUSTOM},
	/* Blocking keys of the duplicate scan, set by src/crm/dedupe.c. */
	{.name = "name_key", .type = FT_TEXT, .flags = F_HIDDEN, .max = 400},
	{.name = "name_key2", .type = FT_TEXT, .flags = F_HIDDEN, .max = 400},
	{0},
};

const struct field contacts_fields[] = {
	{.name = "first_name", .type = FT_TEXT, .flags = F_SORT | F_SEARCH, .max = 100, .def = "\"\""},
	{.name = "last_name", .type = FT_TEXT, .flags = F_REQUIRED | F_SORT | F_SEARCH, .max = 100},
	{.name = "kind", .type = FT_ENUM, .flags = F_FILTER, .values = CONTACT_KINDS, .def = "\"lead\""},
	{.name = "company_id", .type = FT_REF, .flags = F_FILTER, .ref = "companies"},
	{.name = "phone", .type = FT_PHONE, .flags = F_FILTER | F_SEARCH},
	{.name = "email", .type = FT_EMAIL, .flags = F_FILTER | F_SEARCH},
	{.name = "city", .type = FT_TEXT, .flags = F_FILTER | F_SEARCH, .max = 100},
	{.name = "address", .type = FT_TEXT, .flags = F_MULTILINE, .max = 300},
	{.name = "birth_date", .type = FT_DATE},
	{.name = "pesel", .type = FT_PESEL},
	{.name = "owner_id", .type = FT_REF, .flags = F_FILTER, .ref = "users"},
	{.name = "status", .type = FT_ENUM, .flags = F_FILTER | F_READONLY, .values = CONTACT_STATUSES},
	{.name = "close_reason_id", .type = FT_INT, .flags = F_READONLY},
	{.name = "archived", .type = FT_BOOL, .flags = F_FILTER, .def = "false"},
	{.name = "visibility", .type = FT_ENUM, .flags = F_FILTER, .values = VISIBILITIES, .def = "\"company\""},
	{.name = "department_id", .type = FT_INT, .flags = F_FILTER | F_READONLY},
	{.name = "custom", .type = FT_CUSTOM},
	/* Blocking keys of the duplicate scan, set by src/crm/dedupe.c. */
	{.name = "name_key", .type = FT_TEXT, .flags = F_HIDDEN, .max = 400},
	{.name = "name_key2", .type = FT_TEXT, .flags = F_HIDDEN, .max = 400},
	{0},
};

const struct field action_types_fields[] = {
	{.name = "name", .type = FT_TEXT, .flags = F_REQUIRED, .max = 100},
	{.name = "name_en", .type = FT_TEXT, .max = 100},
	{.name = "short_name", .type = FT_TEXT, .max = 20},
	{.name = "kind", .type = FT_ENUM, .flags = F_FILTER, .values = ACTIVITY_KINDS, .def = "\"task\""},
	{.name = "color", .type = FT_COLOR},
	{.name = "background", .type = FT_COLOR},
	{.name = "position", .type = FT_INT, .flags = F_SORT, .min = 0, .max = 1000000, .def = "0"},
	{0},
};

const struct field activities_fields[] = {
	{.name = "kind", .type = FT_ENUM, .flags = F_REQUIRED | F_FILTER, .values = ACTIVITY_KINDS},
	{.name = "action_type_id", .type = FT_REF, .flags = F_FILTER, .ref = "action_types"},
	{.name = "subject", .type = FT_TEXT, .flags = F_REQUIRED | F_SEARCH, .max = 300},
	{.name = "note", .type = FT_TEXT, .flags = F_MULTILINE, .max = LIM_TEXT_LONG},
	{.name = "status", .type = FT_ENUM, .flags = F_FILTER, .values = ACTIVITY_STATUSES, .def = "\"planned\""},
	{.name = "starts_at", .type = FT_TIME, .flags = F_FILTER | F_SORT | F_NULLABLE},
	{.name = "ends_at", .type = FT_TIME},
	{.name = "duration_min", .type = FT_INT, .min = 0, .max = 10080, .def = "0"},
	{.name = "priority", .type = FT_ENUM, .flags = F_FILTER, .values = PRIORITIES, .def = "\"normal\""},
	{.name = "percent_done", .type = FT_INT, .min = 0, .max = 100, .def = "0"},
	{.name = "place", .type = FT_TEXT, .max = 300},
	{.name = "goal", .type = FT_TEXT, .max = 1000},
	{.name = "assignee_id", .type = FT_REF, .flags = F_FILTER, .ref = "users"},
	{.name = "parent_id", .type = FT_REF, .flags = F_FILTER, .ref = "activities"},
	{.name = "contact_id", .type = FT_REF, .flags = F_FILTER | F_PARENT, .ref = "contacts"},
	{.name = "company_id", .type = FT_REF, .flags = F_FILTER | F_PARENT, .ref = "companies"},
	{.name = "inquiry_id", .type = FT_REF, .flags = F_FILTER | F_PARENT, .ref = "inquiries"},
	{.name = "deal_id", .type = FT_REF, .flags = F_FILTER | F_PARENT, .ref = "deals"},
	{.name = "remind_before_min", .type = FT_INT, .min = 0, .max = 43200},
	{.name = "done_at", .type = FT_TIME, .flags = F_READONLY},
	{.name = "visibility", .type = FT_ENUM, .flags = F_FILTER, .values = VISIBILITIES, .def = "\"company\""},
	{.name = "department_id", .type = FT_INT, .flags = F_FILTER | F_READONLY},

	{.name = "next", .type = FT_JSON, .flags = F_VIRTUAL},
	{0},
};

const struct field notes_fields[] = {
	{.name = "body", .type = FT_TEXT, .flags = F_REQUIRED | F_MULTILINE, .max = LIM_TEXT_LONG},
	{.name = "contact_id", .type = FT_REF, .flags = F_FILTER | F_PARENT, .ref = "contacts"},
	{.name = "company_id", .type = FT_REF, .flags = F_FILTER | F_PARENT, .ref = "companies"},
	{.name = "inquiry_id", .type = FT_REF, .flags = F_FILTER | F_PARENT, .ref = "inquiries"},
	{.name = "deal_id", .type = FT_REF, .flags = F_FILTER | F_PARENT, .ref = "deals"},
	{0},
};

const struct field procedures_fields[] = {
	{.name = "name", .type = FT_TEXT, .flags = F_REQUIRED | F_SORT, .max = 200},
	{.name = "steps", .type = FT_JSON, .flags = F_REQUIRED},
	{0},
};

const struct field statuses_fields[] = {
	{.name = "entity", .type = FT_ENUM, .flags = F_REQUIRED | F_FILTER | F_CREATE_ONLY, .values = STATUS_ENTITIES},
	{.name = "name", .type = FT_TEXT, .flags = F_REQUIRED, .max = 100},
	{.name = "name_en", .type = FT_TEXT, .max = 100},
	{.name = "short_name", .type = FT_TEXT, .max = 20},
	{.name = "color", .type = FT_COLOR},
	{.name = "background", .type = FT_COLOR},
	{.name = "position", .type = FT_INT, .flags = F_SORT, .min = 0, .max = 1000000, .def = "0"},
	{.name = "closed", .type = FT_BOOL, .flags = F_FILTER, .def = "false"},
	{.name = "outcome", .type = FT_ENUM, .flags = F_NULLABLE, .values = CLOSED_OUTCOMES},
	{0},
};

const struct field close_reasons_fields[] = {
	{.name = "entity", .type = FT_ENUM, .flags = F_REQUIRED | F_FILTER | F_CREATE_ONLY, .values = STATUS_ENTITIES},
	{.name = "name", .type = FT_TEXT, .flags = F_REQUIRED, .max = 100},
	{.name = "name_en", .type = FT_TEXT, .max = 100},
	{.name = "position", .type = FT_INT, .flags = F_SORT, .min = 0, .max = 1000000, .def = "0"},
	{0},
};

const struct field inquiries_fields[] = {
	{.name = "title", .type = FT_TEXT, .flags = F_REQUIRED | F_SORT | F_SEARCH, .max = 300},
	{.name = "description", .type = FT_TEXT, .flags = F_MULTILINE | F_SEARCH, .max = LIM_TEXT_LONG},
	{.name = "contact_id", .type = FT_REF, .flags = F_FILTER, .ref = "contacts"},
	{.name = "status_id", .type = FT_REF, .flags = F_FILTER, .ref = "statuses"},
	{.name = "planned_close_date", .type = FT_DATE, .flags = F_FILTER | F_SORT | F_NULLABLE},
	{.name = "handler_id", .type = FT_REF, .flags = F_FILTER, .ref = "users"},
	{.name = "visibility", .type = FT_ENUM, .flags = F_FILTER, .values = VISIBILITIES, .def = "\"department\""},
	{.name = "department_id", .type = FT_INT, .flags = F_FILTER | F_READONLY},
	{.name = "outcome", .type = FT_ENUM, .flags = F_FILTER, .values = OUTCOMES},
	{.name = "close_reason_id", .type = FT_REF, .flags = F_FILTER, .ref = "close_reasons"},
	{.name = "value", .type = FT_MONEY, .min = 0, .max = INT64_MAX / 4},
	{.name = "closed_at", .type = FT_TIME, .flags = F_READONLY},
	{.name = "custom", .type = FT_CUSTOM},
	{0},
};

/* Announcements: the audience is roles and/or departments, or everyone
 * (src/crm/announcements.c keeps the hidden keys that reads match on). */
const struct field announcements_fields[] = {
	{.name = "title", .type = FT_TEXT, .flags = F_REQUIRED | F_SORT, .max = 200},
	{.name = "body", .type = FT_TEXT, .flags = F_REQUIRED | F_MULTILINE, .max = LIM_ANNOUNCEMENT_BODY},
	{.name = "audience_roles", .type = FT_JSON, .def = "[]"},
	{.name = "audience_departments", .type = FT_JSON, .def = "[]"},
	{.name = "audience_everyone", .type = FT_BOOL},
	{.name = "roles_key", .type = FT_TEXT, .flags = F_HIDDEN, .max = 64},
	{.name = "departments_key", .type = FT_TEXT, .flags = F_HIDDEN, .max = 4096},
	{0},
};

/* Knowledge base: the body and tags join the search document through
 * src/crm/kb.c's hook. */
const struct field kb_articles_fields[] = {
	{.name = "title", .type = FT_TEXT, .flags = F_REQUIRED | F_SORT | F_SEARCH, .max = 300},
	{.name = "body", .type = FT_TEXT, .flags = F_MULTILINE, .max = LIM_KB_BODY, .def = "\"\""},
	{.name = "tags", .type = FT_JSON, .def = "[]"},
	{.name = "tags_key", .type = FT_TEXT, .flags = F_HIDDEN, .max = 4096},
	{0},
};

/* Attachments of any record (src/crm/attachments.c); not a catalogue
 * entity: only that file writes them, after checking the record. */
const struct field attachments_fields[] = {
	{.name = "entity", .type = FT_TEXT, .flags = F_REQUIRED | F_FILTER | F_CREATE_ONLY, .max = 64},
	{.name = "record_id", .type = FT_INT, .flags = F_REQUIRED | F_FILTER | F_CREATE_ONLY, .min = 1, .max = INT64_MAX},
	{.name = "name", .type = FT_TEXT, .flags = F_REQUIRED, .max = LIM_FILE_NAME},
	{.name = "size", .type = FT_INT, .flags = F_CREATE_ONLY, .min = 0, .max = INT64_MAX},
	{.name = "sha256", .type = FT_TEXT, .flags = F_CREATE_ONLY, .max = 64},
	{.name = "mime", .type = FT_TEXT, .flags = F_CREATE_ONLY, .max = 100},
	{0},
};
