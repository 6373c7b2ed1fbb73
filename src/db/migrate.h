/* migrate.h: versioned schema migrations, applied by `kontakt init` and
 * `kontakt migrate` (and checked by `serve`).  Migrations are numbered,
 * each applied in its own transaction, never edited once landed. */
#ifndef KT_MIGRATE_H
#define KT_MIGRATE_H

#include "db/db.h"

/* db_migrate: applies every pending migration; *applied (may be NULL)
 * gets how many ran.  Safe to run twice and from two processes. */
kt_err db_migrate(struct db *db, int *applied);
/* db_schema_version: the highest applied migration (0 on an empty db). */
kt_err db_schema_version(struct db *db, int *version);
/* db_schema_latest: the highest migration this binary knows. */
int db_schema_latest(void);

#endif
