/* snapshot.c: see snapshot.h.  pg_dump and pg_restore run through
 * posix_spawnp with an argument vector (no shell), the URL passed with
 * --dbname so no password reaches a command line we build. */
#include "db/snapshot.h"

#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/collate.h"
#include "core/log.h"
#include "db/db_int.h"
#include "db/migrate.h"

extern char **environ;

static kt_err run(char *const argv[])
{
	pid_t pid;
	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0) {
		log_error("event=spawn_failed cmd=%s", argv[0]);
		return ERR_IO;
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		log_error("event=command_failed cmd=%s status=%d", argv[0], WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return ERR_IO;
	}
	return ERR_OK;
}

kt_err db_snapshot(struct db *db, const char *path)
{
	if (db->engine == DB_PG) {
		char *const argv[] = {"pg_dump", "--format=custom", "--no-owner", "--file", (char *)path,
				      "--dbname", db->pg_url, NULL};
		return run(argv);
	}
	struct db_conn *c;
	kt_err rc = db_conn_acquire(db, &c);
	if (rc)
		return rc;
	sqlite3_stmt *st = NULL;
	int r = sqlite3_prepare_v2(c->impl, "VACUUM INTO ?", -1, &st, NULL);
	if (r == SQLITE_OK) {
		sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
		r = sqlite3_step(st);
	}
	if (r != SQLITE_DONE) {
		log_error("event=snapshot_failed msg=\"%s\"", sqlite3_errmsg(c->impl));
		rc = r == SQLITE_FULL ? ERR_UNAVAILABLE : ERR_IO;
	}
	sqlite3_finalize(st);
	db_conn_release(c);
	return rc;
}

/* The indexes on names use the collation kt_pl: integrity_check needs it. */
static int check_collate(void *arg, int alen, const void *a, int blen, const void *b)
{
	(void)arg;
	return collate_pl(a, (size_t)alen, b, (size_t)blen);
}

kt_err db_snapshot_check(enum db_engine engine, const char *path)
{
	if (engine == DB_PG)
		return access(path, R_OK) == 0 ? ERR_OK : ERR_IO;
	sqlite3 *h = NULL;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_create_collation(h, "kt_pl", SQLITE_UTF8, NULL, check_collate) != SQLITE_OK) {
		sqlite3_close(h);
		return ERR_INVALID;
	}
	kt_err rc = ERR_INVALID;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0)
		rc = ERR_OK;
	sqlite3_finalize(st);
	st = NULL;
	if (!rc) {
		rc = ERR_INVALID;
		if (sqlite3_prepare_v2(h, "SELECT MAX(version) FROM schema_migrations", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) >= 1 &&
		    sqlite3_column_int(st, 0) <= db_schema_latest())
			rc = ERR_OK;
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return rc;
}

kt_err db_snapshot_install(const struct db_options *target, const char *path)
{
	if (target->pg_url) {
		char *const argv[] = {"pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
				      "--dbname", (char *)target->pg_url, (char *)path, NULL};
		return run(argv);
	}
	char side[4096];
	const char *sfx[] = {"-wal", "-shm"};
	for (int i = 0; i < 2; i++) {
		snprintf(side, sizeof side, "%s%s", target->sqlite_path, sfx[i]);
		unlink(side);
	}
	if (rename(path, target->sqlite_path) != 0)
		return ERR_IO;
	return ERR_OK;
}
