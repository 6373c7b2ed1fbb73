/* snapshot.h: whole-database copies for backups, per engine: SQLite makes
 * an online, consistent copy with VACUUM INTO while the server keeps
 * serving; PostgreSQL uses pg_dump / pg_restore.  Encryption and
 * compression of the copy are src/jobs/backup.c's business. */
#ifndef KT_SNAPSHOT_H
#define KT_SNAPSHOT_H

#include "db/db.h"

/* db_snapshot: writes a consistent copy of db to path (which must not
 * exist): a SQLite file, or a pg_dump custom-format archive. */
kt_err db_snapshot(struct db *db, const char *path);
/* db_snapshot_check: ERR_OK when path is a sound snapshot of engine
 * (SQLite: integrity check and a Kontakt schema no newer than this
 * binary's); ERR_INVALID otherwise. */
kt_err db_snapshot_check(enum db_engine engine, const char *path);
/* db_snapshot_install: makes a checked snapshot the database: renames a
 * SQLite file over sqlite_path (atomically, dropping the old WAL), or
 * pg_restore's an archive into pg_url. */
kt_err db_snapshot_install(const struct db_options *target, const char *path);

#endif
