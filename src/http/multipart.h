/* multipart.h: the one file of a multipart/form-data upload (RFC 7578) as
 * browsers and curl send it.  The body is already in memory, under its
 * route's cap: the file is a view into it and only its name is copied.
 * Not here: nested multipart/mixed, streaming to disk, the client's
 * Content-Type of the part (never trusted anyway), non-file fields. */
#ifndef KT_MULTIPART_H
#define KT_MULTIPART_H

#include <stddef.h>

#include "core/err.h"
#include "core/limits.h"

struct http_file {
	const char *data;                   /* the file's bytes, inside the body */
	size_t len;
	char name[4 * LIM_FILE_NAME + 1];   /* as sent (filename* preferred), cut to fit;
					     * raw bytes: sanitise before use */
};

/* http_multipart_file: the single file part (a part with a filename) of
 * body.  ERR_MEDIA_TYPE when content_type is not multipart/form-data with
 * a boundary; ERR_INVALID with *why (a static sentence) when the body is
 * malformed, holds no file, or more than one. */
kt_err http_multipart_file(const char *content_type, const char *body, size_t len, struct http_file *out,
			   const char **why);

#endif
