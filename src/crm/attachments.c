/* attachments.c: see attachments.h.  Rows go through the record engine
 * (history, trash, lists with cursors) with an entity of its own that is
 * not in the catalogue, so no generic route can write one without the
 * record check.  Files are written before their row: a failed insert
 * leaves an unused file, never a row without its file. */
#include "crm/attachments.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/utf8.h"
#include "crm/entities.h"
#include "model/fields.h"

static kt_err decorate(struct rec_ctx *ctx, json_t *items);

static const struct entity ATTACHMENTS = {
	.name = "attachments", .fields = attachments_fields, .read_role = ROLE_AGENT,
	.write_role = ROLE_AGENT, .default_sort = "-id",
	.hooks = {.decorate = decorate},
};

/* Settings records take no attachments; users' would be every agent's. */
static const char *const NOT_ATTACHABLE[] = {"users", "departments", "custom_fields", "action_types",
					     "statuses", "close_reasons", NULL};

size_t attachments_max_bytes(bool *valid)
{
	const char *v = getenv("KONTAKT_ATTACHMENT_MAX_MB");
	long mb = LIM_ATTACHMENT_MB_DEFAULT;
	bool ok = true;
	if (v && *v) {
		char *end;
		long n = strtol(v, &end, 10);
		ok = !*end && n >= 1 && n <= LIM_ATTACHMENT_MB_MAX;
		if (ok)
			mb = n;
	}
	if (valid)
		*valid = ok;
	return (size_t)mb * 1024 * 1024;
}

/* ---- what a file is --------------------------------------------------- */

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

/* zip_has: whether an entry of the zip d starts with prefix: from the
 * central directory when the end record is found, else from the local
 * headers at the start. */
static bool zip_has(const unsigned char *d, size_t len, const char *prefix)
{
	size_t pl = strlen(prefix);
	if (len >= 22) {
		size_t lo = len > 22 + 65535 ? len - 22 - 65535 : 0;
		for (size_t i = len - 22 + 1; i-- > lo;) {
			if (memcmp(d + i, "PK\x05\x06", 4) != 0)
				continue;
			size_t p = le32(d + i + 16), n = le16(d + i + 10);
			for (size_t k = 0; k < n && p + 46 <= len && memcmp(d + p, "PK\x01\x02", 4) == 0; k++) {
				size_t nl = le16(d + p + 28);
				if (p + 46 + nl > len)
					break;
				if (nl >= pl && memcmp(d + p + 46, prefix, pl) == 0)
					return true;
				p += 46 + nl + le16(d + p + 30) + le16(d + p + 32);
			}
			return false;
		}
	}
	size_t p = 0;
	for (int k = 0; k < 64 && p + 30 <= len && memcmp(d + p, "PK\x03\x04", 4) == 0; k++) {
		size_t nl = le16(d + p + 26);
		if (p + 30 + nl > len)
			break;
		if (nl >= pl && memcmp(d + p + 30, prefix, pl) == 0)
			return true;
		if (le16(d + p + 6) & 8) /* sizes come after the data */
			break;
		p += 30 + nl + le16(d + p + 28) + (size_t)le32(d + p + 18);
	}
	return false;
}

/* texty: the first 8 KiB are UTF-8 text without control characters (a
 * character cut by the end of the sample is fine). */
static bool texty(const unsigned char *d, size_t len)
{
	size_t n = len < 8192 ? len : 8192, i = 0;
	while (i < n) {
		unsigned char c = d[i];
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f)
				return false;
			i++;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode((const char *)d + i, n - i, &cp);
		if (!k)
			return n < len && n - i < 4;
		i += k;
	}
	return true;
}

const char *attachments_sniff(const void *data, size_t len)
{
	const unsigned char *d = data;
	if (len >= 5 && memcmp(d, "%PDF-", 5) == 0)
		return "application/pdf";
	if (len >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (len >= 3 && memcmp(d, "\xff\xd8\xff", 3) == 0)
		return "image/jpeg";
	if (len >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0))
		return "image/gif";
	if (len >= 4 && (memcmp(d, "PK\x03\x04", 4) == 0 || memcmp(d, "PK\x05\x06", 4) == 0)) {
		if (zip_has(d, len, "word/"))
			return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
		if (zip_has(d, len, "xl/"))
			return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
		return "application/zip";
	}
	if (len > 0 && texty(d, len))
		return "text/plain; charset=utf-8";
	return "application/octet-stream";
}

/* ---- names ------------------------------------------------------------ */

/* Invisible characters that would let "gpj.exe" pass for "exe.jpg". */
static bool hidden_cp(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

void attachments_clean_name(const char *in, size_t len, char out[LIM_FILE_NAME + 1])
{
	size_t start = 0, o = 0;
	for (size_t i = 0; i < len; i++)
		if (in[i] == '/' || in[i] == '\\')
			start = i + 1;
	for (size_t i = start; i < len;) {
		uint32_t cp = 0;
		size_t k = utf8_decode(in + i, len - i, &cp);
		const char *put = in + i;
		size_t pn = k;
		if (!k || (cp < 0x80 && strchr("\"*:<>?|", (int)cp))) {
			put = "_";
			pn = 1;
			k = k ? k : 1;
		} else if (hidden_cp(cp)) {
			i += k;
			continue;
		}
		if (o + pn > LIM_FILE_NAME)
			break;
		memcpy(out + o, put, pn);
		o += pn;
		i += k;
	}
	size_t s = 0, e = o;
	while (s < o && (out[s] == '.' || out[s] == ' '))
		s++;
	while (e > s && (out[e - 1] == '.' || out[e - 1] == ' '))
		e--;
	memmove(out, out + s, e - s);
	out[e - s] = '\0';
	if (!out[0])
		snprintf(out, LIM_FILE_NAME + 1, "file");
}

void attachments_disposition(const char *name, char *out, size_t cap)
{
	char ascii[LIM_FILE_NAME + 1], pct[3 * LIM_FILE_NAME + 1];
	size_t a = 0, p = 0;
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *s = (const unsigned char *)name; *s && a < LIM_FILE_NAME; s++) {
		unsigned char c = *s;
		if ((c & 0xC0) != 0x80)
			ascii[a++] = c >= 0x80 || c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c == '%' ? '_' : (char)c;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    (c && strchr("!#$&+-.^_`|~", c))) {
			pct[p++] = (char)c;
		} else {
			pct[p++] = '%';
			pct[p++] = hex[c >> 4];
			pct[p++] = hex[c & 15];
		}
	}
	ascii[a] = '\0';
	pct[p] = '\0';
	snprintf(out, cap, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, pct);
}

/* ---- storage ---------------------------------------------------------- */

static kt_err io_error(const char *op, const char *path)
{
	int e = errno;
	log_error("event=attachment_io_failed op=%s path=\"%.300s\" err=\"%s\"", op, path, strerror(e));
	return e == ENOSPC || e == EDQUOT ? ERR_UNAVAILABLE : ERR_IO;
}

static kt_err ensure_dir(const char *path)
{
	if (mkdir(path, 0750) == 0 || errno == EEXIST)
		return ERR_OK;
	return io_error("mkdir", path);
}

bool attachments_path(const char *dir, const char *sha_hex, char *out, size_t cap)
{
	if (!dir || !sha_hex || strlen(sha_hex) != 64)
		return false;
	for (int i = 0; i < 64; i++)
		if (!((sha_hex[i] >= '0' && sha_hex[i] <= '9') || (sha_hex[i] >= 'a' && sha_hex[i] <= 'f')))
			return false;
	int n = snprintf(out, cap, "%s/attachments/%.2s/%.2s/%s", dir, sha_hex, sha_hex + 2, sha_hex);
	return n > 0 && (size_t)n < cap;
}

static kt_err write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len > (1u << 20) ? (1u << 20) : len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return ERR_IO;
		p += w;
		len -= (size_t)w;
	}
	return ERR_OK;
}

kt_err attachments_store(const char *dir, const void *data, size_t len, char sha_hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(sha_hex, 65, h, sizeof h);
	char final[4096], d1[4096], d2[4096], d3[4096], tmp[4096 + 16];
	if (!attachments_path(dir, sha_hex, final, sizeof final))
		return ERR_IO;
	/* final is DIR/attachments/ab/cd/<64 hex>: its directories are prefixes. */
	size_t fl = strlen(final);
	memcpy(d3, final, fl - 65);
	d3[fl - 65] = '\0';
	memcpy(d2, final, fl - 68);
	d2[fl - 68] = '\0';
	memcpy(d1, final, fl - 71);
	d1[fl - 71] = '\0';
	kt_err rc = ensure_dir(dir);
	if (!rc)
		rc = ensure_dir(d1);
	if (!rc)
		rc = ensure_dir(d2);
	if (!rc)
		rc = ensure_dir(d3);
	if (rc)
		return rc;
	struct stat sb;
	if (stat(final, &sb) == 0 && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size == (uint64_t)len)
		return ERR_OK; /* this content is stored already */
	memcpy(tmp, d3, fl - 65);
	memcpy(tmp + fl - 65, "/.tmp-XXXXXX", 13);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return io_error("create", tmp);
	rc = write_all(fd, data, len);
	if (rc || fchmod(fd, 0640) != 0 || fsync(fd) != 0)
		rc = io_error("write", tmp);
	if (close(fd) != 0 && !rc)
		rc = io_error("close", tmp);
	if (!rc && rename(tmp, final) != 0)
		rc = io_error("rename", final);
	if (rc) {
		unlink(tmp);
		return rc;
	}
	int dfd = open(d3, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) != 0)
		rc = io_error("fsync", d3);
	if (dfd >= 0)
		close(dfd);
	return rc;
}

/* ---- rows ------------------------------------------------------------- */

static kt_err decorate(struct rec_ctx *ctx, json_t *items)
{
	size_t i;
	json_t *a;
	json_array_foreach(items, i, a)
		json_object_set_new(a, "download_url", json_sprintf("/api/attachments/%lld/download",
								     (long long)json_integer_value(json_object_get(a, "id"))));
	return ERR_OK;
}

static kt_err decorate_one(struct rec_ctx *ctx, json_t *rec)
{
	json_t *a = json_pack("[O]", rec);
	kt_err rc = a ? decorate(ctx, a) : ERR_NOMEM;
	json_decref(a);
	return rc;
}

kt_err attachments_check(struct rec_ctx *ctx, const char *entity, int64_t record_id, bool write)
{
	const struct entity *e = entity ? entities_find(entity) : NULL;
	for (int i = 0; e && NOT_ATTACHABLE[i]; i++)
		if (strcmp(entity, NOT_ATTACHABLE[i]) == 0)
			e = NULL;
	if (!e) {
		rec_error(ctx, "entity", "is not a kind of record that takes attachments");
		return ERR_BAD_QUERY;
	}
	if (ctx->role < (write ? e->write_role : e->read_role)) {
		ctx->message = write ? "Your role may not change these records or their attachments."
				     : "Your role may not see these records or their attachments.";
		return ERR_FORBIDDEN;
	}
	kt_err rc = record_exists(ctx, e->name, record_id);
	if (rc == ERR_NOT_FOUND)
		ctx->message = "No such record (or you may not see it).";
	return rc;
}

kt_err attachments_create(struct rec_ctx *ctx, const char *entity, int64_t record_id, const char *name,
			  int64_t size, const char *sha_hex, const char *mime, json_t **out)
{
	*out = NULL;
	kt_err rc = attachments_check(ctx, entity, record_id, true);
	if (rc)
		return rc;
	json_t *in = json_pack("{sssIsssIssss}", "entity", entity, "record_id", (json_int_t)record_id, "name", name,
			       "size", (json_int_t)size, "sha256", sha_hex, "mime", mime);
	if (!in)
		return ERR_NOMEM;
	rc = record_create(ctx, &ATTACHMENTS, in, out);
	json_decref(in);
	if (!rc)
		rc = decorate_one(ctx, *out);
	return rc;
}

kt_err attachments_list(struct rec_ctx *ctx, json_t *params, json_t **out)
{
	*out = NULL;
	const char *entity = json_string_value(json_object_get(params, "entity"));
	const char *rid = json_string_value(json_object_get(params, "record_id"));
	char *end = NULL;
	long long id = rid ? strtoll(rid, &end, 10) : 0;
	if (!entity)
		rec_error(ctx, "entity", "is required: the kind of record, e.g. contacts");
	if (!rid || !*rid || *end || id < 1)
		rec_error(ctx, "record_id", "is required: the id of the record");
	if (ctx->errors)
		return ERR_BAD_QUERY;
	kt_err rc = attachments_check(ctx, entity, id, false);
	if (!rc)
		rc = record_list(ctx, &ATTACHMENTS, params, out);
	/* The cap, so that a client can refuse a file before sending it. */
	if (!rc && json_object_set_new(*out, "max_bytes", json_integer((json_int_t)attachments_max_bytes(NULL)))) {
		json_decref(*out);
		*out = NULL;
		rc = ERR_NOMEM;
	}
	return rc;
}

kt_err attachments_get(struct rec_ctx *ctx, int64_t id, bool with_deleted, json_t **out)
{
	*out = NULL;
	json_t *a = NULL;
	kt_err rc = record_get(ctx, &ATTACHMENTS, id, with_deleted, &a);
	if (!rc)
		rc = attachments_check(ctx, json_string_value(json_object_get(a, "entity")),
				       json_integer_value(json_object_get(a, "record_id")), false);
	if (rc == ERR_BAD_QUERY) { /* an entity gone from the catalogue */
		rec_ctx_clear(ctx);
		rc = ERR_NOT_FOUND;
	}
	if (!rc)
		rc = decorate_one(ctx, a);
	if (rc) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return ERR_OK;
}

kt_err attachments_delete(struct rec_ctx *ctx, int64_t id)
{
	json_t *a = NULL;
	kt_err rc = attachments_get(ctx, id, false, &a);
	if (!rc)
		rc = attachments_check(ctx, json_string_value(json_object_get(a, "entity")),
				       json_integer_value(json_object_get(a, "record_id")), true);
	json_decref(a);
	if (!rc)
		rc = record_delete(ctx, &ATTACHMENTS, id, 0);
	return rc;
}

kt_err attachments_restore(struct rec_ctx *ctx, int64_t id, json_t **out)
{
	*out = NULL;
	json_t *a = NULL;
	kt_err rc = attachments_get(ctx, id, true, &a);
	if (!rc)
		rc = attachments_check(ctx, json_string_value(json_object_get(a, "entity")),
				       json_integer_value(json_object_get(a, "record_id")), true);
	json_decref(a);
	if (!rc)
		rc = record_restore(ctx, &ATTACHMENTS, id, out);
	if (!rc)
		rc = decorate_one(ctx, *out);
	return rc;
}
