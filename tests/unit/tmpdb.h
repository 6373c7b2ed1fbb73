/* tmpdb.h: a migrated SQLite database in a fresh temporary directory (under
 * $TMPDIR) for the unit tests that need a real one, and its removal with
 * its WAL files.  Header-only: each test program includes it once. */
#ifndef KT_TEST_TMPDB_H
#define KT_TEST_TMPDB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "db/db.h"
#include "db/migrate.h"

struct tmpdb {
	char dir[256];
	char path[300];
	struct db *db;
};

/* tmpdb_open: creates and migrates t (tag names the directory, pool the
 * connections); 0 on success, -1 otherwise. */
static inline int tmpdb_open(struct tmpdb *t, const char *tag, int pool)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(t->dir, sizeof t->dir, "%s/kt-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->path, sizeof t->path, "%s/t.db", t->dir);
	struct db_options o = {.sqlite_path = t->path, .pool_size = pool, .create = true};
	return db_open(&o, &t->db) || db_migrate(t->db, NULL) ? -1 : 0;
}

/* tmpdb_close: frees the database and removes its files and directory. */
static inline void tmpdb_close(struct tmpdb *t)
{
	db_free(t->db);
	char p[400];
	const char *sfx[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", t->path, sfx[i]);
		unlink(p);
	}
	rmdir(t->dir);
}

#endif
