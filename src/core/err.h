/* err.h: the one error enum of Kontakt (like curl's CURLcode).
 *
 * Every fallible function returns a kt_err and hands results back through
 * out-parameters.  Values are never renumbered: append new ones at the end.
 * err_info() maps each to the API's code string, an HTTP status and a
 * default message; nothing else in the program invents those. */
#ifndef KT_ERR_H
#define KT_ERR_H

typedef enum kt_err {
	ERR_OK = 0,
	ERR_NOMEM = 1,          /* out of memory */
	ERR_INTERNAL = 2,       /* our bug */
	ERR_INVALID = 3,        /* validation failed (fields say which) */
	ERR_BAD_JSON = 4,       /* body is not JSON / not an object */
	ERR_NOT_FOUND = 5,
	ERR_CONFLICT = 6,       /* stale version */
	ERR_UNAUTHORIZED = 7,   /* not logged in / bad credentials */
	ERR_FORBIDDEN = 8,      /* role too low, CSRF missing */
	ERR_TOO_LARGE = 9,      /* body over the cap */
	ERR_MEDIA_TYPE = 10,    /* content type not accepted */
	ERR_THROTTLED = 11,     /* too many attempts */
	ERR_METHOD = 12,        /* method not allowed on this path */
	ERR_DB = 13,            /* database failure */
	ERR_BUSY = 14,          /* database busy / serialization failure: retry */
	ERR_DUPLICATE = 15,     /* unique constraint */
	ERR_BAD_QUERY = 16,     /* bad query parameter */
	ERR_BAD_UTF8 = 17,
	ERR_IO = 18,
	ERR_UNAVAILABLE = 19,   /* shutting down, storage full */
	ERR_PRECONDITION = 20,  /* version missing on update */
	ERR_CSRF = 21,
	ERR_IN_USE = 22,        /* referenced by other records */
	ERR_URI_TOO_LONG = 23,
	ERR_POSSIBLE_DUPLICATE = 24, /* a new record looks like existing ones */
	ERR_BAD_CSV = 25,       /* a CSV body that can't be read */
	ERR_HEADERS_TOO_LARGE = 26, /* request line and headers over the cap */
	ERR_ROW = 100,          /* db_step: a row is ready (not an error) */
	ERR_DONE = 101,         /* db_step: no more rows (not an error) */
} kt_err;

struct err_info {
	const char *code;       /* API code string, e.g. "validation_failed" */
	int http_status;
	const char *message;    /* default English message */
};

/* err_info: the table entry for rc; never NULL (unknown values map to
 * ERR_INTERNAL's entry). */
const struct err_info *err_info(kt_err rc);

#endif
