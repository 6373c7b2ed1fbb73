/* mailer.h: sending one plain-text e-mail through SMTP with libcurl
 * (KONTAKT_SMTP_URL such as smtp://127.0.0.1:2525,
 * smtp://user:pass@mail.example.com:587 with STARTTLS, or smtps://... for
 * implicit TLS).  STARTTLS is required of every server but one on the
 * loopback address, unless smtp_allow_plaintext says otherwise.  Called
 * from jobs, and from one request only: an admin's test message
 * (POST /api/settings/mail/test, a slow route on a worker thread). */
#ifndef KT_MAILER_H
#define KT_MAILER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

struct mail {
	const char *from;       /* KONTAKT_SMTP_FROM: a plain address */
	const char *to;         /* a plain address: the header's and the envelope's only recipient */
	const char *to_name;    /* UTF-8, may be NULL; a phrase or RFC 2047 encoded-words */
	const char *subject;    /* UTF-8; plain or RFC 2047 encoded-words */
	const char *body;       /* UTF-8 plain text */
};

/* mailer_send: ERR_OK when the server accepted the message; err gets the
 * server's or libcurl's reason otherwise (a failure is retried by the job).
 * ERR_INVALID for a from or to that is not a plain address (no name, no
 * list).  allow_plaintext: smtp_allow_plaintext (see mailer_use_ssl). */
kt_err mailer_send(const char *smtp_url, bool allow_plaintext, const struct mail *m, char *err, size_t errcap);

/* mailer_url_loopback: url is smtp:// to localhost, 127.0.0.0/8 or [::1]
 * (as libcurl parses it). */
bool mailer_url_loopback(const char *url);

/* mailer_url_server: the server of url as "scheme://host:port" (the port
 * only when the URL names one), never its user name or password; false
 * when url does not parse. */
bool mailer_url_server(const char *url, char *out, size_t cap);

/* mailer_use_ssl: the CURLOPT_USE_SSL for url: CURLUSESSL_ALL (STARTTLS
 * or the connection fails; smtps:// is TLS from the start) unless url is
 * smtp:// to a loopback server or allow_plaintext, then CURLUSESSL_TRY
 * (STARTTLS when offered). */
long mailer_use_ssl(const char *url, bool allow_plaintext);

#endif
