/* attachments.h: files attached to any record.  The bytes are stored once
 * per content under DATA_DIR/attachments/ab/cd/<sha256>; a row of table
 * attachments (entity, record_id, name, size, sha256, mime) says which
 * record has which file.  Every read and write first checks that the
 * caller may see the record (404 otherwise).  Not here: multipart parsing
 * (src/http/multipart.c), purging files no row names any more. */
#ifndef KT_ATTACHMENTS_H
#define KT_ATTACHMENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/limits.h"
#include "model/record.h"

/* attachments_max_bytes: the upload cap: KONTAKT_ATTACHMENT_MAX_MB
 * (1..LIM_ATTACHMENT_MB_MAX) MiB, LIM_ATTACHMENT_MB_DEFAULT when unset or
 * invalid (*valid, when not NULL, then says whether a value given was
 * used). */
size_t attachments_max_bytes(bool *valid);

/* attachments_sniff: the MIME type of data by its first bytes: PDF, PNG,
 * JPEG, GIF, DOCX, XLSX, ZIP, UTF-8 text, else application/octet-stream.
 * A static string. */
const char *attachments_sniff(const void *data, size_t len);

/* attachments_clean_name: a file name fit to keep and show: the last path
 * segment, strict UTF-8 (bad bytes become '_'), no control, bidi or
 * Windows-reserved characters, no leading dots or trailing dots and
 * blanks, at most LIM_FILE_NAME bytes; "file" when nothing is left.
 * out has room for LIM_FILE_NAME + 1 bytes. */
void attachments_clean_name(const char *in, size_t len, char out[LIM_FILE_NAME + 1]);

/* attachments_disposition: the Content-Disposition value of a download of
 * name (a clean name): attachment; filename="ascii"; filename*=UTF-8''...
 * Written to out (cap bytes, 4 * LIM_FILE_NAME + 64 always suffices). */
void attachments_disposition(const char *name, char *out, size_t cap);

/* attachments_store: writes data to dir/attachments/ab/cd/<sha256> (a temp
 * file, fsync, rename, fsync of the directory) unless that file is there
 * already; sha_hex gets the hash.  ERR_UNAVAILABLE when the disk is full,
 * ERR_IO on other failures (logged). */
kt_err attachments_store(const char *dir, const void *data, size_t len, char sha_hex[65]);

/* attachments_path: the stored file of sha_hex under dir; false when
 * sha_hex is not 64 lower-case hex digits or the path does not fit. */
bool attachments_path(const char *dir, const char *sha_hex, char *out, size_t cap);

/* attachments_check: ERR_OK when entity names an entity that takes
 * attachments, ctx's role may read it (or write it, when write) and the
 * live record record_id is visible to ctx; ERR_BAD_QUERY (field "entity"),
 * ERR_FORBIDDEN or ERR_NOT_FOUND otherwise. */
kt_err attachments_check(struct rec_ctx *ctx, const char *entity, int64_t record_id, bool write);

/* attachments_create: the row of a stored file, after attachments_check
 * (run again here, inside the caller's write transaction).  *out is the
 * attachment as the API shows it. */
kt_err attachments_create(struct rec_ctx *ctx, const char *entity, int64_t record_id, const char *name,
			  int64_t size, const char *sha_hex, const char *mime, json_t **out);

/* attachments_list: a record's attachments, newest first, and max_bytes
 * (the upload cap); params: entity, record_id (required), limit, cursor,
 * trash. */
kt_err attachments_list(struct rec_ctx *ctx, json_t *params, json_t **out);

/* attachments_get: one attachment whose record ctx may see (deleted ones
 * too when with_deleted). */
kt_err attachments_get(struct rec_ctx *ctx, int64_t id, bool with_deleted, json_t **out);

/* attachments_delete / attachments_restore: to the trash and back, for
 * those who may write the record.  Files stay on disk. */
kt_err attachments_delete(struct rec_ctx *ctx, int64_t id);
kt_err attachments_restore(struct rec_ctx *ctx, int64_t id, json_t **out);

#endif
