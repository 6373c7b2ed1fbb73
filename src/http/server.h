/* server.h: the HTTP server on libmicrohttpd (epoll, an internal thread
 * pool sized to the cores): starts, routes requests through the table
 * given, stops gracefully.  Route handlers are in src/api. */
#ifndef KT_SERVER_H
#define KT_SERVER_H

#include "http/http.h"

struct http_server;

struct http_server_options {
	const char *listen;       /* "127.0.0.1:8080", "[::1]:8080", ":8080" */
	int threads;              /* polling threads; 0 = the number of cores */
	int timeout_s;            /* idle timeout and request-head deadline;
				   * 0 = LIM_CONN_TIMEOUT_S */
	const struct route *routes;
	int nroutes;
};

kt_err http_server_start(struct app *app, const struct http_server_options *opt,
			 struct http_server **out);
/* http_server_stop: stops accepting, waits (bounded) for requests in
 * flight to finish, then frees everything. */
void http_server_stop(struct http_server *s);

#endif
