/* api.h: the JSON API's route table and the helpers its handlers share.
 * One file per resource family (records.c, session.c, tokens.c,
 * health.c); each decodes the request, calls model/crm, encodes the reply. */
#ifndef KT_API_H
#define KT_API_H

#include "http/http.h"
#include "model/record.h"

/* api_routes_new: every route of Kontakt; free with api_routes_free. */
kt_err api_routes_new(struct route **out, int *n);
void api_routes_free(struct route *routes, int n);

/* api_ctx: the record-engine context of a request (caller, time). */
void api_ctx(struct http_req *req, struct rec_ctx *ctx);
/* api_fail: moves ctx's field errors and message into the reply; returns rc. */
kt_err api_fail(struct http_req *req, struct rec_ctx *ctx, kt_err rc);
/* api_user_json: the public view of the caller (for /api/me and log-in). */
kt_err api_me_json(struct http_req *req, json_t **out);

/* Handlers of the individual families (one file each). */
kt_err api_health_get(struct http_req *req);
kt_err api_openapi_get(struct http_req *req);
kt_err api_session_create(struct http_req *req);
kt_err api_session_delete(struct http_req *req);
kt_err api_me_get(struct http_req *req);
kt_err api_me_update(struct http_req *req);
kt_err api_tokens_create(struct http_req *req);
kt_err api_tokens_list(struct http_req *req);
kt_err api_tokens_delete(struct http_req *req);
kt_err api_reminders_get(struct http_req *req);
kt_err api_inquiries_comment(struct http_req *req);
kt_err api_inquiries_board(struct http_req *req);
kt_err api_contacts_finish(struct http_req *req);
kt_err api_contacts_reopen(struct http_req *req);
kt_err api_reports_inquiries(struct http_req *req);
kt_err api_reports_contacts(struct http_req *req);
kt_err api_me_ical(struct http_req *req);
kt_err api_ical_feed(struct http_req *req);
kt_err api_calendar_get(struct http_req *req);
kt_err api_activities_thread(struct http_req *req);
kt_err api_contacts_timeline(struct http_req *req);
kt_err api_companies_timeline(struct http_req *req);
kt_err api_procedures_apply(struct http_req *req);
kt_err api_settings_get(struct http_req *req);
kt_err api_settings_update(struct http_req *req);
kt_err api_announcements_create(struct http_req *req);
kt_err api_announcements_get(struct http_req *req);
kt_err api_announcements_update(struct http_req *req);
kt_err api_announcements_restore(struct http_req *req);
kt_err api_announcements_pending(struct http_req *req);
kt_err api_announcements_ack(struct http_req *req);
kt_err api_announcements_later(struct http_req *req);
kt_err api_announcements_receipts(struct http_req *req);
kt_err api_kb_list(struct http_req *req);
kt_err api_kb_create(struct http_req *req);
kt_err api_kb_get(struct http_req *req);
kt_err api_kb_update(struct http_req *req);
kt_err api_kb_restore(struct http_req *req);
kt_err api_attachments_upload(struct http_req *req);
kt_err api_attachments_list(struct http_req *req);
kt_err api_attachments_get(struct http_req *req);
kt_err api_attachments_download(struct http_req *req);
kt_err api_attachments_delete(struct http_req *req);
kt_err api_attachments_restore(struct http_req *req);
kt_err api_duplicates_get(struct http_req *req);
kt_err api_merge_create(struct http_req *req);
kt_err api_merge_get(struct http_req *req);
kt_err api_merge_undo(struct http_req *req);
kt_err api_transfer_export(struct http_req *req);
kt_err api_transfer_import(struct http_req *req);
kt_err api_bulkmail_create(struct http_req *req);
kt_err api_bulkmail_list(struct http_req *req);
kt_err api_bulkmail_get(struct http_req *req);
kt_err api_records_list(struct http_req *req);
kt_err api_records_create(struct http_req *req);
kt_err api_records_get(struct http_req *req);
kt_err api_records_update(struct http_req *req);
kt_err api_records_delete(struct http_req *req);
kt_err api_records_restore(struct http_req *req);
kt_err api_records_history(struct http_req *req);

#endif
