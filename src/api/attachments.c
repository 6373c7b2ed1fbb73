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
	struct rec_ctx ctx;
	const char *entity, *name, *mime;
	int64_t record_id, size;
	char sha[65];
	json_t *out;
};

static kt_err up_tx(struct db_conn *c, void *arg)
{
	struct up *u = arg;
	rec_ctx_clear(&u->ctx);
	u->ctx.message = NULL;
	json_decref(u->out);
	u->out = NULL;
	return attachments_create(&u->ctx, u->entity, u->record_id, u->name, u->size, u->sha, u->mime, &u->out);
}

static kt_err bad(struct http_req *req, const char *k, const char *msg)
{
	if (!req->err_fields)
		req->err_fields = json_object();
	json_object_set_new(req->err_fields, k, json_string(msg));
	return ERR_BAD_QUERY;
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
			bad(req, k, "is not a parameter of an upload");
	if (!e)
		bad(req, "entity", "is required: the kind of record, e.g. contacts");
	if (!r || !*r || *end || id < 1)
		bad(req, "record_id", "is required: the id of the record");
	json_decref(q);
	if (!req->err_fields && !u->entity)
		return ERR_NOMEM;
	return req->err_fields ? ERR_BAD_QUERY : ERR_OK;
}

kt_err api_attachments_upload(struct http_req *req)
{
	struct up u = {.out = NULL};
	kt_err rc = upload_target(req, &u);
	if (rc)
		return rc;
	api_ctx(req, &u.ctx);
	rc = attachments_check(&u.ctx, u.entity, u.record_id, true);
	if (rc)
		return api_fail(req, &u.ctx, rc);
	if (!req->app->data_dir) {
		req->err_message = NO_DATA_DIR;
		rec_ctx_clear(&u.ctx);
		return ERR_UNAVAILABLE;
	}
	struct http_file f;
	const char *why = NULL;
	rc = http_multipart_file(http_header(req, "Content-Type"), req->raw, req->raw_len, &f, &why);
	if (rc == ERR_MEDIA_TYPE) {
		req->err_message = "Send the file as multipart/form-data (one part with a filename).";
	} else if (rc) {
		req->err_message = why;
		u.ctx.message = why;
		rec_error(&u.ctx, "file", why ? why : "is missing");
		return api_fail(req, &u.ctx, rc);
	}
	if (!rc && f.len > attachments_max_bytes(NULL)) {
		req->err_message = arena_printf(&req->arena, "The file is larger than the limit of %zu MiB.",
						attachments_max_bytes(NULL) / (1024 * 1024));
		rc = ERR_TOO_LARGE;
	}
	if (rc) {
		rec_ctx_clear(&u.ctx);
		return rc;
	}
	char name[LIM_FILE_NAME + 1];
	attachments_clean_name(f.name, strlen(f.name), name);
	u.name = name;
	u.size = (int64_t)f.len;
	u.mime = attachments_sniff(f.data, f.len);
	rc = attachments_store(req->app->data_dir, f.data, f.len, u.sha);
	if (rc == ERR_UNAVAILABLE)
		req->err_message = "The server's disk is full; the file was not stored.";
	if (!rc)
		rc = db_tx_run(req->conn, true, up_tx, &u);
	if (rc) {
		json_decref(u.out);
		return api_fail(req, &u.ctx, rc);
	}
	rec_ctx_clear(&u.ctx);
	return http_reply_json(req, 201, u.out);
}

kt_err api_attachments_list(struct http_req *req)
{
	struct rec_ctx ctx;
	api_ctx(req, &ctx);
	json_t *params = http_query(req), *out = NULL;
	kt_err rc = params ? attachments_list(&ctx, params, &out) : ERR_NOMEM;
	json_decref(params);
	if (rc)
		return api_fail(req, &ctx, rc);
	rec_ctx_clear(&ctx);
	return http_reply_json(req, 200, out);
}

kt_err api_attachments_get(struct http_req *req)
{
	struct rec_ctx ctx;
	api_ctx(req, &ctx);
	json_t *out = NULL;
	kt_err rc = attachments_get(&ctx, req->id, false, &out);
	if (rc)
		return api_fail(req, &ctx, rc);
	rec_ctx_clear(&ctx);
	return http_reply_json(req, 200, out);
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

struct op {
	struct rec_ctx ctx;
	int64_t id;
	bool restore;
	json_t *out;
};

static kt_err op_tx(struct db_conn *c, void *arg)
{
	struct op *o = arg;
	rec_ctx_clear(&o->ctx);
	o->ctx.message = NULL;
	json_decref(o->out);
	o->out = NULL;
	return o->restore ? attachments_restore(&o->ctx, o->id, &o->out) : attachments_delete(&o->ctx, o->id);
}

static kt_err run(struct http_req *req, bool restore)
{
	struct op o = {.id = req->id, .restore = restore};
	api_ctx(req, &o.ctx);
	kt_err rc = db_tx_run(req->conn, true, op_tx, &o);
	if (rc) {
		json_decref(o.out);
		return api_fail(req, &o.ctx, rc);
	}
	rec_ctx_clear(&o.ctx);
	return restore ? http_reply_json(req, 200, o.out) : http_reply_empty(req, 204);
}

kt_err api_attachments_delete(struct http_req *req)
{
	return run(req, false);
}

kt_err api_attachments_restore(struct http_req *req)
{
	return run(req, true);
}
