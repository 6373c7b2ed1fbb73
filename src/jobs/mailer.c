/* mailer.c: see mailer.h.  The message is built in memory (headers, a
 * base64-encoded UTF-8 body) and handed to libcurl's SMTP client. */
#include "jobs/mailer.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"

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

/* "=?UTF-8?B?...?=" when s is not plain ASCII. */
static kt_err encoded_word(struct buf *b, const char *s)
{
	bool ascii = true;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p >= 0x80 || *p == '\r' || *p == '\n')
			ascii = false;
	if (ascii)
		return buf_puts(b, s);
	size_t n = strlen(s), cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *enc = malloc(cap);
	if (!enc)
		return ERR_NOMEM;
	sodium_bin2base64(enc, cap, (const unsigned char *)s, n, sodium_base64_VARIANT_ORIGINAL);
	kt_err rc = buf_printf(b, "=?UTF-8?B?%s?=", enc);
	free(enc);
	return rc;
}

static bool header_safe(const char *s)
{
	return s && !strpbrk(s, "\r\n<>");
}

static kt_err build(const struct mail *m, struct buf *b)
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
	const char *domain = strchr(m->from, '@') ? strchr(m->from, '@') + 1 : "kontakt.local";
	kt_err rc = buf_printf(b, "Date: %s\r\nMessage-ID: <%s@%s>\r\nFrom: <%s>\r\nTo: ", date, id, domain, m->from);
	if (!rc && m->to_name && *m->to_name) {
		rc = encoded_word(b, m->to_name);
		if (!rc)
			rc = buf_putc(b, ' ');
	}
	if (!rc)
		rc = buf_printf(b, "<%s>\r\nSubject: ", m->to);
	if (!rc)
		rc = encoded_word(b, m->subject);
	if (!rc)
		rc = buf_puts(b, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
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

kt_err mailer_send(const char *smtp_url, const struct mail *m, char *err, size_t errcap)
{
	if (!smtp_url || !*smtp_url || !m->from) {
		snprintf(err, errcap, "e-mail is not set up: set KONTAKT_SMTP_URL and KONTAKT_SMTP_FROM");
		return ERR_UNAVAILABLE;
	}
	if (!header_safe(m->to) || !header_safe(m->from) || !strchr(m->to, '@')) {
		snprintf(err, errcap, "bad e-mail address");
		return ERR_INVALID;
	}
	struct buf msg;
	buf_init(&msg, 4 * 1024 * 1024);
	kt_err rc = build(m, &msg);
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
	char from[300], to[300], errbuf[CURL_ERROR_SIZE] = "";
	snprintf(from, sizeof from, "<%s>", m->from);
	snprintf(to, sizeof to, "<%s>", m->to);
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	struct reader r = {msg.data, msg.len};
	curl_easy_setopt(c, CURLOPT_URL, smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &r);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	CURLcode cr = curl_easy_perform(c);
	if (cr != CURLE_OK) {
		snprintf(err, errcap, "smtp: %s", errbuf[0] ? errbuf : curl_easy_strerror(cr));
		rc = ERR_IO;
	}
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	buf_clear(&msg);
	return rc;
}
