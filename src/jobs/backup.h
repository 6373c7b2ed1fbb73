/* backup.h: encrypted, compressed backups of the whole database.
 *
 * A backup file is a header (magic "KONTAKTB", format version, engine,
 * the argon2id parameters and salt that turn the password into a key,
 * the secretstream header) followed by length-prefixed chunks of
 * XChaCha20-Poly1305 secretstream (libsodium) over a zlib stream of the
 * engine's snapshot (src/db/snapshot.c).  The header is authenticated with
 * every chunk; the last chunk carries the FINAL tag, so a truncated file
 * is detected.  Restore never touches the live database until the whole
 * file has been decrypted and checked. */
#ifndef KT_BACKUP_H
#define KT_BACKUP_H

#include <stddef.h>

#include "core/err.h"
#include "db/db.h"

struct app;
struct db_conn;

/* backup_write: a backup of db into out_path (created, mode 0600);
 * err gets a message for the user on failure. */
kt_err backup_write(struct db *db, const char *out_path, const char *password, char *err, size_t errcap);
/* backup_restore: replaces target's database by the backup in in_path.
 * A wrong password, a damaged or truncated file, or a backup of the other
 * engine is refused with a message in err, and the database is left as it was. */
kt_err backup_restore(const struct db_options *target, const char *in_path, const char *password,
		      char *err, size_t errcap);
/* backup_rotate: the scheduled backup into dir (KONTAKT_DATA_DIR/backups),
 * keeping the newest keep files. */
kt_err backup_rotate(struct db *db, const char *dir, const char *password, int keep, char *err, size_t errcap);

/* backup_job: the "backup" job kind: backup_rotate into
 * app->data_dir/backups with app's password and retention. */
#include <jansson.h>
kt_err backup_job(struct app *app, struct db_conn *c, json_t *payload, char *err, size_t errcap);

#endif
