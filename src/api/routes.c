/* routes.c: the route table of Kontakt: the special routes, then the
 * generic ones of every entity in the catalogue.  Literal paths come
 * before {id} paths, since the first match wins. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/limits.h"
#include "crm/attachments.h"
#include "crm/entities.h"
#include "http/static.h"

static const struct route FIXED[] = {
	{"GET", "/healthz", api_health_get, ROLE_NONE, 0, NULL},
	{"GET", "/api/openapi.json", api_openapi_get, ROLE_NONE, 0, NULL},
	{"POST", "/api/session", api_session_create, ROLE_NONE, ROUTE_SLOW | ROUTE_NO_CSRF | ROUTE_OPTIONAL_AUTH, NULL},
	{"DELETE", "/api/session", api_session_delete, ROLE_AGENT, 0, NULL},
	{"GET", "/api/me", api_me_get, ROLE_AGENT, 0, NULL},
	{"PATCH", "/api/me", api_me_update, ROLE_AGENT, 0, NULL},
	{"GET", "/api/tokens", api_tokens_list, ROLE_AGENT, 0, NULL},
	{"POST", "/api/tokens", api_tokens_create, ROLE_AGENT, 0, NULL},
	{"DELETE", "/api/tokens/{id}", api_tokens_delete, ROLE_AGENT, 0, NULL},
	{"GET", "/api/reminders", api_reminders_get, ROLE_AGENT, 0, NULL},
	{"POST", "/api/me/ical", api_me_ical, ROLE_AGENT, 0, NULL},
	{"GET", "/ical/{token}", api_ical_feed, ROLE_NONE, 0, NULL},
	{"GET", "/api/calendar", api_calendar_get, ROLE_AGENT, 0, NULL},
	{"GET", "/api/activities/{id}/thread", api_activities_thread, ROLE_AGENT, 0, NULL},
	{"GET", "/api/contacts/{id}/timeline", api_contacts_timeline, ROLE_AGENT, 0, NULL},
	{"GET", "/api/companies/{id}/timeline", api_companies_timeline, ROLE_AGENT, 0, NULL},
	{"POST", "/api/procedures/{id}/apply", api_procedures_apply, ROLE_AGENT, 0, NULL},
	{"GET", "/api/settings", api_settings_get, ROLE_AGENT, 0, NULL},
	{"GET", "/api/inquiries/board", api_inquiries_board, ROLE_AGENT, 0, NULL},
	{"POST", "/api/inquiries/{id}/comments", api_inquiries_comment, ROLE_AGENT, 0, NULL},
	{"POST", "/api/contacts/{id}/finish", api_contacts_finish, ROLE_AGENT, 0, NULL},
	{"POST", "/api/contacts/{id}/reopen", api_contacts_reopen, ROLE_AGENT, 0, NULL},
	{"GET", "/api/reports/inquiries", api_reports_inquiries, ROLE_AGENT, 0, NULL},
	{"GET", "/api/reports/contacts", api_reports_contacts, ROLE_AGENT, 0, NULL},
	{"PATCH", "/api/settings", api_settings_update, ROLE_ADMIN, 0, NULL},
	/* Announcements, the knowledge base and attachments (issue 7): these
	 * override the generic routes of their entities where replies need more
	 * (body_html, ranking); attachments are no catalogue entity. */
	{"GET", "/api/announcements/pending", api_announcements_pending, ROLE_AGENT, 0, NULL},
	{"POST", "/api/announcements", api_announcements_create, ROLE_MANAGER, 0, NULL},
	{"GET", "/api/announcements/{id}", api_announcements_get, ROLE_AGENT, 0, NULL},
	{"PATCH", "/api/announcements/{id}", api_announcements_update, ROLE_MANAGER, 0, NULL},
	{"POST", "/api/announcements/{id}/restore", api_announcements_restore, ROLE_MANAGER, 0, NULL},
	{"POST", "/api/announcements/{id}/ack", api_announcements_ack, ROLE_AGENT, 0, NULL},
	{"POST", "/api/announcements/{id}/later", api_announcements_later, ROLE_AGENT, 0, NULL},
	{"GET", "/api/announcements/{id}/receipts", api_announcements_receipts, ROLE_AGENT, 0, NULL},
	{"GET", "/api/kb_articles", api_kb_list, ROLE_AGENT, 0, NULL},
	{"POST", "/api/kb_articles", api_kb_create, ROLE_MANAGER, 0, NULL},
	{"GET", "/api/kb_articles/{id}", api_kb_get, ROLE_AGENT, 0, NULL},
	{"PATCH", "/api/kb_articles/{id}", api_kb_update, ROLE_MANAGER, 0, NULL},
	{"POST", "/api/kb_articles/{id}/restore", api_kb_restore, ROLE_MANAGER, 0, NULL},
	/* Its body cap comes from KONTAKT_ATTACHMENT_MAX_MB in api_routes_new. */
	{"POST", "/api/attachments", api_attachments_upload, ROLE_AGENT, ROUTE_RAW_BODY | ROUTE_SLOW, NULL},
	{"GET", "/api/attachments", api_attachments_list, ROLE_AGENT, 0, NULL},
	{"GET", "/api/attachments/{id}", api_attachments_get, ROLE_AGENT, 0, NULL},
	{"GET", "/api/attachments/{id}/download", api_attachments_download, ROLE_AGENT, 0, NULL},
	{"DELETE", "/api/attachments/{id}", api_attachments_delete, ROLE_AGENT, 0, NULL},
	{"POST", "/api/attachments/{id}/restore", api_attachments_restore, ROLE_AGENT, 0, NULL},
	/* Duplicates, merges, import and bulk e-mail (issue 7); the export of
	 * every entity is among the generic routes below. */
	{"GET", "/api/duplicates", api_duplicates_get, ROLE_AGENT, ROUTE_SLOW, NULL},
	{"POST", "/api/contacts/{id}/merge", api_merge_create, ROLE_AGENT, 0, "contacts"},
	{"POST", "/api/companies/{id}/merge", api_merge_create, ROLE_AGENT, 0, "companies"},
	{"GET", "/api/merges/{id}", api_merge_get, ROLE_AGENT, 0, NULL},
	{"POST", "/api/merges/{id}/undo", api_merge_undo, ROLE_AGENT, 0, NULL},
	{"POST", "/api/contacts/import", api_transfer_import, ROLE_AGENT,
	 ROUTE_RAW_BODY | ROUTE_SLOW | ROUTE_BODY_MIB(LIM_IMPORT_BODY / (1024 * 1024)), "contacts"},
	{"POST", "/api/companies/import", api_transfer_import, ROLE_AGENT,
	 ROUTE_RAW_BODY | ROUTE_SLOW | ROUTE_BODY_MIB(LIM_IMPORT_BODY / (1024 * 1024)), "companies"},
	{"POST", "/api/bulk_emails", api_bulkmail_create, ROLE_AGENT, 0, NULL},
	{"GET", "/api/bulk_emails", api_bulkmail_list, ROLE_AGENT, 0, NULL},
	{"GET", "/api/bulk_emails/{id}", api_bulkmail_get, ROLE_AGENT, 0, NULL},
	/* The web UI: index.html for its client-side routes, and its hashed files. */
	{"GET", "/", http_static_get, ROLE_NONE, 0, NULL},
	{"GET", "/assets/{token}", http_static_get, ROLE_NONE, 0, NULL},
	{"GET", "/clients", http_static_get, ROLE_NONE, 0, NULL},
	{"GET", "/clients/{id}", http_static_get, ROLE_NONE, 0, NULL},
	{"GET", "/companies/{id}", http_static_get, ROLE_NONE, 0, NULL},
	{"GET", "/duplicates", http_static_get, ROLE_NONE, 0, NULL},
	{"GET", "/activities", http_static_get, ROLE_NONE, 0, NULL},
	{"GET", "/calendar", http_static_get, ROLE_NONE, 0, NULL},
	{"GET", "/inquiries", http_static_get, ROLE_NONE, 0, NULL},
	{"GET", "/inquiries/board", http_static_get, ROLE_NONE, 0, NULL},
	{"GET", "/inquiries/{id}", http_static_get, ROLE_NONE, 0, NULL},
	{"GET", "/settings", http_static_get, ROLE_NONE, 0, NULL},
	{"GET", "/settings/{token}", http_static_get, ROLE_NONE, 0, NULL},
};

#define NFIXED ((int)(sizeof FIXED / sizeof FIXED[0]))
#define PER_ENTITY 8

/* Users are written with passwords (argon2id): their writes are slow routes. */
static unsigned write_flags(const struct entity *e)
{
	return strcmp(e->name, "users") == 0 ? ROUTE_SLOW : 0;
}

static char *path(const char *name, const char *suffix)
{
	size_t n = strlen(name) + strlen(suffix) + 8;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "/api/%s%s", name, suffix);
	return p;
}

kt_err api_routes_new(struct route **out, int *n)
{
	const struct entity *const *all = entities_all();
	int ne = 0;
	while (all[ne])
		ne++;
	int total = NFIXED + ne * PER_ENTITY;
	struct route *r = calloc((size_t)total, sizeof *r);
	if (!r)
		return ERR_NOMEM;
	memcpy(r, FIXED, sizeof FIXED);
	/* The upload cap is a setting; the body may hold the multipart framing too. */
	for (int i = 0; i < NFIXED; i++)
		if (r[i].fn == api_attachments_upload)
			r[i].flags |= ROUTE_BODY_MIB((attachments_max_bytes(NULL) + LIM_MULTIPART_OVERHEAD) / (1024 * 1024) + 1);
	int k = NFIXED;
	for (int i = 0; i < ne; i++) {
		const struct entity *e = all[i];
		unsigned wf = write_flags(e);
		struct route gen[PER_ENTITY] = {
			{"GET", path(e->name, ""), api_records_list, e->read_role, 0, e},
			{"POST", path(e->name, ""), api_records_create, e->write_role, wf, e},
			{"GET", path(e->name, "/{id}"), api_records_get, e->read_role, 0, e},
			{"PATCH", path(e->name, "/{id}"), api_records_update, e->write_role, wf, e},
			{"DELETE", path(e->name, "/{id}"), api_records_delete, e->write_role, 0, e},
			{"GET", path(e->name, "/{id}/history"), api_records_history, e->read_role, 0, e},
			{"POST", path(e->name, "/{id}/restore"), api_records_restore, e->write_role, 0, e},
			/* A file of the list; on a worker, since an XLSX is built whole. */
			{"GET", path(e->name, "/export"), api_transfer_export, e->read_role, ROUTE_SLOW, e},
		};
		for (int j = 0; j < PER_ENTITY; j++) {
			if (!gen[j].pattern) {
				api_routes_free(r, k);
				for (int m = j + 1; m < PER_ENTITY; m++)
					free((char *)gen[m].pattern);
				return ERR_NOMEM;
			}
			r[k++] = gen[j];
		}
	}
	*out = r;
	*n = k;
	return ERR_OK;
}

void api_routes_free(struct route *routes, int n)
{
	if (!routes)
		return;
	for (int i = NFIXED; i < n; i++)
		free((char *)routes[i].pattern);
	free(routes);
}
