/* http_int.h: the per-request state of the server, shared by server.c
 * and reply.c.  Not for use outside src/http. */
#ifndef KT_HTTP_INT_H
#define KT_HTTP_INT_H

#include <microhttpd.h>
#include <stdint.h>
#include <time.h>

#include "core/buf.h"
#include "http/http.h"

struct http_server;

enum req_state { ST_NEW, ST_WORKING, ST_DONE };

struct conn_track;

struct conn_state {
	struct http_req req;
	struct http_server *srv;
	struct MHD_Connection *mc;
	struct buf body;
	bool too_large;
	struct conn_track *track;      /* the connection's deadline record, or NULL */
	int64_t body_start_ms;         /* when the head was complete (CLOCK_MONOTONIC) */
	uint64_t body_seen;            /* body bytes received, kept or not */
	size_t uri_len;                /* raw request target, query included */
	size_t head_len;               /* request line and headers, as received */
	size_t query_params;           /* parameters of the raw query (0 when none) */
	_Atomic int state;
	struct timespec start;
};

#endif
