/* inuse.c: see inuse.h.  SQLite: fcntl record locks (F_RDLCK for a
 * server, F_WRLCK for a restore) on PATH.lock, a file nobody else opens
 * in these processes, so closing another descriptor cannot drop them;
 * F_GETLK names the holder's pid.  PostgreSQL: the advisory lock
 * INUSE_KEY of the database, shared or exclusive, on a connection kept
 * for that alone (application_name says whose). */
#include "db/inuse.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"

#define INUSE_KEY "1265594996" /* "Kont" */

struct db_inuse {
	int fd;	    /* SQLite: the lock file, or -1 */
	PGconn *pg; /* PostgreSQL: the connection holding the lock */
	char *made; /* SQLite: the lock file's path when this claim created it */
};

static kt_err sqlite_claim(const char *path, short type, struct db_inuse **out, char *msg,
			   size_t cap)
{
	char lock[4200];
	if ((size_t)snprintf(lock, sizeof lock, "%s.lock", path) >= sizeof lock)
		return ERR_INVALID;
	/* A restore that finds no lock file makes one for its own time and
	 * removes it after (while it holds the exclusive lock no server can
	 * have taken it): a restore leaves nothing next to the database. */
	bool made = false;
	int fd = open(lock, type == F_WRLCK ? O_RDWR | O_CLOEXEC : O_RDWR | O_CREAT | O_CLOEXEC,
		      0600);
	if (fd < 0 && errno == ENOENT && type == F_WRLCK) {
		fd = open(lock, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		made = fd >= 0;
	}
	if (fd < 0) {
		log_warn("event=inuse_lock_unavailable path=\"%s\" err=\"%s\"", lock,
			 strerror(errno));
		return ERR_OK;
	}
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
	if (fcntl(fd, F_SETLK, &fl) == 0) {
		struct db_inuse *u = calloc(1, sizeof *u);
		if (!u || (made && !(u->made = strdup(lock)))) {
			if (made)
				unlink(lock);
			free(u);
			close(fd);
			return ERR_NOMEM;
		}
		u->fd = fd;
		*out = u;
		return ERR_OK;
	}
	int e = errno;
	if (made)
		unlink(lock);
	if (e != EACCES && e != EAGAIN) {
		log_warn("event=inuse_lock_unavailable path=\"%s\" err=\"%s\"", lock, strerror(e));
		close(fd);
		return ERR_OK;
	}
	struct flock who = {.l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
	long pid = fcntl(fd, F_GETLK, &who) == 0 && who.l_type != F_UNLCK ? (long)who.l_pid : 0;
	close(fd);
	char p[32] = "";
	if (pid > 0)
		snprintf(p, sizeof p, " (pid %ld)", pid);
	if (type == F_WRLCK)
		snprintf(msg, cap, "a server is using %s%s", path, p);
	else
		snprintf(msg, cap, "a restore of %s is under way%s", path, p);
	return ERR_IN_USE;
}

/* pg_value: the one value of a one-row query on pg, copied to out. */
static bool pg_value(PGconn *pg, const char *sql, char *out, size_t cap)
{
	PGresult *r = PQexec(pg, sql);
	bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	if (ok)
		snprintf(out, cap, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return ok;
}

static kt_err pg_claim(const char *url, bool restore, struct db_inuse **out, char *msg, size_t cap)
{
	const char *const keys[] = {"dbname", "application_name", NULL};
	const char *const vals[] = {url, restore ? "kontakt restore" : "kontakt serve", NULL};
	PGconn *pg = PQconnectdbParams(keys, vals, 1);
	if (!pg || PQstatus(pg) != CONNECTION_OK) {
		/* db_open names the cause when it fails the same way. */
		log_warn("event=inuse_lock_unavailable engine=postgresql");
		PQfinish(pg);
		snprintf(msg, cap, "cannot connect to the PostgreSQL database");
		return restore ? ERR_IO : ERR_OK;
	}
	char got[64] = "", db[128] = "";
	bool ok = pg_value(pg,
			   restore ? "SELECT pg_try_advisory_lock(" INUSE_KEY ")"
				   : "SELECT pg_try_advisory_lock_shared(" INUSE_KEY ")",
			   got, sizeof got);
	if (ok && strcmp(got, "t") == 0) {
		struct db_inuse *u = calloc(1, sizeof *u);
		if (!u) {
			PQfinish(pg);
			return ERR_NOMEM;
		}
		u->fd = -1;
		u->pg = pg;
		*out = u;
		return ERR_OK;
	}
	if (!ok) {
		log_warn("event=inuse_lock_unavailable engine=postgresql");
		PQfinish(pg);
		snprintf(msg, cap, "cannot lock the PostgreSQL database against servers");
		return restore ? ERR_IO : ERR_OK;
	}
	char n[32] = "?";
	pg_value(
		pg,
		"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = " INUSE_KEY
		" AND objsubid = 1 AND pid <> pg_backend_pid()"
		" AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
		n, sizeof n);
	pg_value(pg, "SELECT current_database()", db, sizeof db);
	PQfinish(pg);
	if (restore)
		snprintf(msg, cap, "%s server%s using the PostgreSQL database %s", n,
			 strcmp(n, "1") == 0 ? " is" : "s are", db);
	else
		snprintf(msg, cap, "a restore of the PostgreSQL database %s is under way", db);
	return ERR_IN_USE;
}

kt_err db_inuse_serve(const struct db_options *o, struct db_inuse **out, char *msg, size_t cap)
{
	*out = NULL;
	return o->pg_url ? pg_claim(o->pg_url, false, out, msg, cap)
			 : sqlite_claim(o->sqlite_path, F_RDLCK, out, msg, cap);
}

kt_err db_inuse_restore(const struct db_options *o, struct db_inuse **out, char *msg, size_t cap)
{
	*out = NULL;
	return o->pg_url ? pg_claim(o->pg_url, true, out, msg, cap)
			 : sqlite_claim(o->sqlite_path, F_WRLCK, out, msg, cap);
}

void db_inuse_free(struct db_inuse *u)
{
	if (!u)
		return;
	if (u->made)
		unlink(u->made);
	if (u->fd >= 0)
		close(u->fd);
	free(u->made);
	PQfinish(u->pg);
	free(u);
}
