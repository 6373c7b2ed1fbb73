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

/* api_op: the work of one handler on the engine, given the caller's
 * context, the request and the handler's own state.  It sets *out to the
 * reply (a new reference), or leaves it NULL for 204.  A write may be run
 * again when its transaction is retried: it starts afresh each time. */
typedef kt_err (*api_op)(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out);
/* api_read: runs op outside a transaction; replies 200 with its *out. */
kt_err api_read(struct http_req *req, api_op op, void *arg);
/* api_write: runs op in a write transaction (retried when the database is
 * busy); replies status with its *out, or 204 when there is none. */
kt_err api_write(struct http_req *req, api_op op, void *arg, int status);
/* The shapes most handlers have: a crm function of the record in the path,
 * of the query parameters, or of the record in the path and the body. */
typedef kt_err (*api_id_fn)(struct rec_ctx *ctx, int64_t id, json_t **out);
typedef kt_err (*api_query_fn)(struct rec_ctx *ctx, json_t *params, json_t **out);
typedef kt_err (*api_body_fn)(struct rec_ctx *ctx, int64_t id, json_t *body, json_t **out);
kt_err api_read_id(struct http_req *req, api_id_fn fn);
kt_err api_write_id(struct http_req *req, api_id_fn fn, int status);
kt_err api_read_query(struct http_req *req, api_query_fn fn);
/* api_write_body: as api_write; without a body, ERR_BAD_JSON with message. */
kt_err api_write_body(struct http_req *req, api_body_fn fn, const char *message, int status);
/* api_param_error: notes that query parameter (or body member) field is
 * wrong (message is static); returns ERR_BAD_QUERY. */
kt_err api_param_error(struct http_req *req, const char *field, const char *message);
/* api_if_match: the version in If-Match ("3", W/"3" or 3): 0 when there is
 * none; on a malformed one sets the message and returns -1. */
int64_t api_if_match(struct http_req *req);
/* api_need_body: ERR_BAD_JSON with message (static) when the request has
 * no JSON object body; else ERR_OK. */
kt_err api_need_body(struct http_req *req, const char *message);

/* Handlers of the individual families (one file each). */
kt_err api_health_get(struct http_req *req);
kt_err api_openapi_get(struct http_req *req);
kt_err api_session_create(struct http_req *req);
kt_err api_session_delete(struct http_req *req);
kt_err api_me_get(struct http_req *req);
kt_err api_me_update(struct http_req *req);
/* api_me_password: POST /api/me/password {current_password, new_password}. */
kt_err api_me_password(struct http_req *req);
/* api_session_need_password_login: ERR_OK for a caller logged in with a
 * password (cookie session); ERR_FORBIDDEN with a message for an API token. */
kt_err api_session_need_password_login(struct http_req *req);
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
kt_err api_settings_mail_get(struct http_req *req);
kt_err api_settings_mail_test(struct http_req *req);
kt_err api_announcements_pending(struct http_req *req);
kt_err api_announcements_ack(struct http_req *req);
kt_err api_announcements_later(struct http_req *req);
kt_err api_announcements_receipts(struct http_req *req);
kt_err api_announcements_reannounce(struct http_req *req);
kt_err api_kb_list(struct http_req *req);
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
