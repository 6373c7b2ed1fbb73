/* mailer.c: see mailer.h.  The message is built in memory (headers by
 * core/mime, a base64-encoded UTF-8 body) and handed to libcurl's SMTP
 * client, with the one recipient as the whole envelope. */
#include "jobs/mailer.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/buf.h"
#include "core/mime.h"

struct reader {
	const char *p;
	size_t left;
};

static size_t read_cb(char *dst, size_t size, size_t n, void *arg)
{
	struct reader *r = arg;
	size_t k = size * n < r->left ? size * n : r->left;
	memcpy(dst, r->p, k);
	r->p += k;
	r->left -= k;
	return k;
}

/* build: the message to m->to (an address mime_addr took) from from. */
static kt_err build(const struct mail *m, const char *from, const char *to, struct buf *b)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	unsigned char rnd[12];
	randombytes_buf(rnd, sizeof rnd);
	char id[25];
	sodium_bin2hex(id, sizeof id, rnd, sizeof rnd);
	kt_err rc = buf_printf(b, "Date: %s\r\nMessage-ID: <%s@%s>\r\n", date, id, strchr(from, '@') + 1);
	if (!rc)
		rc = mime_header_mailbox(b, "From", NULL, from);
	if (!rc)
		rc = mime_header_mailbox(b, "To", m->to_name, to);
	if (!rc)
		rc = mime_header_text(b, "Subject", m->subject);
	if (!rc)
		rc = buf_puts(b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
				 "Content-Transfer-Encoding: base64\r\n\r\n");
	size_t n = strlen(m->body);
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *enc = rc ? NULL : malloc(cap);
	if (!rc && !enc)
		rc = ERR_NOMEM;
	if (!rc) {
		sodium_bin2base64(enc, cap, (const unsigned char *)m->body, n, sodium_base64_VARIANT_ORIGINAL);
		for (size_t i = 0, len = strlen(enc); i < len && !rc; i += 76) {
			rc = buf_append(b, enc + i, len - i < 76 ? len - i : 76);
			if (!rc)
				rc = buf_puts(b, "\r\n");
		}
	}
	free(enc);
	return rc;
}

bool mailer_url_loopback(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	bool loop = false;
	/* curl's own parser: the host it checks is the host libcurl connects to */
	if (u && url && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && strcasecmp(scheme, "smtp") == 0) {
		unsigned char a[16];
		size_t n = strlen(host);
		char v6[64];
		if (strcasecmp(host, "localhost") == 0)
			loop = true;
		else if (inet_pton(AF_INET, host, a) == 1)
			loop = a[0] == 127;
		else if (n > 2 && n - 2 < sizeof v6 && host[0] == '[' && host[n - 1] == ']') {
			memcpy(v6, host + 1, n - 2);
			v6[n - 2] = '\0';
			loop = inet_pton(AF_INET6, v6, a) == 1 && memcmp(a, &in6addr_loopback, 16) == 0;
		}
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return loop;
}

bool mailer_url_server(const char *url, char *out, size_t cap)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	bool ok = false;
	if (cap)
		out[0] = '\0';
	/* Only the parts named here: the user name and password stay behind. */
	if (u && url && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		bool has_port = curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK;
		int n = snprintf(out, cap, "%s://%s%s%s", scheme, host, has_port ? ":" : "", has_port ? port : "");
		ok = n > 0 && (size_t)n < cap;
		if (!ok && cap)
			out[0] = '\0';
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ok;
}

long mailer_use_ssl(const char *url, bool allow_plaintext)
{
	bool smtps = url && strncasecmp(url, "smtps://", 8) == 0;
	if (!smtps && (allow_plaintext || mailer_url_loopback(url)))
		return (long)CURLUSESSL_TRY;
	return (long)CURLUSESSL_ALL;
}

kt_err mailer_send(const char *smtp_url, bool allow_plaintext, const struct mail *m, char *err, size_t errcap)
{
	if (!smtp_url || !*smtp_url || !m->from) {
		snprintf(err, errcap, "e-mail is not set up: set KONTAKT_SMTP_URL and KONTAKT_SMTP_FROM");
		return ERR_UNAVAILABLE;
	}
	char from[256], to[256];
	if (!mime_addr(m->from, from, sizeof from)) {
		snprintf(err, errcap, "bad sender address (KONTAKT_SMTP_FROM): give a plain address such as office@example.pl");
		return ERR_INVALID;
	}
	if (!mime_addr(m->to, to, sizeof to)) {
		snprintf(err, errcap, "bad e-mail address");
		return ERR_INVALID;
	}
	struct buf msg;
	buf_init(&msg, 4 * 1024 * 1024);
	kt_err rc = build(m, from, to, &msg);
	if (rc) {
		buf_clear(&msg);
		snprintf(err, errcap, "the message is too large");
		return rc;
	}
	CURL *c = curl_easy_init();
	if (!c) {
		buf_clear(&msg);
		return ERR_NOMEM;
	}
	char env_from[300], env_to[300], errbuf[CURL_ERROR_SIZE] = "";
	snprintf(env_from, sizeof env_from, "<%s>", from);
	snprintf(env_to, sizeof env_to, "<%s>", to);
	/* The envelope names exactly this one address, whatever the headers say. */
	struct curl_slist *rcpt = curl_slist_append(NULL, env_to);
	struct reader r = {msg.data, msg.len};
	long use_ssl = mailer_use_ssl(smtp_url, allow_plaintext);
	curl_easy_setopt(c, CURLOPT_URL, smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, env_from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &r);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_USE_SSL, use_ssl);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	CURLcode cr = rcpt ? curl_easy_perform(c) : CURLE_OUT_OF_MEMORY;
	if (cr == CURLE_USE_SSL_FAILED && use_ssl == (long)CURLUSESSL_ALL) {
		snprintf(err, errcap, "smtp: the mail server offers no STARTTLS, and TLS is required for a server not on"
			 " this machine (use smtps://, or set smtp_allow_plaintext = 1 to send in plain text)");
		rc = ERR_IO;
	} else if (cr != CURLE_OK) {
		snprintf(err, errcap, "smtp: %s", errbuf[0] ? errbuf : curl_easy_strerror(cr));
		rc = ERR_IO;
	}
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	buf_clear(&msg);
	return rc;
}
