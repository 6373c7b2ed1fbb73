/* server.c: the libmicrohttpd daemon and the life of one request.
 *
 * Order of checks before any handler runs (as in GNU Taler): URL length,
 * header size, route and method, body size, path id, authentication and
 * role, CSRF, content type, JSON.  A request is answered only on the
 * handler's second call (libmicrohttpd drops keep-alive when a reply is
 * queued on the first).  ROUTE_SLOW handlers run on a worker pool while
 * the connection is suspended, so password hashing never stalls the
 * polling threads.  Slow clients: a connection has the connection
 * timeout to deliver a whole request head, however it dribbles it in,
 * and then its body at LIM_BODY_MIN_RATE after the same grace (a reaper
 * thread closes the ones that don't); libmicrohttpd's own timeout only
 * counts silence. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/workq.h"
#include "core/app.h"
#include "db/db.h"
#include "http/http_int.h"
#include "http/listen.h"
#include "http/route_match.h"
#include "http/static.h"
#include "http/unescape.h"

#define MAX_DAEMONS 64

/* One per accepted connection (libmicrohttpd's socket context), linked
 * in the server's list while the socket is open.  deadline_ms is when the
 * client must have sent the head of its next request (set when the
 * connection is accepted and when a reply has gone out), then as much of
 * its body as the minimum rate asks (body_deadline), cleared when the
 * whole request is in. */
struct conn_track {
	struct conn_track *prev, *next;
	MHD_socket fd;
	_Atomic int64_t deadline_ms;   /* CLOCK_MONOTONIC ms; 0 = none */
	atomic_bool partial;           /* a request line came, its headers not yet */
	size_t uri_len;                /* raw request target of the request being read */
	size_t query_params;           /* and the parameters of its query */
};

struct http_server {
	struct MHD_Daemon *d[MAX_DAEMONS];
	int nd;
	struct app *app;
	const struct route *routes;
	int nroutes;
	struct workq *slow;
	atomic_int inflight;
	atomic_ulong next_id;
	unsigned id_prefix;
	unsigned timeout_s;            /* idle timeout and request-head deadline */
	pthread_mutex_t mu;            /* guards tracks and reaper_stop */
	pthread_cond_t cv;
	struct conn_track *tracks;
	bool reaper_stop;
	bool reaper_started;
	pthread_t reaper;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* track_of: the connection's tracking record, or NULL (when it could not
 * be allocated at accept: that connection goes untracked). */
static struct conn_track *track_of(struct MHD_Connection *mc)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* track_wait: the connection now waits for a request (just accepted, or
 * its reply sent): its head must be complete within the timeout. */
static void track_wait(struct http_server *srv, struct conn_track *t)
{
	if (!t)
		return;
	t->uri_len = 0;
	t->query_params = 0;
	atomic_store(&t->partial, false);
	atomic_store(&t->deadline_ms, now_ms() + (int64_t)srv->timeout_s * 1000);
}

/* too_large_message: the 413's message (in the request's arena).  A
 * multipart route's cap is its file limit plus LIM_MULTIPART_OVERHEAD
 * rounded up to a MiB; the user is told the file limit. */
static const char *too_large_message(struct conn_state *st)
{
	struct http_req *req = &st->req;
	const char *ct = MHD_lookup_connection_value(st->mc, MHD_HEADER_KIND, "Content-Type");
	size_t mib = 1024 * 1024;
	if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0 && st->body.max > LIM_MULTIPART_OVERHEAD)
		return arena_printf(&req->arena, "The file is larger than the upload limit of %zu MiB.",
				    (st->body.max - LIM_MULTIPART_OVERHEAD) / mib);
	return arena_printf(&req->arena, "The request body is larger than %zu MiB.", st->body.max / mib);
}

/* body_deadline: while a request body arrives, the connection must have
 * sent it at LIM_BODY_MIN_RATE on average after a grace of the timeout:
 * an upload on a slow line goes through, a body dribbled a byte at a time
 * is cut off like a dribbled head.  The deadline only moves forward, and
 * never revives one the reaper has already taken (0). */
static void body_deadline(struct conn_state *st)
{
	struct conn_track *t = st->track;
	if (!t)
		return;
	int64_t want = st->body_start_ms + (int64_t)st->srv->timeout_s * 1000 +
		       (int64_t)(st->body_seen / LIM_BODY_MIN_RATE) * 1000 +
		       (int64_t)(st->body_seen % LIM_BODY_MIN_RATE) * 1000 / LIM_BODY_MIN_RATE;
	int64_t d = atomic_load(&t->deadline_ms);
	if (!st->body_seen) {
		atomic_store(&t->deadline_ms, want);
		return;
	}
	while (d && d < want && !atomic_compare_exchange_weak(&t->deadline_ms, &d, want))
		;
}

static void add_security_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
				" script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none';"
				" form-action 'self'; frame-ancestors 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
}

/* A streamed body: the handler's producer, called by libmicrohttpd for
 * each piece and freed with the response (possibly after the request's
 * own state is gone, so it holds nothing of it). */
struct stream {
	http_stream_fn fn;
	void *ctx;
	http_stream_free_fn free_fn;
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	long n = s->fn(s->ctx, buf, max);
	return n > 0 ? (ssize_t)n : n == 0 ? MHD_CONTENT_READER_END_OF_STREAM : MHD_CONTENT_READER_END_WITH_ERROR;
}

static void stream_done(void *cls)
{
	struct stream *s = cls;
	if (s->free_fn)
		s->free_fn(s->ctx);
	free(s);
}

static enum MHD_Result send_reply(struct conn_state *st)
{
	struct http_req *req = &st->req;
	if (!req->status)
		http_reply_error(req, ERR_INTERNAL);
	struct MHD_Response *r;
	if (req->stream) {
		struct stream *sp = malloc(sizeof *sp);
		if (!sp)
			return MHD_NO;
		*sp = (struct stream){req->stream, req->stream_ctx, req->stream_free};
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024, stream_read, sp, stream_done);
		if (!r) {
			free(sp);
			return MHD_NO;
		}
		req->stream = NULL; /* the response frees it now */
		req->stream_ctx = NULL;
		req->stream_free = NULL;
	} else if (req->reply_fd >= 0) {
		r = MHD_create_response_from_fd(req->reply_fd_len, req->reply_fd);
		if (!r)
			return MHD_NO;
		req->reply_fd = -1; /* the response closes it */
	} else {
		r = MHD_create_response_from_buffer(req->reply_len, req->reply, MHD_RESPMEM_MUST_FREE);
		if (!r)
			return MHD_NO;
		req->reply = NULL;
	}
	add_security_headers(r);
	if (req->content_type)
		MHD_add_response_header(r, "Content-Type", req->content_type);
	if (!req->content_type || strncmp(req->content_type, "application/json", 16) == 0)
		MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Request-Id", req->request_id);
	if (req->disposition) {
		MHD_add_response_header(r, "Content-Disposition", req->disposition);
		MHD_add_response_header(r, "Cache-Control", "private, no-store");
	}
	if (req->set_cookie[0])
		MHD_add_response_header(r, "Set-Cookie", req->set_cookie);
	if (req->allow)
		MHD_add_response_header(r, "Allow", req->allow);
	if (req->location)
		MHD_add_response_header(r, "Location", req->location);
	if (req->retry_after) {
		char ra[16];
		snprintf(ra, sizeof ra, "%d", req->retry_after);
		MHD_add_response_header(r, "Retry-After", ra);
	}
	http_static_headers(req, r);
	enum MHD_Result ret = MHD_queue_response(st->mc, (unsigned)req->status, r);
	MHD_destroy_response(r);
	return ret;
}

static struct conn_state *state_new(struct http_server *srv, struct MHD_Connection *mc,
				    const char *url, const char *method)
{
	struct conn_state *st = calloc(1, sizeof *st);
	if (!st)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &st->start);
	st->srv = srv;
	st->mc = mc;
	buf_init(&st->body, LIM_JSON_BODY);
	struct http_req *req = &st->req;
	arena_init(&req->arena);
	req->app = srv->app;
	req->impl = st;
	req->reply_fd = -1;
	req->method = arena_strdup(&req->arena, method);
	req->path = arena_strdup(&req->arena, url);
	snprintf(req->request_id, sizeof req->request_id, "%08x%08lx", srv->id_prefix,
		 atomic_fetch_add(&srv->next_id, 1));
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char addr[INET6_ADDRSTRLEN] = "";
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr, sizeof addr);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, addr, sizeof addr);
	}
	req->addr = arena_strdup(&req->arena, addr);
	if (!req->method || !req->path || !req->addr) {
		arena_free(&req->arena);
		free(st);
		return NULL;
	}
	return st;
}

static void state_free(struct conn_state *st)
{
	struct http_req *req = &st->req;
	if (req->conn)
		db_conn_release(req->conn);
	json_decref(req->body);
	json_decref(req->err_fields);
	json_decref(req->err_extra);
	if (req->stream_free && req->stream_ctx)
		req->stream_free(req->stream_ctx);
	free(req->reply);
	if (req->reply_fd >= 0)
		close(req->reply_fd);
	buf_clear(&st->body);
	arena_free(&req->arena);
	free(st);
}

/* Authentication: a Bearer token, else the session cookie. */
static kt_err authenticate(struct http_req *req)
{
	int64_t now = app_now(req->app);
	const char *h = http_header(req, "Authorization");
	if (h) {
		if (strncasecmp(h, "Bearer ", 7) != 0)
			return ERR_UNAUTHORIZED;
		return accounts_token_check(req->conn, h + 7, now, &req->auth);
	}
	const char *cookie = http_cookie(req, HTTP_SESSION_COOKIE);
	if (!cookie)
		return ERR_UNAUTHORIZED;
	kt_err rc = accounts_session_check(req->conn, cookie, now, &req->auth);
	if (rc == ERR_UNAUTHORIZED)
		http_set_session_cookie(req, NULL);
	return rc;
}

static bool is_mutation(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

static kt_err check_csrf(struct http_req *req)
{
	if (!req->auth.via_cookie || !is_mutation(req->method) || (req->route->flags & ROUTE_NO_CSRF))
		return ERR_OK;
	const char *t = http_header(req, "X-CSRF-Token");
	size_t n = strlen(req->auth.csrf);
	if (!t || strlen(t) != n || n == 0 || sodium_memcmp(t, req->auth.csrf, n) != 0)
		return ERR_CSRF;
	return ERR_OK;
}

static kt_err parse_body(struct conn_state *st)
{
	struct http_req *req = &st->req;
	req->raw = buf_cstr(&st->body);
	req->raw_len = st->body.len;
	if ((req->route->flags & ROUTE_RAW_BODY) || st->body.len == 0)
		return ERR_OK;
	const char *ct = http_header(req, "Content-Type");
	if (!ct || strncasecmp(ct, "application/json", 16) != 0 || (ct[16] && ct[16] != ';' && ct[16] != ' '))
		return ERR_MEDIA_TYPE;
	json_error_t err;
	req->body = json_loadb(st->body.data, st->body.len, JSON_REJECT_DUPLICATES, &err);
	if (!req->body) {
		enum json_error_code code = json_error_code(&err);
		req->err_message = arena_printf(&req->arena, "The body is not valid JSON: %s (line %d, column %d).",
						err.text, err.line, err.column);
		return code == json_error_invalid_utf8 ? ERR_BAD_UTF8 : ERR_BAD_JSON;
	}
	if (!json_is_object(req->body)) {
		req->err_message = "The request body must be a JSON object.";
		return ERR_BAD_JSON;
	}
	return ERR_OK;
}

static void run_handler(struct http_req *req)
{
	kt_err rc = req->route->fn(req);
	if (rc != ERR_OK || !req->status) {
		if (rc == ERR_OK)
			rc = ERR_INTERNAL;
		http_reply_error(req, rc);
	}
}

/* A slow handler gets its connection on the worker, so queued work never
 * holds connections the polling threads need. */
static void slow_job(void *arg)
{
	struct conn_state *st = arg;
	struct http_req *req = &st->req;
	kt_err rc = db_conn_acquire(req->app->db, &req->conn);
	if (rc)
		http_reply_error(req, rc);
	else
		run_handler(req);
	atomic_store(&st->state, ST_DONE);
	MHD_resume_connection(st->mc);
}

/* dispatch: every check, then the handler (here or on a worker). */
static void dispatch(struct conn_state *st)
{
	struct http_req *req = &st->req;
	struct http_server *srv = st->srv;
	kt_err rc = ERR_OK;
	if (st->uri_len > LIM_URL) {
		req->err_message = arena_printf(&req->arena, "The URL is longer than %d bytes.", LIM_URL);
		rc = ERR_URI_TOO_LONG;
		goto fail;
	}
	if (st->query_params > LIM_QUERY_PARAMS) {
		req->err_message = arena_printf(&req->arena, "The URL has %zu query parameters; at most %d are accepted.",
						st->query_params, LIM_QUERY_PARAMS);
		rc = ERR_BAD_QUERY;
		goto fail;
	}
	if (st->head_len > LIM_HEADER) {
		req->err_message = arena_printf(&req->arena, "The request line and headers are longer than %d KiB.",
						LIM_HEADER / 1024);
		rc = ERR_HEADERS_TOO_LARGE;
		goto fail;
	}
	const char *method = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
	struct route_match m;
	rc = route_find(srv->routes, srv->nroutes, method, req->path, &m);
	if (rc) {
		req->allow = m.allow[0] ? arena_strdup(&req->arena, m.allow) : NULL;
		if (rc == ERR_BAD_QUERY)
			req->err_message = "The id in the path must be a positive integer.";
		goto fail;
	}
	req->route = m.route;
	req->id = m.id;
	req->token = m.token[0] ? arena_strdup(&req->arena, m.token) : NULL;
	if (st->too_large) {
		req->err_message = too_large_message(st);
		rc = ERR_TOO_LARGE;
		goto fail;
	}
	if (req->route->role != ROLE_NONE || (req->route->flags & ROUTE_OPTIONAL_AUTH)) {
		rc = db_conn_acquire(req->app->db, &req->conn);
		if (rc)
			goto fail;
	}
	if (req->route->role != ROLE_NONE || (req->route->flags & ROUTE_OPTIONAL_AUTH)) {
		rc = authenticate(req);
		if (rc == ERR_UNAUTHORIZED && req->route->role == ROLE_NONE)
			rc = ERR_OK;
		if (rc)
			goto fail;
		if (req->auth.role < req->route->role) {
			rc = ERR_FORBIDDEN;
			goto fail;
		}
		rc = check_csrf(req);
		if (rc)
			goto fail;
	}
	rc = parse_body(st);
	if (rc)
		goto fail;
	if (req->route->flags & ROUTE_SLOW) {
		db_conn_release(req->conn);
		req->conn = NULL;
		atomic_store(&st->state, ST_WORKING);
		MHD_suspend_connection(st->mc);
		if (workq_push(srv->slow, slow_job, st) == ERR_OK)
			return;
		MHD_resume_connection(st->mc);
		atomic_store(&st->state, ST_DONE);
		req->retry_after = 1;
		http_reply_error(req, ERR_UNAVAILABLE);
		return;
	}
	run_handler(req);
	atomic_store(&st->state, ST_DONE);
	return;
fail:
	http_reply_error(req, rc);
	atomic_store(&st->state, ST_DONE);
}

/* body_cap: the body cap of the route of method and url (GET and HEAD
 * take no body worth a lookup); the route is found again at dispatch. */
static size_t body_cap(struct http_server *srv, const char *method, const char *url)
{
	struct route_match m;
	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ||
	    route_find(srv->routes, srv->nroutes, method, url, &m) != ERR_OK || !ROUTE_BODY_MIB_OF(m.route->flags))
		return LIM_JSON_BODY;
	return (size_t)ROUTE_BODY_MIB_OF(m.route->flags) * 1024 * 1024;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct conn_state *st = *con_cls;
	if (!st) {
		st = state_new(srv, mc, url, method);
		if (!st)
			return MHD_NO;
		*con_cls = st;
		atomic_fetch_add(&srv->inflight, 1);
		/* The head is complete: from now on the body's pace counts
		 * (body_deadline), then no deadline until the reply is out. */
		struct conn_track *t = track_of(mc);
		st->track = t;
		st->body_start_ms = now_ms();
		body_deadline(st);
		st->uri_len = t && t->uri_len ? t->uri_len : strlen(url);
		st->query_params = t ? t->query_params : 0;
		const union MHD_ConnectionInfo *hi = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
		st->head_len = hi ? hi->header_size : 0;
		st->body.max = body_cap(srv, method, url);
		const char *cl = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > st->body.max)
			st->too_large = true;
		/* A client waiting for "100 Continue" gets the 413 instead and
		 * never sends the body; others have it read and dropped. */
		const char *expect = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Expect");
		if (st->too_large && expect && strcasecmp(expect, "100-continue") == 0) {
			dispatch(st);
			return send_reply(st);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!st->too_large && buf_append(&st->body, upload_data, *upload_data_size) != ERR_OK)
			st->too_large = true;
		st->body_seen += *upload_data_size;
		*upload_data_size = 0;
		body_deadline(st);
		return MHD_YES;
	}
	/* The whole request is in: no deadline while it is handled. */
	if (st->track)
		atomic_store(&st->track->deadline_ms, 0);
	int state = atomic_load(&st->state);
	if (state == ST_WORKING)
		return MHD_YES;
	if (state == ST_NEW) {
		dispatch(st);
		if (atomic_load(&st->state) == ST_WORKING)
			return MHD_YES;
	}
	return send_reply(st);
}

static void on_completed(void *cls, struct MHD_Connection *mc, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct conn_state *st = *con_cls;
	/* Kept alive, the connection now waits for its next request. */
	track_wait(srv, track_of(mc));
	if (!st) {
		/* Refused by libmicrohttpd itself before our handler saw it (a
		 * head too large for its memory, a malformed request line). */
		const union MHD_ConnectionInfo *si = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_HTTP_STATUS);
		if (si && si->http_status)
			log_info("event=http_refused status=%u by=libmicrohttpd", si->http_status);
		return;
	}
	struct timespec end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	long us = (long)((end.tv_sec - st->start.tv_sec) * 1000000 + (end.tv_nsec - st->start.tv_nsec) / 1000);
	const struct http_req *req = &st->req;
	const char *path = req->path;
	if (strncmp(path, "/ical/", 6) == 0)
		path = "/ical/(token)";
	log_info("event=http rid=%s method=%s path=\"%.200s\" status=%d us=%ld user=%lld addr=%s%s",
		 req->request_id, req->method, path, req->status, us, (long long)req->auth.user_id,
		 req->addr, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
	state_free(st);
	*con_cls = NULL;
	atomic_fetch_sub(&srv->inflight, 1);
}

/* URL unescaping: http_unescape (%00 becomes 0xFF, never a NUL). */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	return http_unescape(s);
}

/* query_count: the parameters libmicrohttpd would make of the query q
 * (it splits on '&' alone; an empty piece still counts). */
static size_t query_count(const char *q)
{
	if (!*q)
		return 0;
	size_t n = 1;
	for (; *q; q++)
		n += *q == '&';
	return n;
}

/* on_uri: libmicrohttpd's look at the raw request target (query and
 * escapes included) before it splits and decodes it: its length is what
 * LIM_URL caps, its parameter count what LIM_QUERY_PARAMS caps.  Returns
 * NULL, so the first call of on_request still sees no state.
 *
 * A query we are going to refuse (too long, too many parameters) is cut
 * to nothing here.  libmicrohttpd 0.9.75 stores every parameter in the
 * connection's fixed memory pool (64 bytes each) right after this call;
 * 900 of them overflow it, and it then neither answers nor closes (the
 * client waited for the timeout).  This callback is the one place that
 * runs before that, and it is handed libmicrohttpd's own, writable copy
 * of the request line: ending the query after its '?' leaves it nothing
 * to store, and dispatch answers with JSON. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *mc)
{
	struct conn_track *t = track_of(mc);
	if (!t || !uri)
		return NULL;
	t->uri_len = strlen(uri);
	atomic_store(&t->partial, true);
	char *q = strchr(uri, '?');
	if (!q)
		return NULL;
	t->query_params = query_count(q + 1);
	if (t->query_params > LIM_QUERY_PARAMS || t->uri_len > LIM_URL)
		q[1] = '\0';
	return NULL;
}

/* on_connection: a connection is tracked from accept to close.  Both
 * calls come from the connection's polling thread, and CLOSED comes
 * before libmicrohttpd closes the socket, so an fd in the list is always
 * still that connection's. */
static void on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct http_server *srv = cls;
	struct conn_track *t = *socket_context;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (!ci || !(t = calloc(1, sizeof *t)))
			return;
		t->fd = ci->connect_fd;
		track_wait(srv, t);
		pthread_mutex_lock(&srv->mu);
		t->next = srv->tracks;
		if (srv->tracks)
			srv->tracks->prev = t;
		srv->tracks = t;
		pthread_mutex_unlock(&srv->mu);
		*socket_context = t;
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && t) {
		pthread_mutex_lock(&srv->mu);
		if (t->prev)
			t->prev->next = t->next;
		else
			srv->tracks = t->next;
		if (t->next)
			t->next->prev = t->prev;
		pthread_mutex_unlock(&srv->mu);
		free(t);
		*socket_context = NULL;
	}
}

/* reaper: every second or so, shuts down the sockets whose request head
 * is overdue.  libmicrohttpd sees the end of the stream on its next poll
 * and closes the connection as if the client had gone; shutdown(), not
 * close(), so the descriptor stays the connection's until then. */
static void *reaper_main(void *arg)
{
	struct http_server *srv = arg;
	int64_t period = srv->timeout_s >= 10 ? 1000 : (int64_t)srv->timeout_s * 100;
	pthread_mutex_lock(&srv->mu);
	while (!srv->reaper_stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += period / 1000;
		until.tv_nsec += (long)(period % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&srv->cv, &srv->mu, &until);
		if (srv->reaper_stop)
			break;
		int64_t now = now_ms();
		int idle = 0, partial = 0;
		for (struct conn_track *t = srv->tracks; t; t = t->next) {
			int64_t d = atomic_load(&t->deadline_ms);
			/* The exchange loses to a request head completing meanwhile. */
			if (!d || now < d || !atomic_compare_exchange_strong(&t->deadline_ms, &d, 0))
				continue;
			/* Read before the shutdown: the polling thread may see the
			 * socket end and reset the record at once (it cannot free
			 * it while we hold the lock). */
			if (atomic_load(&t->partial))
				partial++;
			else
				idle++;
			shutdown(t->fd, SHUT_RDWR);
		}
		/* A client that sent part of a request and stalled is news; one
		 * that went quiet between requests is ordinary keep-alive. */
		if (partial)
			log_info("event=slow_clients_closed partial=%d idle=%d timeout_s=%u", partial, idle,
				 srv->timeout_s);
		else if (idle)
			log_debug("event=idle_clients_closed n=%d timeout_s=%u", idle, srv->timeout_s);
	}
	pthread_mutex_unlock(&srv->mu);
	return NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	/* What a client did (went away mid-request, was cut off by the slow-
	 * client deadline, sent a head too large) is a client's fault: info,
	 * not a warning for every one of a slowloris's sockets. */
	static const char *const client[] = {
		"Connection was closed by remote side", "Connection socket is closed when reading request",
		"Error processing request (HTTP response code is 4", "Not enough memory in pool to parse cookies",
	};
	for (size_t i = 0; i < sizeof client / sizeof client[0]; i++) {
		if (strncmp(msg, client[i], strlen(client[i])) == 0) {
			log_info("event=mhd msg=\"%.120s\"", msg);
			return;
		}
	}
	log_warn("event=mhd msg=\"%s\"", msg);
}

/* A listener that is already there (another Kontakt on the port) must
 * stop this one from starting: with SO_REUSEPORT the kernel would
 * otherwise quietly split the traffic between the two. */
static bool port_free(const struct sockaddr_storage *ss)
{
	int fd = socket(ss->ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		return false;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	bool ok = bind(fd, (const struct sockaddr *)ss, len) == 0;
	int saved = errno;
	close(fd);
	errno = saved;
	return ok;
}

/* start_daemon: one polling thread with its own listening socket.  The
 * per-address limit is per daemon too: SO_REUSEPORT spreads one address's
 * connections over the daemons about evenly, so each lets one address
 * hold 1/LIM_PER_IP_SHARE of its slots. */
static struct MHD_Daemon *start_daemon(struct http_server *srv, struct sockaddr_storage *ss, unsigned limit)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
			 MHD_USE_ERROR_LOG;
	if (ss->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	unsigned per_ip = limit / LIM_PER_IP_SHARE;
	return MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)ss,
				MHD_OPTION_LISTENING_ADDRESS_REUSE, 1U,
				MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)LIM_LISTEN_BACKLOG,
				MHD_OPTION_CONNECTION_LIMIT, limit,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip ? per_ip : 1U,
				MHD_OPTION_CONNECTION_TIMEOUT, srv->timeout_s,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LIM_CONN_MEMORY,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
				MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
				MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
				MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
				MHD_OPTION_END);
}

/* fd_budget: raises the soft descriptor limit to the hard one (a
 * service's default soft limit, often 1024, would cap the connections
 * far below LIM_CONNECTIONS) and returns how many connections it leaves
 * room for, keeping LIM_FD_RESERVE for everything else. */
static unsigned fd_budget(rlim_t *limit)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
		*limit = 0;
		return LIM_CONNECTIONS;
	}
	if (rl.rlim_cur < rl.rlim_max) {
		struct rlimit want = {rl.rlim_max, rl.rlim_max};
		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			rl.rlim_cur = rl.rlim_max;
	}
	*limit = rl.rlim_cur;
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= (rlim_t)LIM_CONNECTIONS + LIM_FD_RESERVE)
		return LIM_CONNECTIONS;
	return rl.rlim_cur > 2 * LIM_FD_RESERVE ? (unsigned)(rl.rlim_cur - LIM_FD_RESERVE)
						: (unsigned)(rl.rlim_cur / 2);
}

static void reaper_stop(struct http_server *srv)
{
	if (!srv->reaper_started)
		return;
	pthread_mutex_lock(&srv->mu);
	srv->reaper_stop = true;
	pthread_cond_signal(&srv->cv);
	pthread_mutex_unlock(&srv->mu);
	pthread_join(srv->reaper, NULL);
	srv->reaper_started = false;
}

static void server_free(struct http_server *srv)
{
	reaper_stop(srv);
	for (int i = 0; i < srv->nd; i++)
		MHD_stop_daemon(srv->d[i]);
	workq_free(srv->slow);
	pthread_cond_destroy(&srv->cv);
	pthread_mutex_destroy(&srv->mu);
	free(srv);
}

/* One single-threaded daemon per core, each with its own SO_REUSEPORT
 * listening socket: the kernel spreads new connections over them, where
 * one shared socket let a burst of keep-alive connections all land on
 * the same thread. */
kt_err http_server_start(struct app *app, const struct http_server_options *opt,
			 struct http_server **out)
{
	*out = NULL;
	struct sockaddr_storage ss;
	if (!http_listen_parse(opt->listen, &ss))
		return ERR_INVALID;
	if (!port_free(&ss))
		return ERR_IO;
	struct http_server *srv = calloc(1, sizeof *srv);
	if (!srv)
		return ERR_NOMEM;
	srv->app = app;
	srv->routes = opt->routes;
	srv->nroutes = opt->nroutes;
	srv->id_prefix = randombytes_random();
	srv->timeout_s = opt->timeout_s > 0 ? (unsigned)opt->timeout_s : LIM_CONN_TIMEOUT_S;
	pthread_mutex_init(&srv->mu, NULL);
	pthread_cond_init(&srv->cv, NULL);
	kt_err rc = workq_new(LIM_HASH_WORKERS, LIM_HASH_QUEUE, &srv->slow);
	if (rc) {
		pthread_cond_destroy(&srv->cv);
		pthread_mutex_destroy(&srv->mu);
		free(srv);
		return rc;
	}
	int threads = opt->threads > 0 ? opt->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads < 1)
		threads = 1;
	if (threads > MAX_DAEMONS)
		threads = MAX_DAEMONS;
	rlim_t fds;
	unsigned conns = fd_budget(&fds);
	if (conns < LIM_CONNECTIONS)
		log_warn("event=connections_capped connections=%u wanted=%d fd_limit=%llu hint=\"raise LimitNOFILE\"",
			 conns, LIM_CONNECTIONS, (unsigned long long)fds);
	unsigned per_daemon = conns / (unsigned)threads ? conns / (unsigned)threads : 1;
	if (pthread_create(&srv->reaper, NULL, reaper_main, srv) != 0) {
		server_free(srv);
		return ERR_NOMEM;
	}
	srv->reaper_started = true;
	for (int i = 0; i < threads; i++) {
		srv->d[i] = start_daemon(srv, &ss, per_daemon);
		if (!srv->d[i]) {
			int saved = errno;
			server_free(srv);
			errno = saved;
			return ERR_IO;
		}
		srv->nd++;
	}
	log_info("event=http_limits connections=%u per_address=%u timeout_s=%u fd_limit=%llu max_url=%d max_head=%d",
		 per_daemon * (unsigned)threads, per_daemon / LIM_PER_IP_SHARE * (unsigned)threads, srv->timeout_s,
		 (unsigned long long)fds, LIM_URL, LIM_HEADER);
	app->threads = threads;
	*out = srv;
	return ERR_OK;
}

void http_server_stop(struct http_server *srv)
{
	if (!srv)
		return;
	/* Closing the listening sockets at once makes new clients get a
	 * refusal instead of waiting in a backlog nobody reads. */
	for (int i = 0; i < srv->nd; i++) {
		MHD_socket fd = MHD_quiesce_daemon(srv->d[i]);
		if (fd != MHD_INVALID_SOCKET)
			close(fd);
	}
	for (int i = 0; i < 1000 && atomic_load(&srv->inflight) > 0; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	server_free(srv);
}
