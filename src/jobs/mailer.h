/* mailer.h: sending one plain-text e-mail through SMTP with libcurl
 * (KONTAKT_SMTP_URL such as smtp://127.0.0.1:2525 or
 * smtp://user:pass@mail.example.com:587; STARTTLS is used when the
 * server offers it, required with smtps:// or ?tls=1 is not parsed: use
 * smtps:// for implicit TLS).  Called from jobs, never from a request. */
#ifndef KT_MAILER_H
#define KT_MAILER_H

#include <stddef.h>

#include "core/err.h"

struct mail {
	const char *from;       /* KONTAKT_SMTP_FROM */
	const char *to;
	const char *to_name;    /* may be NULL */
	const char *subject;    /* UTF-8; encoded as RFC 2047 */
	const char *body;       /* UTF-8 plain text */
};

/* mailer_send: ERR_OK when the server accepted the message; err gets the
 * server's or libcurl's reason otherwise (a failure is retried by the job). */
kt_err mailer_send(const char *smtp_url, const struct mail *m, char *err, size_t errcap);

#endif
