/* attachments.c: the routes of attachments: upload (multipart, one file,
 * capped by KONTAKT_ATTACHMENT_MAX_MB), a record's list, one attachment,
 * its download, and trash and restore.  Files need a data directory
 * (KONTAKT_DATA_DIR): without one, upload and download answer 503 while
 * the rest still works.  Rules are src/crm/attachments.c's. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/app.h"
#include "crm/attachments.h"
#include "db/db.h"
#include "http/multipart.h"

static const char NO_DATA_DIR[] = "Attachments need a data directory: set KONTAKT_DATA_DIR"
				  " (or data_dir in the config file, or --data-dir) and restart.";

struct up {
	const char *entity, *name, *mime;
	int64_t record_id, size;
	char sha[65];
};

static kt_err up_op(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out)
{
	(void)req;
	struct up *u = arg;
	return attachments_create(ctx, u->entity, u->record_id, u->name, u->size, u->sha, u->mime, out);
}

/* upload_target: entity and record_id of the query. */
static kt_err upload_target(struct http_req *req, struct up *u)
{
	json_t *q = http_query(req);
	if (!q)
		return ERR_NOMEM;
	const char *e = json_string_value(json_object_get(q, "entity"));
	const char *r = json_string_value(json_object_get(q, "record_id"));
	char *end = NULL;
	long long id = r ? strtoll(r, &end, 10) : 0;
	u->entity = e ? arena_strdup(&req->arena, e) : NULL;
	u->record_id = id;
	const char *k;
	json_t *v;
	json_object_foreach(q, k, v)
		if (strcmp(k, "entity") && strcmp(k, "record_id"))
			api_param_error(req, k, "is not a parameter of an upload");
	if (!e)
		api_param_error(req, "entity", "is required: the kind of record, e.g. contacts");
	if (!r || !*r || *end || id < 1)
		api_param_error(req, "record_id", "is required: the id of the record");
	json_decref(q);
	if (!req->err_fields && !u->entity)
		return ERR_NOMEM;
	return req->err_fields ? ERR_BAD_QUERY : ERR_OK;
}

/* The record exists, the caller may attach to it, and files can be kept. */
static kt_err upload_allowed(struct http_req *req, const struct up *u)
{
	struct rec_ctx ctx;
	api_ctx(req, &ctx);
	kt_err rc = attachments_check(&ctx, u->entity, u->record_id, true);
	if (rc)
		return api_fail(req, &ctx, rc);
	rec_ctx_clear(&ctx);
	if (!req->app->data_dir) {
		req->err_message = NO_DATA_DIR;
		return ERR_UNAVAILABLE;
	}
	return ERR_OK;
}

/* The one file of the multipart body, within the size limit. */
static kt_err upload_file(struct http_req *req, struct http_file *f)
{
	const char *why = NULL;
	kt_err rc = http_multipart_file(http_header(req, "Content-Type"), req->raw, req->raw_len, f, &why);
	if (rc == ERR_MEDIA_TYPE) {
		req->err_message = "Send the file as multipart/form-data (one part with a filename).";
	} else if (rc) {
		req->err_message = why;
		api_param_error(req, "file", why ? why : "is missing");
	} else if (f->len > attachments_max_bytes(NULL)) {
		req->err_message = arena_printf(&req->arena, "The file is larger than the limit of %zu MiB.",
						attachments_max_bytes(NULL) / (1024 * 1024));
		rc = ERR_TOO_LARGE;
	}
	return rc;
}

kt_err api_attachments_upload(struct http_req *req)
{
	struct up u = {.entity = NULL};
	struct http_file f;
	kt_err rc = upload_target(req, &u);
	if (!rc)
		rc = upload_allowed(req, &u);
	if (!rc)
		rc = upload_file(req, &f);
	if (rc)
		return rc;
	char name[LIM_FILE_NAME + 1];
	attachments_clean_name(f.name, strlen(f.name), name);
	u.name = name;
	u.size = (int64_t)f.len;
	u.mime = attachments_sniff(f.data, f.len);
	rc = attachments_store(req->app->data_dir, f.data, f.len, u.sha);
	if (rc == ERR_UNAVAILABLE)
		req->err_message = "The server's disk is full; the file was not stored.";
	return rc ? rc : api_write(req, up_op, &u, 201);
}

static kt_err get_op(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out)
{
	(void)arg;
	return attachments_get(ctx, req->id, false, out);
}

kt_err api_attachments_list(struct http_req *req)
{
	return api_read_query(req, attachments_list);
}

kt_err api_attachments_get(struct http_req *req)
{
	return api_read(req, get_op, NULL);
}

kt_err api_attachments_download(struct http_req *req)
{
	struct rec_ctx ctx;
	api_ctx(req, &ctx);
	json_t *a = NULL;
	kt_err rc = attachments_get(&ctx, req->id, false, &a);
	if (rc)
		return api_fail(req, &ctx, rc);
	rec_ctx_clear(&ctx);
	char path[4096], disp[4 * LIM_FILE_NAME + 64];
	if (!req->app->data_dir) {
		json_decref(a);
		req->err_message = NO_DATA_DIR;
		return ERR_UNAVAILABLE;
	}
	bool ok = attachments_path(req->app->data_dir, json_string_value(json_object_get(a, "sha256")), path,
				   sizeof path);
	attachments_disposition(json_string_value(json_object_get(a, "name")), disp, sizeof disp);
	const char *mime = arena_strdup(&req->arena, json_string_value(json_object_get(a, "mime")));
	const char *d = arena_strdup(&req->arena, disp);
	json_decref(a);
	rc = ok && mime && d ? http_reply_file(req, path, mime, d) : ERR_NOMEM;
	if (rc == ERR_NOT_FOUND || !ok) {
		/* The row is there, its file is not: storage lost it. */
		req->err_message = "The file of this attachment is missing from the server's storage.";
		rc = ERR_IO;
	}
	return rc;
}

static kt_err delete_op(struct rec_ctx *ctx, struct http_req *req, void *arg, json_t **out)
{
	(void)arg, (void)out;
	return attachments_delete(ctx, req->id);
}

kt_err api_attachments_delete(struct http_req *req)
{
	return api_write(req, delete_op, NULL, 204);
}

kt_err api_attachments_restore(struct http_req *req)
{
	return api_write_id(req, attachments_restore, 200);
}
