/* ical.h: the calendar feed of a user: a secret URL (/ical/<token>.ics)
 * that calendar programs subscribe to, answering the user's activities as
 * RFC 5545 iCalendar built with libical.  A new token revokes the old;
 * only its SHA-256 is stored. */
#ifndef KT_ICAL_H
#define KT_ICAL_H

#include <stdint.h>

#include "core/err.h"

struct db_conn;

/* ical_token_new: a new feed token for user (the old one stops working);
 * out gets the secret (shown once). */
kt_err ical_token_new(struct db_conn *c, int64_t user, int64_t now, char out[64]);
/* ical_feed: the iCalendar text of the token's user (malloc'd, caller
 * frees); ERR_NOT_FOUND for an unknown or revoked token. */
kt_err ical_feed(struct db_conn *c, const char *token, int64_t now, char **out);

#endif
