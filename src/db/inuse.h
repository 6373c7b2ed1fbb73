/* inuse.h: whether a server is using a database, so that `kontakt restore`
 * does not replace it under a running server (whose later writes would go
 * to the replaced file, or into a database dropped piece by piece).
 * A server holds a shared claim for its whole life, a restore an
 * exclusive one: SQLite a POSIX record lock on PATH.lock, PostgreSQL an
 * advisory lock on a connection of its own.  Not a lock on the data:
 * SQLite and PostgreSQL keep those as always. */
#ifndef KT_INUSE_H
#define KT_INUSE_H

#include <stddef.h>

#include "core/err.h"
#include "db/db.h"

struct db_inuse;

/* db_inuse_serve: the shared claim of a server on o's database, held
 * until db_inuse_free.  ERR_IN_USE with msg ("a restore of ... is under
 * way (pid N)") while a restore holds the exclusive claim; any other
 * failure to claim is logged and answers ERR_OK with *out NULL (a
 * read-only directory must not stop a server). */
kt_err db_inuse_serve(const struct db_options *o, struct db_inuse **out, char *msg, size_t cap);

/* db_inuse_restore: the exclusive claim of a restore, held until
 * db_inuse_free.  ERR_IN_USE with msg ("a server is using ... (pid N)")
 * while any server holds its claim. */
kt_err db_inuse_restore(const struct db_options *o, struct db_inuse **out, char *msg, size_t cap);

/* db_inuse_free: gives the claim up; NULL is fine. */
void db_inuse_free(struct db_inuse *u);

#endif
