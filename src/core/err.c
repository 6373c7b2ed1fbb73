/* err.c: the table behind err_info().  One row per kt_err value. */
#include "core/err.h"

#include <stddef.h>

static const struct err_info INTERNAL = {"internal_error", 500,
	"Something went wrong on the server. The error was logged; please try again."};

const struct err_info *err_info(kt_err rc)
{
	static const struct err_info t[] = {
		[ERR_OK] = {"ok", 200, "OK"},
		[ERR_NOMEM] = {"out_of_memory", 503, "The server is out of memory; try again shortly."},
		[ERR_INTERNAL] = {"internal_error", 500, "Something went wrong on the server. The error was logged; please try again."},
		[ERR_INVALID] = {"validation_failed", 422, "Some fields are invalid; see \"fields\"."},
		[ERR_BAD_JSON] = {"bad_json", 400, "The request body must be a JSON object."},
		[ERR_NOT_FOUND] = {"not_found", 404, "No such record or route."},
		[ERR_CONFLICT] = {"version_conflict", 409, "Someone else changed this record; reload it and apply your change again."},
		[ERR_UNAUTHORIZED] = {"unauthorized", 401, "Log in first."},
		[ERR_FORBIDDEN] = {"forbidden", 403, "Your role does not allow this."},
		[ERR_TOO_LARGE] = {"too_large", 413, "The request is too large."},
		[ERR_MEDIA_TYPE] = {"unsupported_media_type", 415, "Send the body as application/json."},
		[ERR_THROTTLED] = {"too_many_attempts", 429, "Too many failed attempts; wait a few minutes and try again."},
		[ERR_METHOD] = {"method_not_allowed", 405, "This method is not allowed on this path."},
		[ERR_DB] = {"database_error", 500, "The database failed; the change was not saved."},
		[ERR_BUSY] = {"busy", 503, "The database is busy; try again."},
		[ERR_DUPLICATE] = {"duplicate", 409, "A record with this value already exists."},
		[ERR_BAD_QUERY] = {"bad_query", 400, "A query parameter is invalid."},
		[ERR_BAD_UTF8] = {"bad_utf8", 400, "Text must be valid UTF-8."},
		[ERR_IO] = {"io_error", 500, "A file operation failed."},
		[ERR_UNAVAILABLE] = {"unavailable", 503, "The server cannot take this request now; try again."},
		[ERR_PRECONDITION] = {"version_required", 428, "Send the record's \"version\" (or If-Match) with an update."},
		[ERR_CSRF] = {"csrf_failed", 403, "Missing or wrong X-CSRF-Token header."},
		[ERR_IN_USE] = {"in_use", 409, "Other records still refer to this one."},
		[ERR_URI_TOO_LONG] = {"uri_too_long", 414, "The URL is too long."},
		[ERR_POSSIBLE_DUPLICATE] = {"possible_duplicate", 409, "This record looks like records that already exist; see \"candidates\"."},
		[ERR_BAD_CSV] = {"bad_csv", 400, "The CSV file can't be read."},
		[ERR_HEADERS_TOO_LARGE] = {"headers_too_large", 431, "The request headers are too large."},
	};
	if ((unsigned)rc < sizeof t / sizeof t[0] && t[rc].code)
		return &t[rc];
	return &INTERNAL;
}
