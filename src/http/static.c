/* static.c: see static.h.  A request names either index.html (for "/" and
 * the UI's client-side routes) or a file under /assets; both are looked up
 * the same way in the embedded table or, with --web-dir, in that folder
 * (resolved with realpath and kept inside it).  The lookup is pure, so the
 * header hook can repeat it instead of carrying state through the request.
 * Not here: any directory listing, range requests, or files outside web/dist. */
#include "http/static.h"

#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/app.h"

/* The largest file served from --web-dir (a development aid; the UI's
 * biggest chunk is well under 1 MiB). */

/* Shown when the binary was built before the UI (no web/dist). */
static const char NO_UI[] =
	"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Kontakt</title>"
	"<link rel=\"icon\" href=\"data:,\"></head><body><h1>Kontakt</h1>"
	"<p>The web UI is not built into this binary. Run <code>make</code> in the source tree "
	"(it runs <code>npm run build</code> in <code>web/</code>, then rebuilds <code>kontakt</code>), "
	"or start the server with <code>--web-dir web/dist</code>.</p>"
	"<p>The JSON API is at <a href=\"/api/openapi.json\">/api/openapi.json</a>.</p></body></html>";

struct target {
	const struct static_asset *asset; /* embedded file, or NULL */
	char file[PATH_MAX];		  /* --web-dir: the resolved file */
	const char *type;
	char etag[80];
	bool gz;	/* send the gzip copy */
	bool has_gz;	/* a gzip copy exists (Vary) */
	bool immutable; /* content-hashed name */
	bool no_ui;	/* nothing built: the NO_UI page */
};

static const char *type_of(const char *name)
{
	static const char *const map[][2] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".json", "application/json"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".webp", "image/webp"},
		{".woff2", "font/woff2"},
		{".woff", "font/woff"},
		{".txt", "text/plain; charset=utf-8"},
		{".map", "application/json"},
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(dot, map[i][0]) == 0)
			return map[i][1];
	return "application/octet-stream";
}

static int by_path(const void *key, const void *elem)
{
	return strcmp(key, ((const struct static_asset *)elem)->path);
}

/* gzip unless the client lists it with q=0. */
static bool accepts_gzip(struct http_req *req)
{
	const char *h = http_header(req, "Accept-Encoding");
	const char *g = h ? strstr(h, "gzip") : NULL;
	if (!g)
		return false;
	g += 4;
	while (*g == ' ')
		g++;
	if (strncmp(g, ";q=0", 4) != 0)
		return true;
	g += 4;
	if (*g == '.')
		for (g++; *g == '0'; g++)
			;
	return !(*g == '\0' || *g == ',' || *g == ' ');
}

static kt_err resolve_dir(const char *dir, const char *name, struct target *t)
{
	char root[PATH_MAX], want[PATH_MAX];
	struct stat st;
	if (!realpath(dir, root))
		return ERR_NOT_FOUND;
	if (snprintf(want, sizeof want, "%s%s", root, name) >= (int)sizeof want)
		return ERR_NOT_FOUND;
	/* realpath follows every link: the file must still be inside root. */
	size_t n = strlen(root);
	if (!realpath(want, t->file) || strncmp(t->file, root, n) != 0 || t->file[n] != '/')
		return ERR_NOT_FOUND;
	if (stat(t->file, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > LIM_STATIC_FILE)
		return ERR_NOT_FOUND;
	t->type = type_of(t->file);
	snprintf(t->etag, sizeof t->etag, "\"%llx-%llx-%lx\"", (unsigned long long)st.st_size,
		 (unsigned long long)st.st_mtim.tv_sec, (unsigned long)st.st_mtim.tv_nsec);
	return ERR_OK;
}

/* resolve: what the request names.  ERR_NOT_FOUND for an unknown asset. */
static kt_err resolve(struct http_req *req, struct target *t)
{
	memset(t, 0, sizeof *t);
	char name[128];
	if (req->token && strncmp(req->path, "/assets/", 8) == 0) {
		/* {token} allows dots: refuse "..", "." and hidden files. */
		if (req->token[0] == '.')
			return ERR_NOT_FOUND;
		snprintf(name, sizeof name, "/assets/%s", req->token);
		t->immutable = true;
	} else {
		snprintf(name, sizeof name, "/index.html");
	}
	if (req->app->web_dir && req->app->web_dir[0])
		return resolve_dir(req->app->web_dir, name, t);
	if (static_nassets == 0) {
		if (t->immutable)
			return ERR_NOT_FOUND;
		t->no_ui = true;
		t->type = "text/html; charset=utf-8";
		return ERR_OK;
	}
	t->asset = bsearch(name, static_assets, (size_t)static_nassets, sizeof static_assets[0],
			   by_path);
	if (!t->asset)
		return ERR_NOT_FOUND;
	t->type = t->asset->type;
	t->has_gz = t->asset->gz != NULL;
	t->gz = t->has_gz && accepts_gzip(req);
	/* Each encoding is its own representation, so its own strong ETag. */
	size_t n = strlen(t->asset->etag);
	snprintf(t->etag, sizeof t->etag, "%.*s%s\"", (int)(n - 1), t->asset->etag,
		 t->gz ? "-gz" : "");
	return ERR_OK;
}

static bool not_modified(struct http_req *req, const struct target *t)
{
	const char *h = http_header(req, "If-None-Match");
	if (!h || t->no_ui)
		return false;
	return strcmp(h, "*") == 0 || strstr(h, t->etag) != NULL;
}

static kt_err reply_file(struct http_req *req, const struct target *t)
{
	int fd = open(t->file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ERR_NOT_FOUND;
	struct stat st;
	kt_err rc = ERR_OK;
	char *data = NULL;
	size_t got = 0;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > LIM_STATIC_FILE)
		rc = ERR_NOT_FOUND;
	if (!rc && !(data = arena_alloc(&req->arena, (size_t)st.st_size + 1)))
		rc = ERR_NOMEM;
	while (!rc && got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);
		if (n <= 0)
			break; /* shrank while read: send what is there */
		got += (size_t)n;
	}
	close(fd);
	return rc ? rc : http_reply_bytes(req, 200, t->type, data, got);
}

kt_err http_static_get(struct http_req *req)
{
	struct target t;
	kt_err rc = resolve(req, &t);
	if (rc)
		return rc;
	if (t.no_ui)
		return http_reply_bytes(req, 200, t.type, NO_UI, sizeof NO_UI - 1);
	if (not_modified(req, &t))
		return http_reply_bytes(req, 304, t.type, "", 0);
	if (!t.asset)
		return reply_file(req, &t);
	if (t.gz)
		return http_reply_bytes(req, 200, t.type, t.asset->gz, t.asset->gz_len);
	return http_reply_bytes(req, 200, t.type, t.asset->data, t.asset->len);
}

void http_static_headers(struct http_req *req, struct MHD_Response *r)
{
	if (!req->route || req->route->fn != http_static_get ||
	    (req->status != 200 && req->status != 304))
		return;
	struct target t;
	if (resolve(req, &t) != ERR_OK)
		return;
	MHD_add_response_header(r, "Cache-Control",
				t.immutable ? "public, max-age=31536000, immutable" : "no-cache");
	if (t.no_ui)
		return;
	MHD_add_response_header(r, "ETag", t.etag);
	if (t.has_gz)
		MHD_add_response_header(r, "Vary", "Accept-Encoding");
	if (t.gz && req->status == 200)
		MHD_add_response_header(r, "Content-Encoding", "gzip");
}
