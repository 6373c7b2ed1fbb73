/* multipart.c: see multipart.h.  A body is walked once: each delimiter is
 * found with memmem (linear), headers are read only within a bounded
 * window, and the number of parts is capped, so hostile bodies cost time
 * proportional to their size. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem, also when a fuzz harness builds this file alone */
#endif
#include "http/multipart.h"
#include "http/unescape.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_BOUNDARY 70
#define MAX_HEADERS 8192

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* param: reads one ";name=value" of a header value at *p (advanced);
 * value is unquoted into val (cut to cap-1 bytes).  False at the end. */
static bool param(const char **p, const char *end, char *name, size_t ncap, char *val, size_t vcap)
{
	const char *s = *p;
	while (s < end && (*s == ';' || is_space(*s)))
		s++;
	if (s >= end)
		return false;
	size_t n = 0, v = 0;
	while (s < end && *s != '=' && *s != ';' && !is_space(*s)) {
		if (n + 1 < ncap)
			name[n++] = *s;
		s++;
	}
	name[n] = '\0';
	while (s < end && is_space(*s))
		s++;
	if (s < end && *s == '=') {
		s++;
		while (s < end && is_space(*s))
			s++;
		if (s < end && *s == '"') {
			for (s++; s < end && *s != '"'; s++) {
				if (*s == '\\' && s + 1 < end && s[1] == '"')
					s++;
				if (v + 1 < vcap)
					val[v++] = *s;
			}
			if (s < end)
				s++;
		} else {
			for (; s < end && *s != ';' && !is_space(*s); s++)
				if (v + 1 < vcap)
					val[v++] = *s;
		}
	}
	val[v] = '\0';
	while (s < end && *s != ';')
		s++;
	*p = s;
	return true;
}

/* ext_value: RFC 8187 UTF-8''percent-encoded -> bytes; false otherwise. */
static bool ext_value(const char *in, char *out, size_t cap)
{
	if (strncasecmp(in, "utf-8''", 7) != 0)
		return false;
	size_t n = 0;
	for (const char *s = in + 7; *s && n + 1 < cap; s++) {
		int hi, lo;
		if (*s == '%' && (hi = http_hexval(s[1])) >= 0 && (lo = http_hexval(s[2])) >= 0) {
			out[n++] = (char)(hi * 16 + lo);
			s += 2;
		} else {
			out[n++] = *s;
		}
	}
	out[n] = '\0';
	return true;
}

static bool boundary_of(const char *ct, char *out)
{
	while (is_space(*ct))
		ct++;
	if (strncasecmp(ct, "multipart/form-data", 19) != 0 || (ct[19] && ct[19] != ';' && !is_space(ct[19])))
		return false;
	const char *p = ct + 19, *end = p + strlen(p);
	char name[32], val[MAX_BOUNDARY + 2];
	out[0] = '\0';
	while (param(&p, end, name, sizeof name, val, sizeof val))
		if (strcasecmp(name, "boundary") == 0) {
			size_t n = strlen(val);
			if (n == 0 || n > MAX_BOUNDARY)
				return false;
			for (size_t i = 0; i < n; i++)
				if ((unsigned char)val[i] < 0x20 || (unsigned char)val[i] > 0x7e)
					return false;
			memcpy(out, val, n + 1);
		}
	return out[0] != '\0';
}

/* disposition: the file name of a part's Content-Disposition value, if it
 * names one (filename* preferred); false when the part is no file. */
static bool disposition(const char *v, const char *end, char *fname, size_t cap)
{
	while (v < end && is_space(*v))
		v++;
	if ((size_t)(end - v) < 9 || strncasecmp(v, "form-data", 9) != 0)
		return false;
	v += 9;
	char name[32], val[4 * LIM_FILE_NAME + 1], ext[4 * LIM_FILE_NAME + 1];
	bool plain = false, star = false;
	while (param(&v, end, name, sizeof name, val, sizeof val)) {
		if (strcasecmp(name, "filename") == 0 && !star) {
			snprintf(fname, cap, "%s", val);
			plain = true;
		} else if (strcasecmp(name, "filename*") == 0 && ext_value(val, ext, sizeof ext)) {
			snprintf(fname, cap, "%s", ext);
			star = true;
		}
	}
	return plain || star;
}

/* part_headers: the file name of the part whose headers are h[0..n), if
 * it is a file part. */
static bool part_headers(const char *h, size_t n, char *fname, size_t cap)
{
	const char *end = h + n;
	bool file = false;
	while (h < end) {
		const char *eol = memchr(h, '\n', (size_t)(end - h));
		const char *le = eol ? eol : end;
		const char *stop = le > h && le[-1] == '\r' ? le - 1 : le;
		const char *colon = memchr(h, ':', (size_t)(stop - h));
		if (colon && (size_t)(colon - h) == 19 && strncasecmp(h, "Content-Disposition", 19) == 0)
			file = disposition(colon + 1, stop, fname, cap);
		h = eol ? eol + 1 : end;
	}
	return file;
}

kt_err http_multipart_file(const char *content_type, const char *body, size_t len, struct http_file *out,
			   const char **why)
{
	char b[MAX_BOUNDARY + 1], delim[MAX_BOUNDARY + 5];
	memset(out, 0, sizeof *out);
	*why = NULL;
	if (!content_type || !boundary_of(content_type, b))
		return ERR_MEDIA_TYPE;
	int dl = snprintf(delim, sizeof delim, "\r\n--%s", b);
	size_t p;
	if (len >= (size_t)dl - 2 && memcmp(body, delim + 2, (size_t)dl - 2) == 0) {
		p = (size_t)dl - 2;
	} else {
		const char *f = memmem(body, len, delim, (size_t)dl);
		if (!f) {
			*why = "The body does not hold the multipart boundary of its Content-Type.";
			return ERR_INVALID;
		}
		p = (size_t)(f - body) + (size_t)dl;
	}
	int files = 0;
	for (int parts = 0;; parts++) {
		if (p + 2 <= len && body[p] == '-' && body[p + 1] == '-')
			break;
		while (p < len && is_space(body[p]))
			p++;
		if (parts >= LIM_MULTIPART_PARTS || p + 2 > len || body[p] != '\r' || body[p + 1] != '\n') {
			*why = parts >= LIM_MULTIPART_PARTS ? "The body has too many parts."
							    : "The multipart body is malformed after a boundary.";
			return ERR_INVALID;
		}
		p += 2;
		size_t hs = p, he, ds;
		if (p + 2 <= len && body[p] == '\r' && body[p + 1] == '\n') {
			he = p;
			ds = p + 2;
		} else {
			size_t win = len - p < MAX_HEADERS ? len - p : MAX_HEADERS;
			const char *e = memmem(body + p, win, "\r\n\r\n", 4);
			if (!e) {
				*why = "A part's headers do not end (or are too long).";
				return ERR_INVALID;
			}
			he = (size_t)(e - body);
			ds = he + 4;
		}
		const char *next = memmem(body + ds, len - ds, delim, (size_t)dl);
		if (!next) {
			*why = "The body ends before its closing multipart boundary.";
			return ERR_INVALID;
		}
		char fname[sizeof out->name];
		fname[0] = '\0';
		size_t dn = (size_t)(next - body) - ds;
		if (part_headers(body + hs, he - hs, fname, sizeof fname) && (fname[0] || dn)) {
			if (++files == 1) {
				out->data = body + ds;
				out->len = dn;
				memcpy(out->name, fname, sizeof out->name);
			}
		}
		p = (size_t)(next - body) + (size_t)dl;
	}
	if (files == 0) {
		*why = "The upload holds no file: send one part with a filename.";
		return ERR_INVALID;
	}
	if (files > 1) {
		*why = "Send one file per upload.";
		return ERR_INVALID;
	}
	return ERR_OK;
}
