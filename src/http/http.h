/* http.h: what a request handler sees of the HTTP layer: the request
 * (method, path parameters, query, parsed JSON body, the caller), the
 * route table entry, and the reply helpers.  libmicrohttpd stays inside
 * src/http; handlers never see it. */
#ifndef KT_HTTP_H
#define KT_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "crm/accounts.h"

struct app;
struct db_conn;
struct http_req;

typedef kt_err (*http_handler)(struct http_req *req);

enum route_flags {
	ROUTE_SLOW = 1 << 0,      /* runs on a worker thread (password hashing, big work) */
	ROUTE_NO_CSRF = 1 << 1,   /* a cookie mutation without the CSRF token is fine (log-in) */
	ROUTE_RAW_BODY = 1 << 2,  /* the body is not JSON: handler reads req->raw */
	ROUTE_OPTIONAL_AUTH = 1 << 3, /* public, but the caller is identified when possible */
};

/* ROUTE_BODY_MIB(n): the route takes bodies of up to n MiB (1..65535)
 * instead of LIM_JSON_BODY; kept in the upper 16 bits of its flags. */
#define ROUTE_BODY_MIB(n) ((unsigned)(n) << 16)
#define ROUTE_BODY_MIB_OF(flags) ((unsigned)(flags) >> 16)

struct route {
	const char *method;      /* "GET", "POST", "PATCH", "DELETE" */
	const char *pattern;     /* "/api/contacts/{id}/history": {id} is a positive integer */
	http_handler fn;
	enum role role;          /* least role; ROLE_NONE = public */
	unsigned flags;
	const void *arg;         /* handler data, e.g. the entity */
	int ok;                  /* the status of success, for the API reference */
	const char *doc;         /* one line for the API reference; NULL: not in it */
};

/* http_stream_fn: writes the next part of a streamed reply's body into
 * out (at most max bytes) and returns how many bytes it wrote; 0 ends the
 * body, -1 aborts it (the client sees a cut-off reply).  Called on the
 * server's thread after the handler has returned, until it ends. */
typedef long (*http_stream_fn)(void *ctx, char *out, size_t max);
/* http_stream_free_fn: frees a stream's ctx once it is over (or unused). */
typedef void (*http_stream_free_fn)(void *ctx);

struct http_req {
	struct app *app;
	struct arena arena;              /* freed when the reply is sent */
	const struct route *route;
	const char *method;
	const char *path;
	int64_t id;                      /* the {id} of the path, 0 when none */
	const char *token;               /* the {token} of the path, or NULL */
	json_t *body;                    /* the parsed JSON object, or NULL */
	const char *raw;                 /* the body bytes (ROUTE_RAW_BODY) */
	size_t raw_len;
	struct auth auth;                /* user_id == 0 when anonymous */
	struct db_conn *conn;            /* a connection for this request */
	const char *addr;                /* client address */
	char request_id[24];

	/* The reply, filled by http_reply_*. */
	int status;
	char *reply;                     /* malloc'd; sent and freed by the server */
	size_t reply_len;
	const char *content_type;
	char set_cookie[512];
	const char *allow;               /* Allow header of a 405 */
	int retry_after;                 /* seconds; 0 = none */
	json_t *err_fields;              /* field -> message for error replies */
	const char *err_message;         /* overrides the default message */
	int reply_fd;                    /* a file to send instead of reply (-1: none) */
	uint64_t reply_fd_len;
	const char *disposition;         /* Content-Disposition of a file reply */
	http_stream_fn stream;           /* a streamed body instead of reply (NULL: none) */
	void *stream_ctx;
	http_stream_free_fn stream_free;
	json_t *err_extra;               /* more members of an error reply's "error" object */
	const char *location;            /* Location header of a redirect */
	void *impl;                      /* the server's per-connection state */
};

/* http_query: the query parameters as a new JSON object of strings. */
json_t *http_query(struct http_req *req);
/* http_header: a request header, or NULL; borrowed for the request. */
const char *http_header(struct http_req *req, const char *name);
/* http_cookie: a request cookie, or NULL; borrowed for the request. */
const char *http_cookie(struct http_req *req, const char *name);

/* http_reply_json: sends body (taken: the reply owns the reference). */
kt_err http_reply_json(struct http_req *req, int status, json_t *body);
/* http_reply_empty: 204 and friends. */
kt_err http_reply_empty(struct http_req *req, int status);
/* http_reply_bytes: any content; data is copied. */
kt_err http_reply_bytes(struct http_req *req, int status, const char *content_type,
			const void *data, size_t len);
/* http_reply_file: 200 with the regular file at path, streamed from disk
 * with content_type and, when not NULL, a Content-Disposition header (both
 * must outlive the request: static or arena strings) and Cache-Control
 * private, no-store.  ERR_NOT_FOUND when there is no such file, ERR_IO
 * when it can't be opened. */
kt_err http_reply_file(struct http_req *req, const char *path, const char *content_type,
		       const char *disposition);
/* http_reply_stream: a reply of unknown length (chunked) whose body fn
 * writes piece by piece, e.g. an export read from the database page by
 * page; ctx is taken (free_fn frees it when the stream is over, or when a
 * later reply replaces this one).  req->disposition applies as for files. */
kt_err http_reply_stream(struct http_req *req, int status, const char *content_type, http_stream_fn fn,
			 void *ctx, http_stream_free_fn free_fn);
/* http_reply_error: the one place error replies are written:
 * {"error": {"code", "message", "fields"?}} with err_info(rc)'s status. */
void http_reply_error(struct http_req *req, kt_err rc);
/* http_set_cookie: the session cookie (value NULL clears it). */
void http_set_session_cookie(struct http_req *req, const char *value);

#define HTTP_SESSION_COOKIE "kontakt_session"

#endif
