/* entities.c: assembles each entity from its field table and hooks.  The
 * hooks live in the files named after the entity (users.c, contacts.c,
 * custom_fields.c, departments.c, activities.c, notes.c, procedures.c),
 * those several entities share in scope.c and rights.c. */
#include "crm/entities.h"

#include <string.h>

#include "crm/rules.h"
#include "model/fields.h"

/* What names a record where another links to it (record_links_fill). */
static const char *const NAME[] = {"name", NULL};
static const char *const PERSON_NAME[] = {"first_name", "last_name", NULL};
static const char *const TITLE[] = {"title", NULL};
static const char *const SUBJECT[] = {"subject", NULL};

static const struct entity DEPARTMENTS = {
	.name = "departments", .fields = departments_fields, .read_role = ROLE_AGENT,
	.write_role = ROLE_ADMIN, .default_sort = "name",
	.hooks = {.before_delete = departments_before_delete},
};

static const struct entity USERS = {
	.name = "users", .fields = users_fields, .read_role = ROLE_AGENT, .write_role = ROLE_ADMIN, .default_sort = "name",
	.title = NAME,
	.hooks = {.validate = users_validate, .before_write = users_before_write,
		  .after_write = users_after_write, .before_delete = users_before_delete, .own = users_own},
};

static const struct entity CUSTOM_FIELDS = {
	.name = "custom_fields", .fields = custom_fields_fields, .read_role = ROLE_AGENT, .write_role = ROLE_ADMIN,
	.default_sort = "position",
	.hooks = {.validate = custom_fields_validate},
};

static const struct entity COMPANIES = {
	.name = "companies", .fields = companies_fields, .read_role = ROLE_AGENT, .write_role = ROLE_AGENT, .searchable = true,
	.custom = true, .default_sort = "-updated_at", .title = NAME,
	.hooks = {.validate = rights_owner, .before_write = dedupe_companies_before_write, .scope = scope_companies,
		  .decorate = scope_companies_decorate},
};

static const struct entity CONTACTS = {
	.name = "contacts", .fields = contacts_fields, .read_role = ROLE_AGENT, .write_role = ROLE_AGENT, .searchable = true,
	.custom = true, .default_sort = "-updated_at", .title = PERSON_NAME,
	.hooks = {.validate = contacts_validate, .before_write = dedupe_contacts_before_write,
		  .after_write = contacts_after_write, .before_delete = contacts_before_delete,
		  .before_restore = contacts_before_restore, .scope = scope_contacts,
		  .decorate = scope_contacts_decorate},
};

static const struct entity ACTION_TYPES = {
	.name = "action_types", .fields = action_types_fields, .read_role = ROLE_AGENT, .write_role = ROLE_ADMIN,
	.default_sort = "position",
};

static const struct entity ACTIVITIES = {
	.name = "activities", .fields = activities_fields, .read_role = ROLE_AGENT, .write_role = ROLE_AGENT,
	.searchable = true, .default_sort = "-updated_at", .keeper = "assignee_id", .title = SUBJECT,
	.hooks = {.validate = activities_validate, .before_write = activities_before_write,
		  .after_write = activities_after_write, .before_delete = activities_before_delete,
		  .list_param = activities_list_param, .scope = scope_assignee, .decorate = activities_decorate},
};

static const struct entity NOTES = {
	.name = "notes", .fields = notes_fields, .read_role = ROLE_AGENT, .write_role = ROLE_AGENT,
	.default_sort = "-created_at",
	.hooks = {.validate = notes_validate},
};

static const struct entity PROCEDURES = {
	.name = "procedures", .fields = procedures_fields, .read_role = ROLE_AGENT, .write_role = ROLE_ADMIN,
	.default_sort = "name",
	.hooks = {.validate = procedures_validate},
};

static const struct entity STATUSES = {
	.name = "statuses", .fields = statuses_fields, .read_role = ROLE_AGENT, .write_role = ROLE_ADMIN,
	.default_sort = "position",
};

static const struct entity CLOSE_REASONS = {
	.name = "close_reasons", .fields = close_reasons_fields, .read_role = ROLE_AGENT, .write_role = ROLE_ADMIN,
	.default_sort = "position",
};

static const struct entity INQUIRIES = {
	.name = "inquiries", .fields = inquiries_fields, .read_role = ROLE_AGENT, .write_role = ROLE_AGENT,
	.searchable = true, .custom = true, .default_sort = "-updated_at", .title = TITLE, .search_link = "contact_id",
	.hooks = {.validate = inquiries_validate, .before_write = inquiries_before_write, .scope = scope_handler,
		  .decorate = inquiries_decorate},
};

static const struct entity ANNOUNCEMENTS = {
	.name = "announcements", .fields = announcements_fields, .read_role = ROLE_AGENT,
	.write_role = ROLE_MANAGER, .default_sort = "-created_at",
	.hooks = {.validate = announcements_validate, .after_write = announcements_after_write,
		  .before_delete = announcements_before_delete, .before_restore = announcements_before_restore,
		  .scope = announcements_scope,
		  .decorate = announcements_decorate},
};

static const struct entity KB_ARTICLES = {
	.name = "kb_articles", .fields = kb_articles_fields, .read_role = ROLE_AGENT, .write_role = ROLE_MANAGER,
	.searchable = true, .default_sort = "-updated_at",
	.hooks = {.validate = kb_articles_validate, .before_delete = kb_articles_before_delete,
		  .before_restore = kb_articles_before_restore, .search_doc = kb_articles_search_doc,
		  .decorate = kb_articles_decorate, .list_param = kb_articles_list_param},
};

static const struct entity *const ALL[] = {
	&DEPARTMENTS, &USERS, &CUSTOM_FIELDS, &COMPANIES, &CONTACTS, &ACTION_TYPES, &ACTIVITIES,
	&NOTES, &PROCEDURES, &STATUSES, &CLOSE_REASONS, &INQUIRIES, &ANNOUNCEMENTS, &KB_ARTICLES, NULL,
};

const struct entity *const *entities_all(void)
{
	return ALL;
}

const struct entity *entities_find(const char *name)
{
	for (int i = 0; ALL[i]; i++)
		if (strcmp(ALL[i]->name, name) == 0)
			return ALL[i];
	return NULL;
}
