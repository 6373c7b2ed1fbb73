/* static.h: serving the web UI: the files of web/dist embedded in the
 * binary at build time (scripts/embed-web), or read from --web-dir.
 * index.html answers "/" and the UI's own routes (client-side routing);
 * /assets/... are content-hashed and cached for a year.  Not here: the
 * security headers every reply gets (server.c). */
#ifndef KT_STATIC_H
#define KT_STATIC_H

#include <stddef.h>

#include "http/http.h"

struct MHD_Response;

/* One embedded file; the generated web_assets.c holds the table, sorted by path. */
struct static_asset {
	const char *path; /* "/index.html", "/assets/index-3f2a.js" */
	const char *type; /* Content-Type */
	const char *etag; /* strong, quoted: "\"9c1e...\"" */
	const unsigned char *data;
	size_t len;
	const unsigned char *gz; /* gzip copy, or NULL */
	size_t gz_len;
};

extern const struct static_asset static_assets[];
extern const int static_nassets;

/* http_static_get: the route handler of "/", the UI's routes and /assets/{token}. */
kt_err http_static_get(struct http_req *req);

/* http_static_headers: adds ETag, Cache-Control and the encoding headers of
 * a reply made by http_static_get (nothing for any other reply).  Called by
 * the server as it builds the response. */
void http_static_headers(struct http_req *req, struct MHD_Response *r);

#endif
