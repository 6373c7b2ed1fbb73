/* backup.c: see backup.h. */
#include "jobs/backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "core/log.h"
#include "core/app.h"
#include "db/snapshot.h"

#define MAGIC "KONTAKTB"
#define FORMAT_VERSION 1
#define CHUNK (64 * 1024)
#define SALT_LEN crypto_pwhash_SALTBYTES
#define HDR_LEN (8 + 2 + 1 + 1 + 8 + 8 + SALT_LEN + crypto_secretstream_xchacha20poly1305_HEADERBYTES)

struct header {
	uint16_t version;
	uint8_t engine;
	uint8_t compression;    /* 1 = zlib */
	uint64_t opslimit;
	uint64_t memlimit;
	unsigned char salt[SALT_LEN];
	unsigned char ss[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
};

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void encode_header(const struct header *h, unsigned char out[HDR_LEN])
{
	unsigned char *p = out;
	memcpy(p, MAGIC, 8), p += 8;
	*p++ = (unsigned char)(h->version >> 8);
	*p++ = (unsigned char)h->version;
	*p++ = h->engine;
	*p++ = h->compression;
	put_u64(p, h->opslimit), p += 8;
	put_u64(p, h->memlimit), p += 8;
	memcpy(p, h->salt, SALT_LEN), p += SALT_LEN;
	memcpy(p, h->ss, sizeof h->ss);
}

static bool decode_header(const unsigned char in[HDR_LEN], struct header *h)
{
	if (memcmp(in, MAGIC, 8) != 0)
		return false;
	const unsigned char *p = in + 8;
	h->version = (uint16_t)(p[0] << 8 | p[1]);
	h->engine = p[2];
	h->compression = p[3];
	h->opslimit = get_u64(p + 4);
	h->memlimit = get_u64(p + 12);
	memcpy(h->salt, p + 20, SALT_LEN);
	memcpy(h->ss, p + 20 + SALT_LEN, sizeof h->ss);
	return true;
}

static kt_err derive(const char *pw, const struct header *h, unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES])
{
	if (h->opslimit < crypto_pwhash_OPSLIMIT_MIN || h->opslimit > crypto_pwhash_OPSLIMIT_SENSITIVE ||
	    h->memlimit < crypto_pwhash_MEMLIMIT_MIN || h->memlimit > crypto_pwhash_MEMLIMIT_SENSITIVE)
		return ERR_INVALID;
	if (crypto_pwhash(key, crypto_secretstream_xchacha20poly1305_KEYBYTES, pw, strlen(pw), h->salt,
			  h->opslimit, (size_t)h->memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return ERR_NOMEM;
	return ERR_OK;
}

/* The encrypting writer: plaintext goes in, framed ciphertext goes out. */
struct sealer {
	FILE *out;
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char hdr[HDR_LEN];
	unsigned char plain[CHUNK];
	size_t len;
};

static kt_err seal_chunk(struct sealer *s, bool final)
{
	unsigned char c[CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES];
	unsigned long long clen = 0;
	crypto_secretstream_xchacha20poly1305_push(&s->st, c, &clen, s->plain, s->len, s->hdr, HDR_LEN,
						   final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
	unsigned char n[4] = {(unsigned char)(clen >> 24), (unsigned char)(clen >> 16), (unsigned char)(clen >> 8),
			      (unsigned char)clen};
	s->len = 0;
	if (fwrite(n, 1, 4, s->out) != 4 || fwrite(c, 1, clen, s->out) != clen)
		return ERR_IO;
	return ERR_OK;
}

static kt_err seal_put(struct sealer *s, const unsigned char *p, size_t n)
{
	while (n) {
		size_t k = CHUNK - s->len < n ? CHUNK - s->len : n;
		memcpy(s->plain + s->len, p, k);
		s->len += k;
		p += k;
		n -= k;
		if (s->len == CHUNK) {
			kt_err rc = seal_chunk(s, false);
			if (rc)
				return rc;
		}
	}
	return ERR_OK;
}

static kt_err compress_into(FILE *in, struct sealer *s)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit(&z, 6) != Z_OK)
		return ERR_NOMEM;
	unsigned char ib[CHUNK], ob[CHUNK];
	kt_err rc = ERR_OK;
	int flush;
	do {
		size_t n = fread(ib, 1, sizeof ib, in);
		if (ferror(in)) {
			rc = ERR_IO;
			break;
		}
		flush = feof(in) ? Z_FINISH : Z_NO_FLUSH;
		z.next_in = ib;
		z.avail_in = (uInt)n;
		do {
			z.next_out = ob;
			z.avail_out = sizeof ob;
			deflate(&z, flush);
			rc = seal_put(s, ob, sizeof ob - z.avail_out);
		} while (!rc && z.avail_out == 0);
	} while (!rc && flush != Z_FINISH);
	deflateEnd(&z);
	return rc;
}

static void set_err(char *err, size_t cap, const char *msg)
{
	snprintf(err, cap, "%s", msg);
}

kt_err backup_write(struct db *db, const char *out_path, const char *password, char *err, size_t errcap)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.snapshot-%ld", out_path, (long)getpid());
	unlink(tmp);
	kt_err rc = db_snapshot(db, tmp);
	if (rc) {
		set_err(err, errcap, "could not copy the database (is there room on the disk?)");
		unlink(tmp);
		return rc;
	}
	FILE *in = fopen(tmp, "rb");
	int fd = open(out_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	FILE *out = fd >= 0 ? fdopen(fd, "wb") : NULL;
	struct sealer *s = calloc(1, sizeof *s);
	unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	if (!in || !out || !s) {
		set_err(err, errcap, fd < 0 && errno == EEXIST ? "the output file already exists" : "cannot open the files");
		rc = ERR_IO;
		goto out;
	}
	struct header h = {.version = FORMAT_VERSION, .engine = (uint8_t)db_engine_of(db), .compression = 1,
			   .opslimit = crypto_pwhash_OPSLIMIT_MODERATE, .memlimit = crypto_pwhash_MEMLIMIT_MODERATE};
	randombytes_buf(h.salt, sizeof h.salt);
	if ((rc = derive(password, &h, key)) != ERR_OK) {
		set_err(err, errcap, "not enough memory to derive the key");
		goto out;
	}
	crypto_secretstream_xchacha20poly1305_init_push(&s->st, h.ss, key);
	encode_header(&h, s->hdr);
	s->out = out;
	if (fwrite(s->hdr, 1, HDR_LEN, out) != HDR_LEN)
		rc = ERR_IO;
	if (!rc)
		rc = compress_into(in, s);
	if (!rc)
		rc = seal_chunk(s, true);
	if (!rc && (fflush(out) != 0 || fsync(fileno(out)) != 0))
		rc = ERR_IO;
	if (rc)
		set_err(err, errcap, "writing the backup failed (is there room on the disk?)");
out:
	sodium_memzero(key, sizeof key);
	free(s);
	if (in)
		fclose(in);
	if (out)
		fclose(out);
	else if (fd >= 0)
		close(fd);
	unlink(tmp);
	if (rc && fd >= 0)
		unlink(out_path);
	return rc;
}

/* unseal: decrypts and inflates in (after its header) into out. */
static kt_err unseal(FILE *in, FILE *out, const struct header *h, const unsigned char hdr[HDR_LEN],
		     const unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES], char *err, size_t cap)
{
	crypto_secretstream_xchacha20poly1305_state st;
	if (crypto_secretstream_xchacha20poly1305_init_pull(&st, h->ss, key) != 0) {
		set_err(err, cap, "the backup header is damaged");
		return ERR_INVALID;
	}
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK)
		return ERR_NOMEM;
	size_t ccap = CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES;
	unsigned char *c = malloc(ccap);
	unsigned char p[CHUNK], ob[CHUNK];
	kt_err rc = c ? ERR_OK : ERR_NOMEM;
	bool final = false, first = true;
	int zr = Z_OK;
	while (!rc && !final) {
		unsigned char n[4];
		if (fread(n, 1, 4, in) != 4) {
			set_err(err, cap, "the backup file is truncated (it ends before its last part)");
			rc = ERR_INVALID;
			break;
		}
		size_t clen = (size_t)n[0] << 24 | (size_t)n[1] << 16 | (size_t)n[2] << 8 | n[3];
		if (clen < crypto_secretstream_xchacha20poly1305_ABYTES || clen > ccap) {
			set_err(err, cap, first ? "wrong password, or the backup file is damaged" : "the backup file is damaged");
			rc = ERR_INVALID;
			break;
		}
		if (fread(c, 1, clen, in) != clen) {
			set_err(err, cap, "the backup file is truncated (it ends before its last part)");
			rc = ERR_INVALID;
			break;
		}
		unsigned long long plen = 0;
		unsigned char tag = 0;
		if (crypto_secretstream_xchacha20poly1305_pull(&st, p, &plen, &tag, c, clen, hdr, HDR_LEN) != 0) {
			set_err(err, cap, first ? "wrong password, or the backup file is damaged" : "the backup file is damaged");
			rc = ERR_INVALID;
			break;
		}
		first = false;
		final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
		z.next_in = p;
		z.avail_in = (uInt)plen;
		while (!rc && z.avail_in > 0 && zr != Z_STREAM_END) {
			z.next_out = ob;
			z.avail_out = sizeof ob;
			zr = inflate(&z, Z_NO_FLUSH);
			if (zr != Z_OK && zr != Z_STREAM_END) {
				set_err(err, cap, "the backup file is damaged (bad compressed data)");
				rc = ERR_INVALID;
			} else if (fwrite(ob, 1, sizeof ob - z.avail_out, out) != sizeof ob - z.avail_out) {
				set_err(err, cap, "cannot write the restored database (is there room on the disk?)");
				rc = ERR_IO;
			}
		}
	}
	if (!rc && (zr != Z_STREAM_END || fgetc(in) != EOF)) {
		set_err(err, cap, "the backup file is damaged");
		rc = ERR_INVALID;
	}
	inflateEnd(&z);
	free(c);
	return rc;
}

kt_err backup_restore(const struct db_options *target, const char *in_path, const char *password,
		      char *err, size_t errcap)
{
	enum db_engine engine = target->pg_url ? DB_PG : DB_SQLITE;
	FILE *in = fopen(in_path, "rb");
	if (!in) {
		set_err(err, errcap, "cannot open the backup file");
		return ERR_IO;
	}
	unsigned char hdr[HDR_LEN];
	struct header h;
	unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	char tmp[4200];
	const char *base = target->sqlite_path ? target->sqlite_path : in_path;
	snprintf(tmp, sizeof tmp, "%s.restore-%ld", base, (long)getpid());
	FILE *out = NULL;
	kt_err rc = ERR_INVALID;
	if (fread(hdr, 1, HDR_LEN, in) != HDR_LEN || !decode_header(hdr, &h)) {
		set_err(err, errcap, "this is not a Kontakt backup file (or its beginning is damaged)");
		goto out;
	}
	if (h.version != FORMAT_VERSION || h.compression != 1) {
		set_err(err, errcap, "this backup was written by a newer Kontakt; upgrade first");
		goto out;
	}
	if (h.engine != engine) {
		set_err(err, errcap, engine == DB_PG ? "this is a SQLite backup; restore it with --db"
						     : "this is a PostgreSQL backup; restore it with --pg");
		goto out;
	}
	if (derive(password, &h, key) != ERR_OK) {
		set_err(err, errcap, "the backup header is damaged");
		goto out;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	out = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (!out) {
		set_err(err, errcap, "cannot create a temporary file next to the database");
		rc = ERR_IO;
		goto out;
	}
	rc = unseal(in, out, &h, hdr, key, err, errcap);
	if (!rc && (fflush(out) != 0 || fsync(fileno(out)) != 0)) {
		set_err(err, errcap, "cannot write the restored database (is there room on the disk?)");
		rc = ERR_IO;
	}
	fclose(out);
	out = NULL;
	if (!rc && db_snapshot_check(engine, tmp) != ERR_OK) {
		set_err(err, errcap, "the backup decrypted, but the database inside fails its integrity check");
		rc = ERR_INVALID;
	}
	if (!rc && (rc = db_snapshot_install(target, tmp)) != ERR_OK)
		set_err(err, errcap, "installing the restored database failed; the old one is unchanged");
out:
	sodium_memzero(key, sizeof key);
	fclose(in);
	if (out)
		fclose(out);
	unlink(tmp);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Deletes the oldest kontakt-*.ktb files of dir beyond keep. */
static void prune(const char *dir, int keep)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	char *names[1024];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 1024)
		if (strncmp(e->d_name, "kontakt-", 8) == 0 && strstr(e->d_name, ".ktb") &&
		    strlen(e->d_name) == strlen("kontakt-YYYYmmdd-HHMMSS.ktb"))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof names[0], cmp_names);
	char path[4200];
	for (int i = 0; i < n; i++) {
		if (names[i] && i < n - keep) {
			snprintf(path, sizeof path, "%s/%s", dir, names[i]);
			if (unlink(path) == 0)
				log_info("event=backup_pruned file=%s", names[i]);
		}
		free(names[i]);
	}
}

kt_err backup_rotate(struct db *db, const char *dir, const char *password, int keep, char *err, size_t errcap)
{
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errcap, "cannot create %s", dir);
		return ERR_IO;
	}
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char path[4200];
	snprintf(path, sizeof path, "%s/kontakt-%04d%02d%02d-%02d%02d%02d.ktb", dir, tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	kt_err rc = backup_write(db, path, password, err, errcap);
	if (!rc) {
		log_info("event=backup_written file=\"%s\"", path);
		prune(dir, keep > 0 ? keep : 7);
	}
	return rc;
}

kt_err backup_job(struct app *app, struct db_conn *c, json_t *payload, char *err, size_t errcap)
{
	if (!app->backup_password || !app->data_dir) {
		snprintf(err, errcap, "set KONTAKT_BACKUP_PASSWORD and KONTAKT_DATA_DIR for scheduled backups");
		return ERR_INVALID;
	}
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/backups", app->data_dir);
	return backup_rotate(app->db, dir, app->backup_password, app->backup_keep, err, errcap);
}
