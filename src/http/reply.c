/* reply.c: reading a request's query, headers and cookies, and writing
 * replies.  http_reply_error is the one place error bodies are made,
 * logged and counted. */
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fieldcode.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "core/app.h"
#include "http/http_int.h"

static struct MHD_Connection *mhd_conn(struct http_req *req)
{
	return ((struct conn_state *)req->impl)->mc;
}

static enum MHD_Result add_param(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	json_t *o = cls;
	json_object_set_new(o, key, json_string_nocheck(value ? value : ""));
	return MHD_YES;
}

json_t *http_query(struct http_req *req)
{
	json_t *o = json_object();
	if (o)
		MHD_get_connection_values(mhd_conn(req), MHD_GET_ARGUMENT_KIND, add_param, o);
	return o;
}

const char *http_header(struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(mhd_conn(req), MHD_HEADER_KIND, name);
}

const char *http_cookie(struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(mhd_conn(req), MHD_COOKIE_KIND, name);
}

/* drop_file: a later reply (an error, say) replaces a file reply. */
static void drop_file(struct http_req *req)
{
	if (req->reply_fd >= 0)
		close(req->reply_fd);
	req->reply_fd = -1;
	req->disposition = NULL;
	if (req->stream_free && req->stream_ctx)
		req->stream_free(req->stream_ctx);
	req->stream = NULL;
	req->stream_ctx = NULL;
	req->stream_free = NULL;
}

kt_err http_reply_bytes(struct http_req *req, int status, const char *content_type,
			const void *data, size_t len)
{
	drop_file(req);
	char *copy = malloc(len ? len : 1);
	if (!copy)
		return ERR_NOMEM;
	if (len)
		memcpy(copy, data, len);
	free(req->reply);
	req->reply = copy;
	req->reply_len = len;
	req->status = status;
	req->content_type = content_type;
	return ERR_OK;
}

kt_err http_reply_file(struct http_req *req, const char *path, const char *content_type,
		       const char *disposition)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? ERR_NOT_FOUND : ERR_IO;
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return ERR_IO;
	}
	drop_file(req);
	free(req->reply);
	req->reply = NULL;
	req->reply_len = 0;
	req->reply_fd = fd;
	req->reply_fd_len = (uint64_t)sb.st_size;
	req->status = 200;
	req->content_type = content_type;
	req->disposition = disposition;
	return ERR_OK;
}

kt_err http_reply_stream(struct http_req *req, int status, const char *content_type, http_stream_fn fn,
			 void *ctx, http_stream_free_fn free_fn)
{
	const char *disposition = req->disposition;
	drop_file(req);
	free(req->reply);
	req->reply = NULL;
	req->reply_len = 0;
	req->stream = fn;
	req->stream_ctx = ctx;
	req->stream_free = free_fn;
	req->status = status;
	req->content_type = content_type;
	req->disposition = disposition;
	return ERR_OK;
}

kt_err http_reply_json(struct http_req *req, int status, json_t *body)
{
	size_t len = 0;
	char *text = body ? jsonw_dumps(body, &len) : NULL;
	json_decref(body);
	drop_file(req);
	if (!text)
		return ERR_NOMEM;
	free(req->reply);
	req->reply = text;
	req->reply_len = len;
	req->status = status;
	req->content_type = "application/json; charset=utf-8";
	return ERR_OK;
}

kt_err http_reply_empty(struct http_req *req, int status)
{
	drop_file(req);
	free(req->reply);
	req->reply = NULL;
	req->reply_len = 0;
	req->status = status;
	req->content_type = NULL;
	return ERR_OK;
}

void http_reply_error(struct http_req *req, kt_err rc)
{
	const struct err_info *e = err_info(rc);
	const char *msg = req->err_message ? req->err_message : e->message;
	json_t *err = json_pack("{ssss}", "code", e->code, "message", msg);
	if (err && req->err_fields && json_object_size(req->err_fields)) {
		json_object_set(err, "fields", req->err_fields);
		fieldcode_add(err, req->err_fields);
	}
	if (err && json_is_object(req->err_extra))
		json_object_update_missing(err, req->err_extra);
	if (e->http_status >= 500)
		log_error("event=request_failed rid=%s code=%s path=\"%.200s\"", req->request_id, e->code, req->path);
	else
		log_debug("event=request_refused rid=%s code=%s", req->request_id, e->code);
	if (rc == ERR_THROTTLED && !req->retry_after)
		req->retry_after = 60;
	if (http_reply_json(req, e->http_status, json_pack("{so}", "error", err)) != ERR_OK) {
		static const char oom[] = "{\"error\":{\"code\":\"out_of_memory\",\"message\":\"Out of memory.\"}}";
		free(req->reply);
		req->reply = strdup(oom);
		req->reply_len = req->reply ? sizeof oom - 1 : 0;
		req->status = 503;
	}
}

void http_set_session_cookie(struct http_req *req, const char *value)
{
	if (value)
		snprintf(req->set_cookie, sizeof req->set_cookie,
			 HTTP_SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Lax%s", value,
			 req->app->cookie_secure ? "; Secure" : "");
	else
		snprintf(req->set_cookie, sizeof req->set_cookie,
			 HTTP_SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0%s",
			 req->app->cookie_secure ? "; Secure" : "");
}
