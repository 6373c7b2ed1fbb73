/* snapshot.c: see snapshot.h.  pg_dump and pg_restore run through
 * posix_spawnp with an argument vector (no shell).  The connection goes to
 * them as a conninfo string without the password, which travels in the
 * child's PGPASSWORD only: a command line is visible to every local user. */
#include "db/snapshot.h"

#include <libpq-fe.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/collate.h"
#include "core/log.h"
#include "db/db_int.h"
#include "db/migrate.h"

extern char **environ;

/* run: runs argv[0] with env (NULL: ours) and waits for it. */
static kt_err run(char *const argv[], char *const env[])
{
	pid_t pid;
	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, env ? env : environ) != 0) {
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

/* A conninfo value in single quotes, \ and ' escaped. */
static kt_err put_quoted(struct buf *b, const char *v)
{
	kt_err rc = buf_putc(b, '\'');
	for (; !rc && *v; v++) {
		if (*v == '\\' || *v == '\'')
			rc = buf_putc(b, '\\');
		if (!rc)
			rc = buf_putc(b, *v);
	}
	return rc ? rc : buf_putc(b, '\'');
}

/* run_pg: runs a PostgreSQL client tool for url: argv holds "@DB@" where
 * the connection (without its password) goes; the password, if any, is
 * put in the child's environment as PGPASSWORD. */
static kt_err run_pg(char *argv[], const char *url)
{
	char *why = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &why);
	if (!opts) {
		log_error("event=bad_pg_url msg=\"%s\"", why ? why : "out of memory");
		PQfreemem(why);
		return ERR_INVALID;
	}
	struct buf conn, pw;
	buf_init(&conn, 64 * 1024);
	buf_init(&pw, 64 * 1024);
	kt_err rc = ERR_OK;
	for (PQconninfoOption *o = opts; !rc && o->keyword; o++) {
		if (!o->val)
			continue;
		if (strcmp(o->keyword, "password") == 0)
			rc = buf_printf(&pw, "PGPASSWORD=%s", o->val);
		else if (!(rc = buf_printf(&conn, "%s%s=", conn.len ? " " : "", o->keyword)))
			rc = put_quoted(&conn, o->val);
	}
	PQconninfoFree(opts);
	/* Our environment without PGPASSWORD, then the URL's, if it has one. */
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 2, sizeof *env);
	if (!rc && !env)
		rc = ERR_NOMEM;
	if (!rc) {
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (strncmp(environ[i], "PGPASSWORD=", 11) != 0 || !pw.len)
				env[k++] = environ[i];
		if (pw.len)
			env[k++] = (char *)buf_cstr(&pw);
		for (char **a = argv; *a; a++)
			if (strcmp(*a, "@DB@") == 0)
				*a = (char *)buf_cstr(&conn);
		rc = run(argv, env);
	}
	free(env);
	if (pw.data)
		explicit_bzero(pw.data, pw.cap);
	buf_clear(&pw);
	buf_clear(&conn);
	return rc;
}

kt_err db_snapshot(struct db *db, const char *path)
{
	if (db->engine == DB_PG) {
		char *argv[] = {"pg_dump", "--format=custom", "--no-owner", "--file", (char *)path,
				"--dbname", "@DB@", NULL};
		return run_pg(argv, db->pg_url);
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
		char *argv[] = {"pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
				"--dbname", "@DB@", (char *)path, NULL};
		return run_pg(argv, target->pg_url);
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
