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
	{"GET", "/healthz", api_health_get, ROLE_NONE, 0, NULL, 200,
	 "health: {\"status\": \"ok\"} without touching the database"},
	{"GET", "/api/openapi.json", api_openapi_get, ROLE_NONE, 0, NULL, 200,
	 "this document"},
	{"POST", "/api/session", api_session_create, ROLE_NONE, ROUTE_SLOW | ROUTE_NO_CSRF | ROUTE_OPTIONAL_AUTH, NULL, 200,
	 "log in with {login, password}: sets the session cookie, returns {user, csrf_token}"},
	{"DELETE", "/api/session", api_session_delete, ROLE_AGENT, 0, NULL, 204,
	 "log out"},
	{"GET", "/api/me", api_me_get, ROLE_AGENT, 0, NULL, 200,
	 "the caller (with csrf_token when logged in by cookie)"},
	{"PATCH", "/api/me", api_me_update, ROLE_AGENT, 0, NULL, 200,
	 "change my name, e-mail, time zone or locale"},
	{"POST", "/api/me/password", api_me_password, ROLE_AGENT, ROUTE_SLOW, NULL, 204,
	 "change my password {current_password, new_password}: ends my other sessions and revokes my API tokens"
	 " (a password session only)"},
	{"GET", "/api/tokens", api_tokens_list, ROLE_AGENT, 0, NULL, 200,
	 "my API tokens (a password session only)"},
	{"POST", "/api/tokens", api_tokens_create, ROLE_AGENT, 0, NULL, 201,
	 "new API token {name} -> {token} (shown once; a password session only)"},
	{"DELETE", "/api/tokens/{id}", api_tokens_delete, ROLE_AGENT, 0, NULL, 204,
	 "revoke a token"},
	{"GET", "/api/reminders", api_reminders_get, ROLE_AGENT, 0, NULL, 200,
	 "my reminders: {overdue, today, tomorrow, day_after, counts} in my time zone, at most 50 a bucket; fields=, inquiry_fields="},
	{"POST", "/api/me/ical", api_me_ical, ROLE_AGENT, 0, NULL, 201,
	 "a new iCalendar feed address {url} (the old one stops working)"},
	{"GET", "/ical/{token}", api_ical_feed, ROLE_NONE, 0, NULL, 200,
	 "my activities as an iCalendar feed (text/calendar); the token is the secret"},
	{"GET", "/api/calendar", api_calendar_get, ROLE_AGENT, 0, NULL, 200,
	 "activities overlapping from..to (ISO times, at most 62 days) of user_id (default me) or department_id"},
	{"GET", "/api/activities/{id}/thread", api_activities_thread, ROLE_AGENT, 0, NULL, 200,
	 "a task with its main task and subtasks: {main, subtasks}"},
	{"GET", "/api/contacts/{id}/timeline", api_contacts_timeline, ROLE_AGENT, 0, NULL, 200,
	 "a client's notes, activities, changes and inquiries, newest first, open overdue tasks pinned; limit, cursor"},
	{"GET", "/api/companies/{id}/timeline", api_companies_timeline, ROLE_AGENT, 0, NULL, 200,
	 "a company's timeline, as for clients"},
	{"POST", "/api/procedures/{id}/apply", api_procedures_apply, ROLE_AGENT, 0, NULL, 201,
	 "apply a service procedure {contact_id, start_date, assignee_id?}: a main task with dated subtasks"},
	{"GET", "/api/settings", api_settings_get, ROLE_AGENT, 0, NULL, 200,
	 "the office settings (autoplan, ...)"},
	{"GET", "/api/inquiries/board", api_inquiries_board, ROLE_AGENT, 0, NULL, 200,
	 "the board: columns by status with counts (capped at 100) and first cards; list filters and fields= apply; a column goes on in the list with sort=-id"},
	{"POST", "/api/inquiries/{id}/comments", api_inquiries_comment, ROLE_AGENT, 0, NULL, 201,
	 "comment on an inquiry {body} (kept in its history)"},
	{"POST", "/api/contacts/{id}/finish", api_contacts_finish, ROLE_AGENT, 0, NULL, 200,
	 "finish a client's service {close_reason_id, note?}"},
	{"POST", "/api/contacts/{id}/reopen", api_contacts_reopen, ROLE_AGENT, 0, NULL, 200,
	 "reopen a finished client"},
	{"GET", "/api/reports/inquiries", api_reports_inquiries, ROLE_AGENT, 0, NULL, 200,
	 "inquiries by group_by=status|handler|close_reason|month over from..to; format=json|csv|xlsx"},
	{"GET", "/api/reports/contacts", api_reports_contacts, ROLE_AGENT, 0, NULL, 200,
	 "finished clients by close reason over from..to; format=json|csv|xlsx"},
	{"PATCH", "/api/settings", api_settings_update, ROLE_ADMIN, 0, NULL, 200,
	 "change office settings"},
	{"GET", "/api/settings/mail", api_settings_mail_get, ROLE_ADMIN, 0, NULL, 200,
	 "e-mail: {configured, server (no password), from, missing: [settings to set]}"},
	{"POST", "/api/settings/mail/test", api_settings_mail_test, ROLE_ADMIN, ROUTE_SLOW, NULL, 200,
	 "send a test e-mail {to} (default: my own address) -> {sent, to, server}"},
	/* Announcements and the knowledge base beyond their generic routes (the
	 * ranked search overrides the list); attachments are no catalogue entity. */
	{"GET", "/api/announcements/pending", api_announcements_pending, ROLE_AGENT, 0, NULL, 200,
	 "announcements addressed to me, not acknowledged and not put off"},
	{"POST", "/api/announcements/{id}/ack", api_announcements_ack, ROLE_AGENT, 0, NULL, 200,
	 "I have read it"},
	{"POST", "/api/announcements/{id}/later", api_announcements_later, ROLE_AGENT, 0, NULL, 200,
	 "remind me in 30 minutes"},
	{"GET", "/api/announcements/{id}/receipts", api_announcements_receipts, ROLE_AGENT, 0, NULL, 200,
	 "who read it and when (its author and admins)"},
	{"POST", "/api/announcements/{id}/reannounce", api_announcements_reannounce, ROLE_MANAGER, 0, NULL, 200,
	 "show it again to everyone it is addressed to, as unread (its author and admins)"},
	{"GET", "/api/kb_articles", api_kb_list, ROLE_AGENT, 0, NULL, 200,
	 "articles; with q= ranked full-text search (prefixes, any case and diacritics); tag, sort, limit, cursor"},
	/* Its body cap comes from KONTAKT_ATTACHMENT_MAX_MB in api_routes_new. */
	{"POST", "/api/attachments", api_attachments_upload, ROLE_AGENT, ROUTE_RAW_BODY | ROUTE_SLOW, NULL, 201,
	 "upload one file (multipart/form-data) to ?entity=&record_id=; at most KONTAKT_ATTACHMENT_MAX_MB"},
	{"GET", "/api/attachments", api_attachments_list, ROLE_AGENT, 0, NULL, 200,
	 "a record's attachments: entity, record_id, limit, cursor"},
	{"GET", "/api/attachments/{id}", api_attachments_get, ROLE_AGENT, 0, NULL, 200,
	 "one attachment: name, size, mime, sha256, who and when"},
	{"GET", "/api/attachments/{id}/download", api_attachments_download, ROLE_AGENT, 0, NULL, 200,
	 "the file (Content-Disposition: attachment)"},
	{"DELETE", "/api/attachments/{id}", api_attachments_delete, ROLE_AGENT, 0, NULL, 204,
	 "move to the trash"},
	{"POST", "/api/attachments/{id}/restore", api_attachments_restore, ROLE_AGENT, 0, NULL, 200,
	 "restore from the trash"},
	/* Duplicates, merges, import and bulk e-mail (issue 7); the export of
	 * every entity is among the generic routes below. */
	{"GET", "/api/duplicates", api_duplicates_get, ROLE_AGENT, ROUTE_SLOW, NULL, 200,
	 "groups of likely duplicates: entity=contacts|companies, kind (pesel, nip, phone, email, name, similar_name), limit <= 200, cursor -> {items: [{kind, score, evidence, records}], next_cursor}"},
	{"POST", "/api/contacts/{id}/merge", api_merge_create, ROLE_AGENT, 0, "contacts", 201,
	 "merge {ids, prefer: {field: record id}} into this client; linked records move, the merged ones go to the trash and answer 308 to GET"},
	{"POST", "/api/companies/{id}/merge", api_merge_create, ROLE_AGENT, 0, "companies", 201,
	 "merge {ids, prefer} into this company, as for clients"},
	{"GET", "/api/merges/{id}", api_merge_get, ROLE_AGENT, 0, NULL, 200,
	 "a merge"},
	{"POST", "/api/merges/{id}/undo", api_merge_undo, ROLE_AGENT, 0, NULL, 200,
	 "undo a merge"},
	{"POST", "/api/contacts/import", api_transfer_import, ROLE_AGENT,
	 ROUTE_RAW_BODY | ROUTE_SLOW | ROUTE_BODY_MIB(LIM_IMPORT_BODY / (1024 * 1024)), "contacts", 200,
	 "import clients from a text/csv body (UTF-8 or Windows-1250): dry_run=1, map={header: field}, skip_duplicates=1 -> {rows_ok, rows_failed, errors, duplicates, ...}"},
	{"POST", "/api/companies/import", api_transfer_import, ROLE_AGENT,
	 ROUTE_RAW_BODY | ROUTE_SLOW | ROUTE_BODY_MIB(LIM_IMPORT_BODY / (1024 * 1024)), "companies", 200,
	 "import companies, as for clients"},
	{"POST", "/api/bulk_emails", api_bulkmail_create, ROLE_AGENT, 0, NULL, 201,
	 "{subject, body ({first_name}, {last_name}, {name}), contact_ids | filter} -> queued"},
	{"GET", "/api/bulk_emails", api_bulkmail_list, ROLE_AGENT, 0, NULL, 200,
	 "my bulk e-mails (an admin's: all)"},
	{"GET", "/api/bulk_emails/{id}", api_bulkmail_get, ROLE_AGENT, 0, NULL, 200,
	 "counts and each recipient's status"},
	/* The web UI: index.html for its client-side routes, and its hashed files. */
	{"GET", "/", http_static_get, ROLE_NONE, 0, NULL, 200, NULL},
	{"GET", "/assets/{token}", http_static_get, ROLE_NONE, 0, NULL, 200, NULL},
	{"GET", "/clients", http_static_get, ROLE_NONE, 0, NULL, 200, NULL},
	{"GET", "/clients/{id}", http_static_get, ROLE_NONE, 0, NULL, 200, NULL},
	{"GET", "/companies/{id}", http_static_get, ROLE_NONE, 0, NULL, 200, NULL},
	{"GET", "/duplicates", http_static_get, ROLE_NONE, 0, NULL, 200, NULL},
	{"GET", "/activities", http_static_get, ROLE_NONE, 0, NULL, 200, NULL},
	{"GET", "/calendar", http_static_get, ROLE_NONE, 0, NULL, 200, NULL},
	{"GET", "/inquiries", http_static_get, ROLE_NONE, 0, NULL, 200, NULL},
	{"GET", "/inquiries/board", http_static_get, ROLE_NONE, 0, NULL, 200, NULL},
	{"GET", "/inquiries/{id}", http_static_get, ROLE_NONE, 0, NULL, 200, NULL},
	{"GET", "/settings", http_static_get, ROLE_NONE, 0, NULL, 200, NULL},
	{"GET", "/settings/{token}", http_static_get, ROLE_NONE, 0, NULL, 200, NULL},
	{"GET", "/announcements", http_static_get, ROLE_NONE, 0, NULL, 200, NULL},
	{"GET", "/kb", http_static_get, ROLE_NONE, 0, NULL, 200, NULL},
	{"GET", "/kb/{id}", http_static_get, ROLE_NONE, 0, NULL, 200, NULL},
	{"GET", "/trash", http_static_get, ROLE_NONE, 0, NULL, 200, NULL},
	{"GET", "/bulk_emails", http_static_get, ROLE_NONE, 0, NULL, 200, NULL},
	{"GET", "/bulk_emails/{id}", http_static_get, ROLE_NONE, 0, NULL, 200, NULL},
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
	/* One more, zeroed: the end of the table for the API reference. */
	struct route *r = calloc((size_t)total + 1, sizeof *r);
	if (!r)
		return ERR_NOMEM;
	memcpy(r, FIXED, sizeof FIXED);
	/* The upload cap is a setting; the body may hold the multipart framing too. */
	for (int i = 0; i < NFIXED; i++) {
		if (r[i].fn == api_attachments_upload)
			r[i].flags |= ROUTE_BODY_MIB((attachments_max_bytes(NULL) + LIM_MULTIPART_OVERHEAD) / (1024 * 1024) + 1);
		if (r[i].fn == api_openapi_get)
			r[i].arg = r; /* the reference lists the table's documented routes */
	}
	int k = NFIXED;
	for (int i = 0; i < ne; i++) {
		const struct entity *e = all[i];
		unsigned wf = write_flags(e);
		struct route gen[PER_ENTITY] = {
			{"GET", path(e->name, ""), api_records_list, e->read_role, 0, e, 0, NULL},
			{"POST", path(e->name, ""), api_records_create, e->write_role, wf, e, 0, NULL},
			{"GET", path(e->name, "/{id}"), api_records_get, e->read_role, 0, e, 0, NULL},
			{"PATCH", path(e->name, "/{id}"), api_records_update, e->write_role, wf, e, 0, NULL},
			{"DELETE", path(e->name, "/{id}"), api_records_delete, e->write_role, 0, e, 0, NULL},
			{"GET", path(e->name, "/{id}/history"), api_records_history, e->read_role, 0, e, 0, NULL},
			{"POST", path(e->name, "/{id}/restore"), api_records_restore, e->write_role, 0, e, 0, NULL},
			/* A file of the list; on a worker, since an XLSX is built whole. */
			{"GET", path(e->name, "/export"), api_transfer_export, e->read_role, ROUTE_SLOW, e, 0, NULL},
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
